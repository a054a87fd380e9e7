package catalog_test

import (
	"cmp"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/catalog"
)

func TestAllCountsAndOrder(t *testing.T) {
	t.Parallel()
	ops := catalog.All()
	if got, want := len(ops), 1155; got != want {
		t.Fatalf("len(All()) = %d, want %d", got, want)
	}
	if catalog.Len() != len(ops) {
		t.Errorf("Len() = %d, want %d", catalog.Len(), len(ops))
	}
	sorted := slices.IsSortedFunc(ops, func(a, b catalog.Operation) int {
		return cmp.Or(cmp.Compare(a.Template, b.Template), cmp.Compare(a.Method, b.Method))
	})
	if !sorted {
		t.Error("All() is not sorted by Template, then Method")
	}
	families := map[string]int{}
	withVars := 0
	for _, op := range ops {
		f := op.Template[:2]
		switch {
		case f == "v3", f == "v2", f == "hk":
		default:
			f = "global"
		}
		families[f]++
		if len(op.PathVars) > 0 {
			withVars++
		}
		if op.Title == "" || op.Method == "" || op.Template[0] == '/' {
			t.Errorf("%s %s: title %q", op.Method, op.Template, op.Title)
		}
	}
	want := map[string]int{"v3": 993, "v2": 136, "hk": 21, "global": 5}
	if diff := gocmp.Diff(want, families); diff != "" {
		t.Errorf("operations per family (-want +got):\n%s", diff)
	}
	// The source counts 530 files with "{" in their name; two of them are
	// {empty}.yaml, its name for a path ending in "/", which has no variable.
	if withVars != 528 {
		t.Errorf("%d operations with path variables, want 528", withVars)
	}
	// All returns the caller's slice.
	ops[0].Method = "X"
	if catalog.All()[0].Method == "X" {
		t.Error("All() shares its slice with the catalogue")
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method, template string
		want             string // the template found; "" for none
	}{
		{"POST", "v3/payscore/payafter-orders/{out_order_no}/sync", "v3/payscore/payafter-orders/{out_order_no}/sync"},
		{"post", "v3/payscore/payafter-orders/<out_order_no>/sync", "v3/payscore/payafter-orders/{out_order_no}/sync"},
		{"Post", "v3/payscore/payafter-orders/_out_order_no_/sync", "v3/payscore/payafter-orders/{out_order_no}/sync"},
		{"POST", "v3/payscore/payafter-orders/$out_order_no$/sync", "v3/payscore/payafter-orders/{out_order_no}/sync"},
		{"POST", "/v3/payscore/payafter-orders/{id}/sync", "v3/payscore/payafter-orders/{out_order_no}/sync"},
		{"GET", "v3/refund/domestic/refunds/{+x}", "v3/refund/domestic/refunds/{out_refund_no}"},
		{"GET", "v3/pay/transactions/id/{transaction_id}?mchid=1230000109", "v3/pay/transactions/id/{transaction_id}"},
		// a concrete path
		{"GET", "v3/pay/transactions/id/4200000001", "v3/pay/transactions/id/{transaction_id}"},
		{"GET", "v3/refund/domestic/refunds/R1", "v3/refund/domestic/refunds/{out_refund_no}"},
		// a path ending in "/" (the source's {empty}.yaml)
		{"POST", "v3/applyment4sub/applyment/", "v3/applyment4sub/applyment/"},
		{"POST", "v3/applyment4sub/applyment", ""},
		// APIv2 by catalogue template and by wire path
		{"POST", "v2/pay/closeorder", "v2/pay/closeorder"},
		{"POST", "pay/closeorder", "v2/pay/closeorder"},
		// same shape, other names: the matching names win
		{"POST", "v3/apply4subject/applyment/{business_code}/cancel", "v3/apply4subject/applyment/{business_code}/cancel"},
		{"POST", "v3/apply4subject/applyment/{applyment_id}/cancel", "v3/apply4subject/applyment/{applyment_id}/cancel"},
		// not found
		{"GET", "v3/pay/transactions/jsapi", ""},
		{"POST", "v3/pay/transaction/jsapi", ""},
		{"POST", "V3/pay/transactions/jsapi", ""}, // case-sensitive, like the gateway
		{"POST", "", ""},
		{"POST", "v3/pay/transactions//jsapi", ""},
	}
	for _, tt := range tests {
		op, ok := catalog.Lookup(tt.method, tt.template)
		if ok != (tt.want != "") || op.Template != tt.want {
			t.Errorf("Lookup(%q, %q) = %q, %v; want %q", tt.method, tt.template, op.Template, ok, tt.want)
		}
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method, path string
		template     string
		vars         map[string]string
	}{
		{"GET", "/v3/refund/domestic/refunds/R1", "v3/refund/domestic/refunds/{out_refund_no}", map[string]string{"out_refund_no": "R1"}},
		{"POST", "v3/pay/transactions/out-trade-no/T1/close", "v3/pay/transactions/out-trade-no/{out_trade_no}/close", map[string]string{"out_trade_no": "T1"}},
		// a literal segment wins over a variable
		{"POST", "v3/refund/domestic/refunds", "v3/refund/domestic/refunds", map[string]string{}},
		{"GET", "v3/pay/transactions/id/4200?mchid=1", "v3/pay/transactions/id/{transaction_id}", map[string]string{"transaction_id": "4200"}},
		{"POST", "pay/closeorder", "v2/pay/closeorder", map[string]string{}},
		{"GET", "v3/pay/transactions/id/", "", nil},
		{"DELETE", "v3/nothing/here", "", nil},
	}
	for _, tt := range tests {
		op, vars, ok := catalog.Match(tt.method, tt.path)
		if ok != (tt.template != "") || op.Template != tt.template {
			t.Errorf("Match(%q, %q) = %q, %v; want %q", tt.method, tt.path, op.Template, ok, tt.template)
			continue
		}
		if diff := gocmp.Diff(tt.vars, vars); diff != "" {
			t.Errorf("Match(%q, %q) vars (-want +got):\n%s", tt.method, tt.path, diff)
		}
	}
}

