// Command wxpay calls WeChat Pay APIv3 from the command line, httpie style:
//
//	wxpay post 'v3/payscore/payafter-orders/{out_order_no}/sync' out_order_no=1234323JKHDFE1243252 \
//	    appid=wxd678efh567hg6787 service_id=500001 type=Order_Paid detail.paid_time=20091225091010
//
// Requests are signed with the merchant key and answers verified before they
// are printed. wxpay sandbox runs a local gateway simulator; other commands
// download platform certificates and bills, verify and decrypt captured
// callbacks, and make front-end pay-sign parameters. Run wxpay --help.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
