package wechatpaytest_test

// TestPayscoreSyncWithSimulator is a complete test to copy into any _test.go
// file of your module (the package doc points here): retries through
// injected 503s, a tampered answer, a business error, and notifications.

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

func TestPayscoreSyncWithSimulator(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer() // loopback gateway with demo fixtures
	t.Cleanup(srv.Close)

	cfg := srv.Config() // a ready wechatpay.Config: keys, BaseURL, HTTPClient
	cfg.RetryWait = time.Millisecond
	c, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sync := c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync")
	opts := chain.O{
		"out_order_no": "1234323JKHDFE1243252",
		"json": map[string]any{
			"appid": "wxd678efh567hg6787", "service_id": "500001",
			"type": "Order_Paid", "detail": map[string]any{"paid_time": "20091225091010"},
		},
	}

	// Two 503s, then success: the client retries, signing every attempt afresh.
	srv.Inject(wechatpaytest.Fault{Route: "POST /v3/payscore/payafter-orders/{out_order_no}/sync", Times: 2, Status: 503})
	resp, err := sync.Post(ctx, opts)
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	if got := resp.Get("state").String(); got != "DONE" || !resp.Verified {
		t.Fatalf("state = %q, verified = %v; want DONE, true", got, resp.Verified)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("the simulator saw %d requests, want 3", n)
	}

	// An answer tampered with after signing is refused.
	srv.Inject(wechatpaytest.Fault{Tamper: true})
	if _, err := sync.Post(ctx, opts); !errors.Is(err, signer.ErrBadSignature) {
		t.Errorf("tampered answer: err = %v, want signer.ErrBadSignature", err)
	}

	// Business errors arrive as *chain.APIError with the gateway's code.
	_, err = c.Chain("v3/payscore/serviceorder/{out_order_no}/cancel").Post(ctx, chain.O{
		"out_order_no": "1234323JKHDFE1243252",
		"json":         map[string]any{"appid": "wxd678efh567hg6787", "service_id": "500001", "reason": "test"},
	})
	var apiErr *chain.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "ORDER_DONE" || apiErr.RequestID == "" {
		t.Errorf("cancel of a DONE order: err = %v, want ORDER_DONE with a Request-ID", err)
	}

	// Notifications: signed by the platform key, resource encrypted with the APIv3 key.
	verifier := &signer.Verifier{Keys: signer.NewKeyStore(srv.PlatformKeys())}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := verifier.Verify(r.Header, body); err != nil {
			http.Error(w, `{"code":"FAIL","message":"bad signature"}`, http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(hook.Close)
	for _, tc := range []struct {
		opts []wechatpaytest.NotificationOption
		want int
	}{
		{nil, http.StatusNoContent},
		{[]wechatpaytest.NotificationOption{wechatpaytest.NotifyTampered()}, http.StatusUnauthorized},
	} {
		res, err := srv.SendNotification(ctx, hook.URL, "TRANSACTION.SUCCESS", []byte(`{"trade_state":"SUCCESS"}`), tc.opts...)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tc.want {
			t.Errorf("notification answered %d, want %d", res.StatusCode, tc.want)
		}
	}
}
