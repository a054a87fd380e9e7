package main

import (
	"net/http"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
)

// clientNeeds tells newClient which settings the command requires.
type clientNeeds int

const (
	needVerifyKeys clientNeeds = iota // a call: answers must be verifiable
	needAPIv3Key                      // bootstrap (certificates download): the APIv3 key instead
)

// newClient builds a client from the settings (read by
// wechatpay.ConfigFromLookup, see settings.config); -v wraps its transport
// so that request and response heads go to stderr.
func (a *app) newClient(s *settings, needs clientNeeds) (*chain.Client, error) {
	u := useCall
	if needs == needAPIv3Key {
		u = useBootstrap
	}
	cfg, err := s.config(u)
	if err != nil {
		return nil, err
	}
	var rt http.RoundTripper = http.DefaultTransport.(*http.Transport).Clone()
	if a.g.verbose {
		rt = &verboseTransport{next: rt, w: a.stderr}
	}
	cfg.HTTPClient = &http.Client{Transport: rt}
	cfg.UserAgent = "wxpay/" + chain.Version
	cfg.Timeout = a.g.timeout
	c, err := wechatpay.New(cfg)
	if err != nil {
		return nil, &configError{err: err}
	}
	return c, nil
}
