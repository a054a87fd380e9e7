package wechatpaytest_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/wechatpaytest"
	"github.com/google/go-cmp/cmp"
)

func payBody(srv *wechatpaytest.Server, no string, extra string) string {
	return `{"appid":"wxd678efh567hg6787","mchid":"` + srv.MchID + `","description":"QQ公仔","out_trade_no":"` + no +
		`","notify_url":"https://example.com/notify","amount":{"total":100,"currency":"CNY"}` + extra + `}`
}

func TestTransactionCreate(t *testing.T) {
	t.Parallel()
	e := setup(t)
	tests := []struct {
		kind, extra, field string // field: the answer member, or the PARAM_ERROR field
		ok                 bool
	}{
		{"jsapi", `,"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}`, "prepay_id", true},
		{"jsapi", ``, "/payer", false},
		{"app", ``, "prepay_id", true},
		{"native", ``, "code_url", true},
		{"h5", `,"scene_info":{"payer_client_ip":"14.23.150.211","h5_info":{"type":"Wap"}}`, "h5_url", true},
		{"h5", `,"scene_info":{"payer_client_ip":"14.23.150.211"}`, "/scene_info/h5_info", false},
	}
	for i, tt := range tests {
		t.Run(tt.kind+"/"+tt.field, func(t *testing.T) {
			e := e.forTest(t)
			no := "T" + strings.Repeat("0", 6) + string(rune('a'+i))
			a := e.do("POST", "/v3/pay/transactions/"+tt.kind, payBody(e.srv, no, tt.extra))
			if err := e.verify(a); err != nil {
				t.Fatalf("verify: %v", err)
			}
			if !tt.ok {
				if a.Status != 400 || a.get("code") != "PARAM_ERROR" || a.get("detail.field") != tt.field {
					t.Fatalf("got %d %s, want PARAM_ERROR on %s", a.Status, a.Body, tt.field)
				}
				return
			}
			if a.Status != 200 || a.get(tt.field) == "" {
				t.Fatalf("got %d %s, want %s", a.Status, a.Body, tt.field)
			}
			// Same request again: same answer; other parameters: OUT_TRADE_NO_USED.
			again := e.do("POST", "/v3/pay/transactions/"+tt.kind, payBody(e.srv, no, tt.extra))
			if diff := cmp.Diff(string(a.Body), string(again.Body)); diff != "" || again.Status != 200 {
				t.Errorf("repeat %d (-first +again):\n%s", again.Status, diff)
			}
			other := e.do("POST", "/v3/pay/transactions/"+tt.kind, strings.Replace(payBody(e.srv, no, tt.extra), `"total":100`, `"total":200`, 1))
			if other.Status != 403 || other.get("code") != "OUT_TRADE_NO_USED" {
				t.Errorf("reuse: %d %s, want 403 OUT_TRADE_NO_USED", other.Status, other.Body)
			}
		})
	}
}

