package chain_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/chain"
)

func failThenOK(failures int, rep reply) func(seen, int) reply {
	return func(s seen, n int) reply {
		if n <= failures {
			return rep
		}
		return reply{Body: okBody}
	}
}

func TestRetriesAreSignedAgain(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		rep  reply
	}{
		{"500", reply{Status: 500, Body: `{"code":"SYSTEM_ERROR","message":"系统错误"}`}},
		{"503 unsigned", reply{Status: 503, Body: `{"code":"SERVICE_UNAVAILABLE","message":"x"}`, Unsigned: true}},
		{"429", reply{Status: 429, Body: `{"code":"FREQUENCY_LIMITED","message":"x"}`}},
		{"dropped connection", reply{Drop: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, c := setup(t, failThenOK(2, tc.rep))
			body := strings.NewReader(`{"out_trade_no":"T1"}`) // an io.Reader is read once and resent
			resp, err := c.Chain("v3/pay/transactions/native").Post(context.Background(), chain.O{
				"body": body, "headers": map[string]string{"Content-Type": "application/json"}})
			if err != nil {
				t.Fatal(err)
			}
			if !resp.Verified || resp.RequestID != "RID-3" {
				t.Errorf("final answer: verified=%v Request-ID %q", resp.Verified, resp.RequestID)
			}
			reqs := g.requests()
			if len(reqs) != 3 {
				t.Fatalf("want 3 attempts, got %d", len(reqs))
			}
			nonces := map[string]bool{}
			for i, r := range reqs {
				if r.AuthErr != nil {
					t.Errorf("attempt %d: signature refused: %v", i+1, r.AuthErr)
				}
				if string(r.Body) != `{"out_trade_no":"T1"}` {
					t.Errorf("attempt %d: body %q", i+1, r.Body)
				}
				nonces[r.Auth.Nonce] = true
			}
			if len(nonces) != 3 {
				t.Errorf("attempts reused a nonce: %d distinct of 3", len(nonces))
			}
		})
	}
}

func TestRetryLimits(t *testing.T) {
	t.Parallel()
	fail := reply{Status: 500, Body: `{"code":"SYSTEM_ERROR","message":"x"}`}
	cases := []struct {
		name   string
		mutate func(*chain.Config)
		hits   int64
	}{
		{"default two retries", nil, 3},
		{"MaxRetries 4", func(o *chain.Config) { o.MaxRetries = 4 }, 5},
		{"DisableRetries", func(o *chain.Config) { o.DisableRetries = true; o.MaxRetries = 4 }, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var muts []func(*chain.Config)
			if tc.mutate != nil {
				muts = append(muts, tc.mutate)
			}
			g, c := setup(t, func(seen, int) reply { return fail }, muts...)
			_, err := c.Chain("v3/x").Get(context.Background(), nil)
			var ae *chain.APIError
			if !errors.As(err, &ae) || ae.StatusCode != 500 || !ae.Temporary() || !ae.Verified {
				t.Fatalf("want a verified 500 APIError, got %v", err)
			}
			if got := g.hits.Load(); got != tc.hits {
				t.Errorf("hits = %d, want %d", got, tc.hits)
			}
		})
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 401, 403, 404} {
		g, c := setup(t, func(seen, int) reply { return reply{Status: status, Body: `{"code":"X","message":"y"}`} })
		if _, err := c.Chain("v3/x").Get(context.Background(), nil); err == nil {
			t.Fatalf("%d: no error", status)
		}
		if got := g.hits.Load(); got != 1 {
			t.Errorf("%d retried: %d hits", status, got)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	limited := func(after string) reply {
		return reply{Status: 429, Body: `{"code":"RATELIMIT_EXCEEDED","message":"x"}`, Header: map[string]string{"Retry-After": after}}
	}
	cases := []struct {
		name    string
		after   func() string
		minWait time.Duration
		hits    int64
		ok      bool
	}{
		{"seconds", func() string { return "1" }, 900 * time.Millisecond, 2, true},
		{"HTTP date", func() string { return time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat) }, 900 * time.Millisecond, 2, true},
		{"longer than RetryMaxWait ends the retries", func() string { return "3600" }, 0, 1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var arrivals []time.Time
			g, c := setup(t, func(s seen, n int) reply {
				arrivals = append(arrivals, time.Now())
				if n == 1 {
					return limited(tc.after())
				}
				return reply{Body: okBody}
			})
			_, err := c.Chain("v3/x").Get(context.Background(), nil)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v", err)
			}
			if got := g.hits.Load(); got != tc.hits {
				t.Fatalf("hits = %d, want %d", got, tc.hits)
			}
			if tc.hits == 2 {
				if gap := arrivals[1].Sub(arrivals[0]); gap < tc.minWait {
					t.Errorf("retried after %v, Retry-After asked for at least %v", gap, tc.minWait)
				}
			}
		})
	}
}

