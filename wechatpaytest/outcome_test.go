package wechatpaytest_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// nativeBody is a native payment's create body for out_trade_no and total.
func nativeBody(outTradeNo string, total int64) string {
	return fmt.Sprintf(`{"appid":%q,"mchid":%q,"description":"sandbox","out_trade_no":%q,"notify_url":"https://example.com/notify","amount":{"total":%d,"currency":"CNY"}}`,
		wechatpaytest.DemoAppID, wechatpaytest.DefaultMchID, outTradeNo, total)
}

// refundBody is a refund of the demo transaction.
func refundBody(outRefundNo string, total int64) string {
	return fmt.Sprintf(`{"out_trade_no":%q,"out_refund_no":%q,"amount":{"refund":1,"total":%d,"currency":"CNY"}}`,
		wechatpaytest.DemoOutTradeNo, outRefundNo, total)
}

const closeTarget = "/v3/pay/transactions/out-trade-no/T-close/close"

func TestOutcomeHeader(t *testing.T) {
	t.Parallel()
	closeBody := `{"mchid":"` + wechatpaytest.DefaultMchID + `"}`
	tests := []struct {
		name, header      string
		method, target    string
		body              string
		status            int
		code, issue       string
		wantRecordOutcome string
		stateAfter        string // the T-close order's trade_state afterwards
	}{
		{"status and code", "status=500, code=SYSTEM_ERROR", "POST", closeTarget, closeBody, 500, "SYSTEM_ERROR", "", "status=500, code=SYSTEM_ERROR", "NOTPAY"},
		{"code alone", "code=NOT_ENOUGH", "POST", closeTarget, closeBody, 403, "NOT_ENOUGH", "", "status=403, code=NOT_ENOUGH", "NOTPAY"},
		{"status alone", "status=429", "POST", closeTarget, closeBody, 429, "FREQUENCY_LIMITED", "", "status=429, code=FREQUENCY_LIMITED", "NOTPAY"},
		{"unknown code", "code=MY_CODE", "POST", closeTarget, closeBody, 400, "MY_CODE", "", "status=400, code=MY_CODE", "NOTPAY"},
		{"message", "status=503,code=SERVICE_UNAVAILABLE,message=busy", "POST", closeTarget, closeBody, 503, "SERVICE_UNAVAILABLE", "", "status=503, code=SERVICE_UNAVAILABLE, message=busy", "NOTPAY"},
		{"generic responder", "code=RULE_LIMIT", "GET", "/v3/marketing/favor/stocks/9865000?stock_creator_mchid=1900000001", "", 403, "RULE_LIMIT", "", "status=403, code=RULE_LIMIT", "NOTPAY"},
		// Validated first: a request the gateway refuses is refused.
		{"invalid body", "status=500", "POST", closeTarget, `{}`, 400, "PARAM_ERROR", "required", "", "NOTPAY"},
		{"generic missing query", "status=500", "GET", "/v3/marketing/favor/stocks/9865000", "", 400, "PARAM_ERROR", "required", "", "NOTPAY"},
		// A malformed header is refused, naming it.
		{"example", "example=ok", "POST", closeTarget, closeBody, 400, "PARAM_ERROR", "example: the simulator has no named answer examples", "", "NOTPAY"},
		{"2xx status", "status=200", "POST", closeTarget, closeBody, 400, "PARAM_ERROR", "status 200 is not an error status (400 to 599)", "", "NOTPAY"},
		{"unknown key", "colour=red", "POST", closeTarget, closeBody, 400, "PARAM_ERROR", `unknown key "colour" (known: status, code, message)`, "", "NOTPAY"},
		{"bad code", "code=not-a-code", "POST", closeTarget, closeBody, 400, "PARAM_ERROR", `code "NOT-A-CODE" is not an error code (A-Z, 0-9 and _, at most 64)`, "", "NOTPAY"},
		{"twice", "status=500, status=502", "POST", closeTarget, closeBody, 400, "PARAM_ERROR", "status given twice", "", "NOTPAY"},
		{"no header", "", "POST", closeTarget, closeBody, 204, "", "", "", "CLOSED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			e.srv.PutTransaction(wechatpaytest.Transaction{OutTradeNo: "T-close", AppID: wechatpaytest.DemoAppID, TradeType: "NATIVE", Total: 10})
			authz, err := e.auth.Authorize(t.Context(), tt.method, tt.target, []byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			hdr := http.Header{}
			if tt.header != "" {
				hdr.Set(wechatpaytest.OutcomeHeader, tt.header)
			}
			a := e.send(tt.method, tt.target, tt.body, authz, hdr)
			if err := e.verify(a); err != nil {
				t.Errorf("the answer does not verify: %v", err)
			}
			got := []string{fmt.Sprint(a.Status), a.get("code"), a.get("detail.issue")}
			want := []string{fmt.Sprint(tt.status), tt.code, tt.issue}
			if tt.issue != "" && tt.issue != "required" && a.get("detail.location") != "header" {
				t.Errorf("detail.location = %q, want header", a.get("detail.location"))
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("answer (-want +got):\n%s\n%s", diff, a.Body)
			}
			recs := e.srv.Requests()
			if got := recs[len(recs)-1].Outcome; got != tt.wantRecordOutcome {
				t.Errorf("record's Outcome = %q, want %q", got, tt.wantRecordOutcome)
			}
			tx, _ := e.srv.Transaction("T-close")
			if tx.TradeState != tt.stateAfter {
				t.Errorf("trade_state after = %s, want %s (a forced answer changes nothing)", tx.TradeState, tt.stateAfter)
			}
		})
	}
}

