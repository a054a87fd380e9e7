package bill_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/bill"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

const (
	successHeader  = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,商品名称,商户数据包,手续费,费率,订单金额,费率备注"
	successRow     = "`2019-06-11 10:07:32,`wxd678efh567hg6787,`1900000001,`0,`,`4200000307201906117367384327,`O1,`oUpF8,`JSAPI,`SUCCESS,`OTHERS,`CNY,`1.00,`0.00,`QQ公仔,`,`0.00600,`0.60%,`1.00,`"
	successSumHead = "总交易单数,应结订单总金额,手续费总金额,订单总金额"
)

// readAll reads a bill to its end.
func readAll(t *testing.T, r io.Reader, kind bill.Kind) ([]*bill.Record, *bill.Reader) {
	t.Helper()
	rd := bill.NewReader(r, kind)
	var recs []*bill.Record
	for rd.Next() {
		recs = append(recs, rd.Record().Clone())
	}
	return recs, rd
}

func TestReadSuccessBill(t *testing.T) {
	t.Parallel()
	in := "\xef\xbb\xbf" + successHeader + ",新列\r\n" + successRow + ",`extra\r\n" + successSumHead + "\r\n`1,`1.00,`0.00600,`1.00\r\n"
	recs, rd := readAll(t, strings.NewReader(in), bill.Detect)
	if err := rd.Err(); err != nil {
		t.Fatal(err)
	}
	if rd.Kind() != bill.TradeSuccess || len(recs) != 1 {
		t.Fatalf("kind %s, %d records", rd.Kind(), len(recs))
	}
	rec := recs[0]
	if got := rec.String(bill.TransactionID); got != "4200000307201906117367384327" {
		t.Errorf("transaction id %q", got)
	}
	if got, ok := rec.Get("新列"); !ok || got != "extra" {
		t.Errorf("unknown column: %q %v", got, ok)
	}
	fee, err := rec.Amount(bill.Fee)
	if err != nil || fee.Units() != 600 || fee.Scale() != 5 || fee.String() != "0.00600" {
		t.Errorf("fee %v %v", fee, err)
	}
	rate, err := rec.Percent(bill.FeeRate)
	if err != nil || rate.String() != "0.60" {
		t.Errorf("rate %v %v", rate, err)
	}
	at, err := rec.Time(bill.TradeTime)
	want := time.Date(2019, 6, 11, 2, 7, 32, 0, time.UTC)
	if err != nil || !at.Equal(want) {
		t.Errorf("time %v %v, want %v", at, err, want)
	}
	if _, off := at.Zone(); off != 8*3600 {
		t.Errorf("zone offset %d", off)
	}
	if rec.Line() != 2 {
		t.Errorf("line %d", rec.Line())
	}
	s := rd.Summary()
	var checked []string
	for _, c := range s.Checked {
		checked = append(checked, c.Column+"="+c.Stated+"/"+c.Rows)
	}
	if d := cmp.Diff([]string{"总交易单数=1/1", "应结订单总金额=1.00/1.00", "手续费总金额=0.00600/0.00600", "订单总金额=1.00/1.00"}, checked); d != "" {
		t.Errorf("checked (-want +got):\n%s", d)
	}
	if len(s.Unchecked) != 0 {
		t.Errorf("unchecked %v", s.Unchecked)
	}
}

