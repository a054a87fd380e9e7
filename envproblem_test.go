package wechatpay_test

import (
	"errors"
	"testing"

	"github.com/chainpay-go/wechatpay"
)

func TestEnvProblemNamesVariable(t *testing.T) {
	t.Parallel()
	env := map[string]string{wechatpay.EnvMchID: "1900000109", wechatpay.EnvSerial: "not a serial!"}
	_, err := wechatpay.ConfigFromLookup(func(n string) string { return env[n] })
	var ee *wechatpay.EnvError
	if !errors.As(err, &ee) {
		t.Fatalf("err = %v, want *EnvError", err)
	}
	var got []string
	for _, p := range ee.Problems {
		var ep *wechatpay.EnvProblem
		if errors.As(p, &ep) {
			got = append(got, ep.Var)
		}
	}
	if len(got) != 1 || got[0] != wechatpay.EnvSerial {
		t.Errorf("EnvProblem vars = %q, want [%q] (err: %v)", got, wechatpay.EnvSerial, err)
	}
}