func TestSearch(t *testing.T) {
	t.Parallel()
	if got := len(catalog.Search()); got != 1155 {
		t.Errorf("Search() found %d, want all 1155", got)
	}
	var got []string
	for _, op := range catalog.Search("退款", "domestic") {
		got = append(got, op.Method+" "+op.Template)
	}
	want := []string{
		"POST v3/refund/domestic/refunds",
		"GET v3/refund/domestic/refunds/{out_refund_no}",
		"POST v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund",
	}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("Search(退款, domestic) (-want +got):\n%s", diff)
	}
	if n := len(catalog.Search("PAYSCORE", "SYNC")); n == 0 {
		t.Error("Search is not case-insensitive")
	}
	if n := len(catalog.Search("no-such-word-anywhere")); n != 0 {
		t.Errorf("Search(no-such-word-anywhere) found %d", n)
	}
}

func TestTemplateConstants(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		catalog.V3PayTransactionsJSAPI:                       "v3/pay/transactions/jsapi",
		catalog.V3RefundDomesticRefundsByOutRefundNo:         "v3/refund/domestic/refunds/{out_refund_no}",
		catalog.V3PayscorePayafterOrdersByOutOrderNoSync:     "v3/payscore/payafter-orders/{out_order_no}/sync",
		catalog.V3PayTransactionsOutTradeNoByOutTradeNoClose: "v3/pay/transactions/out-trade-no/{out_trade_no}/close",
		catalog.V2PayCloseorder:                              "v2/pay/closeorder",
		catalog.HKV3MerchantsBySubMchid:                      "hk/v3/merchants/{sub_mchid}",
	}
	for got, want := range tests {
		if got != want {
			t.Errorf("constant = %q, want %q", got, want)
		}
		if !slices.Contains(catalog.Templates(), got) {
			t.Errorf("constant %q is no catalogue template", got)
		}
	}
	if n := len(catalog.Templates()); n < 900 {
		t.Errorf("%d templates, want 900 or more", n)
	}
}
