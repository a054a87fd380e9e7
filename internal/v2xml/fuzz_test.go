package v2xml_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/internal/v2xml"
)

// FuzzDecode feeds arbitrary documents to Decode. It must never panic; every
// error must match ErrMalformed; what it accepts must survive Encode and
// Decode unchanged, and ToJSON must give a JSON object of the same strings.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`<xml><return_code><![CDATA[SUCCESS]]></return_code><total_fee>1</total_fee></xml>`,
		`<?xml version="1.0" encoding="UTF-8"?><root><a>x&amp;y</a><b/></root>`,
		`<xml><a>1</a><a>2</a></xml>`,
		`<!DOCTYPE xml [<!ENTITY x "y">]><xml><a>&x;</a></xml>`,
		`<xml><hblist><hbinfo><openid>o</openid></hbinfo></hblist></xml>`,
		"<xml><a>x\r\ny</a><b>&#xD;</b><c><![CDATA[]]]]><![CDATA[>]]></c></xml>",
		`<xml><?x y?></xml>`,
		`<xml a="1"><!-- c --></xml>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := v2xml.Decode(data)
		if err != nil {
			if !errors.Is(err, v2xml.ErrMalformed) {
				t.Fatalf("error does not match ErrMalformed: %v", err)
			}
			return
		}
		enc, err := v2xml.Encode(m)
		if err != nil {
			t.Fatalf("Encode of decoded fields %q: %v", m, err)
		}
		back, err := v2xml.Decode(enc)
		if err != nil {
			t.Fatalf("Decode(Encode(%q)) = %v\n%s", m, err, enc)
		}
		if diff := cmp.Diff(m, back); diff != "" {
			t.Fatalf("Decode(Encode) changed the fields (-first +again):\n%s\n%s", diff, enc)
		}
		var j map[string]string
		if err := json.Unmarshal(v2xml.ToJSON(m), &j); err != nil {
			t.Fatalf("ToJSON is not an object of strings: %v", err)
		}
		if diff := cmp.Diff(m, j); diff != "" {
			t.Fatalf("ToJSON (-fields +json):\n%s", diff)
		}
	})
}
