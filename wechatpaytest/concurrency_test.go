package wechatpaytest_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

func TestConcurrentClients(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer(wechatpaytest.WithRecordLimit(20))
	t.Cleanup(srv.Close)
	c := srv.Client()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 6; i++ {
				no := fmt.Sprintf("CONC%02d%02d", g, i)
				if _, err := c.Chain("v3/pay/transactions/native").Post(ctx, chain.O{"json": map[string]any{
					"appid": wechatpaytest.DemoAppID, "mchid": srv.MchID, "description": "d", "out_trade_no": no,
					"notify_url": "https://example.com/n", "amount": map[string]any{"total": 1}}}); err != nil {
					errs <- err
					return
				}
				if _, err := c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync").Post(ctx, chain.O{
					"out_order_no": wechatpaytest.DemoOutOrderNo, "json": []byte(seedBody)}); err != nil {
					errs <- err
					return
				}
				if g%2 == 0 {
					srv.Inject(wechatpaytest.Fault{Route: "/nothing", Status: 500})
					_ = srv.Requests()
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(srv.Requests()); n != 20 {
		t.Errorf("%d records kept, want the limit 20", n)
	}
}
