package main

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/catalog"
	"github.com/chainpay-go/wechatpay/chain"
)

// TestPathsAsWrittenLibraryAndCLI is issue 12's table: every path syntax in
// both forms of the library (one string holding "/", and segment by
// segment) and through wxpay, with the request target the loopback
// simulator received. One string is sent as written, by the library and by
// wxpay alike; only the segment form re-cases literals (the PHP rule).
// Values are never touched.
func TestPathsAsWrittenLibraryAndCLI(t *testing.T) {
	t.Parallel()
	h := setupSim(t)
	client := h.srv.Client()
	tests := []struct {
		syntax     string
		path       string   // one string: library and wxpay
		segments   []string // the segment-by-segment form
		vars       map[string]string
		asWritten  string // target of path, from the library and from wxpay
		bySegments string // target of segments
	}{
		{"{name}", "v3/payscore/payafterOrders/{out_order_no}/sync",
			[]string{"v3", "payscore", "payafterOrders", "{out_order_no}", "sync"}, map[string]string{"out_order_no": "ABCdef_1"},
			"/v3/payscore/payafterOrders/ABCdef_1/sync", "/v3/payscore/payafter-orders/ABCdef_1/sync"},
		{"<name>", "v3/payscore/payafterOrders/<out_order_no>/sync",
			[]string{"v3", "payscore", "payafterOrders", "<out_order_no>", "sync"}, map[string]string{"out_order_no": "ABCdef_1"},
			"/v3/payscore/payafterOrders/ABCdef_1/sync", "/v3/payscore/payafter-orders/ABCdef_1/sync"},
		{"_name_", "v3/payscore/payafterOrders/_out_order_no_/sync",
			[]string{"v3", "payscore", "payafterOrders", "_out_order_no_", "sync"}, map[string]string{"out_order_no": "ABCdef_1"},
			"/v3/payscore/payafterOrders/ABCdef_1/sync", "/v3/payscore/payafter-orders/ABCdef_1/sync"},
		{"$name$", "v3/payscore/payafterOrders/$out_order_no$/sync",
			[]string{"v3", "payscore", "payafterOrders", "$out_order_no$", "sync"}, map[string]string{"out_order_no": "ABCdef_1"},
			"/v3/payscore/payafterOrders/ABCdef_1/sync", "/v3/payscore/payafter-orders/ABCdef_1/sync"},
		{"value written into the path", "v3/pay/transactions/out-trade-no/ABCdef123",
			[]string{"v3", "pay", "transactions", "out-trade-no", "ABCdef123"}, nil,
			"/v3/pay/transactions/out-trade-no/ABCdef123", "/v3/pay/transactions/out-trade-no/ab-cdef123"},
		{"refund number written into the path", "v3/refund/domestic/refunds/R_Abc_1",
			[]string{"v3", "refund", "domestic", "refunds", "R_Abc_1"}, nil,
			"/v3/refund/domestic/refunds/R_Abc_1", "/v3/refund/domestic/refunds/r_abc_1"},
		{"<NAME> with a value to encode", "v3/merchant-service/images/<MEDIA_ID>",
			[]string{"v3", "merchantService", "images", "<MEDIA_ID>"}, map[string]string{"MEDIA_ID": "ChsyMz+Q/A=="},
			"/v3/merchant-service/images/ChsyMz%2BQ%2FA%3D%3D", "/v3/merchant-service/images/ChsyMz%2BQ%2FA%3D%3D"},
		{"{name} inside a segment", "v3/x/{id}Detail",
			[]string{"v3", "x", "{id}Detail"}, map[string]string{"id": "Q1"},
			"/v3/x/Q1Detail", "/v3/x/Q1-detail"},
		{"trailing slash", "v3/applyment4sub/applyment/",
			[]string{"v3", "applyment4sub", "applyment/"}, nil,
			"/v3/applyment4sub/applyment/", "/v3/applyment4sub/applyment/"},
	}
	target := func() string {
		reqs := h.srv.Requests()
		return reqs[len(reqs)-1].URI
	}
	for _, tt := range tests {
		// The simulator's client checks calls against the catalogue; these
		// paths are not all in it, and only the target matters here.
		opts := chain.O{"validation": catalog.Off}
		args := []string{"get", tt.path}
		for k, v := range tt.vars {
			opts[k] = v
			args = append(args, k+"="+v)
		}
		// The answers are 404s (no route) or whatever the simulator says:
		// only the request target matters here.
		_, _ = client.Chain(tt.path).Get(context.Background(), opts)
		lib := target()
		_, _ = client.Chain(tt.segments...).Get(context.Background(), opts)
		seg := target()
		if r := h.run("", args...); r.Code == exitUsage {
			t.Errorf("%s: wxpay %q: usage error %s", tt.syntax, args, r.Stderr)
			continue
		}
		cli := target()
		want := []string{tt.asWritten, tt.asWritten, tt.bySegments}
		if diff := cmp.Diff(want, []string{lib, cli, seg}); diff != "" {
			t.Errorf("%s: targets [library one string, wxpay, library segments] (-want +got):\n%s", tt.syntax, diff)
		}
	}
}
