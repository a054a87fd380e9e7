package chain_test

import (
	"context"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay/chain"
)

// TestRetryAfterHostile: a Retry-After too large for a time.Duration ends
// the retries like any value over RetryMaxWait (it overflowed to a wait of
// 0); a negative or unparsable one falls back to the backoff instead
// of a retry at once (issue 16 point 2).
func TestRetryAfterHostile(t *testing.T) {
	t.Parallel()
	const retryWait = 400 * time.Millisecond // backoff of the first retry: 200-400 ms
	cases := []struct {
		name, after string
		hits        int64
	}{
		{"overflows a Duration", "9223372037", 1},
		{"overflows an int64", "99999999999999999999", 1},
		{"negative", "-5", 2},
		{"unparsable", "soon", 2},
		{"fractional", "0.5", 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var arrivals []time.Time
			g, c := setup(t, func(s seen, n int) reply {
				arrivals = append(arrivals, time.Now())
				if n == 1 {
					return reply{Status: 503, Body: `{"code":"SERVICE_UNAVAILABLE","message":"x"}`, Header: map[string]string{"Retry-After": tc.after}}
				}
				return reply{Body: okBody}
			}, func(o *chain.Config) { o.RetryWait = retryWait })
			_, err := c.Chain("v3/x").Get(context.Background(), nil)
			if got := g.hits.Load(); got != tc.hits {
				t.Fatalf("hits = %d, want %d (err %v)", got, tc.hits, err)
			}
			if tc.hits == 1 {
				if err == nil {
					t.Fatal("no error: want the 503 back")
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if gap := arrivals[1].Sub(arrivals[0]); gap < retryWait/2 {
				t.Errorf("retried after %v, want the backoff (at least %v)", gap, retryWait/2)
			}
		})
	}
}
