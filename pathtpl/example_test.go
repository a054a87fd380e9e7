package pathtpl_test

import (
	"errors"
	"fmt"

	"github.com/chainpay-go/wechatpay/pathtpl"
)

func ExampleExpand() {
	url, err := pathtpl.Expand("v3/payscore/payafter-orders/{out_order_no}/sync",
		map[string]any{"out_order_no": "1234323JKHDFE1243252"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(url)
	// Output: v3/payscore/payafter-orders/1234323JKHDFE1243252/sync
}

func ExampleExpand_level4() {
	url, err := pathtpl.Expand("v3/merchant{/id}/bills{?bill_date,tar_type}{&extra*}", map[string]any{
		"id":        1900000109,
		"bill_date": "2026-11-28",
		"tar_type":  nil, // undefined: omitted
		"extra":     map[string]string{"sub_mchid": "1900000110", "bill_type": "ALL"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(url)
	// Output: v3/merchant/1900000109/bills?bill_date=2026-11-28&bill_type=ALL&sub_mchid=1900000110
}

func ExampleTemplate_Expand_injection() {
	t, err := pathtpl.Parse("v3/refund/domestic/refunds/{out_refund_no}")
	if err != nil {
		fmt.Println(err)
		return
	}
	// A value can never add a segment, a query or a fragment.
	url, _ := t.Expand(map[string]any{"out_refund_no": "../../pay?x=1#y"})
	fmt.Println(url)
	// Output: v3/refund/domestic/refunds/..%2F..%2Fpay%3Fx%3D1%23y
}

func ExampleTemplate_Expand_reserved() {
	// {+var} keeps "/" and existing %XX: only for paths the program built
	// itself, never for untrusted input.
	url, _ := pathtpl.Expand("v3{+path}", map[string]any{"path": "/marketing/favor/stocks"})
	fmt.Println(url)
	// Output: v3/marketing/favor/stocks
}

func ExampleTemplate_ExpandStrict() {
	t, err := pathtpl.Parse("v3/pay/partner/transactions/out-trade-no/{out_trade_no}{?sp_mchid,sub_mchid}")
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = t.ExpandStrict(map[string]any{"out_trade_no": "1217752501201407033233368018", "sp_mchid": ""})
	var missing *pathtpl.MissingError
	if errors.As(err, &missing) {
		fmt.Println(missing.Names)
	}
	_, err = t.ExpandStrict(map[string]any{"out_trade_no": "..", "sp_mchid": "1230000109", "sub_mchid": "1900000109"})
	fmt.Println(errors.Is(err, pathtpl.ErrDotSegment))
	// Output:
	// [sp_mchid sub_mchid]
	// true
}

func ExampleNormalize() {
	fmt.Println(pathtpl.Normalize("v3/payscore/payafter-orders/_out_order_no_/sync"))
	fmt.Println(pathtpl.Normalize("v3/payscore/payafter-orders/<out_order_no>/sync"))
	fmt.Println(pathtpl.Normalize("v3/marketing/busifavor/users/$openid$/coupons"))
	fmt.Println(pathtpl.Normalize("v3/pay/transactions/out-trade-no/ABCdef123")) // literals as written
	// Output:
	// v3/payscore/payafter-orders/{out_order_no}/sync
	// v3/payscore/payafter-orders/{out_order_no}/sync
	// v3/marketing/busifavor/users/{openid}/coupons
	// v3/pay/transactions/out-trade-no/ABCdef123
}

func ExampleNormalizeSegment() {
	for _, seg := range []string{"payafterOrders", "_out_order_no_", "$openid$", "MerchantService", "complaintsV2", "video_upload"} {
		fmt.Println(pathtpl.NormalizeSegment(seg))
	}
	// Output:
	// payafter-orders
	// {out_order_no}
	// {openid}
	// merchant-service
	// complaints-v2
	// video_upload
}

func ExampleParseChain() {
	t, err := pathtpl.ParseChain("v3/payscore/payafter-orders/_out_order_no_/sync")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t, t.Names())
	url, _ := t.ExpandStrict(map[string]any{"out_order_no": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"})
	fmt.Println(url)
	// Output:
	// v3/payscore/payafter-orders/{out_order_no}/sync [out_order_no]
	// v3/payscore/payafter-orders/oUpF8uMuAJO_M2pxb1Q9zNjWeS6o/sync
}

func ExampleParse_error() {
	_, err := pathtpl.Parse("v3/orders/{out_trade_no")
	var se *pathtpl.SyntaxError
	if errors.As(err, &se) {
		fmt.Println(se.Pos, se.Msg)
	}
	fmt.Println(errors.Is(err, pathtpl.ErrSyntax))
	// Output:
	// 10 unclosed "{"
	// true
}
