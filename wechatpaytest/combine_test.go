package wechatpaytest_test

import (
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

const combinePath = "/v3/combine-transactions"

func combineBody(mchid, no string) string {
	sub := func(n string) string {
		return `{"mchid":"` + mchid + `","attach":"深圳分店","amount":{"total_amount":10,"currency":"CNY"},"out_trade_no":"` + n +
			`","sub_mchid":"1900000109","description":"腾讯充值中心-QQ会员充值"}`
	}
	return `{"combine_appid":"wxd678efh567hg6787","combine_mchid":"` + mchid + `","combine_out_trade_no":"` + no + `",` +
		`"sub_orders":[` + sub(no+"A") + `,` + sub(no+"B") + `],"combine_payer_info":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},` +
		`"notify_url":"https://example.com/notify"}`
}

// TestCombineFlow: create, repeat, query, payment (every sub-order), the
// notification, close refused once paid; and a close of a waiting order.
func TestCombineFlow(t *testing.T) {
	t.Parallel()
	e := setup(t)
	m := e.srv.MchID
	a := e.do("POST", combinePath+"/jsapi", combineBody(m, "C20150806125346"))
	if err := e.verify(a); err != nil || a.Status != 200 || a.get("prepay_id") == "" {
		t.Fatalf("create: %d %s (verify %v)", a.Status, a.Body, err)
	}
	if again := e.do("POST", combinePath+"/jsapi", combineBody(m, "C20150806125346")); string(again.Body) != string(a.Body) {
		t.Errorf("repeat: %s, want %s", again.Body, a.Body)
	}
	q := e.do("GET", combinePath+"/out-trade-no/C20150806125346", "")
	if q.Status != 200 || q.get("combine_mchid") != m || q.get("sub_orders.#") != "2" || q.get("sub_orders.0.trade_state") != "NOTPAY" || q.get("combine_transaction_id") == "" {
		t.Fatalf("query: %d %s", q.Status, q.Body)
	}
	if err := e.srv.PayCombineOrder("C20150806125346"); err != nil {
		t.Fatal(err)
	}
	q = e.do("GET", combinePath+"/out-trade-no/C20150806125346", "")
	if q.get("sub_orders.1.trade_state") != "SUCCESS" || q.get("sub_orders.1.transaction_id") == "" || q.get("sub_orders.1.amount.payer_amount") != "10" {
		t.Errorf("paid query: %s", q.Body)
	}
	closeBody := `{"combine_appid":"wxd678efh567hg6787","sub_orders":[{"mchid":"` + m + `","out_trade_no":"C20150806125346A"}]}`
	if c := e.do("POST", combinePath+"/out-trade-no/C20150806125346/close", closeBody); c.get("code") != "ORDERPAID" {
		t.Errorf("close of a paid order: %d %s", c.Status, c.Body)
	}
	if b := e.do("POST", combinePath+"/jsapi", combineBody(m, "C20150806125346")); b.get("code") != "ORDERPAID" {
		t.Errorf("create after payment: %d %s", b.Status, b.Body)
	}
	req, err := e.srv.EventNotification("https://example.com/notify", "TRANSACTION.SUCCESS", "C20150806125346")
	if err != nil {
		t.Fatal(err)
	}
	plain := decryptNotification(t, e, req)
	for _, k := range []string{"combine_appid", "combine_mchid", "combine_out_trade_no", "sub_orders.0.transaction_id", "sub_orders.0.amount.total_amount", "combine_payer_info.openid"} {
		if !gjson.GetBytes(plain, k).Exists() {
			t.Errorf("combine notification resource has no %s: %s", k, plain)
		}
	}

	e.do("POST", combinePath+"/jsapi", combineBody(m, "C2"+strings.Repeat("0", 8)))
	closeBody = `{"combine_appid":"wxd678efh567hg6787","sub_orders":[{"mchid":"` + m + `","out_trade_no":"C200000000A"}]}`
	if c := e.do("POST", combinePath+"/out-trade-no/C200000000/close", closeBody); c.Status != 204 {
		t.Errorf("close: %d %s, want 204", c.Status, c.Body)
	}
	if q := e.do("GET", combinePath+"/out-trade-no/C200000000", ""); q.get("sub_orders.0.trade_state") != "CLOSED" {
		t.Errorf("after close: %s", q.Body)
	}
	bad := `{"combine_appid":"wxd678efh567hg6787","sub_orders":[{"mchid":"` + m + `","out_trade_no":"X"}]}`
	if c := e.do("POST", combinePath+"/out-trade-no/C200000000/close", bad); c.get("detail.field") != "/sub_orders/0/out_trade_no" {
		t.Errorf("close naming another sub-order: %d %s", c.Status, c.Body)
	}
}

func TestCombineCreateChecks(t *testing.T) {
	t.Parallel()
	e := setup(t)
	m := e.srv.MchID
	tests := []struct{ name, body, field string }{
		{"sub-order without description", strings.Replace(combineBody(m, "C3000001"), `,"description":"腾讯充值中心-QQ会员充值"`, "", 1), "/sub_orders/0/description"},
		{"total as a string", strings.Replace(combineBody(m, "C3000002"), `"total_amount":10`, `"total_amount":"10"`, 1), "/sub_orders/0/amount/total_amount"},
		{"no openid for JSAPI", strings.Replace(combineBody(m, "C3000003"), `"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"`, ``, 1), "/combine_payer_info/openid"},
		{"no sub-orders", strings.Replace(combineBody(m, "C3000004"), `"sub_orders":[`, `"x":[`, 1), "/sub_orders"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.forTest(t)
			a := e.do("POST", combinePath+"/jsapi", tt.body)
			if a.Status != 400 || a.get("detail.field") != tt.field {
				t.Errorf("got %d %s, want PARAM_ERROR on %s", a.Status, a.Body, tt.field)
			}
		})
	}
}
