package wechatpaytest_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"io"
	"net/http/httptest"
	"time"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
	"github.com/tidwall/gjson"
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

// Faults make the next calls fail; the client retries 5xx answers,
// signing each attempt afresh.
func ExampleServer_Inject() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	cfg := srv.Config()
	cfg.RetryWait = time.Millisecond
	c, err := wechatpay.New(cfg)
	if err != nil {
		fmt.Println("error:", err)
		return
	}

	srv.Inject(wechatpaytest.Fault{Route: "GET /v3/pay/transactions/out-trade-no/{out_trade_no}", Times: 2, Status: 503})
	resp, err := c.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(context.Background(), chain.O{
		"out_trade_no": wechatpaytest.DemoOutTradeNo,
		"query":        map[string]string{"mchid": srv.MchID},
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(resp.Get("trade_state"), "after", len(srv.Requests()), "attempts")
	// Output:
	// SUCCESS after 3 attempts
}

// A notification as WeChat Pay sends it: signed with the platform key, the
// resource encrypted with the APIv3 key.
func ExampleServer_NewNotification() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()

	req, err := srv.NewNotification("https://shop.example/notify", "TRANSACTION.SUCCESS", []byte(`{"trade_state":"SUCCESS"}`))
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	body, _ := io.ReadAll(req.Body)
	v := &signer.Verifier{Keys: signer.NewKeyStore(srv.PlatformKeys())}
	fmt.Println("verified:", v.Verify(req.Header, body) == nil)

	r := gjson.GetBytes(body, "resource")
	plain, err := signer.DecryptAESGCM(srv.APIv3Key, r.Get("nonce").String(), r.Get("associated_data").String(), r.Get("ciphertext").String())
	fmt.Println(gjson.GetBytes(body, "event_type"), r.Get("original_type"), string(plain), err)
	// Output:
	// verified: true
	// TRANSACTION.SUCCESS transaction {"trade_state":"SUCCESS"} <nil>
}

// A webhook handler's unit test without any server: NewTestNotification
// signs and encrypts a notification with keys the test made, like
// stripe-go's GenerateTestSignedPayload.
func ExampleNewTestNotification() {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	const serial, apiv3Key = "PUB_KEY_ID_0114232019112100000000000001", "0123456789abcdefghijklmnopqrstuv"
	req, err := wechatpaytest.NewTestNotification(wechatpaytest.NotificationPayload{
		EventType: "REFUND.SUCCESS", PlatformKey: key, PlatformSerial: serial, APIv3Key: apiv3Key,
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}

	parser, err := notify.NewParser(map[string]*rsa.PublicKey{serial: &key.PublicKey}, apiv3Key)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	handler := parser.Handler(func(_ context.Context, n *notify.Notification) error {
		fmt.Println(n.EventType, n.OriginalType, n.Get("refund_status"), n.Get("out_refund_no"))
		return nil
	})
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output:
	// REFUND.SUCCESS refund SUCCESS 1217752501201407033233368018
	// 200
}

// The notification for an object of a flow, made from the server's state:
// a merchant transfer the user confirmed.
func ExampleServer_EventNotification() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	srv.PutTransferBill(wechatpaytest.TransferBill{OutBillNo: "plfk2020042013", AppID: wechatpaytest.DemoAppID,
		OpenID: "o-MYE42l80oelYMDE34nYD456Xoy", TransferAmount: 400000, TransferRemark: "2020年4月报销"})
	if err := srv.ConfirmTransferBill("plfk2020042013"); err != nil {
		fmt.Println("error:", err)
		return
	}
	req, err := srv.EventNotification("https://shop.example/notify", "MCHTRANSFER.BILL.FINISHED", "plfk2020042013")
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	body, _ := io.ReadAll(req.Body)
	r := gjson.GetBytes(body, "resource")
	plain, err := signer.DecryptAESGCM(srv.APIv3Key, r.Get("nonce").String(), r.Get("associated_data").String(), r.Get("ciphertext").String())
	fmt.Println(gjson.GetBytes(body, "summary"), r.Get("original_type"), err)
	fmt.Println(gjson.GetBytes(plain, "out_bill_no"), gjson.GetBytes(plain, "state"), gjson.GetBytes(plain, "transfer_amount"))
	// Output:
	// 商家转账单据终态通知 mch_payment <nil>
	// plfk2020042013 SUCCESS 400000
}
