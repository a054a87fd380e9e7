package wechatpaytest

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
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

// FuzzV2Upload posts arbitrary multipart bodies to secapi/mch/uploadmedia
// and arbitrary queries to the APIv2 GETs: every upload answer is APIv2
// XML, and SUCCESS means the form's sign verified and media_hash matched.
func FuzzV2Upload(f *testing.F) {
	s := NewServer()
	f.Cleanup(s.Close)
	const boundary = "fuzzboundary"
	f.Add([]byte("--fuzzboundary\r\nContent-Disposition: form-data; name=\"mch_id\"\r\n\r\n"+s.MchID+"\r\n--fuzzboundary\r\nContent-Disposition: form-data; name=\"media\"; filename=\"a.png\"\r\n\r\nPNG\r\n--fuzzboundary--\r\n"), "mch_id=1&sign=X&mch_id=2")
	f.Add([]byte("--fuzzboundary--"), "sign_type=MD5&appid=wx1")
	h := s.rootHandler()
	f.Fuzz(func(t *testing.T, body []byte, query string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptestRequest(body, boundary))
		ans, err := v2xml.Decode(rec.Body.Bytes())
		if err != nil {
			t.Fatalf("the upload answer is not APIv2 XML: %v (%q)", err, rec.Body.Bytes())
		}
		if ans["return_code"] == "SUCCESS" {
			fields, file, err := readV2Upload(httptestRequest(body, boundary))
			sum := md5.Sum(file)
			if err != nil || signer.VerifyV2(fields, s.APIv2Key, fields["sign_type"]) != nil || !strings.EqualFold(fields["media_hash"], hex.EncodeToString(sum[:])) {
				t.Fatalf("SUCCESS for an upload that should fail: %q", body)
			}
		}
		for _, path := range []string{"/appauth/getaccesstoken", "/papay/entrustweb", "/appauth/authindex"} {
			rec := httptest.NewRecorder()
			r := httptest.NewRequest("GET", "/", nil)
			r.URL.Path, r.URL.RawQuery = path, query
			h.ServeHTTP(rec, r)
			if rec.Code >= 500 {
				t.Fatalf("GET %s?%s: %d", path, query, rec.Code)
			}
		}
	})
}

// httptestRequest is an upload request with body.
func httptestRequest(body []byte, boundary string) *http.Request {
	req := httptest.NewRequest("POST", "/secapi/mch/uploadmedia", bytes.NewReader(body))
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	return req
}
