package wechatpaytest_test

import (
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// FuzzParseOutcome: any header value is refused or read as an error status
// with a valid code, and what String writes reads back the same.
func FuzzParseOutcome(f *testing.F) {
	for _, s := range []string{"status=500, code=SYSTEM_ERROR", "code=NOT_ENOUGH", "status=429", "status=503,code=X,message=busy now",
		"example=a", "status=200", "", ",,,", "status=5e2", "code=a=b", "message=x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		o, err := wechatpaytest.ParseOutcome(v)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "wechatpaytest: "+wechatpaytest.OutcomeHeader+": ") {
				t.Errorf("error %q lacks the prefix", err)
			}
			return
		}
		if o.Status < 400 || o.Status > 599 || o.Code == "" || strings.Trim(o.Code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != "" {
			t.Errorf("ParseOutcome(%q) = %+v", v, o)
		}
		back, err := wechatpaytest.ParseOutcome(o.String())
		if err != nil || back != o {
			t.Errorf("ParseOutcome(%q) = %+v, its String %q reads %+v, %v", v, o, o.String(), back, err)
		}
	})
}
