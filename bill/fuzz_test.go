package bill_test

import (
	"io"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/bill"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// FuzzReader: any input ends in records and then either a nil Err with a
// summary, or an error; never a panic, and every value of every record is
// readable through the accessors.
func FuzzReader(f *testing.F) {
	for _, typ := range []wechatpaytest.BillType{wechatpaytest.BillTradeAll, wechatpaytest.BillTradeSuccess, wechatpaytest.BillTradeRefund, wechatpaytest.BillFund, wechatpaytest.BillProfitSharing} {
		b, _ := io.ReadAll(wechatpaytest.GeneratedBill(typ, 3).Open())
		f.Add(b)
	}
	f.Add([]byte(successHeader + "\n" + successRow + "\n" + successSumHead + "\n`1,`1.00,`0.00600,`1.00\n"))
	f.Add([]byte("a,b\n`\"x\"\"y\",`2\nc\n`1\n"))
	f.Add([]byte("\xef\xbb\xbf"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rd := bill.NewReader(strings.NewReader(string(data)), bill.Detect)
		n := 0
		for rd.Next() {
			rec := rd.Record()
			n++
			for i, c := range rec.Columns() {
				_ = rec.Index(i)
				_, _ = rec.Amount(c)
				_, _ = rec.Time(c)
				_, _ = rec.Percent(c)
			}
		}
		if n != rd.Count() {
			t.Fatalf("%d records seen, Count %d", n, rd.Count())
		}
		if rd.Err() == nil && rd.Summary() == nil {
			t.Fatalf("no error and no summary")
		}
		if s := rd.Summary(); rd.Err() == nil && s.Err() != nil {
			t.Fatalf("summary failed but Err is nil: %v", s.Err())
		}
	})
}
