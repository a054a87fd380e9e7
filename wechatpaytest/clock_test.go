package wechatpaytest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

func TestAdvanceClosesExpiredOrders(t *testing.T) {
	t.Parallel()
	e := setup(t)
	expire := e.srv.BusinessTime().Add(time.Hour).In(time.FixedZone("CST", 8*3600)).Format(time.RFC3339)
	body := strings.Replace(nativeBody("T-expire", 100), `"amount"`, `"time_expire":"`+expire+`","amount"`, 1)
	if a := e.do("POST", "/v3/pay/transactions/native", body); a.Status != 200 {
		t.Fatalf("create: %d %s", a.Status, a.Body)
	}
	if a := e.do("POST", "/v3/pay/transactions/native", nativeBody("T-no-expiry", 100)); a.Status != 200 {
		t.Fatalf("create: %d %s", a.Status, a.Body)
	}
	state := func(no string) string {
		a := e.do("GET", "/v3/pay/transactions/out-trade-no/"+no+"?mchid="+wechatpaytest.DefaultMchID, "")
		if err := e.verify(a); err != nil {
			t.Errorf("query after Advance does not verify: %v", err)
		}
		return a.get("trade_state")
	}
	var got []string
	for _, d := range []time.Duration{0, 59 * time.Minute, 2 * time.Minute} {
		if _, err := e.srv.Advance(d); err != nil {
			t.Fatal(err)
		}
		got = append(got, state("T-expire")+" "+state("T-no-expiry"))
	}
	// The client signs on the real clock and the simulator checks on it:
	// every query above authenticated although business time moved an hour.
	if diff := cmp.Diff([]string{"NOTPAY NOTPAY", "NOTPAY NOTPAY", "CLOSED NOTPAY"}, got); diff != "" {
		t.Errorf("trade_state (-want +got):\n%s", diff)
	}
	if _, err := e.srv.PayTransaction("T-expire"); err == nil {
		t.Errorf("paying an expired order: no error")
	}
	if a := e.do("POST", "/v3/pay/transactions/native", body); a.get("code") != "ORDER_CLOSED" {
		t.Errorf("create again: %d %s, want ORDER_CLOSED", a.Status, a.Body)
	}
	if off := e.srv.ClockOffset(); off != time.Hour+time.Minute {
		t.Errorf("ClockOffset = %v, want 1h1m", off)
	}
	if d := e.srv.BusinessTime().Sub(e.srv.Now()); d < time.Hour || d > time.Hour+2*time.Minute {
		t.Errorf("BusinessTime - Now = %v, want about 1h1m", d)
	}
	if _, err := e.srv.Advance(-time.Second); err == nil {
		t.Errorf("Advance(-1s): no error")
	}
	a := e.do("POST", "/v3/pay/transactions/native", strings.Replace(nativeBody("T-bad", 1), `"amount"`, `"time_expire":"tomorrow","amount"`, 1))
	if a.Status != 400 || a.get("detail.field") != "/time_expire" {
		t.Errorf("bad time_expire: %d %s", a.Status, a.Body)
	}
}

func TestAdvanceExpiresPayscoreOrders(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.srv.PutServiceOrder(wechatpaytest.ServiceOrder{OutOrderNo: "PS-timeout", AppID: wechatpaytest.DemoAppID, ServiceID: wechatpaytest.DemoServiceID})
	q := "/v3/payscore/serviceorder?out_order_no=PS-timeout&service_id=" + wechatpaytest.DemoServiceID + "&appid=" + wechatpaytest.DemoAppID
	var got []string
	for _, d := range []time.Duration{0, 29 * 24 * time.Hour, 2 * 24 * time.Hour} {
		if _, err := e.srv.Advance(d); err != nil {
			t.Fatal(err)
		}
		got = append(got, e.do("GET", q, "").get("state"))
	}
	if diff := cmp.Diff([]string{"CREATED", "CREATED", "EXPIRED"}, got); diff != "" {
		t.Errorf("state (-want +got):\n%s", diff)
	}
}

