package chain_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/internal/testkeys"
)

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLogsCarryFactsButNoSecrets(t *testing.T) {
	t.Parallel()
	for _, bodies := range []bool{false, true} {
		var out syncBuffer
		logger := slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
		g, c := setup(t, failThenOK(1, reply{Status: 500, Body: `{"code":"SYSTEM_ERROR","message":"x"}`}), func(o *chain.Config) {
			o.Logger = logger
			o.LogBodies = bodies
		})
		if _, err := c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync").Post(context.Background(), seedOpts()); err != nil {
			t.Fatal(err)
		}
		logs := out.String()
		for _, want := range []string{`"method":"POST"`, `"template":"v3/payscore/payafter-orders/{out_order_no}/sync"`,
			`"status":500`, `"status":200`, `"request_id":"RID-1"`, `"request_id":"RID-2"`, `"attempt":1`, `"attempt":2`, `"duration":`, `"retry_in":`} {
			if !strings.Contains(logs, want) {
				t.Errorf("bodies=%v: log lacks %s:\n%s", bodies, want, logs)
			}
		}
		// Never the signatures, the Authorization header, the key.
		secrets := []string{"Authorization", "WECHATPAY2-SHA256-RSA2048", "signature"}
		for _, r := range g.requests() {
			secrets = append(secrets, r.Auth.Signature, r.Auth.Nonce)
		}
		pemKey := testkeys.PEM("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(merchantKey))
		secrets = append(secrets, pemKey[40:120])
		for _, s := range secrets {
			if strings.Contains(logs, s) {
				t.Errorf("bodies=%v: log contains secret %.20q…", bodies, s)
			}
		}
		if got := strings.Contains(logs, "20091225091010"); got != bodies {
			t.Errorf("LogBodies=%v but request body logged=%v", bodies, got)
		}
	}
}
