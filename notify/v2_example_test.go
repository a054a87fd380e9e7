package notify_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http/httptest"

	"github.com/chainpay-go/wechatpay/notify"
)

func ExampleV2Parser_PaymentHandler() {
	const apiv2Key = "Xk7Rq2Vn4Wz9Tb1Yc5Md8Pf3Gh6Js0La" // the merchant platform's APIv2 key (made up)
	p, err := notify.NewV2Parser(apiv2Key)
	if err != nil {
		panic(err)
	}
	h := p.PaymentHandler(func(ctx context.Context, n *notify.V2Notification) error {
		// Verified: record the outcome idempotently (WeChat Pay delivers
		// again until it reads SUCCESS).
		fmt.Println(n.Get("out_trade_no").String(), n.Get("result_code").String(), n.Get("total_fee").Int(), n.SignType)
		return nil
	})

	// What WeChat Pay would POST (GenerateV2Payment plays WeChat Pay in tests).
	body, err := notify.GenerateV2Payment(map[string]string{
		"appid": "wx2421b1c4370ec43b", "mch_id": "10000100", "out_trade_no": "1409811653",
		"transaction_id": "1004400740201409030005092168", "total_fee": "1", "sign_type": "HMAC-SHA256",
	}, apiv2Key)
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/notify/v2/pay", bytes.NewReader(body)))
	ack, _ := io.ReadAll(rec.Result().Body)
	fmt.Println(rec.Code, string(ack))
	// Output:
	// 1409811653 SUCCESS 1 HMAC-SHA256
	// 200 <xml><return_code><![CDATA[SUCCESS]]></return_code></xml>
}

func ExampleV2Parser_ParseRefundRaw() {
	const apiv2Key = "Xk7Rq2Vn4Wz9Tb1Yc5Md8Pf3Gh6Js0La"
	p, err := notify.NewV2Parser(apiv2Key)
	if err != nil {
		panic(err)
	}
	body, err := notify.GenerateV2Refund(map[string]string{"appid": "wx2421b1c4370ec43b", "mch_id": "10000100"},
		map[string]string{"out_refund_no": "R20261128001", "refund_status": "SUCCESS", "refund_fee": "88"}, apiv2Key)
	if err != nil {
		panic(err)
	}
	n, err := p.ParseRefundRaw(body)
	if err != nil {
		panic(err)
	}
	fmt.Println(n.Fields["mch_id"], n.Info["out_refund_no"], n.Get("refund_status"), n.Get("refund_fee").Int())
	fmt.Println(string(n.JSON))
	// Output:
	// 10000100 R20261128001 SUCCESS 88
	// {"out_refund_no":"R20261128001","refund_fee":"88","refund_status":"SUCCESS"}
}