func TestGeneratedBills(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		typ       wechatpaytest.BillType
		kind      bill.Kind
		unchecked []string
	}{
		{wechatpaytest.BillTradeAll, bill.TradeAll, nil},
		{wechatpaytest.BillTradeSuccess, bill.TradeSuccess, nil},
		{wechatpaytest.BillTradeRefund, bill.TradeRefund, nil},
		{wechatpaytest.BillFund, bill.Fund, nil},
		{wechatpaytest.BillProfitSharing, bill.ProfitSharing, []string{"总条数", "分账总金额"}},
	} {
		for _, rows := range []int{0, 1, 37} {
			src := wechatpaytest.GeneratedBill(tc.typ, rows)
			recs, rd := readAll(t, src.Open(), bill.Detect)
			if err := rd.Err(); err != nil {
				t.Errorf("%s %d rows: %v", tc.typ, rows, err)
				continue
			}
			if rd.Kind() != tc.kind || len(recs) != rows {
				t.Errorf("%s: kind %s, %d records, want %s, %d", tc.typ, rd.Kind(), len(recs), tc.kind, rows)
			}
			if d := cmp.Diff(tc.unchecked, rd.Summary().Unchecked); d != "" {
				t.Errorf("%s unchecked (-want +got):\n%s", tc.typ, d)
			}
			if tc.kind == bill.Fund && rows >= 5 {
				if got := recs[2].String(bill.Remark); got != "第一行第二行" {
					t.Errorf("remark %q", got)
				}
				if raw, _ := recs[2].Raw(bill.Remark); raw != `第一行\r\n第二行` {
					t.Errorf("raw remark %q", raw)
				}
				if got := recs[4].String(bill.VoucherNo); got != "V0000000005" {
					t.Errorf("voucher %q", got)
				}
			}
			for _, rec := range recs {
				for _, c := range bill.Columns(tc.kind) {
					if v, _ := rec.Raw(c); strings.HasPrefix(v, "`") {
						t.Fatalf("%s line %d: %s keeps its backtick: %q", tc.typ, rec.Line(), c, v)
					}
				}
			}
		}
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	head := successHeader + "\n"
	sum := successSumHead + "\n`1,`1.00,`0.00600,`1.00\n"
	for _, tc := range []struct {
		name string
		in   string
		kind bill.Kind
		want error
		text string // substring of the error
	}{
		{"empty", "", bill.Detect, bill.ErrNoSummary, "empty file"},
		{"header only", head, bill.Detect, bill.ErrNoSummary, "line 1: the file ends after 0 records"},
		{"truncated", head + successRow + "\n", bill.Detect, bill.ErrNoSummary, "line 2: the file ends after 1 records without its summary"},
		{"truncated mid-row", head + successRow[:40], bill.Detect, bill.ErrFieldCount, "line 2: 2 values, but the header has 20"},
		{"no summary row", head + successRow + "\n" + successSumHead + "\n", bill.Detect, bill.ErrNoSummary, "line 3: the file ends after the summary header"},
		{"missing column", strings.Replace(head, ",手续费", "", 1) + sum, bill.TradeSuccess, bill.ErrMissingColumn, "line 1: column 手续费: missing"},
		{"missing for ALL", head + successRow + "\n" + sum, bill.TradeAll, bill.ErrMissingColumn, "column 微信退款单号, 商户退款单号, 退款金额, 充值券退款金额, 退款类型, 退款状态, 申请退款金额: missing"},
		{"column count", head + successRow + ",`x\n" + sum, bill.Detect, bill.ErrFieldCount, "line 2: 21 values, but the header has 20"},
		{"unterminated quote", head + strings.Replace(successRow, "`QQ公仔", "`\"QQ,公仔", 1) + "\n" + sum, bill.Detect, bill.ErrQuote, "line 2: value 15: quoted value not closed"},
		{"text after quote", head + strings.Replace(successRow, "`QQ公仔", "`\"QQ\"x", 1) + "\n" + sum, bill.Detect, bill.ErrQuote, "line 2: value 15: text after the closing quote"},
		{"invalid utf8", head + strings.Replace(successRow, "公仔", "\xff", 1) + "\n" + sum, bill.Detect, bill.ErrInvalidUTF8, "line 2: not valid UTF-8"},
		{"long line", head + successRow + strings.Repeat("x", bill.MaxLineLength) + "\n" + sum, bill.Detect, bill.ErrLineTooLong, "line 2: longer than 1048576 bytes"},
		{"long line without newline", head + strings.Repeat("x", 3*bill.MaxLineLength), bill.Detect, bill.ErrLineTooLong, "line 2: longer than"},
		{"amount not a number", head + strings.Replace(successRow, "`0.00600", "`0,006", 1) + "\n" + sum, bill.Detect, bill.ErrFieldCount, "line 2: 21 values"},
		{"amount text", head + strings.Replace(successRow, "`0.00600", "`abc", 1) + "\n" + sum, bill.Detect, bill.ErrNotNumber, `line 2: column 手续费: amount "abc" is not a number`},
		{"sum mismatch", head + successRow + "\n" + successSumHead + "\n`1,`2.00,`0.00600,`1.00\n", bill.Detect, bill.ErrSummaryMismatch, "line 4: column 应结订单总金额: summary says 2.00, the rows of 应结订单金额 add up to 1.00"},
		{"count mismatch", head + successRow + "\n" + successSumHead + "\n`2,`1.00,`0.00600,`1.00\n", bill.Detect, bill.ErrSummaryMismatch, "column 总交易单数: summary says 2, the rows count 1"},
		{"summary not a number", head + successRow + "\n" + successSumHead + "\n`1,`x,`0.00600,`1.00\n", bill.Detect, bill.ErrNotNumber, `column 应结订单总金额: amount "x"`},
		{"text after summary", head + successRow + "\n" + sum + "more\n", bill.Detect, bill.ErrNoSummary, "line 5: text after the summary row"},
		{"summary count", head + successRow + "\n" + successSumHead + "\n`1,`1.00\n", bill.Detect, bill.ErrFieldCount, "line 4: summary row has 2 values"},
		{"duplicate column", successHeader + ",手续费\n" + sum, bill.Detect, bill.ErrFieldCount, "column 手续费: the header names this column twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, rd := readAll(t, strings.NewReader(tc.in), tc.kind)
			err := rd.Err()
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.text) {
				t.Errorf("error %v, want %v containing %q", err, tc.want, tc.text)
			}
		})
	}
}

