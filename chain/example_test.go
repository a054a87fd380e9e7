package chain_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/catalog"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
	"github.com/tidwall/gjson"
)

// Four ways to name one path; all give the same template and so the same
// signed request. The PHP SDK's property style ($instance['v3/…']) is the
// one-string form.
func ExampleClient_Chain() {
	gw := wechatpaytest.NewServer()
	defer gw.Close()
	c := gw.Client()

	for _, ch := range []*chain.Chain{
		c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync"),
		c.Chain("v3/payscore/payafter-orders/<out_order_no>/sync"),
		c.Chain("v3", "payscore", "payafterOrders", "_out_order_no_", "sync"),
		c.Chain("v3").Chain("payscore").Chain("payafterOrders").Chain("_out_order_no_").Chain("sync"),
	} {
		fmt.Println(ch.Template())
	}
	// Output:
	// v3/payscore/payafter-orders/{out_order_no}/sync <nil>
	// v3/payscore/payafter-orders/{out_order_no}/sync <nil>
	// v3/payscore/payafter-orders/{out_order_no}/sync <nil>
	// v3/payscore/payafter-orders/{out_order_no}/sync <nil>
}

// Query parameters are encoded sorted by key and are part of the signature.
func ExampleChain_Get() {
	gw := wechatpaytest.NewServer()
	defer gw.Close()
	c := gw.Client()

	_, err := c.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(context.Background(), chain.O{
		"out_trade_no": "T 2026/11",
		"query":        map[string]any{"mchid": c.MchID()},
	})
	fmt.Println(gw.Requests()[0].URI)
	var ae *chain.APIError
	fmt.Println(errors.As(err, &ae), ae.Code)
	// Output:
	// /v3/pay/transactions/out-trade-no/T%202026%2F11?mchid=1900000001
	// true ORDER_NOT_EXIST
}

// Otherwise recovers from an error, like a rejected PHP promise's handler.
func ExampleFuture_Otherwise() {
	gw := wechatpaytest.NewServer()
	defer gw.Close()
	c := gw.Client()

	resp, err := c.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").GetAsync(context.Background(), chain.O{
		"out_trade_no": "NO-SUCH-ORDER",
		"query":        map[string]any{"mchid": c.MchID()},
	}).Otherwise(func(err error) (*chain.Response, error) {
		var ae *chain.APIError
		if errors.As(err, &ae) && ae.Code == "ORDER_NOT_EXIST" {
			return &chain.Response{StatusCode: http.StatusNotFound, Body: []byte(`{"trade_state":"UNKNOWN"}`)}, nil
		}
		return nil, err
	}).Wait()
	fmt.Println(resp.Get("trade_state"), err)
	// Output: UNKNOWN <nil>
}

// Sensitive fields are encrypted with WeChat Pay's public key; passing the
// Encryptor with the request adds the matching Wechatpay-Serial header.
func ExampleClient_Encryptor() {
	gw := wechatpaytest.NewServer()
	defer gw.Close()
	gw.Handle("POST", "/v3/applyment4sub/applyment/", func(r *wechatpaytest.Request) (int, any) {
		name, err := signer.DecryptOAEP(gw.PlatformKey, gjson.GetBytes(r.Body, "contact_info.contact_name").String())
		if err != nil || r.Header.Get("Wechatpay-Serial") != gw.PlatformSerial {
			return 400, wechatpaytest.Error("PARAM_ERROR", "cannot decrypt")
		}
		return 200, map[string]string{"applyment_id": "2000002124775691", "seen_name": name}
	})
	c := gw.Client()

	enc, err := c.Encryptor()
	if err != nil {
		panic(err)
	}
	name, _ := enc.Encrypt("张三")
	resp, err := c.Chain("v3/applyment4sub/applyment/").Post(context.Background(), chain.O{
		"json":      map[string]any{"contact_info": map[string]any{"contact_name": name}},
		"encryptor": enc,
		// The body is cut short for the example: the simulator's client
		// checks calls against the catalogue (Strict), this one is let go.
		"validation": catalog.Off,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.Get("applyment_id"), resp.Get("seen_name"))
	// Output: 2000002124775691 张三
}

// Media upload: meta {"filename","sha256"} is built and signed for you.
func ExampleMedia() {
	gw := wechatpaytest.NewServer()
	defer gw.Close()
	c := gw.Client()

	png := []byte("\x89PNG\r\n\x1a\n fake image bytes")
	resp, err := c.Chain("v3/merchant/media/upload").Post(context.Background(), chain.O{
		"media": chain.Media("logo.png", bytes.NewReader(png)),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.Verified, resp.Get("media_id").String() != "")
	// Output: true true
}

// With Config.Validation set to catalog.Strict (the simulator's client is),
// a call the API catalogue does not describe is refused before it is signed,
// with every finding in one error.
func ExampleConfig_validation() {
	gw := wechatpaytest.NewServer()
	defer gw.Close()
	cfg := gw.Config()
	cfg.Validation = catalog.Strict
	c, err := wechatpay.New(cfg)
	if err != nil {
		panic(err)
	}
	_, err = c.Chain(catalog.V3PayTransactionsNative).Post(context.Background(), chain.O{"json": map[string]any{
		"appid": "wxd678efh567hg6787", "mchid": gw.MchID, "description": "QQ公仔",
		"out_trade_no": "T20261202001", "notify_url": "https://example.com/notify",
		"amount": map[string]any{"total": "1"},
	}})
	var finding catalog.Finding
	fmt.Println(errors.Is(err, chain.ErrInvalidOptions), errors.As(err, &finding))
	fmt.Println(finding)
	fmt.Println(len(gw.Requests()), "requests sent")
	// Output:
	// true true
	// body amount.total: want integer, got string
	// 0 requests sent
}
