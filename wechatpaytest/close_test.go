package wechatpaytest_test

import (
	"context"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// TestCloseDoesNotWaitForInjectedDelay: Close must not block for the rest of
// an injected Delay while a client still waits (httptest.Server.Close waits
// for active requests); the waiting client sees a broken connection.
func TestCloseDoesNotWaitForInjectedDelay(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	srv.Inject(wechatpaytest.Fault{Delay: time.Hour})
	c := srv.Client()
	fut := c.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").GetAsync(context.Background(),
		chain.O{"out_trade_no": wechatpaytest.DemoOutTradeNo, "query": map[string]any{"mchid": srv.MchID}})
	// Wait until the request is in the server (recorded before the delay).
	for len(srv.Requests()) == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	closed := make(chan struct{})
	go func() {
		srv.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(30 * time.Second):
		t.Fatal("Close still blocks after 30 s: it waits for the injected one-hour delay")
	}
	if _, err := fut.Wait(); err == nil {
		t.Error("the delayed request succeeded after Close; want a connection error")
	}
}
