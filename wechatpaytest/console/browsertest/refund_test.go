package browsertest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// TestConsoleEndsARefundAbnormal makes a processing refund fail from the
// console (ABNORMAL): the receiver gets the signed REFUND.ABNORMAL, the
// page lists its delivery attempt, and the refund reads ABNORMAL.
func TestConsoleEndsARefundAbnormal(t *testing.T) {
	ctx := browser(t)
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	receiverURL, got := receiver(t)
	paid, _ := srv.Transaction("1217752501201407033233368018") // the demo payment
	if _, err := srv.Client().Chain("v3/refund/domestic/refunds").Post(ctx, chain.O{"json": chain.O{
		"out_trade_no": paid.OutTradeNo, "out_refund_no": "CONSOLE-REFUND-1", "notify_url": receiverURL,
		"amount": chain.O{"refund": 1, "total": paid.Total, "currency": "CNY"},
	}}); err != nil {
		t.Fatal(err)
	}
	ts := serveConsole(t, ctx, srv)

	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/console/"),
		chromedp.WaitVisible(chromedp.CSS(`#refund-no`)),
		chromedp.SendKeys(chromedp.CSS(`#refund-no`), "CONSOLE-REFUND-1"),
		chromedp.SetValue(chromedp.CSS(`#refund-result`), "ABNORMAL"),
		chromedp.Click(chromedp.CSS(`#refund`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case n := <-got:
		if !strings.Contains(n, `"event_type":"REFUND.ABNORMAL"`) || strings.HasPrefix(n, " ") {
			t.Errorf("receiver got %q, want a signed REFUND.ABNORMAL", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no signed notification reached the receiver")
	}
	row, err := chromedp.Run(ctx, chromedp.Poll[string](`(() => {
		for (const tr of document.querySelectorAll("#notifications tbody tr")) {
			if (tr.textContent.includes("REFUND.ABNORMAL") && tr.textContent.includes("204 in ")) return tr.textContent;
		}
		return "";
	})()`, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		t.Fatalf("the page does not list the delivered REFUND.ABNORMAL: %v", err)
	}
	if !strings.Contains(row, "CONSOLE-REFUND-1") || !strings.Contains(row, "delivered") {
		t.Errorf("notification row %q", row)
	}
	res, err := srv.Client().Chain("v3/refund/domestic/refunds/{out_refund_no}").Get(ctx, chain.O{"out_refund_no": "CONSOLE-REFUND-1"})
	if err != nil {
		t.Fatal(err)
	}
	if s := res.Get("status").String(); s != "ABNORMAL" {
		t.Errorf("refund status %s, want ABNORMAL", s)
	}
}
