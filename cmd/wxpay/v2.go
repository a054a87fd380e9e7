package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/internal/v2xml"
	"github.com/chainpay-go/wechatpay/signer"
)

// isV2Template reports whether a call goes to APIv2 (XML): its template
// starts with the v2 segment, as the catalogue writes them.
func isV2Template(t string) bool {
	t = strings.TrimLeft(t, "/")
	return t == "v2" || strings.HasPrefix(t, "v2/")
}

// xmlFields turns the JSON object the items built into APIv2 fields:
// strings as they are, numbers and booleans as typed (total_fee:=1 is
// "1"), objects and arrays (detail, scene_info, which hold JSON) as their
// JSON text.
func xmlFields(body []byte) (map[string]string, error) {
	fields := map[string]string{}
	if body == nil {
		return fields, nil
	}
	root := gjson.ParseBytes(body)
	if !root.IsObject() {
		return nil, usageErrorf("an APIv2 body is an object of fields, not %s", root.Type)
	}
	var err error
	root.ForEach(func(k, v gjson.Result) bool {
		switch v.Type {
		case gjson.String:
			fields[k.String()] = v.String()
		case gjson.Null:
			err = usageErrorf("field %q: null has no APIv2 form (leave the field out)", k.String())
			return false
		default:
			fields[k.String()] = v.Raw
		}
		return true
	})
	return fields, err
}

// answerJSON is what goes to stdout for an answer body: an APIv2 answer's
// fields as a JSON object, any other body as it is.
func answerJSON(body []byte) []byte {
	if f, err := v2xml.Decode(body); err == nil {
		return v2xml.ToJSON(f)
	}
	return body
}

// signV2Options are the flags of wxpay sign v2.
type signV2Options struct {
	body     string
	signType string
}

func (a *app) signV2Command() *cobra.Command {
	o := &signV2Options{}
	c := &cobra.Command{
		Use:   "v2 [--body XML|@FILE|-] [ITEM...]",
		Short: "Compute the APIv2 signature (MD5 or HMAC-SHA256) of a body",
		Long: `v2 prints {"sign_type": …, "sign": …}: the APIv2 signature of the fields of an
XML body (--body, inline, @FILE or - for stdin) or of name=value / name:=<json>
items, with the APIv2 key (--apiv2-key or $WECHATPAY_APIV2_KEY). A sign field
in the body is left out of the signed string, as the protocol says; the
algorithm is --sign-type, else the body's sign_type, else MD5.`,
		Example: `  wxpay sign v2 appid=wxd678efh567hg6787 mch_id=1900000001 nonce_str=5K8264ILTKCH16CQ2502SI8ZNMTM67VS body=test total_fee:=1
  wxpay sign v2 --body @request.xml --sign-type HMAC-SHA256`,
		RunE: func(c *cobra.Command, args []string) error { return a.runSignV2(c, o, args) },
	}
	c.Flags().StringVar(&o.body, "body", "", "the XML body: inline, @FILE, or - for stdin")
	c.Flags().StringVar(&o.signType, "sign-type", "", "MD5 or HMAC-SHA256 (default: the body's sign_type, else MD5)")
	c.Flags().StringVar(&a.pretty, "pretty", string(prettyAuto), "stdout JSON: auto, all, format, colors, none")
	return c
}

func (a *app) runSignV2(c *cobra.Command, o *signV2Options, args []string) error {
	mode, err := parsePrettyMode(a.pretty)
	if err != nil {
		return err
	}
	var fields map[string]string
	switch {
	case o.body != "" && len(args) > 0:
		return usageErrorf("give the fields either as --body or as items, not both")
	case o.body != "":
		data, err := a.readBodyArg(o.body)
		if err != nil {
			return err
		}
		if fields, err = v2xml.Decode(data); err != nil {
			return usageErrorf("--body: %w", err)
		}
	default:
		req, err := buildRequest(args, nil, nil)
		if err != nil {
			return err
		}
		if len(req.Query) > 0 || len(req.Header) > 0 {
			return usageErrorf("an APIv2 signature covers body fields only: use name=value or name:=<json>")
		}
		if fields, err = xmlFields(req.Body); err != nil {
			return err
		}
	}
	if len(fields) == 0 {
		return usageErrorf("no fields to sign: give --body or name=value items")
	}
	s, err := a.g.resolve(c.Flags(), a.env)
	if err != nil {
		return err
	}
	if err := s.need(setAPIv2Key); err != nil {
		return err
	}
	st := o.signType
	if st == "" {
		st = fields["sign_type"]
	}
	if st == "" {
		st = signer.SignTypeMD5
	}
	sign, err := signer.SignV2(fields, s.APIv2Key, st)
	if err != nil {
		if errors.Is(err, signer.ErrUnknownAlgorithm) {
			return usageErrorf("--sign-type %q: want MD5 or HMAC-SHA256", st)
		}
		return &configError{err: err}
	}
	out, err := json.Marshal(map[string]string{"sign_type": st, "sign": sign})
	if err != nil {
		return err
	}
	return writeBody(a.stdout, append(out, '\n'), mode)
}

// readBodyArg reads a body flag: @FILE, - for stdin, or the value itself.
func (a *app) readBodyArg(v string) ([]byte, error) {
	var (
		data []byte
		err  error
	)
	switch {
	case v == "-":
		data, err = io.ReadAll(io.LimitReader(a.stdin, v2xml.MaxSize+1))
	case strings.HasPrefix(v, "@"):
		var f *os.File
		if f, err = os.Open(v[1:]); err == nil {
			data, err = io.ReadAll(io.LimitReader(f, v2xml.MaxSize+1))
			f.Close()
		}
	default:
		data = []byte(v)
	}
	if err != nil {
		return nil, fmt.Errorf("--body: %w", err)
	}
	return data, nil
}
