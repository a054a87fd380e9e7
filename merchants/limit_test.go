package merchants_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/merchants"
)

// keyRecorder is a Limiter that records the keys it is asked for and
// refuses those in deny.
type keyRecorder struct {
	mu   sync.Mutex
	keys []string
	deny map[string]bool
}

var errDenied = errors.New("denied")

func (k *keyRecorder) Wait(_ context.Context, key string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.keys = append(k.keys, key)
	if k.deny[key] {
		return errDenied
	}
	return nil
}

func TestLimiterKeys(t *testing.T) {
	t.Parallel()
	a, b := newServer(t, 31, false), newServer(t, 32, false)
	const op = " GET v3/pay/transactions/out-trade-no/{out_trade_no}"
	for _, perOp := range []bool{false, true} {
		rec := &keyRecorder{deny: map[string]bool{mchidOf(32): true, mchidOf(32) + op: true}}
		reg := merchants.New(merchants.Config{Limiter: rec, LimitPerOperation: perOp})
		if err := reg.Put(a.Config()); err != nil {
			t.Fatal(err)
		}
		if err := reg.Put(b.Config()); err != nil {
			t.Fatal(err)
		}
		if _, err := query(context.Background(), reg, a.MchID); err != nil {
			t.Fatal(err)
		}
		before := len(b.Requests())
		if _, err := query(context.Background(), reg, b.MchID); !errors.Is(err, errDenied) {
			t.Errorf("a denied call: %v, want the limiter's error", err)
		}
		if got := len(b.Requests()); got != before {
			t.Errorf("a denied call reached the server")
		}
		want := []string{mchidOf(31), mchidOf(32)}
		if perOp {
			want = []string{mchidOf(31) + op, mchidOf(32) + op}
		}
		if diff := cmp.Diff(want, rec.keys); diff != "" {
			t.Errorf("perOperation %v: keys (-want +got):\n%s", perOp, diff)
		}
	}
}

func TestLimitKeyOfAnUnknownPath(t *testing.T) {
	t.Parallel()
	if got := merchants.LimitKey("1900000001", "GET", "/v3/no/such/ORDER-123", true); got != "1900000001 GET ?" {
		t.Errorf("got %q: a concrete path must not become a key", got)
	}
}

// LocalLimiter spaces calls by its rate, per key, with its own limit for a
// merchant named in per.
func TestLocalLimiter(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		l := merchants.NewLocalLimiter(merchants.Limit{Rate: 10, Burst: 1}, map[string]merchants.Limit{"slow": {Rate: 1, Burst: 1}})
		ctx := context.Background()
		elapsed := func(key string, n int) time.Duration {
			start := time.Now()
			for range n {
				if err := l.Wait(ctx, key); err != nil {
					t.Fatal(err)
				}
			}
			return time.Since(start)
		}
		if got := elapsed("fast GET x", 11); got != time.Second {
			t.Errorf("11 calls at 10/s took %v, want 1s", got)
		}
		if got := elapsed("slow GET x", 3); got != 2*time.Second {
			t.Errorf("3 calls of a merchant at 1/s took %v, want 2s", got)
		}
		short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		if err := l.Wait(short, "slow GET x"); !errors.Is(err, context.DeadlineExceeded) && err == nil {
			t.Errorf("a wait past the deadline: %v", err)
		}
	})
}
