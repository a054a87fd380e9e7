package wechatpaytest

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"github.com/chainpay-go/wechatpay/internal/v2xml"
	"github.com/chainpay-go/wechatpay/signer"
)

// FuzzV2Server posts arbitrary bodies to the APIv2 routes: every answer is
// an APIv2 XML document, and a SUCCESS answer means the request's sign
// verified.
func FuzzV2Server(f *testing.F) {
	s := NewServer()
	f.Cleanup(s.Close)
	paths := []string{"pay/micropay", "pay/orderquery", "secapi/pay/refund", "pay/refundquery", "mmpaymkttransfers/sendredpack",
		"mmpaymkttransfers/promotion/transfers", "pay/closeorder", "pay/downloadbill"}
	ok := map[string]string{"appid": "wx1", "mch_id": s.MchID, "nonce_str": "n", "out_trade_no": "F1"}
	ok["sign"], _ = signer.SignV2(ok, s.APIv2Key, "")
	body, _ := v2xml.Encode(ok)
	f.Add(body, uint8(1))
	f.Add([]byte("<!DOCTYPE x><xml/>"), uint8(0))
	f.Add([]byte("<xml><a>1</a><a>2</a></xml>"), uint8(2))
	h := s.rootHandler()
	f.Fuzz(func(t *testing.T, body []byte, p uint8) {
		path := paths[int(p)%len(paths)]
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/"+path, bytes.NewReader(body)))
		ans, err := v2xml.Decode(rec.Body.Bytes())
		if err != nil {
			t.Fatalf("%s: the answer is not APIv2 XML: %v (%q)", path, err, rec.Body.Bytes())
		}
		if ans["return_code"] == "SUCCESS" {
			req, err := v2xml.Decode(body)
			if err != nil || signer.VerifyV2(req, s.APIv2Key, req["sign_type"]) != nil {
				t.Fatalf("%s: SUCCESS for a request whose sign does not verify: %q", path, body)
			}
		}
	})
}
