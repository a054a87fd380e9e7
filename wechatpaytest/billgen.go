package wechatpaytest

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"sync"
)

// BillType names a bill the simulator serves: the three trade bills, the
// fund bill and the profit-sharing bill.
type BillType string

// The bill types, as the bill requests name them.
const (
	BillTradeAll      BillType = "ALL"           // GET /v3/bill/tradebill?bill_type=ALL (the default)
	BillTradeSuccess  BillType = "SUCCESS"       // bill_type=SUCCESS
	BillTradeRefund   BillType = "REFUND"        // bill_type=REFUND
	BillFund          BillType = "FUND"          // GET /v3/bill/fundflowbill
	BillProfitSharing BillType = "PROFITSHARING" // GET /v3/profitsharing/bills
)

// GeneratedBill returns a bill of type typ with rows detail rows, shaped
// like WeChat Pay's: a byte-order mark, the header, rows whose every value
// starts with a backtick, then the summary header and a summary row that
// matches the rows (counts and sums). Trade ALL bills have a refund every
// tenth row (negative fee); fund bills have the escaped line breaks (the
// text \r\n) in 备注 and 业务凭证号. Rows are produced on demand, never held
// in memory (a trade ALL row is about 270 bytes: 400,000 rows ≈ 105 MB); the
// SHA-1 is computed once per type and row count per process.
//
//	srv.SetBillSourceFor(wechatpaytest.BillFund, "2026-11-27", wechatpaytest.GeneratedBill(wechatpaytest.BillFund, 1000))
func GeneratedBill(typ BillType, rows int) BillSource {
	switch typ {
	case BillTradeAll, BillTradeSuccess, BillTradeRefund, BillFund, BillProfitSharing:
	default:
		panic(fmt.Sprintf("wechatpaytest: GeneratedBill: unknown bill type %q", typ))
	}
	if rows < 0 {
		rows = 0
	}
	open := func() io.Reader { return &billGen{typ: typ, rows: rows} }
	key := string(typ) + " " + strconv.Itoa(rows)
	generatedMu.Lock()
	defer generatedMu.Unlock()
	if sum, ok := generatedSums[key]; ok {
		return BillSource{Open: open, SHA1: sum}
	}
	h := sha1.New()
	if _, err := io.Copy(h, open()); err != nil {
		panic("wechatpaytest: generated bill: " + err.Error())
	}
	sum := hex.EncodeToString(h.Sum(nil))
	generatedSums[key] = sum
	return BillSource{Open: open, SHA1: sum}
}

var (
	generatedMu   sync.Mutex
	generatedSums = map[string]string{}
)

const (
	tradeSuccessHeader = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,商品名称,商户数据包,手续费,费率,订单金额,费率备注\n"
	tradeRefundHeader  = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,退款申请时间,退款成功时间,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\n"
	fundHeader         = "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号\n"
	// The profit-sharing bill's columns are the simulator's rendering of
	// that bill (issue 20 lists none): same family, same backticks.
	profitSharingHeader = "分账发起时间,分账方商户号,分账接收方类型,分账接收方账号,分账金额(元),业务类型,处理状态,分账描述,微信订单号,商户分账单号,微信分账单号\n"
)

// billGen produces a generated bill line by line, adding up its summary.
type billGen struct {
	typ  BillType
	rows int
	row  int // rows produced
	part int // 0 BOM+header, 1 rows, 2 summary, 3 done
	buf  []byte
	line []byte

	// running summary, in 10^-5 yuan (the fee's unit) or fen
	settle, refund, fee, order, refundReq int64 // fen, except fee (10^-5 yuan)
	incomeN, expenseN                     int64
	income, expense, balance              int64 // fen
}

func (g *billGen) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(g.buf) == 0 {
			if !g.next() {
				if n == 0 {
					return 0, io.EOF
				}
				break
			}
		}
		c := copy(p[n:], g.buf)
		g.buf = g.buf[c:]
		n += c
	}
	return n, nil
}

// next fills buf with the next line; false at the end.
func (g *billGen) next() bool {
	l := g.line[:0]
	switch {
	case g.part == 0:
		l = append(l, "\xef\xbb\xbf"...)
		switch g.typ {
		case BillTradeAll:
			l = append(l, billHeader...)
		case BillTradeSuccess:
			l = append(l, tradeSuccessHeader...)
		case BillTradeRefund:
			l = append(l, tradeRefundHeader...)
		case BillFund:
			l = append(l, fundHeader...)
		case BillProfitSharing:
			l = append(l, profitSharingHeader...)
		}
		g.part = 1
	case g.part == 1 && g.row < g.rows:
		g.row++
		l = g.appendRow(l, g.row)
	case g.part == 1 || g.part == 2:
		l = g.appendSummary(l)
		g.part = 3
	default:
		return false
	}
	g.line, g.buf = l, l
	return true
}

