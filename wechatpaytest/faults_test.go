package wechatpaytest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
	"github.com/google/go-cmp/cmp"
)

const queryTarget = "/v3/pay/transactions/out-trade-no/" + wechatpaytest.DemoOutTradeNo + "?mchid=" + wechatpaytest.DefaultMchID

func TestFaultStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fault      wechatpaytest.Fault
		status     int
		code       string
		retryAfter string
	}{
		{wechatpaytest.Fault{Status: 500}, 500, "SYSTEM_ERROR", ""},
		{wechatpaytest.Fault{Status: 503, RetryAfter: 2 * time.Second}, 503, "SERVICE_UNAVAILABLE", "2"},
		{wechatpaytest.Fault{Status: 429, RetryAfter: 1500 * time.Millisecond}, 429, "FREQUENCY_LIMITED", "2"},
		{wechatpaytest.Fault{Status: 400, Body: wechatpaytest.Error("INVALID_REQUEST", "custom")}, 400, "INVALID_REQUEST", ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join([]string{http.StatusText(tt.status), tt.code}, "/"), func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			tt.fault.Route = "GET /v3/pay/transactions/out-trade-no/{out_trade_no}"
			e.srv.Inject(tt.fault)
			a := e.do("GET", queryTarget, "")
			got := []string{http.StatusText(a.Status), a.get("code"), a.Header.Get("Retry-After")}
			want := []string{http.StatusText(tt.status), tt.code, tt.retryAfter}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if err := e.verify(a); err != nil {
				t.Errorf("fault answer does not verify: %v", err)
			}
			if a := e.do("GET", queryTarget, ""); a.Status != 200 {
				t.Errorf("second call: %d, want 200 (the fault was for once)", a.Status)
			}
		})
	}
}

func TestFaultTimesAndRoutes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.srv.Inject(wechatpaytest.Fault{Route: "POST " + seedTarget, Times: 2, Status: 503})
	for i, want := range []int{200, 503, 503, 200} {
		target, method, body := seedTarget, "POST", seedBody
		if i == 0 {
			target, method, body = queryTarget, "GET", "" // another route: not affected
		}
		if a := e.do(method, target, body); a.Status != want {
			t.Errorf("call %d: %d, want %d", i, a.Status, want)
		}
	}
	if n := e.srv.PendingFaults(); n != 0 {
		t.Errorf("PendingFaults = %d after use", n)
	}
	e.srv.Inject(wechatpaytest.Fault{Times: -1, Status: 500})
	for i := 0; i < 3; i++ {
		if a := e.do("GET", queryTarget, ""); a.Status != 500 {
			t.Errorf("forever fault, call %d: %d", i, a.Status)
		}
	}
	e.srv.ClearFaults()
	if a := e.do("GET", queryTarget, ""); a.Status != 200 {
		t.Errorf("after ClearFaults: %d", a.Status)
	}
	// Refused requests do not use up a fault.
	e.srv.Inject(wechatpaytest.Fault{Status: 500})
	if a := e.send("GET", queryTarget, "", "", nil); a.Status != 401 {
		t.Errorf("unsigned request: %d", a.Status)
	}
	if e.srv.PendingFaults() != 1 {
		t.Errorf("a refused request used the fault")
	}
}

