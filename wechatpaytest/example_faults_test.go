package wechatpaytest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// Drop and Cut break the connection. The client retries a broken connection
// like a 5xx (twice by default, signing each attempt afresh), so one such
// fault is absorbed and the call succeeds; the client only reports the broken
// answer when every attempt fails (Times: -1, or DisableRetries). When
// net/http silently resends a dropped GET on a reused connection, the client
// signs the resend again; a plain http.Client would resend the old signature
// and get 401 SIGN_ERROR for the replayed nonce, as from the gateway.
func ExampleFault_cutAndDrop() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	cfg := srv.Config()
	cfg.RetryWait = time.Millisecond
	c, err := wechatpay.New(cfg)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	query := c.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}")
	opts := chain.O{"out_trade_no": wechatpaytest.DemoOutTradeNo, "query": map[string]string{"mchid": srv.MchID}}
	ctx := context.Background()

	for _, f := range []wechatpaytest.Fault{{Drop: true}, {Cut: true}} {
		srv.Inject(f)
		resp, err := query.Get(ctx, opts)
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Println("one fault:", resp.Get("trade_state"))
	}

	srv.ClearFaults()
	srv.Inject(wechatpaytest.Fault{Cut: true, Times: -1})
	_, err = query.Get(ctx, opts)
	fmt.Println("every attempt cut:", errors.Is(err, io.ErrUnexpectedEOF))
	srv.ClearFaults()
	// Output:
	// one fault: SUCCESS
	// one fault: SUCCESS
	// every attempt cut: true
}
