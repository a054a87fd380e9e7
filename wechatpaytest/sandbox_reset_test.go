package wechatpaytest_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// snapshot tells what a server holds, for the reset tests.
func snapshot(srv *wechatpaytest.Server) map[string]any {
	_, t1 := srv.Transaction("T-reset")
	demo, hasDemo := srv.Transaction(wechatpaytest.DemoOutTradeNo)
	_, ps := srv.ServiceOrder("PS-reset")
	return map[string]any{
		"T-reset": t1, "demo": hasDemo, "demo refunded": demo.Refunded, "PS-reset": ps,
		"records": len(srv.Requests()) > 0, "rules": len(srv.OutcomeRules()), "faults": srv.PendingFaults(),
		"offset": srv.ClockOffset(), "deliveries": len(srv.Deliveries()),
	}
}

func TestReset(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		scenario string
		opts     []wechatpaytest.Option
		want     map[string]any
	}{
		{"all", "", nil, map[string]any{"T-reset": false, "demo": true, "demo refunded": int64(0), "PS-reset": false,
			"records": false, "rules": 0, "faults": 0, "offset": time.Duration(0), "deliveries": 0}},
		{"all without fixtures", "", []wechatpaytest.Option{wechatpaytest.WithoutFixtures()}, map[string]any{"T-reset": false, "demo": false, "demo refunded": int64(0), "PS-reset": false,
			"records": false, "rules": 0, "faults": 0, "offset": time.Duration(0), "deliveries": 0}},
		{"transactions", "transactions", nil, map[string]any{"T-reset": false, "demo": true, "demo refunded": int64(0), "PS-reset": true,
			"records": true, "rules": 1, "faults": 1, "offset": time.Hour, "deliveries": 1}},
		{"payscore", "payscore", nil, map[string]any{"T-reset": true, "demo": true, "demo refunded": int64(1), "PS-reset": false,
			"records": true, "rules": 1, "faults": 1, "offset": time.Hour, "deliveries": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rc := &receiver{failures: 1000}
			srv := deliveryServer(t, rc, tt.opts...)
			e := &env{t: t, srv: srv, auth: setup(t).auth} // the keys are the process's: any server's signer fits
			srv.PutTransaction(wechatpaytest.Transaction{OutTradeNo: "T-reset", AppID: wechatpaytest.DemoAppID, TradeType: "NATIVE", Total: 1})
			srv.PutServiceOrder(wechatpaytest.ServiceOrder{OutOrderNo: "PS-reset", AppID: wechatpaytest.DemoAppID, ServiceID: wechatpaytest.DemoServiceID})
			srv.PutTransaction(wechatpaytest.Transaction{OutTradeNo: wechatpaytest.DemoOutTradeNo, AppID: wechatpaytest.DemoAppID, TradeType: "JSAPI", TradeState: "REFUND", Total: 100, Refunded: 1})
			e.do("GET", queryTarget, "")
			if _, err := srv.AddOutcomeRule(wechatpaytest.OutcomeRule{Route: "/nowhere", Outcome: wechatpaytest.Outcome{Status: 500}}); err != nil {
				t.Fatal(err)
			}
			srv.Inject(wechatpaytest.Fault{Route: "/nowhere", Status: 500})
			if _, err := srv.Advance(time.Hour); err != nil {
				t.Fatal(err)
			}
			if _, err := srv.Deliver("", "TRANSACTION.SUCCESS", "T-deliver"); err != nil {
				t.Fatal(err)
			}
			if err := srv.Reset(tt.scenario); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, snapshot(srv)); diff != "" {
				t.Errorf("after Reset(%q) (-want +got):\n%s", tt.scenario, diff)
			}
		})
	}
}

func TestResetUnknownScenario(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer(wechatpaytest.WithoutFixtures())
	defer srv.Close()
	err := srv.Reset("nope")
	want := `wechatpaytest: reset: no scenario "nope" (known: payscore, transactions, refunds, partner, combine, transfers, media, bills, encbills, v2)`
	if err == nil || err.Error() != want {
		t.Errorf("Reset(nope) = %v, want %s", err, want)
	}
	for _, name := range srv.Scenarios() {
		if err := srv.Reset(name); err != nil {
			t.Errorf("Reset(%s) = %v", name, err)
		}
	}
}