// yuan appends v (in units of 10^-scale yuan) with scale decimals.
func yuan(l []byte, v int64, scale int) []byte {
	if v < 0 {
		l = append(l, '-')
		v = -v
	}
	var d int64 = 1
	for i := 0; i < scale; i++ {
		d *= 10
	}
	l = strconv.AppendInt(l, v/d, 10)
	l = append(l, '.')
	return appendPadded(l, int(v%d), scale)
}

func clock(l []byte, n int) []byte {
	l = append(l, "2019-06-11 "...)
	l = appendPadded(l, n/3600%24, 2)
	l = append(l, ':')
	l = appendPadded(l, n/60%60, 2)
	l = append(l, ':')
	return appendPadded(l, n%60, 2)
}

func (g *billGen) appendRow(l []byte, n int) []byte {
	amount := int64(n*37%100000 + 1) // fen
	switch g.typ {
	case BillFund:
		return g.appendFundRow(l, n, amount)
	case BillProfitSharing:
		l = append(l, '`')
		l = clock(l, n)
		l = append(l, ",`1900000001,`MERCHANT_ID,`1900000109,`"...)
		l = yuan(l, amount, 2)
		g.settle += amount
		l = append(l, ",`分账,`SUCCESS,`分给商户,`42000003072019061"...)
		l = appendPadded(l, n, 11)
		l = append(l, ",`P"...)
		l = appendPadded(l, n, 17)
		l = append(l, ",`3008450740201411110007820"...)
		l = appendPadded(l, n, 3)
		return append(l, '\n')
	}
	refund := g.typ == BillTradeRefund || (g.typ == BillTradeAll && n%10 == 0)
	l = append(l, '`')
	l = clock(l, n)
	l = append(l, ",`"+DemoAppID+",`1900000001,`0,`,`42000003072019061"...)
	l = appendPadded(l, n, 11)
	l = append(l, ",`SIM"...)
	l = appendPadded(l, n, 17)
	l = append(l, ",`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`"...)
	if refund {
		l = append(l, "REFUND"...)
	} else {
		l = append(l, "SUCCESS"...)
	}
	l = append(l, ",`OTHERS,`CNY,`"...)
	l = yuan(l, amount, 2)
	g.settle += amount
	l = append(l, ",`0.00,`"...)
	fee := amount * 6 // 0.6 % of amount fen, in 10^-5 yuan
	if g.typ != BillTradeSuccess {
		var refundAmt int64
		if refund {
			refundAmt = amount
			fee = -fee
		}
		if g.typ == BillTradeRefund {
			l = clock(l, n)
			l = append(l, ",`"...)
			l = clock(l, n+60)
			l = append(l, ",`"...)
		}
		if refund {
			l = append(l, "50300000"...)
			l = appendPadded(l, n, 20)
			l = append(l, ",`RSIM"...)
			l = appendPadded(l, n, 16)
		} else {
			l = append(l, "0,`0"...)
		}
		l = append(l, ",`"...)
		l = yuan(l, refundAmt, 2)
		g.refund += refundAmt
		l = append(l, ",`0.00,`"...)
		if refund {
			l = append(l, "ORIGINAL,`SUCCESS"...)
		} else {
			l = append(l, ",`"...)
		}
		l = append(l, ",`模拟商品 \"尊享\" 套装,`attach="...)
		l = strconv.AppendInt(l, int64(n%7), 10)
		l = append(l, ",`"...)
		l = yuan(l, fee, 5)
		g.fee += fee
		l = append(l, ",`0.60%,`"...)
		l = yuan(l, amount, 2)
		g.order += amount
		l = append(l, ",`"...)
		l = yuan(l, refundAmt, 2)
		g.refundReq += refundAmt
		return append(l, ",`\n"...)
	}
	l = append(l, "模拟商品,`,`"...)
	l = yuan(l, fee, 5)
	g.fee += fee
	l = append(l, ",`0.60%,`"...)
	l = yuan(l, amount, 2)
	g.order += amount
	return append(l, ",`\n"...)
}

func (g *billGen) appendFundRow(l []byte, n int, amount int64) []byte {
	income := n%4 != 0
	l = append(l, '`')
	l = clock(l, n)
	l = append(l, ",`42000003072019061"...)
	l = appendPadded(l, n, 11)
	l = append(l, ",`1900000001"...)
	l = appendPadded(l, n, 20)
	if income {
		l = append(l, ",`交易,`交易,`收入,`"...)
		g.incomeN++
		g.income += amount
		g.balance += amount
	} else {
		l = append(l, ",`退款,`退款,`支出,`"...)
		g.expenseN++
		g.expense += amount
		g.balance -= amount
	}
	l = yuan(l, amount, 2)
	l = append(l, ",`"...)
	l = yuan(l, g.balance, 2)
	l = append(l, ",`system,`"...)
	if n%3 == 0 {
		l = append(l, `第一行\r\n第二行`...)
	} else {
		l = append(l, "普通备注"...)
	}
	l = append(l, ",`"...)
	l = append(l, "V"...)
	l = appendPadded(l, n, 10)
	if n%5 == 0 {
		l = append(l, `\r\n`...)
	}
	return append(l, '\n')
}

