package notify_test

import (
	"bytes"
	"crypto/aes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/signer"
)

// FuzzV2ParsePayment feeds arbitrary bodies to the APIv2 payment parser
// (XML parsing and signature check). It must never panic and must fail
// only with its documented sentinels; what it accepts must carry a sign that
// an independent computation confirms, and a second XML reader
// (encoding/xml's Unmarshal) must see exactly one return_code, result_code
// and sign, with the values the parser returned: a body that could be read
// one way and verified the other is never accepted.
func FuzzV2ParsePayment(f *testing.F) {
	p := v2Parser(f, notify.WithMaxBodySize(8192))
	failed := v2Generate(f, map[string]string{"out_trade_no": "T1", "result_code": "FAIL"})
	for _, s := range []string{
		v2PaymentBody,
		v2PaymentHMAC,
		failed,
		strings.Replace(failed, "</xml>", "<result_code>SUCCESS</result_code></xml>", 1),
		strings.Replace(v2PaymentBody, "<xml>", `<!DOCTYPE xml [<!ENTITY x "y">]><xml>`, 1),
		strings.Replace(v2PaymentBody, "<![CDATA[CFT]]>", "C<!-- c -->FT", 1),
		`<xml><sign>X</sign></xml>`,
		``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		n, err := p.ParsePaymentRaw(body)
		if err != nil {
			if n != nil {
				t.Fatal("notification returned with an error")
			}
			for _, want := range []error{notify.ErrMalformed, notify.ErrBodyTooLarge, signer.ErrBadSignature} {
				if errors.Is(err, want) {
					return
				}
			}
			t.Fatalf("unexpected error %v", err)
		}
		if want := independentSignV2(n.Fields, testAPIv2Key, n.Fields["sign_type"]); !strings.EqualFold(n.Fields["sign"], want) {
			t.Fatalf("accepted sign %q; the fields sign to %q", n.Fields["sign"], want)
		}
		var second struct {
			ReturnCode []string `xml:"return_code"`
			ResultCode []string `xml:"result_code"`
			Sign       []string `xml:"sign"`
		}
		if err := xml.Unmarshal(body, &second); err != nil {
			t.Fatalf("accepted a body encoding/xml cannot read: %v", err)
		}
		for name, got := range map[string][]string{"return_code": second.ReturnCode, "result_code": second.ResultCode, "sign": second.Sign} {
			if len(got) != 1 || got[0] != n.Fields[name] {
				t.Fatalf("encoding/xml reads %s as %q, the parser as %q", name, got, n.Fields[name])
			}
		}
	})
}

// FuzzV2ParseRefund feeds arbitrary bodies to the APIv2 refund parser. It
// must never panic and must fail only with its documented sentinels; what it
// accepts must be req_info decrypted independently (AES-256-ECB written out
// here) to exactly InfoXML.
func FuzzV2ParseRefund(f *testing.F) {
	p := v2Parser(f, notify.WithMaxBodySize(8192))
	other, err := notify.GenerateV2Refund(nil, map[string]string{"out_refund_no": "R1", "refund_status": "SUCCESS"}, strings.Repeat("k", 32))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		v2RefundBody,
		string(other),
		strings.Replace(v2RefundBody, "tA==]]>", "]]>", 1),
		`<xml><return_code>SUCCESS</return_code><req_info>AAAAAAAAAAAAAAAAAAAAAA==</req_info></xml>`,
		``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		n, err := p.ParseRefundRaw(body)
		if err != nil {
			for _, want := range []error{notify.ErrMalformed, notify.ErrBodyTooLarge, signer.ErrAPIv2Key} {
				if errors.Is(err, want) {
					return
				}
			}
			t.Fatalf("unexpected error %v", err)
		}
		if plain := independentDecryptECB(t, n.Fields["req_info"], testAPIv2Key); !bytes.Equal(plain, n.InfoXML) {
			t.Fatalf("InfoXML %q; req_info decrypts to %q", n.InfoXML, plain)
		}
		if n.Info["out_refund_no"] == "" || n.Info["refund_status"] == "" || n.Fields["return_code"] != "SUCCESS" {
			t.Fatalf("accepted refund %+v", n)
		}
	})
}

// independentSignV2 computes the APIv2 sign without package signer.
func independentSignV2(fields map[string]string, key, signType string) string {
	var names []string
	for k, v := range fields {
		if k != "sign" && v != "" {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	var b strings.Builder
	for _, k := range names {
		b.WriteString(k + "=" + fields[k] + "&")
	}
	b.WriteString("key=" + key)
	if signType == "HMAC-SHA256" {
		m := hmac.New(sha256.New, []byte(key))
		m.Write([]byte(b.String()))
		return strings.ToUpper(hex.EncodeToString(m.Sum(nil)))
	}
	sum := md5.Sum([]byte(b.String()))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// independentDecryptECB decrypts req_info without package signer.
func independentDecryptECB(t *testing.T, reqInfo, apiv2Key string) []byte {
	sum := md5.Sum([]byte(apiv2Key))
	block, err := aes.NewCipher([]byte(hex.EncodeToString(sum[:])))
	if err != nil {
		t.Fatal(err)
	}
	ct, err := base64.StdEncoding.DecodeString(reqInfo)
	if err != nil || len(ct) == 0 || len(ct)%16 != 0 {
		t.Fatalf("accepted req_info that is not base64 of whole blocks: %v", err)
	}
	for i := 0; i < len(ct); i += 16 {
		block.Decrypt(ct[i:i+16], ct[i:i+16])
	}
	return ct[:len(ct)-int(ct[len(ct)-1])]
}
