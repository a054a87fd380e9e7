package chain_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/chain"
)

// deniedSigner is a KMS that refuses to sign.
type deniedSigner struct{}

func (deniedSigner) Sign(context.Context, []byte) (string, error) {
	return "", errors.New("kms: permission denied")
}

// TestSignerErrorHidesValues: a failing Signer's error, and the log line,
// name the method and the path template, never the expanded path or query
// values (issue 16 point 1).
func TestSignerErrorHidesValues(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	g, c := setup(t, nil, func(o *chain.Config) {
		o.Signer = deniedSigner{}
		o.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	_, err := c.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(context.Background(), chain.O{
		"out_trade_no": "ORDER-SECRET",
		"query":        map[string]any{"mchid": "1900000001", "openid": "OPENID-SECRET"},
	})
	if err == nil || !strings.Contains(err.Error(), "kms: permission denied") ||
		!strings.Contains(err.Error(), "GET "+c.BaseURL()+"v3/pay/transactions/out-trade-no/{out_trade_no}") {
		t.Fatalf("err = %v, want the method, the template and the signer's error", err)
	}
	for what, text := range map[string]string{"error": err.Error(), "log": logs.String()} {
		for _, secret := range []string{"ORDER-SECRET", "OPENID-SECRET"} {
			if strings.Contains(text, secret) {
				t.Errorf("%s holds the value %s:\n%s", what, secret, text)
			}
		}
	}
	if g.hits.Load() != 0 {
		t.Errorf("an unsigned request went out")
	}
}
