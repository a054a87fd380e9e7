package wechatpaytest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// A request that carries OutcomeHeader gets the answer it asks for, signed
// like any other, so the client verifies it and returns a *chain.APIError.
// The request is still authenticated and validated, and nothing changes:
// the refund is not made.
func ExampleOutcomeHeader() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	refund := c.Chain("v3/refund/domestic/refunds")
	opts := chain.O{
		"headers": map[string]string{wechatpaytest.OutcomeHeader: "status=403, code=NOT_ENOUGH"},
		"json": chain.O{"out_trade_no": wechatpaytest.DemoOutTradeNo, "out_refund_no": "R1",
			"amount": chain.O{"refund": 100, "total": 100, "currency": "CNY"}},
	}
	_, err := refund.Post(context.Background(), opts)
	var apiErr *chain.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code, "verified:", apiErr.Verified)
	}
	tx, _ := srv.Transaction(wechatpaytest.DemoOutTradeNo)
	fmt.Println("refunded:", tx.Refunded)

	// The same for the next call without a header, through a rule.
	_, _ = srv.AddOutcomeRule(wechatpaytest.OutcomeRule{Route: "POST /v3/refund/domestic/refunds", Outcome: wechatpaytest.Outcome{Code: "NOT_ENOUGH"}})
	delete(opts, "headers")
	_, err = refund.Post(context.Background(), opts)
	fmt.Println(errors.As(err, &apiErr), apiErr.Code)
	resp, err := refund.Post(context.Background(), opts)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println("the rule was for once:", resp.Get("status"))
	// Output:
	// 403 NOT_ENOUGH verified: true
	// refunded: 0
	// true NOT_ENOUGH
	// the rule was for once: PROCESSING
}

// Advance moves business time: an order past its time_expire is closed,
// while the client still signs, and the simulator still checks, on the
// real clock.
func ExampleServer_Advance() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	expire := srv.BusinessTime().Add(2 * time.Hour).Format(time.RFC3339)
	_, err := c.Chain("v3/pay/transactions/native").Post(ctx, chain.O{"json": chain.O{
		"appid": wechatpaytest.DemoAppID, "mchid": srv.MchID, "description": "demo", "out_trade_no": "T20261203",
		"time_expire": expire, "notify_url": "https://example.com/notify", "amount": chain.O{"total": 100},
	}})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	query := c.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}")
	opts := chain.O{"out_trade_no": "T20261203", "query": map[string]string{"mchid": srv.MchID}}
	for _, d := range []time.Duration{time.Hour, 90 * time.Minute} {
		if _, err := srv.Advance(d); err != nil {
			fmt.Println("error:", err)
			return
		}
		resp, err := query.Get(ctx, opts)
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Println("after", srv.ClockOffset(), resp.Get("trade_state"))
	}
	// Output:
	// after 1h0m0s NOTPAY
	// after 2h30m0s CLOSED
}

// Trigger runs a fixture of real API calls and delivers the event's
// notification in the background, retrying on DeliverySchedule; Changed
// tells when a delivery moved.
func ExampleServer_Trigger() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	var calls atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()

	res, err := srv.Trigger(context.Background(), "TRANSACTION.SUCCESS", wechatpaytest.TriggerOptions{URL: hook.URL})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	d := res.Delivery
	for d.State == wechatpaytest.DeliveryPending {
		ch := srv.Changed()
		if d, _ = srv.Delivery(res.Delivery.ID); d.State == wechatpaytest.DeliveryPending {
			<-ch
		}
	}
	tx, _ := srv.Transaction(res.ObjectID)
	fmt.Println(len(res.Calls), "steps; the order is", tx.TradeState)
	fmt.Println(d.EventType, d.State, "at attempt", len(d.Attempts), "with", d.Attempts[0].Status, "; receiver calls:", calls.Load())
	// Output:
	// 3 steps; the order is SUCCESS
	// TRANSACTION.SUCCESS delivered at attempt 1 with 204 ; receiver calls: 1
}
