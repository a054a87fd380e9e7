package chain_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay/chain"
)

func TestFutureThenOtherwise(t *testing.T) {
	t.Parallel()
	_, c := setup(t, func(s seen, _ int) reply {
		if strings.Contains(s.URI, "missing") {
			return reply{Status: 404, Body: `{"code":"ORDER_NOT_EXIST","message":"订单不存在"}`}
		}
		return reply{Body: okBody}
	})
	ctx := context.Background()

	var order string
	resp, err := c.Chain("v3/pay/transactions/id/{id}").GetAsync(ctx, chain.O{"id": "1"}).
		Then(func(r *chain.Response) (*chain.Response, error) {
			order = r.Get("order_id").String()
			return r, nil
		}).
		Otherwise(func(err error) (*chain.Response, error) { t.Error("Otherwise ran after a success"); return nil, err }).
		Wait()
	if err != nil || order != "10000000002019091450687490728211" || resp.StatusCode != 200 {
		t.Errorf("then: order=%q resp=%v err=%v", order, resp, err)
	}

	// An error skips Then and reaches Otherwise, which may recover.
	recovered := &chain.Response{StatusCode: 299}
	resp, err = c.Chain("v3/pay/transactions/id/{id}").GetAsync(ctx, chain.O{"id": "missing"}).
		Then(func(r *chain.Response) (*chain.Response, error) { t.Error("Then ran after an error"); return r, nil }).
		Otherwise(func(err error) (*chain.Response, error) {
			var ae *chain.APIError
			if errors.As(err, &ae) && ae.Code == "ORDER_NOT_EXIST" {
				return recovered, nil
			}
			return nil, err
		}).
		Wait()
	if err != nil || resp != recovered {
		t.Errorf("otherwise: resp=%v err=%v", resp, err)
	}

	// Then may turn a success into an error; a panic becomes an error.
	_, err = c.Chain("v3/x").PostAsync(ctx, chain.O{"json": `{}`}).
		Then(func(*chain.Response) (*chain.Response, error) { return nil, fmt.Errorf("business rule") }).
		Wait()
	if err == nil || err.Error() != "business rule" {
		t.Errorf("then error: %v", err)
	}
	_, err = c.Chain("v3/x").PutAsync(ctx, chain.O{"json": `{}`}).
		Then(func(*chain.Response) (*chain.Response, error) { panic("boom") }).
		Wait()
	if err == nil || !strings.Contains(err.Error(), "panicked: boom") {
		t.Errorf("panic: %v", err)
	}
	// Nil steps pass through; Done closes.
	f := c.Chain("v3/x").PatchAsync(ctx, chain.O{"json": `{}`}).Then(nil).Otherwise(nil)
	select {
	case <-f.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("Done never closed")
	}
	if _, err := f.Wait(); err != nil {
		t.Error(err)
	}
	if _, err := c.Chain("v3/x").DeleteAsync(ctx, nil).Wait(); err != nil {
		t.Error(err)
	}
}

// TestAbandonedFuturesDoNotLeak cancels many hanging async calls, never
// waits for their Futures, and checks that the goroutine count comes back.
func TestAbandonedFuturesDoNotLeak(t *testing.T) {
	// Not parallel: it counts goroutines.
	g, c := setup(t, func(seen, int) reply { return reply{Hang: true} })
	// Warm up the transport so idle-connection goroutines exist before the baseline.
	ctx0, cancel0 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	c.Chain("v3/warm").Get(ctx0, nil)
	cancel0()
	time.Sleep(50 * time.Millisecond)
	base := runtime.NumGoroutine()

	ctx, cancel := context.WithCancel(context.Background())
	for i := range 50 {
		c.Chain("v3/pay/transactions/id/{id}").GetAsync(ctx, chain.O{"id": i}).
			Then(func(r *chain.Response) (*chain.Response, error) { return r, nil }).
			Otherwise(func(err error) (*chain.Response, error) { return nil, err })
	}
	time.Sleep(50 * time.Millisecond)
	if n := runtime.NumGoroutine(); n < base+50 {
		t.Logf("only %d goroutines above the baseline while calls hang", n-base)
	}
	cancel()
	deadline := time.Now().Add(10 * time.Second)
	for {
		// Connections dialled for requests cancelled meanwhile park in the
		// idle pool (transport bookkeeping, not a leak): close them.
		g.Client().CloseIdleConnections()
		n := runtime.NumGoroutine()
		if n <= base+2 { // small tolerance
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%d goroutines remain, baseline %d\n%s", n, base, buf)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSixtyFourGoroutinesShareOneClient(t *testing.T) {
	t.Parallel()
	g, c := setup(t, func(s seen, _ int) reply {
		return reply{Body: `{"uri":"` + s.URI + `"}`}
	})
	seed := c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync") // one shared Chain value
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			no := fmt.Sprintf("ORDER-%02d", i)
			opts := seedOpts()
			opts["out_order_no"] = no
			var resp *chain.Response
			var err error
			if i%2 == 0 {
				resp, err = seed.Post(context.Background(), opts)
			} else {
				resp, err = c.Chain("v3", "payscore", "payafterOrders", "_out_order_no_", "sync").PostAsync(context.Background(), opts).Wait()
			}
			if err != nil {
				errs <- err
				return
			}
			if want := "/v3/payscore/payafter-orders/" + no + "/sync"; resp.Get("uri").String() != want || !resp.Verified {
				errs <- fmt.Errorf("goroutine %d: got %s verified=%v", i, resp.Body, resp.Verified)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	nonces := map[string]bool{}
	for _, r := range g.requests() {
		if r.AuthErr != nil {
			t.Errorf("%s: %v", r.URI, r.AuthErr)
			continue
		}
		nonces[r.Auth.Nonce] = true
	}
	if len(nonces) != 64 {
		t.Errorf("%d distinct nonces for 64 requests", len(nonces))
	}
}
