package browsertest

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// TestConsoleRuleFailsARefundLive sets an outcome rule in the console (the
// next refund answers 403 NOT_ENOUGH), makes a refund call as a merchant's
// program would, and sees the refused call arrive in the open page's log
// through the live-update stream, without a reload.
func TestConsoleRuleFailsARefundLive(t *testing.T) {
	ctx := browser(t)
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	ts := serveConsole(t, ctx, srv)

	err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/console/"), chromedp.WaitVisible(chromedp.CSS(`#rule-route`)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("live").textContent === "live"`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the live stream did not open: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__samePage = true`)); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#rule-route`), "POST /v3/refund/domestic/refunds"),
		chromedp.SendKeys(chromedp.CSS(`#rule-code`), "NOT_ENOUGH"),
		chromedp.Click(chromedp.CSS(`#rule`)),
		chromedp.WaitVisible(chromedp.CSS(`#rules li`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if rules := srv.OutcomeRules(); len(rules) != 1 || rules[0].Code != "NOT_ENOUGH" {
		t.Fatalf("rules after the console's action: %+v", rules)
	}

	_, err = srv.Client().Chain("v3/refund/domestic/refunds").Post(ctx, chain.O{"json": chain.O{
		"out_trade_no": "1217752501201407033233368018", "out_refund_no": "LIVE1",
		"amount": chain.O{"refund": 1, "total": 1, "currency": "CNY"},
	}})
	var apiErr *chain.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden || apiErr.Code != "NOT_ENOUGH" || !apiErr.Verified {
		t.Fatalf("refund: %v, want a verified 403 NOT_ENOUGH", err)
	}

	row, err := chromedp.Run(ctx, chromedp.Poll[string](`(() => {
		for (const tr of document.querySelectorAll("#log tbody tr")) {
			if (tr.textContent.includes("/v3/refund/domestic/refunds") && tr.textContent.includes("403")) return tr.textContent;
		}
		return "";
	})()`, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		t.Fatalf("the refused refund did not appear in the open page: %v", err)
	}
	if !strings.Contains(row, "NOT_ENOUGH") || !strings.Contains(row, "POST") {
		t.Errorf("log row %q, want the POST with its forced NOT_ENOUGH", row)
	}
	// The clock: advance it by the form's 2h; the header shows the offset.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#advance`))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("clock-now").textContent.includes("offset 2h0m0s")`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("the page does not show the advanced clock: %v", err)
	}
	if got := srv.ClockOffset(); got != 2*time.Hour {
		t.Errorf("clock offset %s after advancing 2h in the console", got)
	}
	same, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__samePage === true`))
	if err != nil || !same {
		t.Errorf("the page was reloaded (err %v): the row must come by the live stream", err)
	}
}
