package bill_test

import (
	"context"
	"testing"

	"github.com/chainpay-go/wechatpay/bill"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// TestDemoBillReads: the simulator's demo bill (what the README's wxpay line reads) passes the reader.
func TestDemoBillReads(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	resp, err := c.Chain("v3/bill/tradebill").Get(context.Background(), chain.O{"query": map[string]any{"bill_date": wechatpaytest.DemoBillDate}})
	if err != nil {
		t.Fatal(err)
	}
	info, _ := chain.ParseBillInfo(resp.Body)
	s, err := c.OpenBill(context.Background(), info)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, rd := readAll(t, s, bill.Detect)
	if err := rd.Err(); err != nil || rd.Count() != 1 || len(rd.Summary().Unchecked) != 0 {
		t.Fatalf("demo bill: %v, %d records", err, rd.Count())
	}
}
