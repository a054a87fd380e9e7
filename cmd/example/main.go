// Command example makes the seed call of the WeChat Pay APIv3 library —
// POST v3/payscore/payafter-orders/{out_order_no}/sync with an Order_Paid
// sync — in all six styles of the seed document: synchronous and
// asynchronous, each as a segment chain, a declarative template and the
// design card's <var> form. It prints each style's name and the verified
// JSON answer.
//
// With no WECHATPAY_* variable set it starts the loopback simulator
// (package wechatpaytest) in-process, so it runs anywhere:
//
//	go run ./cmd/example
//
// With WECHATPAY_MCHID, WECHATPAY_SERIAL, WECHATPAY_PRIVATE_KEY and either
// WECHATPAY_PUBLIC_KEY_ID + WECHATPAY_PUBLIC_KEY or WECHATPAY_PLATFORM_CERTS
// (optionally WECHATPAY_APIV3_KEY, WECHATPAY_BASE_URL) it calls the
// configured endpoint instead; see wechatpay.ConfigFromEnv. The order
// sent can be changed with WECHATPAY_EXAMPLE_OUT_ORDER_NO,
// WECHATPAY_EXAMPLE_APPID and WECHATPAY_EXAMPLE_SERVICE_ID (defaults: the
// seed's 1234323JKHDFE1243252, wxd678efh567hg6787, 500001).
//
// It exits 0 when all six calls succeed and verify, 1 otherwise.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "example: "+err.Error())
		stop()
		os.Exit(1)
	}
}

// Variables that change the order the example syncs.
const (
	envOutOrderNo = "WECHATPAY_EXAMPLE_OUT_ORDER_NO"
	envAppID      = "WECHATPAY_EXAMPLE_APPID"
	envServiceID  = "WECHATPAY_EXAMPLE_SERVICE_ID"
)

// style is one of the seed document's six ways to make the call.
type style struct {
	name string
	call func(ctx context.Context, c *chain.Client, opts chain.O) (*chain.Response, error)
}

// The three templates of the call, as the seed writes them.
var (
	segmentChain = func(c *chain.Client) *chain.Chain {
		return c.Chain("v3", "payscore", "payafterOrders", "_out_order_no_", "sync")
	}
	declarative = func(c *chain.Client) *chain.Chain {
		return c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync")
	}
	angleForm = func(c *chain.Client) *chain.Chain {
		return c.Chain("v3/payscore/payafter-orders/<out_order_no>/sync")
	}
)

// styles lists the six styles in the seed's order: async first.
var styles = []style{
	{"async, segment chain (异步纯链式)", func(ctx context.Context, c *chain.Client, o chain.O) (*chain.Response, error) {
		return segmentChain(c).PostAsync(ctx, o).Wait()
	}},
	{"async, declarative (异步声明式)", func(ctx context.Context, c *chain.Client, o chain.O) (*chain.Response, error) {
		return declarative(c).PostAsync(ctx, o).Wait()
	}},
	{"async, <var> form (异步属性式)", func(ctx context.Context, c *chain.Client, o chain.O) (*chain.Response, error) {
		return angleForm(c).PostAsync(ctx, o).Wait()
	}},
	{"sync, segment chain (同步纯链式)", func(ctx context.Context, c *chain.Client, o chain.O) (*chain.Response, error) {
		return segmentChain(c).Post(ctx, o)
	}},
	{"sync, declarative (同步声明式)", func(ctx context.Context, c *chain.Client, o chain.O) (*chain.Response, error) {
		return declarative(c).Post(ctx, o)
	}},
	{"sync, <var> form (同步属性式)", func(ctx context.Context, c *chain.Client, o chain.O) (*chain.Response, error) {
		return angleForm(c).Post(ctx, o)
	}},
}

// run is the whole command; getenv is os.Getenv or a stand-in for tests.
func run(ctx context.Context, stdout io.Writer, getenv func(string) string) error {
	c, where, cleanup, err := client(getenv)
	if err != nil {
		return err
	}
	defer cleanup()
	fmt.Fprintf(stdout, "WeChat Pay seed call: POST v3/payscore/payafter-orders/{out_order_no}/sync against %s\n", where)

	orDefault := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	opts := chain.O{
		"out_order_no": orDefault(envOutOrderNo, wechatpaytest.DemoOutOrderNo),
		"json": map[string]any{
			"appid":      orDefault(envAppID, wechatpaytest.DemoAppID),
			"service_id": orDefault(envServiceID, wechatpaytest.DemoServiceID),
			"type":       "Order_Paid",
			"detail":     map[string]any{"paid_time": "20091225091010"},
		},
	}
	for _, st := range styles {
		resp, err := st.call(ctx, c, opts)
		if err != nil {
			return fmt.Errorf("%s: %w", st.name, err) // a *chain.APIError names the code and Request-ID
		}
		if !resp.Verified {
			return fmt.Errorf("%s: the answer was not verified", st.name)
		}
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, resp.Body, "", "  "); err != nil {
			return fmt.Errorf("%s: the answer is not JSON: %w", st.name, err)
		}
		fmt.Fprintf(stdout, "\n== %s: %d, verified, Request-ID %s\n%s\n", st.name, resp.StatusCode, resp.RequestID, pretty.String())
	}
	return nil
}

// client makes the client: from WECHATPAY_* variables, or against an
// in-process simulator when none is set.
func client(getenv func(string) string) (c *chain.Client, where string, cleanup func(), err error) {
	if anySet(getenv, wechatpay.EnvVars()) {
		// In a program of your own: cfg, err := wechatpay.ConfigFromEnv(),
		// which is ConfigFromLookup(os.Getenv).
		cfg, err := wechatpay.ConfigFromLookup(getenv)
		if err != nil {
			return nil, "", nil, err
		}
		cfg.Timeout = 30 * time.Second
		c, err := wechatpay.New(cfg)
		if err != nil {
			return nil, "", nil, err
		}
		return c, c.BaseURL() + " (merchant " + cfg.MchID + ", from WECHATPAY_* variables)", func() {}, nil
	}
	srv := wechatpaytest.NewServer()
	return srv.Client(), srv.URL + " (the in-process simulator; set WECHATPAY_* variables to call a real endpoint)", srv.Close, nil
}

// anySet reports whether any of the variables is set (non-blank).
func anySet(getenv func(string) string, names []string) bool {
	for _, n := range names {
		if strings.TrimSpace(getenv(n)) != "" {
			return true
		}
	}
	return false
}
