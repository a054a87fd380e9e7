package chain_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// An APIv2 micropay through the chain, against the simulator: the user is
// still entering a password (USERPAYING), so the payment is not sent
// again; orderquery is asked until the order is paid.
func ExampleChain_Post_apiv2Micropay() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	_, err := c.Chain("v2/pay/micropay").Post(ctx, chain.O{"xml": chain.O{
		"appid": "wxd678efh567hg6787", "body": "image形象店-深圳腾大- QQ公仔", "out_trade_no": "1217752501201407033233368018",
		"total_fee": 1, "spbill_create_ip": "14.23.150.211", "auth_code": wechatpaytest.V2AuthCodeUserPaying,
	}})
	var ae *chain.APIError
	if errors.As(err, &ae) {
		fmt.Println("micropay:", ae.Code, ae.Verified)
	}
	for range 5 { // in production: every 5 s for about 30 s, then secapi/pay/reverse
		resp, err := c.Chain("v2/pay/orderquery").Post(ctx, chain.O{"xml": chain.O{
			"appid": "wxd678efh567hg6787", "out_trade_no": "1217752501201407033233368018"}})
		if err != nil {
			fmt.Println(err)
			return
		}
		state := resp.Get("trade_state").String()
		fmt.Println("orderquery:", state, resp.Get("total_fee").String())
		if state == "SUCCESS" {
			break
		}
	}
	// Output:
	// micropay: USERPAYING true
	// orderquery: USERPAYING 1
	// orderquery: USERPAYING 1
	// orderquery: SUCCESS 1
}
