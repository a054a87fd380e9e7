package console_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
	"github.com/chainpay-go/wechatpay/wechatpaytest/console"
)

// receiver is a notify_url that keeps the event types it got.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	events []string
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var n struct {
			EventType string `json:"event_type"`
		}
		_ = json.Unmarshal(b, &n)
		rc.mu.Lock()
		rc.events = append(rc.events, n.EventType)
		rc.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rc.Close)
	return rc
}

// act posts a console action with the page's token.
func act(t *testing.T, base, name, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/console/api/actions/"+name, strings.NewReader(body))
	req.Header.Set(console.TokenHeader, pageToken(t, base))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// delivered waits until the server has a delivery of event for id with an
// attempt, and returns its first attempt's status.
func delivered(t *testing.T, srv *wechatpaytest.Server, event, id string) int {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		ch := srv.Changed()
		for _, d := range srv.Deliveries() {
			if d.EventType == event && d.ObjectID == id && len(d.Attempts) > 0 {
				if a := d.Attempts[0]; a.Error != "" {
					t.Logf("%s %s: first attempt: status %d, error %q after %v", event, id, a.Status, a.Error, a.Duration)
				}
				return d.Attempts[0].Status
			}
		}
		select {
		case <-ch:
		case <-time.After(time.Second):
		}
	}
	t.Fatalf("no attempt of %s %s", event, id)
	return 0
}

func TestActions(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	rc := newReceiver(t)
	ts := serve(t, srv)
	ctx := t.Context()
	order := func(t *testing.T, no string) {
		t.Helper()
		if _, err := srv.Client().Chain("v3/pay/transactions/native").Post(ctx, chain.O{"json": chain.O{
			"appid": "wxd678efh567hg6787", "mchid": srv.Config().MchID, "description": "console",
			"out_trade_no": no, "notify_url": rc.URL, "amount": chain.O{"total": 100},
		}}); err != nil {
			t.Fatal(err)
		}
	}
	state := func(no string) string { tr, _ := srv.Transaction(no); return tr.TradeState }

	t.Run("pay", func(t *testing.T) {
		order(t, "ORDER-PAY1")
		if code, body := act(t, ts.URL, "pay", `{"out_trade_no":"ORDER-PAY1"}`); code != 200 {
			t.Fatalf("%d %s", code, body)
		}
		if got := state("ORDER-PAY1"); got != "SUCCESS" {
			t.Errorf("trade_state %s", got)
		}
		if got := delivered(t, srv, "TRANSACTION.SUCCESS", "ORDER-PAY1"); got != http.StatusNoContent {
			t.Errorf("delivery status %d", got)
		}
	})
	t.Run("close", func(t *testing.T) {
		order(t, "ORDER-CLOSE1")
		if code, body := act(t, ts.URL, "close", `{"out_trade_no":"ORDER-CLOSE1"}`); code != 200 || !strings.Contains(body, `"trade_state":"CLOSED"`) {
			t.Fatalf("%d %s", code, body)
		}
		if got := state("ORDER-CLOSE1"); got != "CLOSED" {
			t.Errorf("trade_state %s", got)
		}
	})
	t.Run("transfer", func(t *testing.T) {
		for _, tt := range []struct{ no, decision, want string }{{"TRANSFER-OK1", "confirm", "SUCCESS"}, {"TRANSFER-NO1", "cancel", "CANCELLED"}} {
			srv.PutTransferBill(wechatpaytest.TransferBill{OutBillNo: tt.no, AppID: "wxd678efh567hg6787", OpenID: "o1",
				TransferAmount: 100, TransferRemark: "r", TransferScene: "1000", NotifyURL: rc.URL})
			if code, body := act(t, ts.URL, "transfer", `{"out_bill_no":"`+tt.no+`","decision":"`+tt.decision+`"}`); code != 200 {
				t.Fatalf("%s: %d %s", tt.decision, code, body)
			}
			if b, _ := srv.TransferBill(tt.no); b.State != tt.want {
				t.Errorf("%s: state %s, want %s", tt.decision, b.State, tt.want)
			}
			delivered(t, srv, "MCHTRANSFER.BILL.FINISHED", tt.no)
		}
	})
	t.Run("refund fails", func(t *testing.T) {
		order(t, "ORDER-REFUND1")
		if _, err := srv.PayTransaction("ORDER-REFUND1"); err != nil {
			t.Fatal(err)
		}
		if _, err := srv.Client().Chain("v3/refund/domestic/refunds").Post(ctx, chain.O{"json": chain.O{
			"out_trade_no": "ORDER-REFUND1", "out_refund_no": "REFUND-ABN1", "notify_url": rc.URL,
			"amount": chain.O{"refund": 100, "total": 100, "currency": "CNY"},
		}}); err != nil {
			t.Fatal(err)
		}
		if code, body := act(t, ts.URL, "refund", `{"out_refund_no":"REFUND-ABN1","result":"ABNORMAL"}`); code != 200 {
			t.Fatalf("%d %s", code, body)
		}
		delivered(t, srv, "REFUND.ABNORMAL", "REFUND-ABN1")
		resp, err := srv.Client().Chain("v3/refund/domestic/refunds/{out_refund_no}").Get(ctx, chain.O{"out_refund_no": "REFUND-ABN1"})
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.Get("status").String(); got != "ABNORMAL" {
			t.Errorf("refund status %s after the console ended it ABNORMAL", got)
		}
	})
	t.Run("trigger and resend", func(t *testing.T) {
		code, body := act(t, ts.URL, "trigger", `{"event_type":"TRANSACTION.SUCCESS","url":"`+rc.URL+`"}`)
		if code != 200 {
			t.Fatalf("%d %s", code, body)
		}
		var res wechatpaytest.TriggerResult
		if err := json.Unmarshal([]byte(body), &res); err != nil {
			t.Fatal(err)
		}
		delivered(t, srv, "TRANSACTION.SUCCESS", res.ObjectID)
		if code, body := act(t, ts.URL, "resend", `{"id":"`+res.Delivery.ID+`"}`); code != 200 {
			t.Fatalf("resend: %d %s", code, body)
		}
		d, _ := srv.Delivery(res.Delivery.ID)
		if n := len(d.Attempts); n != 2 || !d.Attempts[1].Resend || d.Attempts[1].Status != http.StatusNoContent {
			t.Errorf("attempts after a resend: %+v", d.Attempts)
		}
	})
	t.Run("faults and rules", func(t *testing.T) {
		steps := []struct {
			name, body string
			want       func() int
			n          int
		}{
			{"fault", `{"route":"GET /v3/certificates","status":500,"times":2}`, srv.PendingFaults, 1},
			{"fault", `{"clear":true}`, srv.PendingFaults, 0},
			{"rule", `{"route":"POST /v3/refund/domestic/refunds","code":"NOT_ENOUGH","times":1}`, func() int { return len(srv.OutcomeRules()) }, 1},
			{"rule", `{"clear":true}`, func() int { return len(srv.OutcomeRules()) }, 0},
		}
		for _, s := range steps {
			if code, body := act(t, ts.URL, s.name, s.body); code != 200 {
				t.Fatalf("%s %s: %d %s", s.name, s.body, code, body)
			}
			if got := s.want(); got != s.n {
				t.Errorf("%s %s: %d, want %d", s.name, s.body, got, s.n)
			}
		}
	})
	t.Run("notifications list every attempt", func(t *testing.T) {
		_, body := get(t, ts.URL+"/console/api/notifications")
		var list []wechatpaytest.Delivery
		if err := json.Unmarshal(body, &list); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(srv.Deliveries()[len(srv.Deliveries())-1].ID, list[0].ID); diff != "" {
			t.Errorf("newest first (-want +got):\n%s", diff)
		}
		attempts := 0
		for _, d := range list {
			attempts += len(d.Attempts)
		}
		if attempts < len(list)+1 { // every delivery tried, one resent
			t.Errorf("%d attempts over %d deliveries", attempts, len(list))
		}
	})
	t.Run("clock and reset", func(t *testing.T) {
		code, body := act(t, ts.URL, "clock", `{"duration":"2h"}`)
		if code != 200 || !strings.Contains(body, `"offset":"2h0m0s"`) {
			t.Fatalf("%d %s", code, body)
		}
		if got := srv.ClockOffset(); got != 2*time.Hour {
			t.Errorf("offset %s after advancing 2h", got)
		}
		if code, body := act(t, ts.URL, "reset", `{"scenario":"refunds"}`); code != 200 {
			t.Fatalf("%d %s", code, body)
		}
		if _, err := srv.Client().Chain("v3/refund/domestic/refunds/{out_refund_no}").Get(ctx, chain.O{"out_refund_no": "REFUND-ABN1"}); err == nil {
			t.Errorf("the refund is still there after resetting refunds")
		}
		if code, body := act(t, ts.URL, "reset", `{"scenario":"nope"}`); code != http.StatusBadRequest {
			t.Errorf("unknown scenario: %d %s", code, body)
		}
		if code, body := act(t, ts.URL, "reset", `{}`); code != 200 {
			t.Fatalf("%d %s", code, body)
		}
		if diff := cmp.Diff([]any{time.Duration(0), 0, 0}, []any{srv.ClockOffset(), len(srv.Deliveries()), len(srv.OutcomeRules())}); diff != "" {
			t.Errorf("after a reset: offset, deliveries, rules (-want +got):\n%s", diff)
		}
		if _, ok := srv.Transaction("ORDER-PAY1"); ok {
			t.Errorf("the paid order survived the reset")
		}
	})
}

