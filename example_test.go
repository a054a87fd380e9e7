package wechatpay_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/pathtpl"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// The seed call: sync a payscore order as paid. The simulated gateway stands
// in for api.mch.weixin.qq.com; with a real merchant, fill wechatpay.Config
// with your MchID, serial, private key and WeChat Pay's public key.
func Example() {
	gw := wechatpaytest.NewServer()
	defer gw.Close()

	c, err := wechatpay.New(gw.Config())
	if err != nil {
		panic(err)
	}
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
		panic(err)
	}
	fmt.Println(resp.StatusCode, resp.Verified, resp.Get("out_order_no"), resp.Get("state"))
	// Output: 200 true 1234323JKHDFE1243252 DONE
}

// The same call, async and in segment style, with a Then step like the PHP
// promise.
func Example_async() {
	gw := wechatpaytest.NewServer()
	defer gw.Close()
	c, _ := wechatpay.New(gw.Config())

	_, err := c.Chain("v3", "payscore", "payafterOrders", "_out_order_no_", "sync").PostAsync(context.Background(), chain.O{
		"out_order_no": "1234323JKHDFE1243252",
		"json":         `{"appid":"wxd678efh567hg6787","service_id":"500001","type":"Order_Paid","detail":{"paid_time":"20091225091010"}}`,
	}).Then(func(r *chain.Response) (*chain.Response, error) {
		fmt.Println("paid at", r.Get("collection.details.0.paid_time"))
		return r, nil
	}).Wait()
	fmt.Println(err)
	// Output:
	// paid at 20091225091010
	// <nil>
}

// Errors from WeChat Pay are *chain.APIError values with the code, message
// and Request-ID.
func Example_apiError() {
	gw := wechatpaytest.NewServer()
	defer gw.Close()
	c, _ := wechatpay.New(gw.Config())

	_, err := c.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(context.Background(), chain.O{
		"out_trade_no": "NO-SUCH-ORDER",
		"query":        map[string]any{"mchid": c.MchID()},
	})
	var ae *chain.APIError
	if errors.As(err, &ae) {
		fmt.Println(ae.StatusCode, ae.Code, ae.Verified, ae.RequestID != "")
	}
	// Output: 404 ORDER_NOT_EXIST true true
}

// Malformed calls are refused before anything is sent.
func Example_invalidOptions() {
	gw := wechatpaytest.NewServer()
	defer gw.Close()
	c, _ := wechatpay.New(gw.Config())

	_, err := c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync").Post(context.Background(), chain.O{
		"out_orderno": "1234323JKHDFE1243252",
		"json":        `{}`,
	})
	fmt.Println(errors.Is(err, chain.ErrInvalidOptions))
	var oe *chain.OptionsError
	if errors.As(err, &oe) {
		fmt.Println(oe.Problems[0])                     // the typo, with a suggestion
		fmt.Println(errors.Is(err, pathtpl.ErrMissing)) // and the missing path value
	}
	fmt.Println(len(gw.Requests()), "requests sent")
	// Output:
	// true
	// unknown key "out_orderno" (did you mean "out_order_no"?)
	// true
	// 0 requests sent
}

// Uploading an image: the meta JSON is built, hashed and signed for you.
func Example_upload() {
	gw := wechatpaytest.NewServer()
	defer gw.Close()
	c, _ := wechatpay.New(gw.Config())

	resp, err := c.Chain("v3/merchant/media/upload").Post(context.Background(), chain.O{
		"media": chain.File("chain/testdata/logo.png"),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.Verified, resp.Get("media_id").String() != "")
	// Output: true true
}
