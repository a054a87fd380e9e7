package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
	"github.com/chainpay-go/wechatpay/wechatpaytest/console"
)

// The console over a simulator, mounted at /console/: one call, then the
// newest page of the log.
func ExampleHandler() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	mux := http.NewServeMux()
	mux.Handle("/console/", console.Handler(srv, "/console/"))
	ts := httptest.NewServer(mux)
	defer ts.Close()

	_, _ = srv.Client().Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(context.Background(), chain.O{
		"out_trade_no": "1217752501201407033233368018", "query": chain.O{"mchid": srv.Config().MchID}})

	res, err := http.Get(ts.URL + "/console/api/requests?limit=10")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer res.Body.Close()
	var page console.Page
	if err := json.NewDecoder(res.Body).Decode(&page); err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range page.Records {
		fmt.Println(r.Seq, r.Method, r.Pattern, r.Status, r.Authenticated)
	}
	// Output:
	// 1 GET /v3/pay/transactions/out-trade-no/{out_trade_no} 200 true
}