func TestActionsRefuseBadInput(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	ts := serve(t, srv)
	tests := []struct {
		name, body string
		want       int
	}{
		{"pay", `{}`, 400},
		{"pay", `not json`, 400},
		{"pay", `{"out_trade_n":"X"}`, 400},
		{"pay", `{"out_trade_no":"` + strings.Repeat("x", 20<<10) + `"}`, 400},
		{"transfer", `{"out_bill_no":"T","decision":"maybe"}`, 400},
		{"refund", `{"out_refund_no":"R","result":"LOST"}`, 400},
		{"clock", `{"duration":"-1h"}`, 400},
		{"fault", `{"route":"/x"}`, 400},
		{"fault", `{"status":200}`, 400},
		{"rule", `{"status":700}`, 400},
		{"resend", `{"id":"nope"}`, 404},
		{"reset", `{"scenario":"nope"}`, 400},
		{"nope", `{}`, 404},
	}
	for _, tt := range tests {
		if code, body := act(t, ts.URL, tt.name, tt.body); code != tt.want {
			t.Errorf("%s %.40s: %d %s, want %d", tt.name, tt.body, code, body, tt.want)
		}
	}
	for range console.MaxFaults - srv.PendingFaults() {
		srv.Inject(wechatpaytest.Fault{Route: "GET /nowhere", Status: 500})
	}
	if code, body := act(t, ts.URL, "fault", `{"status":500}`); code != http.StatusBadRequest || srv.PendingFaults() != console.MaxFaults {
		t.Errorf("fault number %d: %d %s, %d pending", console.MaxFaults+1, code, body, srv.PendingFaults())
	}
	if _, body := act(t, ts.URL, "pay", `{"out_trade_n":"X"}`); !strings.Contains(body, `unknown member \"out_trade_n\"`) {
		t.Errorf("a misspelt member is not named: %s", body)
	}
}
