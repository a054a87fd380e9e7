package wechatpaytest_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/notify"
)

const transferPath = "/v3/fund-app/mch-transfer/transfer-bills"

func transferBody(no, extra string) string {
	return `{"appid":"wxf636efh567hg4356","out_bill_no":"` + no + `","transfer_scene_id":"1000","openid":"o-MYE42l80oelYMDE34nYD456Xoy",` +
		`"transfer_amount":400000,"transfer_remark":"2020年4月报销","notify_url":"https://example.com/notify",` +
		`"transfer_scene_report_infos":[{"info_type":"活动名称","info_content":"注册会员有礼"}]` + extra + `}`
}

// TestTransferFlow walks a transfer: create → WAIT_USER_CONFIRM with a
// package_info, the user's confirmation, SUCCESS, the notification, the
// queries by out_bill_no and transfer_bill_no.
func TestTransferFlow(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := e.do("POST", transferPath, transferBody("plfk2020042013", ""))
	if err := e.verify(a); err != nil || a.Status != 200 {
		t.Fatalf("create: %d %s (verify: %v)", a.Status, a.Body, err)
	}
	if a.get("state") != "WAIT_USER_CONFIRM" || a.get("package_info") == "" || a.get("transfer_bill_no") == "" || a.get("create_time") == "" {
		t.Fatalf("create answer %s", a.Body)
	}
	if again := e.do("POST", transferPath, transferBody("plfk2020042013", "")); again.Status != 200 || string(again.Body) != string(a.Body) {
		t.Errorf("identical repeat: %d %s, want the first answer", again.Status, again.Body)
	}
	if other := e.do("POST", transferPath, strings.Replace(transferBody("plfk2020042013", ""), "400000", "500", 1)); other.Status != 400 {
		t.Errorf("reuse with other parameters: %d %s, want 400", other.Status, other.Body)
	}
	if _, err := e.srv.EventNotification("", "MCHTRANSFER.BILL.FINISHED", "plfk2020042013"); err == nil {
		t.Errorf("a notification about a waiting bill was made")
	}
	if err := e.srv.ConfirmTransferBill("plfk2020042013"); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.ConfirmTransferBill("plfk2020042013"); err == nil {
		t.Errorf("confirming twice succeeded")
	}
	q := e.do("GET", transferPath+"/out-bill-no/plfk2020042013", "")
	got := map[string]string{}
	for _, k := range []string{"mch_id", "out_bill_no", "appid", "state", "transfer_amount", "openid"} {
		got[k] = q.get(k)
	}
	want := map[string]string{"mch_id": e.srv.MchID, "out_bill_no": "plfk2020042013", "appid": "wxf636efh567hg4356",
		"state": "SUCCESS", "transfer_amount": "400000", "openid": "o-MYE42l80oelYMDE34nYD456Xoy"}
	if diff := cmp.Diff(want, got); diff != "" || q.Status != 200 {
		t.Errorf("query %d (-want +got):\n%s", q.Status, diff)
	}
	byNo := e.do("GET", transferPath+"/transfer-bill-no/"+a.get("transfer_bill_no"), "")
	if byNo.Status != 200 || byNo.get("out_bill_no") != "plfk2020042013" {
		t.Errorf("query by transfer_bill_no: %d %s", byNo.Status, byNo.Body)
	}
	if c := e.do("POST", transferPath+"/out-bill-no/plfk2020042013/cancel", ""); c.Status != 400 {
		t.Errorf("cancel of a SUCCESS bill: %d %s, want 400", c.Status, c.Body)
	}

	// The notification reaches a notify handler, which verifies and decrypts it.
	p, err := notify.NewParser(e.srv.PlatformKeys(), e.srv.APIv3Key)
	if err != nil {
		t.Fatal(err)
	}
	got2 := make(chan string, 1)
	hook := httptest.NewServer(p.Handler(func(_ context.Context, n *notify.Notification) error {
		got2 <- n.EventType + " " + n.Get("out_bill_no").String() + " " + n.Get("state").String() + " " + n.OriginalType
		return nil
	}))
	defer hook.Close()
	resp, err := e.srv.SendEvent(t.Context(), hook.URL, "MCHTRANSFER.BILL.FINISHED", "plfk2020042013")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNoContent {
		t.Fatalf("handler answered %d", resp.StatusCode)
	}
	if g := <-got2; g != "MCHTRANSFER.BILL.FINISHED plfk2020042013 SUCCESS mch_payment" {
		t.Errorf("handler saw %q", g)
	}
}

func TestTransferCancelWhileWaiting(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.do("POST", transferPath, transferBody("cancel0001", ""))
	c := e.do("POST", transferPath+"/out-bill-no/cancel0001/cancel", "")
	if c.Status != 200 || c.get("state") != "CANCELING" || c.get("update_time") == "" {
		t.Fatalf("cancel: %d %s", c.Status, c.Body)
	}
	if q := e.do("GET", transferPath+"/out-bill-no/cancel0001", ""); q.get("state") != "CANCELLED" {
		t.Errorf("after cancel: %s, want CANCELLED", q.Body)
	}
	if err := e.srv.ConfirmTransferBill("cancel0001"); err == nil {
		t.Errorf("a cancelled bill was confirmed")
	}
	if q := e.do("GET", transferPath+"/out-bill-no/nothing", ""); q.Status != 404 || q.get("code") != "NOT_FOUND" {
		t.Errorf("unknown bill: %d %s", q.Status, q.Body)
	}
}

func TestTransferCreateChecks(t *testing.T) {
	t.Parallel()
	e := setup(t)
	tests := []struct {
		name, body, field string
	}{
		{"no openid", strings.Replace(transferBody("chk0001", ""), `"openid":"o-MYE42l80oelYMDE34nYD456Xoy",`, "", 1), "/openid"},
		{"scene out of the enum", strings.Replace(transferBody("chk0002", ""), `"1000"`, `"9999"`, 1), "/transfer_scene_id"},
		{"report info without content", strings.Replace(transferBody("chk0003", ""), `,"info_content":"注册会员有礼"`, "", 1), "/transfer_scene_report_infos/0/info_content"},
		{"amount as a string", strings.Replace(transferBody("chk0004", ""), `400000`, `"400000"`, 1), "/transfer_amount"},
		{"user_name without Wechatpay-Serial", transferBody("chk0005", `,"user_name":"c2VjcmV0"`), "Wechatpay-Serial"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.forTest(t)
			a := e.do("POST", transferPath, tt.body)
			if a.Status != 400 || a.get("code") != "PARAM_ERROR" || a.get("detail.field") != tt.field {
				t.Errorf("got %d %s, want PARAM_ERROR on %s", a.Status, a.Body, tt.field)
			}
		})
	}
}
