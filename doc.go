// Package wechatpay is a WeChat Pay APIv3 client for Go with dynamic paths:
// any API is one call away, named the way WeChat Pay's documentation names it.
//
//	c, err := wechatpay.New(wechatpay.Config{
//		MchID:        "1900000001",
//		Serial:       "3775B6A45ACD588826D15E583A95F5DD4A6AC11A",
//		PrivateKey:   merchantKey,                             // signer.LoadPrivateKey("apiclient_key.pem")
//		PlatformKeys: map[string]*rsa.PublicKey{"PUB_KEY_ID_0114232134912410000000000000": platformKey},
//	})
//	resp, err := c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync").Post(ctx, chain.O{
//		"out_order_no": "1234323JKHDFE1243252",
//		"json":         map[string]any{"appid": "wxd678efh567hg6787", "service_id": "500001", "type": "Order_Paid"},
//	})
//	fmt.Println(resp.Get("order_id"))
//
// ConfigFromEnv fills a Config from the WECHATPAY_* variables instead
// (EnvMchID and the constants after it), naming every missing or malformed
// one in a single error. Config is chain.Config and New is chain.NewClient:
// one configuration type, checked once.
//
// New returns a *chain.Client; the request builder, the options map, async
// calls, errors and uploads are documented in package chain. A path given
// as one string is sent as written; see chain.Client.Chain.
package wechatpay
