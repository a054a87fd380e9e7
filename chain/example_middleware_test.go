package chain_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// A logging middleware: one line per call, with the template (never the
// path values), and one per attempt from an attempt observer.
func ExampleMiddleware_logging() {
	gw := wechatpaytest.NewServer()
	defer gw.Close()
	log := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "duration" {
				return slog.Attr{} // stable output for the example
			}
			return a
		}}))

	logging := func(next chain.Handler) chain.Handler {
		return func(ctx context.Context, call *chain.Call) (*chain.Response, error) {
			start := time.Now()
			resp, err := next(ctx, call)
			log.Info("wechatpay call", "method", call.Method, "template", call.Template, "ok", err == nil, "duration", time.Since(start))
			return resp, err
		}
	}
	attempts := func(ctx context.Context, a *chain.Attempt) error {
		log.Info("attempt", "n", a.Number, "status", a.StatusCode, "retry", a.RetryReason)
		return nil
	}
	cfg := gw.Config()
	cfg.RetryWait = time.Millisecond
	cfg.Middleware = []chain.Middleware{logging}
	cfg.AttemptObservers = []chain.AttemptObserver{attempts}
	c, _ := wechatpay.New(cfg)

	gw.Inject(wechatpaytest.Fault{Route: "POST /v3/payscore/payafter-orders/{out_order_no}/sync", Status: 503})
	_, err := c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync").Post(context.Background(), chain.O{
		"out_order_no": wechatpaytest.DemoOutOrderNo,
		"json":         []byte(`{"appid":"wxd678efh567hg6787","service_id":"500001","type":"Order_Paid","detail":{"paid_time":"20091225091010"}}`),
	})
	fmt.Println(err)
	// Output:
	// level=INFO msg=attempt n=1 status=503 retry="status 503"
	// level=INFO msg=attempt n=2 status=200 retry=""
	// level=INFO msg="wechatpay call" method=POST template=v3/payscore/payafter-orders/{out_order_no}/sync ok=true
	// <nil>
}

// A cache answering from middleware: GET answers are kept by method and
// path values; a second query of the same order is not sent.
func ExampleMiddleware_cache() {
	gw := wechatpaytest.NewServer()
	defer gw.Close()
	var mu sync.Mutex
	cache := map[string]*chain.Response{}
	caching := func(next chain.Handler) chain.Handler {
		return func(ctx context.Context, call *chain.Call) (*chain.Response, error) {
			if call.Method != "GET" {
				return next(ctx, call)
			}
			key := call.Template + fmt.Sprint(call.Options["transaction_id"])
			mu.Lock()
			hit := cache[key]
			mu.Unlock()
			if hit != nil {
				return hit, nil
			}
			resp, err := next(ctx, call)
			if err == nil {
				mu.Lock()
				cache[key] = resp
				mu.Unlock()
			}
			return resp, err
		}
	}
	cfg := gw.Config()
	cfg.Middleware = []chain.Middleware{caching}
	c, _ := wechatpay.New(cfg)

	gw.Handle("GET", "/v3/pay/transactions/id/{transaction_id}", func(r *wechatpaytest.Request) (int, any) {
		return 200, map[string]any{"transaction_id": r.Param("transaction_id"), "trade_state": "SUCCESS"}
	})
	q := c.Chain("v3/pay/transactions/id/{transaction_id}")
	for range 2 {
		resp, err := q.Get(context.Background(), chain.O{"transaction_id": "4200000001", "query": map[string]any{"mchid": gw.MchID}})
		fmt.Println(resp.Get("trade_state"), err)
	}
	fmt.Println("sent:", len(gw.Requests()))
	// Output:
	// SUCCESS <nil>
	// SUCCESS <nil>
	// sent: 1
}

// A loop over a paged list: Items fetches the pages as the loop goes.
func ExampleChain_Items() {
	gw := wechatpaytest.NewServer()
	defer gw.Close()
	// A list of 5 records, paged as the gateway pages it.
	gw.Handle("GET", "/v3/merchantfund/merchant/income-records", func(r *wechatpaytest.Request) (int, any) {
		var offset, limit int
		fmt.Sscan(r.Query.Get("offset"), &offset)
		fmt.Sscan(r.Query.Get("limit"), &limit)
		var data []any
		for i := offset; i < min(offset+limit, 5); i++ {
			data = append(data, map[string]any{"income_record_id": fmt.Sprint("R", i)})
		}
		return 200, map[string]any{"total_count": 5, "offset": offset, "limit": limit, "data": data}
	})
	c := gw.Client()

	var ids []string
	for item, err := range c.Chain("v3/merchantfund/merchant/income-records").Items(context.Background(), chain.O{
		"query": map[string]any{"account_type": "BASIC", "date": "2019-06-11", "limit": 2},
	}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		ids = append(ids, item.Get("income_record_id").String())
	}
	fmt.Println(strings.Join(ids, " "), "in", len(gw.Requests()), "pages")
	// Output: R0 R1 R2 R3 R4 in 3 pages
}