// failingReader returns its content, then err instead of io.EOF (as a
// download stream does on a hash mismatch).
type failingReader struct {
	r   io.Reader
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}

func TestFinalReadErrorIsReturned(t *testing.T) {
	t.Parallel()
	errHash := errors.New("hash mismatch")
	good := successHeader + "\n" + successRow + "\n" + successSumHead + "\n`1,`1.00,`0.00600,`1.00\n"
	_, rd := readAll(t, &failingReader{strings.NewReader(good), errHash}, bill.Detect)
	if err := rd.Err(); !errors.Is(err, errHash) {
		t.Errorf("err %v, want the final read's error", err)
	}
	bad := strings.Replace(good, "`1,`1.00,", "`1,`3.00,", 1)
	_, rd = readAll(t, &failingReader{strings.NewReader(bad), errHash}, bill.Detect)
	if err := rd.Err(); !errors.Is(err, errHash) || !errors.Is(err, bill.ErrSummaryMismatch) {
		t.Errorf("err %v, want both the hash and the summary failure", err)
	}
}

func TestAmount(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in    string
		units int64
		scale int
		ok    bool
	}{
		{"1.00", 100, 2, true}, {"-0.34306", -34306, 5, true}, {"12", 12, 0, true}, {"+0.5", 5, 1, true},
		{"", 0, 0, false}, {"1.", 0, 0, false}, {".5", 5, 1, true}, {"1e3", 0, 0, false}, {"1,000.00", 0, 0, false},
		{"1234567890123456789", 0, 0, false}, {"-", 0, 0, false}, {"0.6%", 0, 0, false},
	} {
		a, err := bill.ParseAmount(tc.in)
		if (err == nil) != tc.ok || (tc.ok && (a.Units() != tc.units || a.Scale() != tc.scale)) {
			t.Errorf("ParseAmount(%q) = %d/%d, %v", tc.in, a.Units(), a.Scale(), err)
		}
		if err != nil && !errors.Is(err, bill.ErrNotNumber) {
			t.Errorf("ParseAmount(%q): %v does not match ErrNotNumber", tc.in, err)
		}
	}
	a, _ := bill.ParseAmount("1.5")
	b, _ := bill.ParseAmount("-0.00600")
	sum, ok := a.Add(b)
	if !ok || sum.String() != "1.49400" {
		t.Errorf("1.5 + -0.00600 = %s", sum)
	}
	if fen, err := a.In(2); err != nil || fen != 150 {
		t.Errorf("In(2) = %d %v", fen, err)
	}
	if _, err := b.In(2); err == nil {
		t.Errorf("-0.00600 In(2) should refuse: it has 5 decimals... %v", err)
	}
	c, _ := bill.ParseAmount("1.50000")
	if a.Cmp(c) != 0 || a.Cmp(b) != 1 || b.Cmp(a) != -1 {
		t.Errorf("Cmp wrong")
	}
	neg, _ := bill.ParseAmount("-0.05")
	if neg.String() != "-0.05" {
		t.Errorf("String %s", neg)
	}
}