func TestOutcomeHeaderNeedsAuthentication(t *testing.T) {
	t.Parallel()
	e := setup(t)
	hdr := http.Header{wechatpaytest.OutcomeHeader: {"status=500"}}
	a := e.send("GET", queryTarget, "", "", hdr)
	if a.Status != 401 || a.get("code") != "SIGN_ERROR" {
		t.Errorf("unsigned request with the header: %d %s, want 401 SIGN_ERROR", a.Status, a.Body)
	}
}

func TestOutcomeRules(t *testing.T) {
	t.Parallel()
	e := setup(t)
	r, err := e.srv.AddOutcomeRule(wechatpaytest.OutcomeRule{Route: "POST /v3/refund/domestic/refunds", Times: 2, Outcome: wechatpaytest.Outcome{Code: "NOT_ENOUGH"}})
	if err != nil {
		t.Fatal(err)
	}
	want := wechatpaytest.OutcomeRule{ID: r.ID, Route: "POST /v3/refund/domestic/refunds", Times: 2, Left: 2, Outcome: wechatpaytest.Outcome{Status: 403, Code: "NOT_ENOUGH"}}
	if diff := cmp.Diff([]wechatpaytest.OutcomeRule{want}, e.srv.OutcomeRules()); diff != "" {
		t.Errorf("OutcomeRules (-want +got):\n%s", diff)
	}
	// Another route is not touched; the header beats the rule.
	if a := e.do("GET", queryTarget, ""); a.Status != 200 {
		t.Errorf("query: %d, want 200", a.Status)
	}
	var got []string
	for i := range 3 {
		a := e.do("POST", "/v3/refund/domestic/refunds", refundBody(fmt.Sprint("R", i), 100))
		if err := e.verify(a); err != nil {
			t.Errorf("refund %d: %v", i, err)
		}
		got = append(got, fmt.Sprint(a.Status, " ", a.get("code")))
	}
	if diff := cmp.Diff([]string{"403 NOT_ENOUGH", "403 NOT_ENOUGH", "200 "}, got); diff != "" {
		t.Errorf("refunds (-want +got):\n%s", diff)
	}
	if n := len(e.srv.OutcomeRules()); n != 0 {
		t.Errorf("%d rules left, want 0", n)
	}

	r, _ = e.srv.AddOutcomeRule(wechatpaytest.OutcomeRule{Times: -1, Outcome: wechatpaytest.Outcome{Status: 500}})
	for range 3 {
		if a := e.do("GET", queryTarget, ""); a.Status != 500 {
			t.Errorf("rule for every route, Times -1: %d, want 500", a.Status)
		}
	}
	if got := e.srv.OutcomeRules(); len(got) != 1 || got[0].Left != -1 {
		t.Errorf("OutcomeRules = %+v, want one with Left -1", got)
	}
	if !e.srv.RemoveOutcomeRule(r.ID) || e.srv.RemoveOutcomeRule(r.ID) {
		t.Errorf("RemoveOutcomeRule: want true once, then false")
	}
	if a := e.do("GET", queryTarget, ""); a.Status != 200 {
		t.Errorf("after removal: %d, want 200", a.Status)
	}
}

func TestOutcomeRuleRefused(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer(wechatpaytest.WithoutFixtures())
	defer srv.Close()
	for _, o := range []wechatpaytest.Outcome{{}, {Status: 302}, {Code: "lower"}, {Status: 500, Message: strings.Repeat("x", 300)}} {
		if _, err := srv.AddOutcomeRule(wechatpaytest.OutcomeRule{Outcome: o}); err == nil || !strings.HasPrefix(err.Error(), "wechatpaytest: outcome: ") {
			t.Errorf("AddOutcomeRule(%+v) = %v, want a wechatpaytest: outcome: error", o, err)
		}
	}
}

