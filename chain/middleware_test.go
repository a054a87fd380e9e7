package chain_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// simClient is a client of a fresh simulator with cfg changed by edit.
func simClient(t *testing.T, edit func(*chain.Config)) (*wechatpaytest.Server, *chain.Client) {
	t.Helper()
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	cfg := srv.Config()
	cfg.RetryWait, cfg.RetryMaxWait = time.Millisecond, 5*time.Millisecond
	if edit != nil {
		edit(&cfg)
	}
	c, err := chain.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

const queryTpl = "v3/pay/transactions/out-trade-no/{out_trade_no}"

func queryOpts() chain.O {
	return chain.O{"out_trade_no": "T-secret-1", "query": map[string]any{"mchid": "1900000001"}}
}

func TestMiddlewareOrderAndWhatItSees(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var trace []string
	note := func(s string) { mu.Lock(); trace = append(trace, s); mu.Unlock() }
	mw := func(name string) chain.Middleware {
		return func(next chain.Handler) chain.Handler {
			return func(ctx context.Context, call *chain.Call) (*chain.Response, error) {
				op := "-"
				if call.Operation != nil {
					op = call.Operation.Title
				}
				note(fmt.Sprintf("%s in %s %s op=%v", name, call.Method, call.Template, op != "-"))
				resp, err := next(ctx, call)
				note(name + " out")
				return resp, err
			}
		}
	}
	_, c := simClient(t, func(cfg *chain.Config) { cfg.Middleware = []chain.Middleware{mw("a"), mw("b")} })
	_, err := c.Chain(queryTpl).Get(context.Background(), queryOpts())
	var ae *chain.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 404 {
		t.Fatalf("want the simulator's 404 for an unknown order, got %v", err)
	}
	var me *chain.MiddlewareError
	if errors.As(err, &me) {
		t.Errorf("next's error passed through a middleware was wrapped: %v", err)
	}
	want := []string{"a in GET " + queryTpl + " op=true", "b in GET " + queryTpl + " op=true", "b out", "a out"}
	if d := cmp.Diff(want, trace); d != "" {
		t.Errorf("order (-want +got):\n%s", d)
	}
}

func TestMiddlewareAnswersAndChangesOptions(t *testing.T) {
	t.Parallel()
	cached := &chain.Response{StatusCode: 200, Body: []byte(`{"trade_state":"SUCCESS"}`)}
	cache := func(next chain.Handler) chain.Handler {
		return func(ctx context.Context, call *chain.Call) (*chain.Response, error) {
			if call.Options["out_trade_no"] == "cached" {
				return cached, nil
			}
			call.Options["out_trade_no"] = "changed-by-middleware"
			return next(ctx, call)
		}
	}
	srv, c := simClient(t, func(cfg *chain.Config) { cfg.Middleware = []chain.Middleware{cache} })
	var seen []string
	srv.Handle("GET", "/"+queryTpl, func(r *wechatpaytest.Request) (int, any) {
		seen = append(seen, r.Param("out_trade_no"))
		return 200, map[string]any{"trade_state": "NOTPAY"}
	})
	opts := chain.O{"out_trade_no": "cached", "query": map[string]any{"mchid": "1900000001"}}
	resp, err := c.Chain(queryTpl).Get(context.Background(), opts)
	if err != nil || resp != cached {
		t.Fatalf("cache: %v, %v", resp, err)
	}
	opts["out_trade_no"] = "given"
	resp, err = c.Chain(queryTpl).Get(context.Background(), opts)
	if err != nil || resp.Get("trade_state").String() != "NOTPAY" {
		t.Fatalf("through: %v", err)
	}
	if d := cmp.Diff([]string{"changed-by-middleware"}, seen); d != "" {
		t.Errorf("sent (-want +got):\n%s", d)
	}
	if opts["out_trade_no"] != "given" {
		t.Errorf("the caller's map was changed: %v", opts["out_trade_no"])
	}
}

func TestMiddlewareErrorNamesPosition(t *testing.T) {
	t.Parallel()
	boom := errors.New("quota exceeded")
	pass := func(next chain.Handler) chain.Handler { return next }
	fail := func(next chain.Handler) chain.Handler {
		return func(ctx context.Context, call *chain.Call) (*chain.Response, error) { return nil, boom }
	}
	srv, c := simClient(t, func(cfg *chain.Config) { cfg.Middleware = []chain.Middleware{pass, fail} })
	_, err := c.Chain(queryTpl).Get(context.Background(), queryOpts())
	var me *chain.MiddlewareError
	if !errors.As(err, &me) || !errors.Is(err, boom) || me.Position != 1 || me.Stage != "call" {
		t.Fatalf("want a MiddlewareError at 1 wrapping boom, got %#v", err)
	}
	if !strings.Contains(err.Error(), "middleware 1") || strings.Contains(err.Error(), "T-secret-1") {
		t.Errorf("error text: %v", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestAttemptObserverSeesEveryAttempt(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []string
	ob := func(ctx context.Context, a *chain.Attempt) error {
		mu.Lock()
		defer mu.Unlock()
		signed := a.Request != nil && strings.HasPrefix(a.Request.Header.Get("Authorization"), "WECHATPAY2-SHA256-RSA2048")
		got = append(got, fmt.Sprintf("%d %s %d signed=%v retry=%v %s", a.Number, a.Template, a.StatusCode, signed, a.Retry, a.RetryReason))
		return nil
	}
	srv, c := simClient(t, func(cfg *chain.Config) { cfg.AttemptObservers = []chain.AttemptObserver{ob} })
	srv.Inject(wechatpaytest.Fault{Route: "GET /" + queryTpl, Status: 503, Times: 2})
	_, err := c.Chain(queryTpl).Get(context.Background(), queryOpts())
	var ae *chain.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 404 {
		t.Fatalf("want 404 after two 503s, got %v", err)
	}
	want := []string{
		"1 " + queryTpl + " 503 signed=true retry=true status 503",
		"2 " + queryTpl + " 503 signed=true retry=true status 503",
		"3 " + queryTpl + " 404 signed=true retry=false ",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("attempts (-want +got):\n%s", d)
	}
}

func TestAttemptObserverErrorEndsTheCall(t *testing.T) {
	t.Parallel()
	stop := errors.New("stop")
	ob := func(ctx context.Context, a *chain.Attempt) error { return stop }
	srv, c := simClient(t, func(cfg *chain.Config) {
		cfg.AttemptObservers = []chain.AttemptObserver{func(context.Context, *chain.Attempt) error { return nil }, ob}
	})
	srv.Inject(wechatpaytest.Fault{Route: "GET /" + queryTpl, Status: 503, Times: 2})
	_, err := c.Chain(queryTpl).Get(context.Background(), queryOpts())
	var me *chain.MiddlewareError
	if !errors.As(err, &me) || !errors.Is(err, stop) || me.Stage != "attempt" || me.Position != 1 || me.Attempt != 1 {
		t.Fatalf("got %#v", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d attempts, want 1 (the observer's error ends the retries)", n)
	}
}

func TestPerCallRetriesAndTimeout(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		opts     chain.O
		attempts int
	}{
		{"client default (2)", chain.O{}, 3},
		{"off", chain.O{"retries": 0}, 1},
		{"five", chain.O{"retries": 5}, 6},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, c := simClient(t, nil)
			srv.Inject(wechatpaytest.Fault{Route: "GET /" + queryTpl, Status: 503, Times: -1})
			opts := queryOpts()
			for k, v := range tc.opts {
				opts[k] = v
			}
			_, err := c.Chain(queryTpl).Get(context.Background(), opts)
			var ae *chain.APIError
			if !errors.As(err, &ae) || ae.StatusCode != 503 {
				t.Fatalf("got %v", err)
			}
			if n := len(srv.Requests()); n != tc.attempts {
				t.Errorf("%d attempts, want %d", n, tc.attempts)
			}
		})
	}
	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		srv, c := simClient(t, nil)
		srv.Inject(wechatpaytest.Fault{Route: "GET /" + queryTpl, Delay: 5 * time.Second})
		opts := queryOpts()
		opts["timeout"] = 50 * time.Millisecond
		_, err := c.Chain(queryTpl).Get(context.Background(), opts)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("bad values", func(t *testing.T) {
		t.Parallel()
		_, c := simClient(t, nil)
		opts := queryOpts()
		opts["timeout"], opts["retries"] = "5s", 11
		_, err := c.Chain(queryTpl).Get(context.Background(), opts)
		if !errors.Is(err, chain.ErrInvalidOptions) || !strings.Contains(err.Error(), `"timeout" must be a time.Duration`) || !strings.Contains(err.Error(), `"retries" is 11`) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestDefaultsFillOnlyWhatIsMissing(t *testing.T) {
	t.Parallel()
	srv, c := simClient(t, func(cfg *chain.Config) {
		cfg.Defaults = chain.Defaults{AppID: "wxdefault", NotifyURL: "https://example.com/notify", SubMchID: "1900000109"}
	})
	var bodies []map[string]any
	srv.Handle("POST", "/v3/pay/transactions/jsapi", func(r *wechatpaytest.Request) (int, any) {
		var m map[string]any
		_ = json.Unmarshal(r.Body, &m)
		bodies = append(bodies, m)
		return 200, map[string]any{"prepay_id": "wx1"}
	})
	order := func() map[string]any {
		return map[string]any{"mchid": "1900000001", "description": "d", "out_trade_no": "T1",
			"amount": map[string]any{"total": 1}, "payer": map[string]any{"openid": "o1"}}
	}
	given := order()
	given["appid"] = "wxcaller"
	for _, body := range []any{order(), given, `{"mchid":"1900000001","description":"d","out_trade_no":"T1","amount":{"total":1},"payer":{"openid":"o1"},"appid":null}`} {
		if _, err := c.Chain("v3/pay/transactions/jsapi").Post(context.Background(), chain.O{"json": body}); err != nil && !strings.Contains(fmt.Sprint(body), "null") {
			t.Fatal(err)
		}
	}
	var got []string
	for _, b := range bodies {
		got = append(got, fmt.Sprintf("%v %v %v", b["appid"], b["notify_url"], b["sub_mchid"]))
	}
	// jsapi has no sub_mchid: it is not added; null stays null (Strict then
	// refuses the third call before it is sent, so only two arrive).
	want := []string{"wxdefault https://example.com/notify <nil>", "wxcaller https://example.com/notify <nil>"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("bodies (-want +got):\n%s", d)
	}
	if given["notify_url"] != nil {
		t.Error("the caller's map was changed")
	}
}