func TestRetryStopsAtTheDeadline(t *testing.T) {
	t.Parallel()
	g, c := setup(t, func(seen, int) reply {
		return reply{Status: 503, Body: `{"code":"SERVICE_UNAVAILABLE","message":"x"}`, Header: map[string]string{"Retry-After": "5"}}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := c.Chain("v3/x").Get(ctx, nil)
	var ae *chain.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 503 {
		t.Fatalf("want the 503 at once (the wait would outlive ctx), got %v", err)
	}
	if g.hits.Load() != 1 {
		t.Errorf("hits = %d", g.hits.Load())
	}
}

func TestContextCancellation(t *testing.T) {
	t.Parallel()
	t.Run("during the call", func(t *testing.T) {
		t.Parallel()
		_, c := setup(t, func(seen, int) reply { return reply{Hang: true} })
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		_, err := c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync").Post(ctx, seedOpts())
		if !errors.Is(err, ctx.Err()) || !errors.Is(err, context.Canceled) {
			t.Fatalf("errors.Is(err, ctx.Err()) = false: %v", err)
		}
		if !strings.HasPrefix(err.Error(), "chain: POST "+c.BaseURL()+"v3/payscore/payafter-orders/{out_order_no}/sync: ") {
			t.Errorf("message %q does not name method and template", err)
		}
		if strings.Contains(err.Error(), "1234323JKHDFE1243252") {
			t.Errorf("message %q contains the expanded path value", err)
		}
	})
	t.Run("during the backoff", func(t *testing.T) {
		t.Parallel()
		_, c := setup(t, func(seen, int) reply { return reply{Status: 500} }, func(o *chain.Config) { o.RetryWait = time.Hour; o.RetryMaxWait = time.Hour; o.Timeout = -1 })
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		_, err := c.Chain("v3/x").Get(ctx, nil)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("already cancelled", func(t *testing.T) {
		t.Parallel()
		g, c := setup(t, nil)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := c.Chain("v3/x").Get(ctx, nil); !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
		if g.hits.Load() != 0 {
			t.Errorf("a cancelled call reached the server")
		}
	})
	t.Run("client timeout", func(t *testing.T) {
		t.Parallel()
		_, c := setup(t, func(seen, int) reply { return reply{Hang: true} }, func(o *chain.Config) { o.Timeout = 100 * time.Millisecond })
		_, err := c.Chain("v3/x").Get(context.Background(), nil)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestTransportErrorNamesTheCall(t *testing.T) {
	t.Parallel()
	g, c := setup(t, nil, func(o *chain.Config) { o.DisableRetries = true })
	g.Close() // nothing listens any more
	_, err := c.Chain("v3/refund/domestic/refunds/{out_refund_no}").Get(context.Background(), chain.O{"out_refund_no": "R-secret-42"})
	if err == nil {
		t.Fatal("no error")
	}
	want := "chain: GET " + c.BaseURL() + "v3/refund/domestic/refunds/{out_refund_no}: attempt 1: "
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message %q, want prefix %q", err, want)
	}
	if strings.Contains(err.Error(), "R-secret-42") || strings.Contains(err.Error(), "signature") {
		t.Errorf("message leaks request details: %q", err)
	}
	if diff := cmp.Diff(false, errors.Is(err, chain.ErrInvalidOptions)); diff != "" {
		t.Error("a transport error is not an options error")
	}
}

// TestNoSilentReplay: when a reused keep-alive connection dies, net/http
// would resend a GET by itself with the same Authorization (same nonce). The
// client must instead see the error and retry with a new signature.
func TestNoSilentReplayWithTheSameNonce(t *testing.T) {
	t.Parallel()
	for _, method := range []string{"GET", "POST"} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			g, c := setup(t, func(s seen, n int) reply {
				if n == 2 {
					return reply{Drop: true} // the second request arrives on the reused connection
				}
				return reply{Body: okBody}
			})
			opts := chain.O{}
			if method == "POST" {
				opts = chain.O{"json": `{"a":1}`, "headers": map[string]string{"Idempotency-Key": "k1"}}
			}
			for range 2 {
				if _, err := c.Chain("v3/x").Do(context.Background(), method, opts); err != nil {
					t.Fatal(err)
				}
			}
			reqs := g.requests()
			nonces := map[string]bool{}
			for _, r := range reqs {
				if r.AuthErr != nil {
					t.Fatalf("signature refused: %v", r.AuthErr)
				}
				if nonces[r.Auth.Nonce] {
					t.Errorf("nonce %s sent twice (%d requests)", r.Auth.Nonce, len(reqs))
				}
				nonces[r.Auth.Nonce] = true
				if method == "GET" && (len(r.Body) != 0 || r.Header.Get("Transfer-Encoding") != "" || r.Header.Get("Content-Length") != "") {
					t.Errorf("GET went out with a body: %q %v", r.Body, r.Header)
				}
			}
			if len(reqs) != 3 {
				t.Errorf("%d requests, want 3", len(reqs))
			}
		})
	}
}
