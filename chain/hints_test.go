package chain_test

import (
	"context"
	"crypto/rsa"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/signer"
)

// TestConfigurationMistakeHints: the errors of issue 12's configuration
// mistakes say what to check, and name the host and the template, never
// the path values.
func TestConfigurationMistakeHints(t *testing.T) {
	t.Parallel()
	const tpl, value = "v3/pay/transactions/out-trade-no/{out_trade_no}", "Secret-Order-7"
	opts := chain.O{"out_trade_no": value}

	t.Run("private key of another certificate", func(t *testing.T) {
		t.Parallel()
		// The gateway checks signatures with the merchant key: signing with
		// another key gets its 401 SIGN_ERROR.
		_, c := setup(t, nil, func(o *chain.Config) { o.Signer, o.PrivateKey = nil, platformKey })
		_, err := c.Chain(tpl).Get(context.Background(), opts)
		var ae *chain.APIError
		if !errors.As(err, &ae) || ae.StatusCode != 401 || ae.Code != "SIGN_ERROR" {
			t.Fatalf("want a 401 SIGN_ERROR APIError, got %v", err)
		}
		if ae.Serial != testMerchantSerial || !strings.Contains(ae.Hint, "Config.PrivateKey and Config.Serial belong to the same merchant API certificate") {
			t.Errorf("Serial %q, Hint %q", ae.Serial, ae.Hint)
		}
		for _, want := range []string{"chain: GET " + c.BaseURL() + tpl + ": 401 SIGN_ERROR", ae.Hint, "serial sent: " + testMerchantSerial} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("message %q does not contain %q", err, want)
			}
		}
		if strings.Contains(err.Error(), value) {
			t.Errorf("message %q names the path value", err)
		}
	})

	t.Run("wrong platform key", func(t *testing.T) {
		t.Parallel()
		_, c := setup(t, nil, func(o *chain.Config) {
			o.PlatformKeys = map[string]*rsa.PublicKey{testPlatformSerial: &merchantKey.PublicKey}
		})
		_, err := c.Chain(tpl).Get(context.Background(), opts)
		var ve *chain.VerifyError
		if !errors.As(err, &ve) || !errors.Is(err, signer.ErrBadSignature) {
			t.Fatalf("want a VerifyError for a bad signature, got %v", err)
		}
		for _, want := range []string{"chain: GET " + c.BaseURL() + tpl + ": answer failed verification", testPlatformSerial, "Config.PlatformKeys", "refresh the certificates"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("message %q does not contain %q", err, want)
			}
		}
		// The hint about re-serialised JSON is for callback code.
		if strings.Contains(err.Error(), "re-serialised") || strings.Contains(err.Error(), value) {
			t.Errorf("message %q gives the callback hint or names the path value", err)
		}
	})

	t.Run("signer fails", func(t *testing.T) {
		t.Parallel()
		_, c := setup(t, nil, func(o *chain.Config) { o.Signer = failingSigner{} })
		_, err := c.Chain(tpl).Get(context.Background(), opts)
		if err == nil || !strings.Contains(err.Error(), "chain: GET "+c.BaseURL()+tpl+": signing: ") || strings.Contains(err.Error(), value) {
			t.Errorf("message %q: want the call named by its template, without the path value", err)
		}
	})

	t.Run("unknown serial has no key hint", func(t *testing.T) {
		t.Parallel()
		_, c := setup(t, func(seen, int) reply { return reply{Body: okBody, Serial: "PUB_KEY_ID_0000000000000000000000000099"} })
		_, err := c.Chain(tpl).Get(context.Background(), opts)
		var ve *chain.VerifyError
		if !errors.As(err, &ve) || !errors.Is(err, signer.ErrUnknownSerial) || ve.Hint != "" {
			t.Fatalf("want an unknown-serial VerifyError without Hint, got %v (hint %q)", err, ve.Hint)
		}
	})
}

// TestMethodCase: a lower-case method is sent upper-case; a method that is
// not a token is refused before sending.
func TestMethodCase(t *testing.T) {
	t.Parallel()
	g, c := setup(t, nil)
	for _, m := range []string{"get", "Post", "delete"} {
		opts := chain.O{}
		if m == "Post" {
			opts["json"] = `{}`
		}
		if _, err := c.Chain("v3/x").Do(context.Background(), m, opts); err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		if _, err := c.Chain("v3/x").DoAsync(context.Background(), m, opts).Wait(); err != nil {
			t.Fatalf("%s async: %v", m, err)
		}
	}
	var got []string
	for _, r := range g.requests() {
		if r.AuthErr != nil {
			t.Errorf("%s: signature refused: %v", r.Method, r.AuthErr)
		}
		got = append(got, r.Method)
	}
	if diff := cmp.Diff([]string{"GET", "GET", "POST", "POST", "DELETE", "DELETE"}, got); diff != "" {
		t.Errorf("methods on the wire (-want +got):\n%s", diff)
	}
	_, err := c.Chain("v3/x").Do(context.Background(), "GE T", nil)
	if !errors.Is(err, chain.ErrInvalidOptions) || !strings.Contains(err.Error(), `method "GE T"`) {
		t.Errorf("GE T: %v", err)
	}
	if n := len(g.requests()); n != 6 {
		t.Errorf("%d requests reached the server, want 6", n)
	}
}