func TestFaultSigning(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault wechatpaytest.Fault
		want  error
	}{
		{"tamper", wechatpaytest.Fault{Tamper: true}, signer.ErrBadSignature},
		{"stale timestamp", wechatpaytest.Fault{StaleTimestamp: true}, signer.ErrTimestampSkew},
		{"unknown serial", wechatpaytest.Fault{UnknownSerial: true}, signer.ErrUnknownSerial},
		{"unsigned", wechatpaytest.Fault{Unsigned: true}, signer.ErrMissingHeader},
		{"probe", wechatpaytest.Fault{ProbeSignature: true}, signer.ErrProbeSignature},
		{"tampered error answer", wechatpaytest.Fault{Status: 500, Tamper: true}, signer.ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			e.srv.Inject(tt.fault)
			a := e.do("GET", queryTarget, "")
			if err := e.ver.Verify(a.Header, a.Body); !errors.Is(err, tt.want) {
				t.Errorf("Verify = %v, want %v", err, tt.want)
			}
			if a.Header.Get("Request-ID") == "" {
				t.Errorf("no Request-ID")
			}
			if tt.fault.Status != 0 {
				return // the client retries a 500: covered by TestClientRetriesThroughFaults
			}
			// The client sees it too.
			e.srv.Inject(tt.fault)
			_, err := e.srv.Client().Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(context.Background(),
				chain.O{"out_trade_no": wechatpaytest.DemoOutTradeNo, "query": map[string]string{"mchid": e.srv.MchID}})
			if !errors.Is(err, tt.want) {
				t.Errorf("client error = %v, want %v", err, tt.want)
			}
		})
	}
	t.Run("tampered 204", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.srv.Inject(wechatpaytest.Fault{Tamper: true})
		a := e.do("POST", "/v3/pay/transactions/out-trade-no/NOPE/close", `{"mchid":"`+e.srv.MchID+`"}`)
		if a.Status != 404 {
			t.Fatalf("close: %d", a.Status)
		}
		if err := e.ver.Verify(a.Header, a.Body); !errors.Is(err, signer.ErrBadSignature) {
			t.Errorf("Verify = %v", err)
		}
	})
}

func TestFaultDelayAndDrop(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.srv.Inject(wechatpaytest.Fault{Delay: 2 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.srv.URL+queryTarget, nil)
	authz, _ := e.auth.Authorize(ctx, "GET", queryTarget, nil)
	req.Header.Set("Authorization", authz)
	if _, err := e.srv.HTTPClient().Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("delayed call: err = %v, want a deadline", err)
	}

	e.srv.Inject(wechatpaytest.Fault{Drop: true})
	req, _ = http.NewRequest("GET", e.srv.URL+queryTarget, nil)
	authz, _ = e.auth.Authorize(context.Background(), "GET", queryTarget, nil)
	req.Header.Set("Authorization", authz)
	if resp, err := e.srv.HTTPClient().Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("dropped call answered %d", resp.StatusCode)
	}
	// Cut: on a reused connection too, the client sees the broken answer.
	if a := e.do("GET", queryTarget, ""); a.Status != 200 { // warm a keep-alive connection
		t.Fatalf("warm-up: %d", a.Status)
	}
	e.srv.Inject(wechatpaytest.Fault{Cut: true})
	req, _ = http.NewRequest("GET", e.srv.URL+queryTarget, nil)
	authz, _ = e.auth.Authorize(context.Background(), "GET", queryTarget, nil)
	req.Header.Set("Authorization", authz)
	resp, err := e.srv.HTTPClient().Do(req)
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("cut answer: err = %v, want unexpected EOF", err)
	}
	if a := e.do("GET", queryTarget, ""); a.Status != 200 {
		t.Errorf("after the faults: %d", a.Status)
	}
}

func TestClientRetriesThroughFaults(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	cfg := srv.Config()
	cfg.RetryWait = time.Millisecond
	cfg.RetryMaxWait = 5 * time.Millisecond
	c, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Inject(wechatpaytest.Fault{Route: "POST /v3/payscore/payafter-orders/{out_order_no}/sync", Times: 2, Status: 503})
	resp, err := c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync").Post(context.Background(), chain.O{
		"out_order_no": wechatpaytest.DemoOutOrderNo, "json": []byte(seedBody)})
	if err != nil {
		t.Fatalf("after two 503s: %v", err)
	}
	if resp.Get("state").String() != "DONE" {
		t.Errorf("answer %s", resp.Body)
	}
	reqs := srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("server got %d requests, want 3", len(reqs))
	}
	if reqs[0].Header.Get("Authorization") == reqs[1].Header.Get("Authorization") {
		t.Errorf("a retry reused the Authorization header")
	}
}
