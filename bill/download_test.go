package bill_test

import (
	"context"
	"errors"
	"testing"

	"github.com/chainpay-go/wechatpay/bill"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// TestFromDownload reads bills straight from the simulator's download
// stream: a good one passes; a tampered one (first byte flipped, which also
// breaks the byte-order mark) fails with the hash mismatch, not only with
// the syntax error it causes.
func TestFromDownload(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	for _, typ := range []wechatpaytest.BillType{wechatpaytest.BillTradeAll, wechatpaytest.BillFund} {
		srv.SetBillSourceFor(typ, "2026-11-27", wechatpaytest.GeneratedBill(typ, 500))
		path := "v3/bill/tradebill"
		if typ == wechatpaytest.BillFund {
			path = "v3/bill/fundflowbill"
		}
		for _, tamper := range []bool{false, true} {
			resp, err := c.Chain(path).Get(ctx, chain.O{"query": map[string]any{"bill_date": "2026-11-27", "tar_type": "GZIP"}})
			if err != nil {
				t.Fatal(err)
			}
			info, err := chain.ParseBillInfo(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if tamper {
				srv.Inject(wechatpaytest.Fault{Route: "GET /v3/billdownload/file", Tamper: true})
			}
			s, err := c.OpenBill(ctx, info)
			if err != nil {
				t.Fatal(err)
			}
			_, rd := readAll(t, s, bill.Detect)
			s.Close()
			err = rd.Err()
			switch {
			case !tamper && err != nil:
				t.Errorf("%s: %v", typ, err)
			case !tamper && rd.Count() != 500:
				t.Errorf("%s: %d records", typ, rd.Count())
			case tamper && !errors.Is(err, chain.ErrHashMismatch):
				t.Errorf("%s tampered: %v, want ErrHashMismatch", typ, err)
			}
		}
	}
}
