package wechatpaytest_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// TestSyncRepeatWithOtherKeyOrder repeats the seed's sync with the same
// business parameters written in another member order (wxpay builds bodies in
// item order, Go maps encode sorted): it is the same request, so the repeat
// gets the first answer, not ORDER_DONE.
func TestSyncRepeatWithOtherKeyOrder(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	c, ctx := srv.Client(), context.Background()
	sync := c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync")
	first, err := sync.Post(ctx, chain.O{"out_order_no": wechatpaytest.DemoOutOrderNo,
		"json": `{"appid":"wxd678efh567hg6787","service_id":"500001","type":"Order_Paid","detail":{"paid_time":"20091225091010"}}`})
	if err != nil {
		t.Fatal(err)
	}
	again, err := sync.Post(ctx, chain.O{"out_order_no": wechatpaytest.DemoOutOrderNo,
		"json": `{"detail":{"paid_time":"20091225091010"},"type":"Order_Paid","service_id":"500001","appid":"wxd678efh567hg6787"}`})
	if err != nil {
		t.Fatalf("repeat in another key order: %v", err)
	}
	if diff := cmp.Diff(string(first.Body), string(again.Body)); diff != "" {
		t.Errorf("repeat (-first +again):\n%s", diff)
	}
}
