package merchants_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/chainpay-go/wechatpay/catalog"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/merchants"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// apiv3KeyOf is a distinct 32-byte APIv3 key per test merchant number.
func apiv3KeyOf(n int) string { return fmt.Sprintf("apiv3-key-of-merchant-%010d", n) }

// mchidOf is the merchant id of test merchant number n.
func mchidOf(n int) string { return fmt.Sprintf("19%08d", n) }

// newServer starts a simulator for test merchant n: its own mchid, platform
// key and APIv3 key; certificate mode when certMode.
func newServer(t testing.TB, n int, certMode bool) *wechatpaytest.Server {
	t.Helper()
	opts := []wechatpaytest.Option{
		wechatpaytest.WithMchID(mchidOf(n)),
		wechatpaytest.WithPlatformKey(testkeys.RSA(n), ""),
		wechatpaytest.WithAPIv3Key(apiv3KeyOf(n)),
	}
	if certMode {
		opts = append(opts, wechatpaytest.WithCertificateMode())
	}
	srv := wechatpaytest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// configOf is srv's Config for a registry; in certificate mode without
// platform keys (the registry loads them).
func configOf(srv *wechatpaytest.Server) chain.Config {
	cfg := srv.Config()
	cfg.Validation = catalog.Strict
	if srv.CertificateMode() {
		cfg.PlatformKeys = nil
	}
	return cfg
}

// query makes the demo order query of srv's merchant through reg.
func query(ctx context.Context, reg *merchants.Registry, mchid string) (*chain.Response, error) {
	c, err := reg.Client(ctx, mchid)
	if err != nil {
		return nil, err
	}
	return c.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx, chain.O{
		"out_trade_no": wechatpaytest.DemoOutTradeNo,
		"query":        map[string]string{"mchid": mchid},
	})
}

// countCertificates counts the GET /v3/certificates srv received.
func countCertificates(srv *wechatpaytest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == http.MethodGet && strings.HasPrefix(r.URI, "/v3/certificates") {
			n++
		}
	}
	return n
}

// countingTransport counts the requests and dials of one shared transport.
type countingTransport struct {
	base     *http.Transport
	requests atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.requests.Add(1)
	return c.base.RoundTrip(r)
}

// logBuffer is a slog destination safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func newLogger() (*slog.Logger, *logBuffer) {
	lb := &logBuffer{}
	return slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug})), lb
}