func TestAdvanceMakesDayBills(t *testing.T) {
	t.Parallel()
	e := setup(t)
	cst := time.FixedZone("CST", 8*3600)
	// Start at 10:00 business time, whatever the hour now.
	now := e.srv.BusinessTime().In(cst)
	if _, err := e.srv.Advance(time.Duration(24+10-now.Hour()) % 24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	today := e.srv.BusinessTime().In(cst).Format("2006-01-02")
	for i, total := range []int64{100, 250} {
		no := fmt.Sprint("T-bill-", i)
		if a := e.do("POST", "/v3/pay/transactions/native", nativeBody(no, total)); a.Status != 200 {
			t.Fatalf("create: %d %s", a.Status, a.Body)
		}
		if _, err := e.srv.PayTransaction(no); err != nil {
			t.Fatal(err)
		}
	}
	billQuery := "/v3/bill/tradebill?bill_date=" + today
	if a := e.do("GET", billQuery, ""); a.get("code") != "NO_STATEMENT_EXIST" {
		t.Errorf("today's bill before the day ended: %d %s, want NO_STATEMENT_EXIST", a.Status, a.Body)
	}
	if _, err := e.srv.Advance(15 * time.Hour); err != nil { // 01:00 the next day
		t.Fatal(err)
	}
	a := e.do("GET", billQuery, "")
	if a.Status != 200 {
		t.Fatalf("bill after the day ended: %d %s", a.Status, a.Body)
	}
	b := e.do("GET", strings.TrimPrefix(a.get("download_url"), e.srv.URL), "").Body
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 5 || !strings.Contains(lines[1], "`T-bill-0,") || !strings.Contains(lines[2], "`T-bill-1,") {
		t.Fatalf("bill:\n%s", b)
	}
	if want := "`2,`3.50,`0.00,`0.00,`0.02100,`3.50,`0.00"; lines[4] != want {
		t.Errorf("summary %q, want %q", lines[4], want)
	}
}

func TestAdvanceClosesExpiredCombinedOrders(t *testing.T) {
	t.Parallel()
	e := setup(t)
	expire := e.srv.BusinessTime().Add(time.Hour).Format(time.RFC3339)
	body := strings.Replace(combineBody(e.srv.MchID, "C-expire"), `"notify_url"`, `"time_expire":"`+expire+`","notify_url"`, 1)
	if a := e.do("POST", combinePath+"/jsapi", body); a.Status != 200 {
		t.Fatalf("create: %d %s", a.Status, a.Body)
	}
	if _, err := e.srv.Advance(2 * time.Hour); err != nil {
		t.Fatal(err)
	}
	a := e.do("GET", combinePath+"/out-trade-no/C-expire", "")
	if got := a.get("sub_orders.0.trade_state") + " " + a.get("sub_orders.1.trade_state"); got != "CLOSED CLOSED" {
		t.Errorf("sub-orders after time_expire: %s (%s)", got, a.Body)
	}
	if err := e.srv.PayCombineOrder("C-expire"); err == nil {
		t.Errorf("paying an expired combined order: no error")
	}
}

// Advance keeps business time within MaxClockOffset of the server clock:
// repeated huge advances are refused instead of wrapping the offset round
// (business time going back).
func TestAdvanceBounded(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if _, err := e.srv.Advance(wechatpaytest.MaxClockOffset - time.Hour); err != nil {
		t.Fatal(err)
	}
	before := e.srv.ClockOffset()
	for _, d := range []time.Duration{2 * time.Hour, time.Duration(1<<63 - 1)} {
		if _, err := e.srv.Advance(d); err == nil {
			t.Errorf("Advance(%v) past MaxClockOffset: no error", d)
		}
	}
	if got := e.srv.ClockOffset(); got != before {
		t.Errorf("offset %v after refused advances, want %v", got, before)
	}
	if _, err := e.srv.Advance(time.Hour); err != nil {
		t.Errorf("Advance up to MaxClockOffset: %v", err)
	}
}
