package chain_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/chainpay-go/wechatpay/catalog"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// lockedBuffer is a log sink safe for the client's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestDeprecatedWarnsOncePerTemplate(t *testing.T) {
	t.Parallel()
	var logs lockedBuffer
	srv, c := simClient(t, func(cfg *chain.Config) {
		cfg.Validation = catalog.Warn
		cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	})
	const tpl = "v3/discount-card/orders/{out_order_no}"
	srv.Handle("GET", "/"+tpl, func(r *wechatpaytest.Request) (int, any) { return 200, map[string]any{"state": "x"} })
	for _, no := range []string{"O-secret-1", "O-secret-2"} {
		if _, err := c.Chain(tpl).Get(context.Background(), chain.O{"out_order_no": no}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Chain(queryTpl).Get(context.Background(), queryOpts()); err == nil {
		t.Fatal("want the simulator's 404")
	}
	out := logs.String()
	if n := strings.Count(out, "marks deprecated"); n != 1 {
		t.Errorf("%d deprecation warnings, want 1:\n%s", n, out)
	}
	if !strings.Contains(out, "template="+tpl) || strings.Contains(out, "O-secret") {
		t.Errorf("log:\n%s", out)
	}
	// Off and Strict do not warn.
	var quiet lockedBuffer
	_, c2 := simClient(t, func(cfg *chain.Config) {
		cfg.Validation = catalog.Off
		cfg.Logger = slog.New(slog.NewTextHandler(&quiet, &slog.HandlerOptions{Level: slog.LevelWarn}))
	})
	_, _ = c2.Chain(tpl).Get(context.Background(), chain.O{"out_order_no": "O1"})
	if strings.Contains(quiet.String(), "deprecated") {
		t.Errorf("Off warned:\n%s", quiet.String())
	}
}
