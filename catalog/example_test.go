package catalog_test

import (
	"fmt"

	"github.com/chainpay-go/wechatpay/catalog"
)

func ExampleLookup() {
	// Any chain syntax and any variable names find the operation.
	op, ok := catalog.Lookup("post", "v3/payscore/payafter-orders/<id>/sync")
	fmt.Println(ok, op.Method, op.Template)
	fmt.Println(op.Title, op.PathVars)

	// So does a concrete path; Match also gives the values.
	op, vars, _ := catalog.Match("GET", "/v3/refund/domestic/refunds/R20261202")
	fmt.Println(op.Template, vars)
	// Output:
	// true POST v3/payscore/payafter-orders/{out_order_no}/sync
	// 支付分订单同步 [out_order_no]
	// v3/refund/domestic/refunds/{out_refund_no} map[out_refund_no:R20261202]
}

func ExampleValidate() {
	// What a client in Strict mode does before signing: every finding,
	// then one refusal.
	body := []byte(`{"appid":"wxd678efh567hg6787","mchid":"1230000109","description":"QQ公仔",` +
		`"out_trade_no":"1217752501201407033233368018","notify_url":"https://www.weixin.qq.com/wxpay/pay.php",` +
		`"amount":{"totl":100},"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}}`)
	findings := catalog.Validate("POST", catalog.V3PayTransactionsJSAPI, catalog.Request{Body: body})
	for _, f := range findings {
		fmt.Println(f)
	}
	if len(findings) > 0 {
		fmt.Println("refused before sending")
	}
	// A simulator answers 400 PARAM_ERROR from the first finding.
	first := findings[0]
	fmt.Printf("detail: field=%s location=%s issue=%q\n", first.Pointer(), first.Location, first.Issue)
	// Output:
	// body amount.totl: not a field of this operation; did you mean "total"?
	// body amount.total: required
	// refused before sending
	// detail: field=/amount/totl location=body issue="not a field of this operation; did you mean \"total\"?"
}