func TestOutcomeRulesBounded(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer(wechatpaytest.WithoutFixtures())
	defer srv.Close()
	for i := range wechatpaytest.MaxOutcomeRules {
		if _, err := srv.AddOutcomeRule(wechatpaytest.OutcomeRule{Route: "/nowhere", Outcome: wechatpaytest.Outcome{Status: 500}}); err != nil {
			t.Fatalf("rule %d: %v", i, err)
		}
	}
	if _, err := srv.AddOutcomeRule(wechatpaytest.OutcomeRule{Outcome: wechatpaytest.Outcome{Status: 500}}); err == nil {
		t.Errorf("rule past MaxOutcomeRules: no error")
	}
}

func TestMagicValues(t *testing.T) {
	t.Parallel()
	e := setup(t)
	tests := []struct {
		name, method, target, body string
		status                     int
		code                       string
	}{
		{"payment system error", "POST", "/v3/pay/transactions/native", nativeBody("T-magic-500", wechatpaytest.MagicTotalSystemError), 500, "SYSTEM_ERROR"},
		{"payment ordinary", "POST", "/v3/pay/transactions/native", nativeBody("T-ordinary", 5000), 200, ""},
		{"refund not enough", "POST", "/v3/refund/domestic/refunds", refundBody("R-magic", wechatpaytest.MagicTotalRefundNotEnough), 403, "NOT_ENOUGH"},
		// Still validated first.
		{"refund not enough, invalid", "POST", "/v3/refund/domestic/refunds", `{"out_refund_no":"R2","amount":{"total":4031}}`, 400, "PARAM_ERROR"},
	}
	for _, tt := range tests {
		e := e.forTest(t)
		a := e.do(tt.method, tt.target, tt.body)
		if err := e.verify(a); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if a.Status != tt.status || a.get("code") != tt.code {
			t.Errorf("%s: %d %s, want %d %s", tt.name, a.Status, a.Body, tt.status, tt.code)
		}
	}
	if _, ok := e.srv.Transaction("T-magic-500"); ok {
		t.Errorf("the refused payment exists")
	}

	if a := e.do("POST", "/v3/pay/transactions/native", nativeBody("T-payerror", wechatpaytest.MagicTotalPayError)); a.Status != 200 {
		t.Fatalf("create: %d %s", a.Status, a.Body)
	}
	if _, err := e.srv.PayTransaction("T-payerror"); err == nil || !strings.Contains(err.Error(), "PAYERROR") {
		t.Errorf("PayTransaction = %v, want a PAYERROR error", err)
	}
	a := e.do("GET", "/v3/pay/transactions/out-trade-no/T-payerror?mchid="+wechatpaytest.DefaultMchID, "")
	if got := a.get("trade_state"); got != "PAYERROR" {
		t.Errorf("trade_state = %q, want PAYERROR (%s)", got, a.Body)
	}
}

func TestRecordsSeqAndAnswer(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ch := e.srv.Changed()
	rev := e.srv.Revision()
	e.do("GET", queryTarget, "")
	select {
	case <-ch:
	default:
		t.Errorf("Changed did not fire after a request")
	}
	if e.srv.Revision() <= rev {
		t.Errorf("Revision did not grow")
	}
	e.send("GET", queryTarget, "", "", nil) // refused: no Authorization
	e.do("GET", "/v3/nowhere", "")
	recs := e.srv.Requests()
	type brief struct {
		Seq     uint64
		Pattern string
		Status  int
	}
	var got []brief
	for _, r := range recs {
		got = append(got, brief{r.Seq, r.Pattern, r.Status})
		if r.Duration <= 0 {
			t.Errorf("record %d: Duration %v", r.Seq, r.Duration)
		}
	}
	want := []brief{{1, "/v3/pay/transactions/out-trade-no/{out_trade_no}", 200}, {2, "", 401}, {3, "", 404}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	after := e.srv.RequestsAfter(1, 1)
	if len(after) != 1 || after[0].Seq != 2 {
		t.Errorf("RequestsAfter(1, 1) = %d records (first %v), want the record 2", len(after), after)
	}
	if n := len(e.srv.RequestsAfter(3, 0)); n != 0 {
		t.Errorf("RequestsAfter(3, 0) = %d records, want 0", n)
	}
	e.srv.ResetRequests()
	e.do("GET", queryTarget, "")
	if recs := e.srv.Requests(); len(recs) != 1 || recs[0].Seq != 4 {
		t.Errorf("after ResetRequests the Seq goes on: %+v", recs)
	}
}
