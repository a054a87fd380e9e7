package wechatpaytest_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// decryptNotification verifies a notification with the server's keys and
// returns its plaintext resource.
func decryptNotification(t *testing.T, e *env, req *http.Request) []byte {
	t.Helper()
	body, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.ver.Verify(req.Header, body); err != nil {
		t.Fatalf("notification does not verify: %v", err)
	}
	r := gjson.GetBytes(body, "resource")
	plain, err := signer.DecryptAESGCM(e.srv.APIv3Key, r.Get("nonce").String(), r.Get("associated_data").String(), r.Get("ciphertext").String())
	if err != nil {
		t.Fatalf("decrypt: %v", err)
	}
	return plain
}

// TestEventNotificationsFromState makes every known event from the
// server's state and checks the resource's shape: the members WeChat Pay
// sends for the event, and the values of the object it is about.
func TestEventNotificationsFromState(t *testing.T) {
	t.Parallel()
	e := setup(t)
	s := e.srv
	// A paid transaction with refunds in progress, a DONE payscore order
	// (the seed sync), a confirmed one, a finished transfer.
	if _, err := s.PayTransaction(mustCreate(t, e, "EVT000001")); err != nil {
		t.Fatal(err)
	}
	for _, no := range []string{"R1", "R2", "R3"} {
		a := e.do("POST", "/v3/refund/domestic/refunds", `{"out_trade_no":"EVT000001","out_refund_no":"`+no+`","amount":{"refund":10,"total":100,"currency":"CNY"}}`)
		if a.Status != 200 {
			t.Fatalf("refund %s: %d %s", no, a.Status, a.Body)
		}
	}
	e.do("POST", seedTarget, seedBody)
	s.PutServiceOrder(wechatpaytest.ServiceOrder{OutOrderNo: "PS1", AppID: wechatpaytest.DemoAppID, ServiceID: wechatpaytest.DemoServiceID, NotifyURL: "https://example.com/n"})
	if err := s.ConfirmServiceOrder("PS1"); err != nil {
		t.Fatal(err)
	}
	s.PutTransferBill(wechatpaytest.TransferBill{OutBillNo: "TB1", AppID: "wx1", OpenID: "o1", TransferAmount: 5, State: "SUCCESS"})

	tests := []struct {
		event, id string
		want      map[string]string // gjson path → value ("*": present)
	}{
		{"TRANSACTION.SUCCESS", "EVT000001", map[string]string{"out_trade_no": "EVT000001", "trade_state": "SUCCESS", "mchid": s.MchID, "transaction_id": "*", "amount.payer_total": "100", "success_time": "*"}},
		{"REFUND.SUCCESS", "R1", map[string]string{"out_refund_no": "R1", "refund_status": "SUCCESS", "out_trade_no": "EVT000001", "refund_id": "*", "success_time": "*", "amount.refund": "10"}},
		{"REFUND.ABNORMAL", "R2", map[string]string{"out_refund_no": "R2", "refund_status": "ABNORMAL", "amount.total": "100"}},
		{"REFUND.CLOSED", "R3", map[string]string{"out_refund_no": "R3", "refund_status": "CLOSED"}},
		{"PAYSCORE.USER_CONFIRM", "PS1", map[string]string{"out_order_no": "PS1", "state": "DOING", "state_description": "USER_CONFIRM", "openid": "*", "order_id": "*"}},
		{"PAYSCORE.USER_PAID", wechatpaytest.DemoOutOrderNo, map[string]string{"out_order_no": wechatpaytest.DemoOutOrderNo, "state": "DONE", "collection.state": "USER_PAID"}},
		{"PAYSCORE.USER_OPEN_SERVICE", "oUser1", map[string]string{"openid": "oUser1", "user_service_status": "USER_OPEN_SERVICE", "service_id": "*", "openorclose_time": "*"}},
		{"PAYSCORE.USER_CLOSE_SERVICE", "oUser1", map[string]string{"openid": "oUser1", "user_service_status": "USER_CLOSE_SERVICE"}},
		{"MCHTRANSFER.BILL.FINISHED", "TB1", map[string]string{"out_bill_no": "TB1", "state": "SUCCESS", "mch_id": s.MchID, "transfer_bill_no": "*", "transfer_amount": "5"}},
	}
	for _, tt := range tests {
		req, err := s.EventNotification("https://example.com/notify", tt.event, tt.id)
		if err != nil {
			t.Errorf("%s %s: %v", tt.event, tt.id, err)
			continue
		}
		plain := decryptNotification(t, e, req)
		got := map[string]string{}
		for k, v := range tt.want {
			r := gjson.GetBytes(plain, k)
			got[k] = r.String()
			if v == "*" && r.Exists() {
				got[k] = "*"
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s %s resource (-want +got):\n%s\n%s", tt.event, tt.id, diff, plain)
		}
	}
	// A refund reported ABNORMAL stays so; the queries say so too.
	if a := e.do("GET", "/v3/refund/domestic/refunds/R2", ""); a.get("status") != "ABNORMAL" {
		t.Errorf("refund R2 after REFUND.ABNORMAL: %s", a.Body)
	}
	if _, err := s.EventNotification("", "REFUND.SUCCESS", "R2"); err == nil {
		t.Errorf("REFUND.SUCCESS about an ABNORMAL refund was made")
	}
	for _, bad := range []struct{ event, id, msg string }{
		{"NO.SUCH_EVENT", "x", "unknown event type"},
		{"TRANSACTION.SUCCESS", "nothing", "no object"},
		{"PAYSCORE.USER_OPEN_SERVICE", "o1", "no url"},
	} {
		if _, err := s.EventNotification("", bad.event, bad.id); err == nil || !strings.Contains(err.Error(), bad.msg) {
			t.Errorf("EventNotification(%s, %s) = %v, want an error saying %q", bad.event, bad.id, err, bad.msg)
		}
	}
}

// mustCreate creates a direct JSAPI transaction and returns its out_trade_no.
func mustCreate(t *testing.T, e *env, no string) string {
	t.Helper()
	a := e.do("POST", "/v3/pay/transactions/jsapi", payBody(e.srv, no, `,"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}`))
	if a.Status != 200 {
		t.Fatalf("create %s: %d %s", no, a.Status, a.Body)
	}
	return no
}

// TestNewTestNotification: the stateless helper's requests pass a notify
// handler configured with the same keys, with no server running; each
// event type's example resource has its shape.
func TestNewTestNotification(t *testing.T) {
	t.Parallel()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	const serial, apiv3 = "PUB_KEY_ID_0114232019112100000000000001", "0123456789abcdefghijklmnopqrstuv"
	p, err := notify.NewParser(map[string]*rsa.PublicKey{serial: &key.PublicKey}, apiv3)
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	h := p.Handler(func(_ context.Context, n *notify.Notification) error {
		seen = append(seen, n.EventType+" "+n.OriginalType)
		return nil
	})
	for _, ev := range wechatpaytest.EventTypes() {
		req, err := wechatpaytest.NewTestNotification(wechatpaytest.NotificationPayload{EventType: ev, PlatformKey: key, PlatformSerial: serial, APIv3Key: apiv3})
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 300 {
			t.Errorf("%s: handler answered %d %s", ev, rec.Code, rec.Body)
		}
	}
	if len(seen) != len(wechatpaytest.EventTypes()) || len(seen) < 9 {
		t.Errorf("handled %v", seen)
	}
	// A broken one is refused.
	req, err := wechatpaytest.NewTestNotification(wechatpaytest.NotificationPayload{EventType: "TRANSACTION.SUCCESS", PlatformKey: key, PlatformSerial: serial, APIv3Key: apiv3}, wechatpaytest.NotifyTampered())
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("tampered: %d, want 401", rec.Code)
	}
	// Every missing field is named at once.
	_, err = wechatpaytest.NewTestNotification(wechatpaytest.NotificationPayload{})
	for _, name := range []string{"EventType", "APIv3Key", "PlatformKey", "PlatformSerial"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("empty payload: %v, want it to name %s", err, name)
		}
	}
}

func TestExampleResourceVariants(t *testing.T) {
	t.Parallel()
	tests := []struct{ event, variant, member string }{
		{"TRANSACTION.SUCCESS", "", "payer.openid"},
		{"TRANSACTION.SUCCESS", "partner", "payer.sp_openid"},
		{"TRANSACTION.SUCCESS", "combine", "sub_orders.0.amount.total_amount"},
		{"REFUND.ABNORMAL", "", "refund_status"},
		{"MCHTRANSFER.BILL.FINISHED", "", "transfer_bill_no"},
	}
	for _, tt := range tests {
		b, err := wechatpaytest.ExampleResource(tt.event, tt.variant)
		if err != nil || !gjson.GetBytes(b, tt.member).Exists() {
			t.Errorf("ExampleResource(%s, %q) = %s, %v; want a %s", tt.event, tt.variant, b, err, tt.member)
		}
	}
	if _, err := wechatpaytest.ExampleResource("REFUND.SUCCESS", "combine"); err == nil {
		t.Errorf("a combine refund example was made")
	}
}
