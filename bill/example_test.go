package bill_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/chainpay-go/wechatpay/bill"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// payment is what this example imports of each record.
type payment struct {
	id  string
	fee bill.Amount
}

// Read a bill straight from its download and import it all or nothing: the
// records are staged, and kept only when Err is nil (summary and hash
// checked). Records read before the end came from an unverified file.
func Example() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	srv.SetBillSourceFor(wechatpaytest.BillTradeAll, "2026-11-27", wechatpaytest.GeneratedBill(wechatpaytest.BillTradeAll, 1000))
	c := srv.Client()
	ctx := context.Background()

	resp, err := c.Chain("v3/bill/tradebill").Get(ctx, chain.O{"query": map[string]any{"bill_date": "2026-11-27", "tar_type": "GZIP"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	info, err := chain.ParseBillInfo(resp.Body)
	if err != nil {
		fmt.Println(err)
		return
	}
	stream, err := c.OpenBill(ctx, info)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stream.Close()

	var staged []payment // or a database transaction
	rd := bill.NewReader(stream, bill.TradeAll)
	for rd.Next() {
		rec := rd.Record()
		fee, err := rec.Amount(bill.Fee)
		if err != nil {
			fmt.Println(err)
			return
		}
		staged = append(staged, payment{id: rec.String(bill.TransactionID), fee: fee})
	}
	if err := rd.Err(); err != nil {
		// Summary mismatch, truncation, hash mismatch (errors.Is(err,
		// chain.ErrHashMismatch)): discard everything staged.
		fmt.Println("rejected:", errors.Is(err, chain.ErrHashMismatch), err)
		return
	}
	// Commit staged here.
	sum := rd.Summary()
	fmt.Println("imported", len(staged), "records; first", staged[0].id, "fee", staged[0].fee)
	for _, ch := range sum.Checked {
		fmt.Printf("%s %s ok=%v\n", ch.Column, ch.Stated, ch.OK)
	}
	fmt.Println("unchecked:", strings.Join(sum.Unchecked, ", "))
	// Output:
	// imported 1000 records; first 4200000307201906100000000001 fee 0.00228
	// 总交易单数 1000 ok=true
	// 应结订单总金额 185195.00 ok=true
	// 退款总金额 18686.00 ok=true
	// 充值券退款总金额 0.00 ok=true
	// 手续费总金额 886.93800 ok=true
	// 订单总金额 185195.00 ok=true
	// 申请退款总金额 18686.00 ok=true
	// unchecked:
}
