package wechatpaytest

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"io"
	"net/http"
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

// maxBillTokens bounds the download tokens a server remembers.
const maxBillTokens = 1000

// tokenStore holds download tokens, the last maxBillTokens, oldest
// forgotten first. Its owner's lock guards it; the zero value is empty.
type tokenStore[T any] struct {
	byToken map[string]T
	order   []string // tokens, oldest first
}

// add remembers v under a fresh random token and returns the token.
func (ts *tokenStore[T]) add(v T) string {
	if ts.byToken == nil {
		ts.byToken = map[string]T{}
	}
	token := randomString(32, alnum)
	ts.byToken[token] = v
	ts.order = append(ts.order, token)
	if len(ts.order) > maxBillTokens {
		delete(ts.byToken, ts.order[0])
		ts.order = ts.order[1:]
	}
	return token
}

// get returns what token names, if it is remembered.
func (ts *tokenStore[T]) get(token string) (T, bool) {
	v, ok := ts.byToken[token]
	return v, ok
}

// billScenario serves the bills: the bill requests answer a download_url
// whose token names the bill; the download streams it, unsigned. It keeps
// its own state under its own lock and reaches the server only through its
// exported API (URL), as a user's handler would.
type billScenario struct {
	srv *Server

	mu     sync.Mutex
	bills  map[string]BillSource // by date (trade bills of SetBill) or "TYPE date"
	tokens tokenStore[billToken]
}

// billToken is a download_url's token.
type billToken struct {
	key  string // key in billScenario.bills
	gzip bool
}

func newBillScenario(s *Server) *billScenario {
	b := &billScenario{srv: s}
	b.reset()
	return b
}

func (b *billScenario) reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bills, b.tokens = map[string]BillSource{}, tokenStore[billToken]{}
}

func (b *billScenario) event(string, string) (any, string, error) { return nil, "", errNoEvent }

func (b *billScenario) register(s *Server) {
	s.Handle("GET", "/v3/bill/tradebill", b.tradeBill)
	s.Handle("GET", "/v3/bill/fundflowbill", func(r *Request) (int, any) { return b.answer(r, BillFund) })
	s.Handle("GET", "/v3/profitsharing/bills", func(r *Request) (int, any) { return b.answer(r, BillProfitSharing) })
	s.Handle("GET", "/v3/billdownload/file", b.download)
}

// SetBill stores the trade bill for date (YYYY-MM-DD), answered by
// GET /v3/bill/tradebill?bill_date=date with its SHA-1.
func (s *Server) SetBill(date string, content []byte) {
	sum := sha1.Sum(content)
	c := append([]byte(nil), content...)
	s.SetBillSource(date, BillSource{Open: func() io.Reader { return bytes.NewReader(c) }, SHA1: hex.EncodeToString(sum[:])})
}

// SetBillSource stores a trade bill for date that is produced on demand;
// use it with SyntheticBill for bills too large to hold in memory.
func (s *Server) SetBillSource(date string, src BillSource) { s.bills.set(date, src) }

// SetBillSourceFor stores the bill of type typ for date: trade bills are
// answered by GET /v3/bill/tradebill?bill_type=typ (ALL when absent), fund
// bills by GET /v3/bill/fundflowbill, profit-sharing bills by GET
// /v3/profitsharing/bills. A trade bill stored with SetBill or SetBillSource
// answers every bill_type that has none of its own. Use it with
// GeneratedBill.
func (s *Server) SetBillSourceFor(typ BillType, date string, src BillSource) {
	s.bills.set(string(typ)+" "+date, src)
}

// RemoveBill forgets the trade bill for date.
func (s *Server) RemoveBill(date string) {
	b := s.bills
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.bills, date)
}

func (b *billScenario) set(key string, src BillSource) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bills[key] = src
}

func (b *billScenario) tradeBill(r *Request) (int, any) {
	bt := r.Query.Get("bill_type")
	if bt != "" && bt != "ALL" && bt != "SUCCESS" && bt != "REFUND" {
		return http.StatusBadRequest, ParamError("query", "bill_type", "取值应为 ALL / SUCCESS / REFUND 之一")
	}
	if bt == "" {
		bt = "ALL"
	}
	return b.answer(r, BillType(bt))
}

// billDate checks the bill_date query parameter.
func billDate(r *Request) (string, *ErrorBody) {
	date, eb := queryParam(r, "bill_date")
	if eb != nil {
		return "", eb
	}
	if _, err := time.Parse("2006-01-02", date); err != nil {
		return "", &ErrorBody{Code: "PARAM_ERROR", Message: "bill_date格式应为YYYY-MM-DD",
			Detail: FieldDetail{Field: "bill_date", Value: date, Issue: "格式应为YYYY-MM-DD (format YYYY-MM-DD)", Location: "query"}}
	}
	return date, nil
}

// tarType checks the tar_type query parameter: true for GZIP.
func tarType(r *Request) (bool, *ErrorBody) {
	switch r.Query.Get("tar_type") {
	case "":
		return false, nil
	case "GZIP":
		return true, nil
	}
	return false, ParamError("query", "tar_type", "取值应为 GZIP")
}

// answer answers a bill request for a bill of type typ.
func (b *billScenario) answer(r *Request, typ BillType) (int, any) {
	date, eb := billDate(r)
	if eb != nil {
		return http.StatusBadRequest, eb
	}
	gz, eb := tarType(r)
	if eb != nil {
		return http.StatusBadRequest, eb
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	key := string(typ) + " " + date
	bill, ok := b.bills[key]
	if !ok && typ != BillFund && typ != BillProfitSharing {
		key = date
		bill, ok = b.bills[key]
	}
	if !ok {
		return http.StatusBadRequest, Error("NO_STATEMENT_EXIST", "账单文件不存在 (no bill for "+date+")")
	}
	u := b.srv.URL + "/v3/billdownload/file?token=" + b.tokens.add(billToken{key: key, gzip: gz})
	if gz {
		u += "&tartype=gzip"
	}
	return http.StatusOK, map[string]string{"hash_type": "SHA1", "hash_value": bill.SHA1, "download_url": u}
}

// download streams the bill, unsigned; gzip-compressed when the bill
// request asked for tar_type=GZIP (hash_value is always over the
// uncompressed bill).
func (b *billScenario) download(r *Request) (int, any) {
	b.mu.Lock()
	tok, ok := b.tokens.get(r.Query.Get("token"))
	bill, billOK := b.bills[tok.key]
	b.mu.Unlock()
	if !ok || !billOK {
		return http.StatusBadRequest, ParamError("query", "token", "token无效或已过期 (unknown or expired token)")
	}
	return http.StatusOK, &Download{Size: -1, Gzip: tok.gzip, Body: bill.Open()}
}
