package wechatpaytest_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"
)

const partnerPath = "/v3/pay/partner/transactions"

func partnerBody(sp, sub, no, payer string) string {
	return `{"sp_appid":"wx8888888888888888","sp_mchid":"` + sp + `","sub_mchid":"` + sub + `","sub_appid":"wxd678efh567hg6999",` +
		`"description":"Image形象店-深圳腾大-QQ公仔","out_trade_no":"` + no + `","notify_url":"https://example.com/notify",` +
		`"amount":{"total":100,"currency":"CNY"}` + payer + `}`
}

// TestPartnerFlow: create, the order rules of the direct flow, the query
// with sp_mchid and sub_mchid, payment, close.
func TestPartnerFlow(t *testing.T) {
	t.Parallel()
	e := setup(t)
	sp := e.srv.MchID
	payer := `,"payer":{"sp_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}`
	a := e.do("POST", partnerPath+"/jsapi", partnerBody(sp, "1900000109", "P1217752501", payer))
	if err := e.verify(a); err != nil || a.Status != 200 || a.get("prepay_id") == "" {
		t.Fatalf("create: %d %s (verify %v)", a.Status, a.Body, err)
	}
	if again := e.do("POST", partnerPath+"/jsapi", partnerBody(sp, "1900000109", "P1217752501", payer)); string(again.Body) != string(a.Body) {
		t.Errorf("identical repeat: %s, want %s", again.Body, a.Body)
	}
	if other := e.do("POST", partnerPath+"/jsapi", strings.Replace(partnerBody(sp, "1900000109", "P1217752501", payer), `"total":100`, `"total":1`, 1)); other.Status != 403 || other.get("code") != "OUT_TRADE_NO_USED" {
		t.Errorf("reuse: %d %s, want 403 OUT_TRADE_NO_USED", other.Status, other.Body)
	}
	// The same out_trade_no for another sub-merchant is another order.
	if b := e.do("POST", partnerPath+"/jsapi", partnerBody(sp, "1900000110", "P1217752501", payer)); b.Status != 200 {
		t.Errorf("other sub-merchant: %d %s", b.Status, b.Body)
	}

	query := partnerPath + "/out-trade-no/P1217752501?sp_mchid=" + sp + "&sub_mchid=1900000109"
	q := e.do("GET", query, "")
	if q.Status != 200 || q.get("trade_state") != "NOTPAY" || q.get("sub_mchid") != "1900000109" || q.get("sp_mchid") != sp {
		t.Fatalf("query: %d %s", q.Status, q.Body)
	}
	for _, bad := range []struct{ target, want string }{
		{partnerPath + "/out-trade-no/P1217752501?sp_mchid=" + sp, "PARAM_ERROR"},
		{partnerPath + "/out-trade-no/P1217752501?sp_mchid=1&sub_mchid=1900000109", "MCH_NOT_EXISTS"},
		{partnerPath + "/out-trade-no/P1217752501?sp_mchid=" + sp + "&sub_mchid=1900000111", "ORDER_NOT_EXIST"},
	} {
		if a := e.do("GET", bad.target, ""); a.get("code") != bad.want {
			t.Errorf("GET %s: %d %s, want %s", bad.target, a.Status, a.Body, bad.want)
		}
	}

	txID, err := e.srv.PayPartnerTransaction("1900000109", "P1217752501")
	if err != nil {
		t.Fatal(err)
	}
	q = e.do("GET", partnerPath+"/id/"+txID+"?sp_mchid="+sp+"&sub_mchid=1900000109", "")
	got := map[string]string{"state": q.get("trade_state"), "sp_openid": q.get("payer.sp_openid"), "payer_total": q.get("amount.payer_total"), "out_trade_no": q.get("out_trade_no")}
	want := map[string]string{"state": "SUCCESS", "sp_openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "payer_total": "100", "out_trade_no": "P1217752501"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("paid query (-want +got):\n%s", diff)
	}
	closeBody := `{"sp_mchid":"` + sp + `","sub_mchid":"1900000109"}`
	if c := e.do("POST", partnerPath+"/out-trade-no/P1217752501/close", closeBody); c.Status != 400 || c.get("code") != "ORDERPAID" {
		t.Errorf("close of a paid order: %d %s", c.Status, c.Body)
	}
	other := `{"sp_mchid":"` + sp + `","sub_mchid":"1900000110"}`
	if c := e.do("POST", partnerPath+"/out-trade-no/P1217752501/close", other); c.Status != 204 {
		t.Errorf("close: %d %s, want 204", c.Status, c.Body)
	}
	if b := e.do("POST", partnerPath+"/jsapi", partnerBody(sp, "1900000110", "P1217752501", payer)); b.get("code") != "ORDER_CLOSED" {
		t.Errorf("create after close: %d %s, want ORDER_CLOSED", b.Status, b.Body)
	}

	req, err := e.srv.EventNotification("https://example.com/notify", "TRANSACTION.SUCCESS", "1900000109/P1217752501")
	if err != nil {
		t.Fatal(err)
	}
	plain := decryptNotification(t, e, req)
	for _, k := range []string{"sp_appid", "sp_mchid", "sub_mchid", "out_trade_no", "transaction_id", "trade_state", "payer.sp_openid", "amount.total"} {
		if !gjson.GetBytes(plain, k).Exists() {
			t.Errorf("partner notification resource has no %s: %s", k, plain)
		}
	}
}

func TestPartnerCreateChecks(t *testing.T) {
	t.Parallel()
	e := setup(t)
	sp := e.srv.MchID
	tests := []struct{ name, body, code, field string }{
		{"no payer openid", partnerBody(sp, "1900000109", "P0000001", `,"payer":{}`), "PARAM_ERROR", "/payer/sp_openid"},
		{"sub_openid only", partnerBody(sp, "1900000109", "P0000002", `,"payer":{"sub_openid":"o1"}`), "", ""},
		{"no sub_mchid", strings.Replace(partnerBody(sp, "1900000109", "P0000003", `,"payer":{"sp_openid":"o1"}`), `"sub_mchid":"1900000109",`, "", 1), "PARAM_ERROR", "/sub_mchid"},
		{"another service provider", partnerBody("1900000002", "1900000109", "P0000004", `,"payer":{"sp_openid":"o1"}`), "MCH_NOT_EXISTS", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.forTest(t)
			a := e.do("POST", partnerPath+"/jsapi", tt.body)
			if tt.code == "" {
				if a.Status != 200 {
					t.Errorf("got %d %s, want 200", a.Status, a.Body)
				}
				return
			}
			if a.get("code") != tt.code || a.get("detail.field") != tt.field {
				t.Errorf("got %d %s, want %s on %q", a.Status, a.Body, tt.code, tt.field)
			}
		})
	}
}
