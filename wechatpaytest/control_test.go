package wechatpaytest_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/catalog"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// TestControlRoutes drives the user's side of the flows through the
// control routes, with the library's client, as a test in another process
// would against wxpay sandbox.
func TestControlRoutes(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer(wechatpaytest.WithControlRoutes())
	t.Cleanup(srv.Close)
	c := srv.Client()
	ctx := context.Background()
	post := func(tpl string, o chain.O) (*chain.Response, error) {
		if strings.HasPrefix(tpl, "sandbox/") {
			o["validation"] = catalog.Off // not WeChat Pay's: the catalogue does not know them
		}
		return c.Chain(tpl).Post(ctx, o)
	}

	if _, err := post("v3/fund-app/mch-transfer/transfer-bills", chain.O{"json": []byte(transferBody("ctl0001", ""))}); err != nil {
		t.Fatal(err)
	}
	if r, err := post("sandbox/transfer-bills/{out_bill_no}/confirm", chain.O{"out_bill_no": "ctl0001"}); err != nil || r.StatusCode != 204 || !r.Verified {
		t.Fatalf("confirm: %v %v", r, err)
	}
	if b, _ := srv.TransferBill("ctl0001"); b.State != "SUCCESS" {
		t.Errorf("after confirm: %s", b.State)
	}
	_, err := post("sandbox/transfer-bills/{out_bill_no}/confirm", chain.O{"out_bill_no": "ctl0001"})
	var apiErr *chain.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Code != "INVALID_REQUEST" {
		t.Errorf("confirming twice: %v, want 400 INVALID_REQUEST", err)
	}

	if _, err := post("v3/pay/transactions/native", chain.O{"json": []byte(payBody(srv, "CTL000001", ""))}); err != nil {
		t.Fatal(err)
	}
	r, err := post("sandbox/transactions/{out_trade_no}/pay", chain.O{"out_trade_no": "CTL000001"})
	if err != nil || r.Get("transaction_id").String() == "" {
		t.Fatalf("pay: %v %v", r, err)
	}

	p, err := notify.NewParser(srv.PlatformKeys(), srv.APIv3Key)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	hook := httptest.NewServer(p.Handler(func(_ context.Context, n *notify.Notification) error {
		got <- n.EventType + " " + n.Get("out_trade_no").String()
		return nil
	}))
	t.Cleanup(hook.Close)
	r, err = post("sandbox/notifications", chain.O{"json": map[string]string{"event_type": "TRANSACTION.SUCCESS", "id": "CTL000001", "url": hook.URL}})
	if err != nil || r.Get("status").Int() != http.StatusOK {
		t.Fatalf("notification: %v %v", r, err)
	}
	if g := <-got; g != "TRANSACTION.SUCCESS CTL000001" {
		t.Errorf("the webhook saw %q", g)
	}
}

// TestControlRoutesAreOptIn: without WithControlRoutes the paths are unknown.
func TestControlRoutesAreOptIn(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if a := e.do("POST", "/sandbox/transactions/X/pay", ""); a.Status != 404 {
		t.Errorf("control route without the option: %d %s", a.Status, a.Body)
	}
}
