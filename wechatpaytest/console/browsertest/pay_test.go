package browsertest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

func TestConsolePaysAnOrder(t *testing.T) {
	ctx := browser(t)
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	receiverURL, got := receiver(t)
	if _, err := srv.Client().Chain("v3/pay/transactions/native").Post(ctx, chain.O{"json": chain.O{
		"appid": "wxd678efh567hg6787", "mchid": srv.Config().MchID, "description": "console pay",
		"out_trade_no": "CONSOLE1", "notify_url": receiverURL + "/notify", "amount": chain.O{"total": 1},
	}}); err != nil {
		t.Fatal(err)
	}
	ts := serveConsole(t, ctx, srv)

	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/console/"),
		chromedp.WaitVisible(chromedp.CSS(`#pay-no`)),
		chromedp.SendKeys(chromedp.CSS(`#pay-no`), "CONSOLE1"),
		chromedp.Click(chromedp.CSS(`#pay`)),
		chromedp.WaitVisible(chromedp.CSS(`#notifications tbody tr`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case n := <-got:
		if !strings.Contains(n, "TRANSACTION.SUCCESS") || strings.HasPrefix(n, " ") {
			t.Errorf("receiver got %q, want a signed TRANSACTION.SUCCESS", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no notification reached the receiver")
	}
	// The delivery runs in the background: its attempt reaches the page by
	// the live stream.
	row, err := chromedp.Run(ctx, chromedp.Poll[string](`(() => {
		const tr = document.querySelector("#notifications tbody tr");
		return tr && tr.textContent.includes(" in ") ? tr.textContent : "";
	})()`, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		t.Fatalf("no delivery attempt in the console: %v", err)
	}
	if !strings.Contains(row, "TRANSACTION.SUCCESS") || !strings.Contains(row, "CONSOLE1") || !strings.Contains(row, "204") {
		t.Errorf("console notification row %q", row)
	}
	if tr, _ := srv.Transaction("CONSOLE1"); tr.TradeState != "SUCCESS" {
		t.Errorf("order state %q after paying in the console", tr.TradeState)
	}
}
