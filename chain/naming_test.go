package chain_test

import (
	"context"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/chain"
)

func seedOpts() chain.O {
	return chain.O{
		"out_order_no": "1234323JKHDFE1243252",
		"json": map[string]any{
			"appid":      "wxd678efh567hg6787",
			"service_id": "500001",
			"type":       "Order_Paid",
			"detail":     map[string]any{"paid_time": "20091225091010"},
		},
	}
}

func TestNamingStylesGiveTheSameSignedRequest(t *testing.T) {
	t.Parallel()
	g, c := setup(t, nil)
	styles := []struct {
		name string
		ch   *chain.Chain
	}{
		{"rfc6570", c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync")},
		{"design card", c.Chain("v3/payscore/payafter-orders/<out_order_no>/sync")},
		{"segments", c.Chain("v3", "payscore", "payafterOrders", "_out_order_no_", "sync")},
		{"chained", c.Chain("v3").Chain("payscore").Chain("payafterOrders").Chain("_out_order_no_").Chain("sync")},
		{"slashes", c.Chain("/v3/", "payscore/payafter-orders/", "/_out_order_no_/sync")},
	}
	for _, s := range styles {
		tpl, err := s.ch.Template()
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if diff := cmp.Diff("v3/payscore/payafter-orders/{out_order_no}/sync", tpl); diff != "" {
			t.Errorf("%s: template (-want +got):\n%s", s.name, diff)
		}
		resp, err := s.ch.Post(context.Background(), seedOpts())
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if !resp.Verified {
			t.Errorf("%s: answer not verified", s.name)
		}
	}
	reqs := g.requests()
	if len(reqs) != len(styles) {
		t.Fatalf("gateway saw %d requests, want %d", len(reqs), len(styles))
	}
	for i, r := range reqs {
		if r.AuthErr != nil {
			t.Errorf("%s: gateway refused the signature: %v", styles[i].name, r.AuthErr)
		}
		want := struct{ Method, URI, Body string }{"POST", "/v3/payscore/payafter-orders/1234323JKHDFE1243252/sync",
			`{"appid":"wxd678efh567hg6787","detail":{"paid_time":"20091225091010"},"service_id":"500001","type":"Order_Paid"}`}
		got := struct{ Method, URI, Body string }{r.Method, r.URI, string(r.Body)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: request (-want +got):\n%s", styles[i].name, diff)
		}
	}
}

func TestChainIsImmutable(t *testing.T) {
	t.Parallel()
	_, c := setup(t, nil)
	base := c.Chain("v3")
	a := base.Chain("pay", "transactions")
	b := base.Chain("refund/domestic/refunds")
	d := c.Chain("v3/applyment4sub/applyment/")
	e := c.Chain("v3/").Chain("applyment4sub", "applyment/")
	f := d.Chain("x")
	got := []string{base.String(), a.String(), b.String(), d.String(), e.String(), f.String()}
	want := []string{"v3", "v3/pay/transactions", "v3/refund/domestic/refunds", "v3/applyment4sub/applyment/", "v3/applyment4sub/applyment/", "v3/applyment4sub/applyment/x"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// A shared chain parses once and is safe to use from many goroutines.
	shared := c.Chain("v3/pay/transactions/id/{transaction_id}")
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if tpl, err := shared.Template(); err != nil || tpl != "v3/pay/transactions/id/{transaction_id}" {
				t.Errorf("Template() = %q, %v", tpl, err)
			}
		}()
	}
	wg.Wait()
}

// TestWireTarget checks that what is signed is what goes on the wire, for
// values that tempt an encoder to re-encode.
func TestWireTarget(t *testing.T) {
	t.Parallel()
	g, c := setup(t, nil)
	cases := []struct {
		name string
		tpl  string
		opts chain.O
		want string
	}{
		{"slash plus equals", "v3/pay/transactions/out-trade-no/{out_trade_no}", chain.O{"out_trade_no": "a/b+c=d"},
			"/v3/pay/transactions/out-trade-no/a%2Fb%2Bc%3Dd"},
		{"space and chinese", "v3/x/{name}", chain.O{"name": "张 三"}, "/v3/x/%E5%BC%A0%20%E4%B8%89"},
		{"percent stays literal", "v3/x/{name}", chain.O{"name": "50%2F"}, "/v3/x/50%252F"},
		{"reserved expansion keeps the media id", "v3/merchant-service/images/{+media_id}",
			chain.O{"media_id": "ChsyMzU0NjQ/NjU2OQ+Z3h=="}, "/v3/merchant-service/images/ChsyMzU0NjQ/NjU2OQ+Z3h=="},
		{"query sorted and escaped", "v3/pay/transactions/id/{id}", chain.O{"id": "42",
			"query": map[string]any{"mchid": "1900000001", "b": "x y", "a": []string{"1", "2"}, "n": 7, "zh": "中"}},
			"/v3/pay/transactions/id/42?a=1&a=2&b=x+y&mchid=1900000001&n=7&zh=%E4%B8%AD"},
		{"query url.Values", "v3/bill/tradebill", chain.O{"query": map[string]string{"bill_date": "2026-11-27", "bill_type": "ALL"}},
			"/v3/bill/tradebill?bill_date=2026-11-27&bill_type=ALL"},
		{"template query plus option query", "v3/x{?limit}", chain.O{"limit": 5, "query": map[string]any{"offset": 10}},
			"/v3/x?limit=5&offset=10"},
	}
	for _, tc := range cases {
		before := len(g.requests())
		// Images download is unsigned by design; everything else is verified.
		if _, err := c.Chain(tc.tpl).Get(context.Background(), tc.opts); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		r := g.requests()[before]
		if r.AuthErr != nil {
			t.Errorf("%s: signature refused for %s: %v", tc.name, r.URI, r.AuthErr)
		}
		if diff := cmp.Diff(tc.want, r.URI); diff != "" {
			t.Errorf("%s: wire target (-want +got):\n%s", tc.name, diff)
		}
	}
}
