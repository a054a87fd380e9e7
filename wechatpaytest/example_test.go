package wechatpaytest_test

import (
	"context"
	"fmt"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// The seed call against the simulator: start a server, take its client,
// sync the demo payscore order.
func Example() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	c := srv.Client()

	resp, err := c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync").Post(context.Background(), chain.O{
		"out_order_no": "1234323JKHDFE1243252",
		"json": map[string]any{
			"appid":      "wxd678efh567hg6787",
			"service_id": "500001",
			"type":       "Order_Paid",
			"detail":     map[string]any{"paid_time": "20091225091010"},
		},
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(resp.StatusCode, resp.Verified)
	fmt.Println(resp.Get("out_order_no"), resp.Get("state"), resp.Get("collection.state"))
	// Output:
	// 200 true
	// 1234323JKHDFE1243252 DONE USER_PAID
}