func (g *billGen) appendSummary(l []byte) []byte {
	rows := int64(g.rows)
	switch g.typ {
	case BillTradeSuccess:
		l = append(l, "总交易单数,应结订单总金额,手续费总金额,订单总金额\n`"...)
		l = strconv.AppendInt(l, rows, 10)
		l = append(l, ",`"...)
		l = yuan(l, g.settle, 2)
		l = append(l, ",`"...)
		l = yuan(l, g.fee, 5)
		l = append(l, ",`"...)
		l = yuan(l, g.order, 2)
	case BillTradeAll, BillTradeRefund:
		l = append(l, "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\n`"...)
		l = strconv.AppendInt(l, rows, 10)
		for _, v := range []struct {
			v     int64
			scale int
		}{{g.settle, 2}, {g.refund, 2}, {0, 2}, {g.fee, 5}, {g.order, 2}, {g.refundReq, 2}} {
			l = append(l, ",`"...)
			l = yuan(l, v.v, v.scale)
		}
	case BillFund:
		l = append(l, "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额\n`"...)
		l = strconv.AppendInt(l, rows, 10)
		l = append(l, ",`"...)
		l = strconv.AppendInt(l, g.incomeN, 10)
		l = append(l, ",`"...)
		l = yuan(l, g.income, 2)
		l = append(l, ",`"...)
		l = strconv.AppendInt(l, g.expenseN, 10)
		l = append(l, ",`"...)
		l = yuan(l, g.expense, 2)
	case BillProfitSharing:
		l = append(l, "总条数,分账总金额\n`"...)
		l = strconv.AppendInt(l, rows, 10)
		l = append(l, ",`"...)
		l = yuan(l, g.settle, 2)
	}
	return append(l, '\n')
}

var (
	syntheticMu   sync.Mutex
	syntheticSums = map[int64]string{}
)

// SyntheticBill returns a trade bill of exactly size bytes (a header line,
// then as many transaction rows as fit, padded with a comment line). The
// content is deterministic and never held in memory; its SHA-1 is computed
// once per size per process (about a second for 100 MB). For a benchmark:
// s.SetBillSource(date, wechatpaytest.SyntheticBill(100<<20)).
func SyntheticBill(size int64) BillSource {
	open := func() io.Reader { return io.LimitReader(&billRows{left: size}, size) }
	syntheticMu.Lock()
	defer syntheticMu.Unlock()
	if sum, ok := syntheticSums[size]; ok {
		return BillSource{Open: open, SHA1: sum}
	}
	h := sha1.New()
	if _, err := io.Copy(h, open()); err != nil {
		panic("wechatpaytest: synthetic bill: " + err.Error())
	}
	sum := hex.EncodeToString(h.Sum(nil))
	syntheticSums[size] = sum
	return BillSource{Open: open, SHA1: sum}
}

// billRows generates synthetic bill rows.
type billRows struct {
	left    int64 // bytes still to produce
	row     int
	buf     []byte // the unread rest of the current line
	scratch []byte // reused line storage
}

const billHeader = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\n"

func (b *billRows) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && b.left > 0 {
		if len(b.buf) == 0 {
			b.nextRow()
		}
		c := copy(p[n:], b.buf)
		b.buf = b.buf[c:]
		b.left -= int64(c)
		n += c
	}
	return n, nil
}

// nextRow fills buf with the next line (never longer than what is left).
func (b *billRows) nextRow() {
	line := b.scratch[:0]
	if b.row == 0 {
		line = append(line, billHeader...)
	} else {
		n := b.row
		two := func(v int) { line = append(line, byte('0'+v/10), byte('0'+v%10)) }
		line = append(line, "`2019-06-11 "...)
		two(n / 3600 % 24)
		line = append(line, ':')
		two(n / 60 % 60)
		line = append(line, ':')
		two(n % 60)
		line = append(line, ",`"+DemoAppID+",`1900000001,`0,`,`42000003072019061"...)
		line = appendPadded(line, n, 11)
		line = append(line, ",`SIM"...)
		line = appendPadded(line, n, 17)
		line = append(line, ",`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`SUCCESS,`OTHERS,`CNY,`"...)
		amount := func() {
			line = strconv.AppendInt(line, int64(n%1000), 10)
			line = append(line, '.')
			two(n % 100)
		}
		amount()
		line = append(line, ",`0.00,`0,`0,`0.00,`0.00,`,`,`模拟商品,`,`0.00600,`0.60%,`"...)
		amount()
		line = append(line, ",`0.00,`\n"...)
	}
	b.row++
	if int64(len(line)) > b.left {
		// Pad the tail with a comment line of the right length.
		line = line[:0]
		line = append(line, '#')
		for int64(len(line)) < b.left {
			line = append(line, '-')
		}
		line = line[:b.left]
	}
	b.scratch = line
	b.buf = line
}

// appendPadded appends n in decimal, zero-padded to width.
func appendPadded(dst []byte, n, width int) []byte {
	var tmp [20]byte
	d := strconv.AppendInt(tmp[:0], int64(n), 10)
	for i := len(d); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, d...)
}
