package wechatpaytest

import (
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"

	"sync"
	"time"
)

// BillSource is a bill produced on demand: Open returns a fresh reader of
// the same content each time (it is called once per download, possibly
// concurrently) and SHA1 is the content's SHA-1 in hex.
type BillSource struct {
	Open func() io.Reader
	SHA1 string
}

// billToken is a download_url's token.
type billToken struct {
	key  string // key in state.bills
	gzip bool
}

// maxBillTokens bounds the download tokens a server remembers.
const maxBillTokens = 1000

// SetBill stores the trade bill for date (YYYY-MM-DD), answered by
// GET /v3/bill/tradebill?bill_date=date with its SHA-1.
func (s *Server) SetBill(date string, content []byte) {
	sum := sha1.Sum(content)
	c := append([]byte(nil), content...)
	s.SetBillSource(date, BillSource{Open: func() io.Reader { return bytes.NewReader(c) }, SHA1: hex.EncodeToString(sum[:])})
}

// SetBillSource stores a trade bill for date that is produced on demand;
// use it with SyntheticBill for bills too large to hold in memory.
func (s *Server) SetBillSource(date string, src BillSource) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.bills[date] = src
}

// SetBillSourceFor stores the bill of type typ for date: trade bills are
// answered by GET /v3/bill/tradebill?bill_type=typ (ALL when absent), fund
// bills by GET /v3/bill/fundflowbill, profit-sharing bills by GET
// /v3/profitsharing/bills. A trade bill stored with SetBill or SetBillSource
// answers every bill_type that has none of its own. Use it with
// GeneratedBill.
func (s *Server) SetBillSourceFor(typ BillType, date string, src BillSource) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.bills[string(typ)+" "+date] = src
}

// RemoveBill forgets the trade bill for date.
func (s *Server) RemoveBill(date string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.st.bills, date)
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

func (s *Server) registerBills() {
	s.handle("GET", "/v3/bill/tradebill", s.tradeBill)
	s.handle("GET", "/v3/bill/fundflowbill", func(r *Request) (int, any) { return s.billAnswer(r, BillFund) })
	s.handle("GET", "/v3/profitsharing/bills", func(r *Request) (int, any) { return s.billAnswer(r, BillProfitSharing) })
	s.handleRaw("GET", "/v3/billdownload/file", s.billDownload)
}

func (s *Server) tradeBill(r *Request) (int, any) {
	bt := r.Query.Get("bill_type")
	if bt != "" && bt != "ALL" && bt != "SUCCESS" && bt != "REFUND" {
		return http.StatusBadRequest, ParamError("query", "bill_type", "取值应为 ALL / SUCCESS / REFUND 之一")
	}
	if bt == "" {
		bt = "ALL"
	}
	return s.billAnswer(r, BillType(bt))
}

// billAnswer answers a bill request for a bill of type typ.
func (s *Server) billAnswer(r *Request, typ BillType) (int, any) {
	date, eb := queryParam(r, "bill_date")
	if eb != nil {
		return http.StatusBadRequest, eb
	}
	if _, err := time.Parse("2006-01-02", date); err != nil {
		return http.StatusBadRequest, &ErrorBody{Code: "PARAM_ERROR", Message: "bill_date格式应为YYYY-MM-DD",
			Detail: FieldDetail{Field: "bill_date", Value: date, Issue: "格式应为YYYY-MM-DD (format YYYY-MM-DD)", Location: "query"}}
	}
	tar := r.Query.Get("tar_type")
	if tar != "" && tar != "GZIP" {
		return http.StatusBadRequest, ParamError("query", "tar_type", "取值应为 GZIP")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := string(typ) + " " + date
	bill, ok := s.st.bills[key]
	if !ok && typ != BillFund && typ != BillProfitSharing {
		key = date
		bill, ok = s.st.bills[key]
	}
	if !ok {
		return http.StatusBadRequest, Error("NO_STATEMENT_EXIST", "账单文件不存在 (no bill for "+date+")")
	}
	token := randomString(32, alnum)
	s.st.billTokens[token] = billToken{key: key, gzip: tar == "GZIP"}
	s.st.tokenOrder = append(s.st.tokenOrder, token)
	if len(s.st.tokenOrder) > maxBillTokens {
		delete(s.st.billTokens, s.st.tokenOrder[0])
		s.st.tokenOrder = s.st.tokenOrder[1:]
	}
	u := s.URL + "/v3/billdownload/file?token=" + token
	if tar == "GZIP" {
		u += "&tartype=gzip"
	}
	return http.StatusOK, map[string]string{"hash_type": "SHA1", "hash_value": bill.SHA1, "download_url": u}
}

// billDownload streams the bill, unsigned; gzip-compressed when the bill
// request asked for tar_type=GZIP (hash_value is always over the
// uncompressed bill).
func (s *Server) billDownload(w http.ResponseWriter, r *Request) {
	token := r.Query.Get("token")
	s.mu.Lock()
	tok, ok := s.st.billTokens[token]
	bill, billOK := s.st.bills[tok.key]
	s.mu.Unlock()
	if !ok || !billOK {
		s.respond(w, r, w.Header().Get("Request-ID"), http.StatusBadRequest, ParamError("query", "token", "token无效或已过期 (unknown or expired token)"), nil)
		return
	}
	var src io.Reader = bill.Open()
	if r.fault != nil && r.fault.Tamper {
		src = &tamperReader{r: src}
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	if !tok.gzip {
		w.WriteHeader(http.StatusOK)
		_, _ = io.Copy(w, src)
		return
	}
	w.WriteHeader(http.StatusOK)
	zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
	_, _ = io.Copy(zw, src)
	_ = zw.Close()
}

// tamperReader changes the first byte of a stream.
type tamperReader struct {
	r    io.Reader
	done bool
}

func (t *tamperReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 && !t.done {
		p[0] ^= 0x01
		t.done = true
	}
	return n, err
}
