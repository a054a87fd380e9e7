package chain_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// A POST the primary read (then dropped without an answer) is never sent to
// the backup, even when the primary then refuses connections: the refused
// attempt says nothing of the one before it (review finding: it moved).
func TestFailoverNotAfterAnEarlierWrite(t *testing.T) {
	t.Parallel()
	backup := wechatpaytest.NewServer()
	t.Cleanup(backup.Close)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var reads atomic.Int32
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		if _, err := http.ReadRequest(bufio.NewReader(c)); err == nil {
			reads.Add(1)
		}
		l.Close() // the host goes away: the next dials are refused
		c.Close() // and the request it read gets no answer
	}()
	cfg := backup.Config()
	cfg.BaseURL, cfg.BackupBaseURL = "http://"+l.Addr().String()+"/", backup.URL
	cfg.MaxRetries = 3
	cfg.HTTPClient = &http.Client{Transport: &http.Transport{}}
	c, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Chain("v3/pay/transactions/native").Post(t.Context(), nativeOrderNo(backup.MchID, "T-EARLIER-WRITE"))
	if reads.Load() != 1 {
		t.Fatalf("the primary read %d requests, want 1", reads.Load())
	}
	if err == nil {
		t.Error("the call succeeded: the POST the primary had read went to the backup")
	}
	if n := len(backup.Requests()); n != 0 {
		t.Errorf("the backup got %d requests, want 0", n)
	}
}

// slowPrimaryClient is, inside a synctest bubble started at realStart, a
// client whose BaseURL primary.test is primary behind a 600 ms dial (a slow
// but working link), with backup as its backup host and a 1 s Timeout;
// edit adjusts the rest.
func slowPrimaryClient(t *testing.T, primary, backup *wechatpaytest.Server, realStart time.Time, edit func(*chain.Config)) *chain.Client {
	t.Helper()
	fakeStart := time.Now()
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		to := backup.URL
		if addr == "primary.test:80" {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(600 * time.Millisecond):
			}
			to = primary.URL
		}
		var d net.Dialer
		return d.DialContext(ctx, network, strings.TrimPrefix(to, "http://"))
	}
	tr := &http.Transport{DialContext: dial, DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	cfg := backup.Config()
	cfg.BaseURL, cfg.BackupBaseURL = "http://primary.test/", backup.URL
	cfg.HTTPClient = &http.Client{Transport: tr}
	cfg.Timeout = time.Second
	cfg.Now = func() time.Time { return realStart.Add(time.Since(fakeStart)) }
	edit(&cfg)
	c, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A call that cannot move on (retries off) waits for a slow primary's
// connection as long as its deadline allows, as without a backup (review
// finding: it got half, and failed at 500 ms of a 1 s deadline).
func TestFailoverLastAttemptWaitsItsWholeDeadline(t *testing.T) {
	t.Parallel()
	backup := wechatpaytest.NewServer()
	t.Cleanup(backup.Close)
	primary := twin(t, backup)
	realStart := time.Now()
	synctest.Test(t, func(t *testing.T) {
		c := slowPrimaryClient(t, primary, backup, realStart, func(cfg *chain.Config) { cfg.DisableRetries = true })
		if _, err := c.Chain("v3/pay/transactions/native").Post(context.Background(), nativeOrderNo(backup.MchID, "T-SLOW-1")); err != nil {
			t.Fatalf("POST to a slow primary, retries off: %v", err)
		}
	})
	if p, b := len(primary.Requests()), len(backup.Requests()); p != 1 || b != 0 {
		t.Errorf("primary got %d, backup %d requests; want 1 and 0", p, b)
	}
}

// Callers with short deadlines on a slow but working primary move their
// own calls to the backup, but do not make the client declare the primary
// unreachable for everyone (review finding: three such calls did).
func TestFailoverShortDeadlinesDoNotSwitchTheClient(t *testing.T) {
	t.Parallel()
	backup := wechatpaytest.NewServer()
	t.Cleanup(backup.Close)
	primary := twin(t, backup)
	realStart := time.Now()
	var out syncBuffer
	synctest.Test(t, func(t *testing.T) {
		c := slowPrimaryClient(t, primary, backup, realStart, func(cfg *chain.Config) {
			cfg.Logger = slog.New(slog.NewJSONHandler(&out, nil))
		})
		for i := range 5 {
			if _, err := c.Chain("v3/pay/transactions/native").Post(context.Background(), nativeOrderNo(backup.MchID, fmt.Sprint("T-SHORT-", i))); err != nil {
				t.Fatalf("call %d: %v", i, err)
			}
		}
	})
	for _, l := range failoverLogs(t, out.String()) {
		if strings.Contains(l, "calls start on the backup host") {
			t.Errorf("the client switched: %s", l)
		}
	}
	if n := len(backup.Requests()); n != 5 {
		t.Errorf("the backup answered %d of the 5 calls, want 5 (each moved on its own)", n)
	}
}
