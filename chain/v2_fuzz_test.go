package chain

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/internal/v2xml"
	"github.com/chainpay-go/wechatpay/signer"
)

// FuzzClassifyV2 reads arbitrary APIv2 answers of a signed and an unsigned
// operation: never a panic, only the documented error types, and a
// Response counts as verified only when its sign is SignV2's over its
// fields as v2xml reads them.
func FuzzClassifyV2(f *testing.F) {
	key := strings.Repeat("k", 32)
	ok := map[string]string{"return_code": "SUCCESS", "result_code": "SUCCESS", "total_fee": "1"}
	ok["sign"], _ = signer.SignV2(ok, key, "")
	body, _ := v2xml.Encode(ok)
	f.Add(body, true)
	f.Add([]byte("<xml><return_code>FAIL</return_code><return_msg>x</return_msg></xml>"), true)
	f.Add([]byte("<xml><return_code>SUCCESS</return_code><result_code>SUCCESS</result_code><result_code>FAIL</result_code></xml>"), false)
	f.Add([]byte("a,b\n1,2\n"), false)
	c := newTestClient(f)
	c.apiv2Key = key
	f.Fuzz(func(t *testing.T, body []byte, signed bool) {
		req := &request{method: "POST", template: "v2/pay/orderquery", v2: &v2Call{signed: signed}}
		hr := &http.Response{StatusCode: 200, Header: http.Header{}}
		resp, err := c.classifyV2(req, hr, body)
		var ae *APIError
		var ve *VerifyError
		switch {
		case err == nil:
			if resp.Verified {
				fields, derr := v2xml.Decode(body)
				if derr != nil || signer.VerifyV2(fields, key, "") != nil {
					t.Fatalf("verified an answer whose sign does not verify: %q", body)
				}
			} else if signed {
				if fields, derr := v2xml.Decode(body); derr == nil && fields["return_code"] == "SUCCESS" {
					t.Fatalf("a SUCCESS answer of a signed operation passed unverified: %q", body)
				}
			}
		case errors.As(err, &ae), errors.As(err, &ve):
		default:
			t.Fatalf("undocumented error %T: %v", err, err)
		}
	})
}
