package chain_test

import (
	"context"
	"fmt"
	"net"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// A client whose BaseURL refuses connections: the attempt goes on to the
// backup host, signed afresh, and the call succeeds there. With the default
// BaseURL the backup is chain.DefaultBackupBaseURL without any setting;
// chain.NoBackupBaseURL turns the failover off.
func ExampleConfig_backupBaseURL() {
	backup := wechatpaytest.NewServer()
	defer backup.Close()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	l.Close() // nothing listens there now: connections are refused

	cfg := backup.Config()
	cfg.BaseURL = "http://" + l.Addr().String() + "/"
	cfg.BackupBaseURL = backup.URL
	c, err := wechatpay.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := c.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(context.Background(),
		chain.O{"out_trade_no": wechatpaytest.DemoOutTradeNo, "query": map[string]string{"mchid": c.MchID()}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.Get("trade_state"), resp.Verified, len(backup.Requests()))
	// Output:
	// SUCCESS true 1
}
