package main

import (
	"encoding/json"
	"strings"

	"github.com/spf13/cobra"

	"github.com/chainpay-go/wechatpay/signer"
)

// runSign prints the front-end pay-sign parameters for a prepay_id.
func (a *app) runSign(c *cobra.Command, o *signOptions, app bool) error {
	mode, err := parsePrettyMode(a.pretty)
	if err != nil {
		return err
	}
	if o.appID == "" {
		return usageErrorf("missing --appid")
	}
	if o.prepayID == "" {
		return usageErrorf("missing --prepay-id")
	}
	if bare, ok := strings.CutPrefix(o.prepayID, "prepay_id="); ok {
		return usageErrorf("--prepay-id: give the bare prepay_id (%s), not the package string", bare)
	}
	s, err := a.g.resolve(c.Flags(), a.env)
	if err != nil {
		return err
	}
	if app {
		if err := s.need(setMchID); err != nil {
			return err
		}
	}
	key, err := s.loadPrivateKey()
	if err != nil {
		return err
	}
	sg, err := signer.NewRSASigner(key)
	if err != nil {
		return err
	}
	var v any
	if app {
		v, err = signer.SignAPP(c.Context(), sg, o.appID, s.MchID, o.prepayID)
	} else {
		v, err = signer.SignJSAPI(c.Context(), sg, o.appID, o.prepayID)
	}
	if err != nil {
		return err
	}
	out, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return writeBody(a.stdout, append(out, '\n'), mode)
}
