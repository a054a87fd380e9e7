package wechatpaytest_test

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// TestBillRoutes: each bill request serves the bill stored for its type;
// a trade bill stored with SetBill answers every bill_type without its own.
func TestBillRoutes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.srv.SetBill("2026-11-27", []byte("plain"))
	for _, typ := range []wechatpaytest.BillType{wechatpaytest.BillTradeRefund, wechatpaytest.BillFund, wechatpaytest.BillProfitSharing} {
		e.srv.SetBillSourceFor(typ, "2026-11-27", wechatpaytest.GeneratedBill(typ, 3))
	}
	for _, tc := range []struct {
		target, starts string
	}{
		{"/v3/bill/tradebill?bill_date=2026-11-27", "plain"},
		{"/v3/bill/tradebill?bill_date=2026-11-27&bill_type=SUCCESS", "plain"},
		{"/v3/bill/tradebill?bill_date=2026-11-27&bill_type=REFUND", "\xef\xbb\xbf交易时间"},
		{"/v3/bill/fundflowbill?bill_date=2026-11-27", "\xef\xbb\xbf记账时间"},
		{"/v3/profitsharing/bills?bill_date=2026-11-27", "\xef\xbb\xbf分账发起时间"},
	} {
		a := e.do("GET", tc.target, "")
		d := e.download(a.get("download_url"))
		if !strings.HasPrefix(string(d.Body), tc.starts) || sha1Hex(d.Body) != a.get("hash_value") {
			t.Errorf("%s: %.40q, hash ok %v", tc.target, d.Body, sha1Hex(d.Body) == a.get("hash_value"))
		}
	}
	// No fund bill for another date, even with a trade bill stored.
	e.srv.SetBill("2026-11-28", []byte("plain"))
	if a := e.do("GET", "/v3/bill/fundflowbill?bill_date=2026-11-28", ""); a.Status != 400 {
		t.Errorf("fund bill without one stored: %d", a.Status)
	}
}

func TestGeneratedBillDeterministic(t *testing.T) {
	t.Parallel()
	src := wechatpaytest.GeneratedBill(wechatpaytest.BillTradeAll, 1000)
	a, _ := io.ReadAll(src.Open())
	b, _ := io.ReadAll(src.Open())
	if !bytes.Equal(a, b) || sha1Hex(a) != src.SHA1 {
		t.Errorf("content differs between opens or does not match its SHA-1")
	}
	if n := bytes.Count(a, []byte("\n")); n != 1003 {
		t.Errorf("%d lines, want 1003 (header, 1000 rows, summary header and row)", n)
	}
}