func TestTransactionQueryPayClose(t *testing.T) {
	t.Parallel()
	e := setup(t)
	mchid := "?mchid=" + e.srv.MchID
	if a := e.do("POST", "/v3/pay/transactions/native", payBody(e.srv, "TQPC0001", "")); a.Status != 200 {
		t.Fatalf("create: %d %s", a.Status, a.Body)
	}
	q := e.do("GET", "/v3/pay/transactions/out-trade-no/TQPC0001"+mchid, "")
	if q.Status != 200 || q.get("trade_state") != "NOTPAY" || q.get("trade_type") != "NATIVE" {
		t.Fatalf("query: %d %s", q.Status, q.Body)
	}
	if a := e.do("GET", "/v3/pay/transactions/out-trade-no/TQPC0001", ""); a.Status != 400 || a.get("detail.field") != "mchid" || a.get("detail.location") != "query" {
		t.Errorf("query without mchid: %d %s", a.Status, a.Body)
	}
	txID, err := e.srv.PayTransaction("TQPC0001")
	if err != nil {
		t.Fatal(err)
	}
	byID := e.do("GET", "/v3/pay/transactions/id/"+txID+mchid, "")
	want := map[string]string{"trade_state": "SUCCESS", "transaction_id": txID, "out_trade_no": "TQPC0001", "amount.payer_total": "100"}
	got := map[string]string{}
	for k := range want {
		got[k] = byID.get(k)
	}
	if diff := cmp.Diff(want, got); diff != "" || byID.Status != 200 {
		t.Errorf("query by id %d (-want +got):\n%s", byID.Status, diff)
	}
	if a := e.do("POST", "/v3/pay/transactions/out-trade-no/TQPC0001/close", `{"mchid":"`+e.srv.MchID+`"}`); a.Status != 400 || a.get("code") != "ORDERPAID" {
		t.Errorf("close of a paid order: %d %s", a.Status, a.Body)
	}
	if a := e.do("POST", "/v3/pay/transactions/app", payBody(e.srv, "TQPC0002", "")); a.Status != 200 {
		t.Fatalf("create: %d %s", a.Status, a.Body)
	}
	c := e.do("POST", "/v3/pay/transactions/out-trade-no/TQPC0002/close", `{"mchid":"`+e.srv.MchID+`"}`)
	if c.Status != 204 || len(c.Body) != 0 {
		t.Fatalf("close: %d %q", c.Status, c.Body)
	}
	if err := e.verify(c); err != nil {
		t.Errorf("204 answer does not verify: %v", err)
	}
	if a := e.do("POST", "/v3/pay/transactions/app", payBody(e.srv, "TQPC0002", "")); a.Status != 400 || a.get("code") != "ORDER_CLOSED" {
		t.Errorf("create on a closed order: %d %s", a.Status, a.Body)
	}
	if a := e.do("GET", "/v3/pay/transactions/id/4200000000000000000000000000"+mchid, ""); a.Status != 404 || a.get("code") != "ORDER_NOT_EXIST" {
		t.Errorf("unknown id: %d %s", a.Status, a.Body)
	}
}

func TestRefunds(t *testing.T) {
	t.Parallel()
	e := setup(t)
	body := func(no string, refund int) string {
		return `{"out_trade_no":"` + wechatpaytest.DemoOutTradeNo + `","out_refund_no":"` + no + `","reason":"商品已售完","amount":{"refund":` +
			strconv.Itoa(refund) + `,"total":100,"currency":"CNY"}}`
	}
	a := e.do("POST", "/v3/refund/domestic/refunds", body("R1", 60))
	if a.Status != 200 || a.get("status") != "PROCESSING" || a.get("amount.refund") != "60" || a.get("refund_id") == "" {
		t.Fatalf("refund: %d %s", a.Status, a.Body)
	}
	if again := e.do("POST", "/v3/refund/domestic/refunds", body("R1", 60)); string(again.Body) != string(a.Body) {
		t.Errorf("repeat: %s, want %s", again.Body, a.Body)
	}
	if over := e.do("POST", "/v3/refund/domestic/refunds", body("R2", 41)); over.Status != 400 || over.get("code") != "INVALID_REQUEST" {
		t.Errorf("over-refund: %d %s", over.Status, over.Body)
	}
	q := e.do("GET", "/v3/refund/domestic/refunds/R1", "")
	if q.Status != 200 || q.get("status") != "SUCCESS" || q.get("success_time") == "" {
		t.Errorf("query: %d %s", q.Status, q.Body)
	}
	if err := e.verify(q); err != nil {
		t.Error(err)
	}
	if m := e.do("POST", "/v3/refund/domestic/refunds", `{"out_refund_no":"R3","amount":{"refund":1,"total":100,"currency":"CNY"}}`); m.Status != 400 || m.get("detail.field") != "/transaction_id" {
		t.Errorf("neither id: %d %s", m.Status, m.Body)
	}
	if n := e.do("GET", "/v3/refund/domestic/refunds/NOPE", ""); n.Status != 404 || n.get("code") != "RESOURCE_NOT_EXISTS" {
		t.Errorf("unknown refund: %d %s", n.Status, n.Body)
	}
	if tr, _ := e.srv.Transaction(wechatpaytest.DemoOutTradeNo); tr.TradeState != "REFUND" || tr.Refunded != 60 {
		t.Errorf("transaction after refund: %+v", tr)
	}
}
