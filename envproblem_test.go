package wechatpay_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay"
)

// TestEnvProblemNamesVariable: every problem is an *EnvProblem naming its
// variable; those about a variable not set match ErrMissingEnv and name the
// variable to set.
func TestEnvProblemNamesVariable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		env              map[string]string
		malformed, unset []string
	}{
		{"malformed serial", map[string]string{wechatpay.EnvMchID: "1900000109", wechatpay.EnvSerial: "not a serial!"},
			[]string{wechatpay.EnvSerial}, []string{wechatpay.EnvPrivateKey, wechatpay.EnvPlatformCerts}},
		{"key id without key", map[string]string{wechatpay.EnvPublicKeyID: "PUB_KEY_ID_01"},
			nil, []string{wechatpay.EnvMchID, wechatpay.EnvSerial, wechatpay.EnvPrivateKey, wechatpay.EnvPublicKey}},
		{"key without id", map[string]string{wechatpay.EnvPublicKey: "/k.pem", wechatpay.EnvClientKey: "/c.pem"},
			nil, []string{wechatpay.EnvMchID, wechatpay.EnvSerial, wechatpay.EnvPrivateKey, wechatpay.EnvPublicKeyID, wechatpay.EnvClientCert}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := wechatpay.ConfigFromLookup(func(n string) string { return tt.env[n] })
			var ee *wechatpay.EnvError
			if !errors.As(err, &ee) {
				t.Fatalf("err = %v, want *EnvError", err)
			}
			var malformed, unset []string
			for _, p := range ee.Problems {
				var ep *wechatpay.EnvProblem
				switch {
				case !errors.As(p, &ep):
					t.Errorf("problem %v is not an *EnvProblem", p)
				case errors.Is(p, wechatpay.ErrMissingEnv):
					unset = append(unset, ep.Var)
				default:
					malformed = append(malformed, ep.Var)
				}
			}
			if diff := cmp.Diff(tt.malformed, malformed); diff != "" {
				t.Errorf("malformed (-want +got):\n%s\n%v", diff, err)
			}
			if diff := cmp.Diff(tt.unset, unset); diff != "" {
				t.Errorf("not set (-want +got):\n%s\n%v", diff, err)
			}
		})
	}
}
