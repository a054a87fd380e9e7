package wechatpaytest

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Transaction is a pay transaction fixture: a direct one
// (/v3/pay/transactions/…) or, with SubMchID, a partner one
// (/v3/pay/partner/transactions/…, where AppID is the sp_appid and OpenID
// the sp_openid).
type Transaction struct {
	OutTradeNo    string
	TransactionID string // "" → generated when paid
	AppID         string
	TradeType     string // JSAPI, NATIVE, APP, MWEB
	TradeState    string // NOTPAY ("" too), SUCCESS, CLOSED, REFUND, PAYERROR
	Description   string
	Total         int64 // fen
	Currency      string
	OpenID        string
	Attach        string
	NotifyURL     string
	SuccessTime   string    // RFC 3339, set when paid
	Refunded      int64     // fen refunded so far
	SubMchID      string    // partner payments: the sub-merchant
	SubAppID      string    // partner payments: the sub-merchant's appid
	SubOpenID     string    // partner payments: the payer's openid under SubAppID
	TimeExpire    time.Time // the create's time_expire (zero: none); past it on business time a NOTPAY order closes
}

type trade struct {
	Transaction
	createKey string
	createOut []byte
	prepayID  string
}

// tradeBook holds transactions under one lock and applies the order rules
// the direct and the partner flows share.
type tradeBook struct {
	now    func() time.Time // business time, for time_expire (clock.go)
	mu     sync.Mutex
	trades map[string]*trade // by key (out_trade_no; partner: sub_mchid/out_trade_no)
	ids    map[string]string // transaction_id → key
}

func (b *tradeBook) reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.trades, b.ids = map[string]*trade{}, map[string]string{}
}

// put adds or replaces t under key.
func (b *tradeBook) put(s *Server, key string, t Transaction) {
	if t.TradeState == "" {
		t.TradeState = "NOTPAY"
	}
	if t.Currency == "" {
		t.Currency = "CNY"
	}
	if t.TradeState != "NOTPAY" && t.TradeState != "CLOSED" {
		markPaid(s, &t)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if old, ok := b.trades[key]; ok {
		delete(b.ids, old.TransactionID)
	}
	b.trades[key] = &trade{Transaction: t}
	if t.TransactionID != "" {
		b.ids[t.TransactionID] = key
	}
}

func (b *tradeBook) get(key string) (Transaction, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, ok := b.trades[key]
	if !ok {
		return Transaction{}, false
	}
	expireLocked(t, b.now())
	return t.Transaction, true
}

// pay moves the NOTPAY transaction key to SUCCESS.
func (b *tradeBook) pay(s *Server, key, name string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, ok := b.trades[key]
	if !ok {
		return "", fmt.Errorf("wechatpaytest: no transaction %q", name)
	}
	if expireLocked(t, s.BusinessTime()) { // clock.go
		return "", fmt.Errorf("wechatpaytest: transaction %q: %w", name, errExpired)
	}
	if t.TradeState != "NOTPAY" {
		return "", fmt.Errorf("wechatpaytest: transaction %q is %s, not NOTPAY", name, t.TradeState)
	}
	if t.Total == MagicTotalPayError { // outcome.go
		t.TradeState = "PAYERROR"
		return "", fmt.Errorf("wechatpaytest: transaction %q: the payment failed (PAYERROR: magic amount.total %d)", name, MagicTotalPayError)
	}
	t.TradeState = "SUCCESS"
	markPaid(s, &t.Transaction)
	b.ids[t.TransactionID] = key
	return t.TransactionID, nil
}

// update runs f on the transaction key under the lock.
func (b *tradeBook) update(key, name string, f func(*Transaction) error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, ok := b.trades[key]
	if !ok {
		return fmt.Errorf("wechatpaytest: no transaction %q", name)
	}
	c := t.Transaction
	if err := f(&c); err != nil {
		return err
	}
	if c.OutTradeNo != t.OutTradeNo || c.SubMchID != t.SubMchID {
		return fmt.Errorf("wechatpaytest: transaction %q: an update cannot change out_trade_no or sub_mchid", name)
	}
	if c.TransactionID != t.TransactionID {
		delete(b.ids, t.TransactionID)
		if c.TransactionID != "" {
			b.ids[c.TransactionID] = key
		}
	}
	t.Transaction = c
	return nil
}

// create applies the order rules to a create request: an identical repeat
// of a NOTPAY order answers as before; a closed, paid or differently
// created out_trade_no is refused. answer makes the first answer of t.
func (b *tradeBook) create(key string, t *trade, answer func(t *trade) map[string]string) (int, any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if old, ok := b.trades[key]; ok {
		expireLocked(old, b.now())
		switch {
		case old.createKey == t.createKey && old.TradeState == "NOTPAY":
			return http.StatusOK, old.createOut
		case old.TradeState == "CLOSED":
			return http.StatusBadRequest, Error("ORDER_CLOSED", "订单已关闭")
		case old.TradeState == "SUCCESS" || old.TradeState == "REFUND":
			return http.StatusBadRequest, Error("ORDERPAID", "订单已支付")
		default:
			return http.StatusForbidden, Error("OUT_TRADE_NO_USED", "商户订单号重复")
		}
	}
	out, err := encodeBody(answer(t))
	if err != nil {
		return http.StatusInternalServerError, Error("SYSTEM_ERROR", err.Error())
	}
	t.createOut = out
	b.trades[key] = t
	return http.StatusOK, out
}

// query answers the transaction key with doc (called with b.mu held).
func (b *tradeBook) query(key string, doc func(t *trade) map[string]any) (int, any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, ok := b.trades[key]
	if !ok {
		return http.StatusNotFound, Error("ORDER_NOT_EXIST", "订单不存在")
	}
	expireLocked(t, b.now())
	return http.StatusOK, doc(t)
}

// keyOf returns the key of transaction_id ("" when unknown).
func (b *tradeBook) keyOf(transactionID string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.ids[transactionID]
}

// paidEvent is the TRANSACTION.SUCCESS resource of the paid transaction
// id (doc makes it, called with b.mu held); pay names the Go API that pays.
func (b *tradeBook) paidEvent(eventType, id, pay string, doc func(*trade) map[string]any) (any, string, error) {
	if eventType != "TRANSACTION.SUCCESS" {
		return nil, "", errNoEvent
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	t, ok := b.trades[id]
	if !ok {
		return nil, "", errNoEvent
	}
	if t.TradeState != "SUCCESS" && t.TradeState != "REFUND" {
		return nil, "", fmt.Errorf("the transaction is %s: pay it first (%s)", t.TradeState, pay)
	}
	d := doc(t)
	d["trade_state"], d["trade_state_desc"] = "SUCCESS", "支付成功"
	return d, t.NotifyURL, nil
}

// close closes a NOTPAY (or already closed) transaction.
func (b *tradeBook) close(key string) (int, any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, ok := b.trades[key]
	if !ok {
		return http.StatusNotFound, Error("ORDER_NOT_EXIST", "订单不存在")
	}
	switch t.TradeState {
	case "NOTPAY", "CLOSED", "PAYERROR": // closing twice is accepted, as the gateway does
		t.TradeState = "CLOSED"
		return http.StatusNoContent, nil
	default:
		return http.StatusBadRequest, Error("ORDERPAID", "订单已支付, 不能关单 (the order is "+strings.ToLower(t.TradeState)+")")
	}
}

func markPaid(s *Server, t *Transaction) {
	if t.TransactionID == "" {
		t.TransactionID = newID("42000", 28)
	}
	if t.SuccessTime == "" {
		t.SuccessTime = rfc3339CN(s.BusinessTime())
	}
}

// newPrepayID makes a prepay_id shaped like the gateway's.
func newPrepayID(s *Server) string {
	return "wx" + s.BusinessTime().In(cst).Format("02150405") + randomString(24, alnum[:36])
}

// prepayAnswer is a create's answer for the trade type kind.
func prepayAnswer(kind string) func(t *trade) map[string]string {
	return func(t *trade) map[string]string {
		switch kind {
		case "native":
			return map[string]string{"code_url": "weixin://wxpay/bizpayurl?pr=" + randomString(7, alnum)}
		case "h5":
			return map[string]string{"h5_url": "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=" + t.prepayID + "&package=" + randomString(10, digits)}
		default:
			return map[string]string{"prepay_id": t.prepayID}
		}
	}
}

var tradeTypes = map[string]string{"jsapi": "JSAPI", "native": "NATIVE", "app": "APP", "h5": "MWEB"}

// orderFields validates the members a direct and a partner create share
// (description, out_trade_no, notify_url, amount, attach, and the payer
// or scene of the trade type, the payer's openid under payerField).
func orderFields(f *fields, kind, payerField string) (t Transaction, currency string) {
	t.Description = f.str("description")
	t.OutTradeNo = f.str("out_trade_no")
	t.NotifyURL = f.str("notify_url")
	f.object("amount")
	t.Total = f.integer("amount.total", 1)
	currency = f.optStr("amount.currency")
	switch kind {
	case "jsapi":
		f.object("payer")
		if payerField != "" {
			t.OpenID = f.str("payer." + payerField)
		}
	case "h5":
		f.object("scene_info")
		f.str("scene_info.payer_client_ip")
		f.object("scene_info.h5_info")
		f.str("scene_info.h5_info.type")
	}
	t.Attach = f.optStr("attach")
	t.TimeExpire = timeExpire(f) // clock.go
	t.TradeType = tradeTypes[kind]
	return t, currency
}

// checkOrder applies the rules on out_trade_no and the currency.
func checkOrder(t *Transaction, currency string) *ErrorBody {
	if !outNoPattern.MatchString(t.OutTradeNo) || len(t.OutTradeNo) < 6 {
		return ParamError("body", "/out_trade_no", "长度6-32, 只能是数字、大小写字母_-|*@")
	}
	if currency == "" {
		currency = "CNY"
	} else if currency != "CNY" {
		return ParamError("body", "/amount/currency", "境内商户仅支持CNY (only CNY)")
	}
	t.Currency = currency
	return nil
}

// paidFields adds what a paid transaction's document has.
func paidFields(d map[string]any, t *trade, payer map[string]string) {
	switch t.TradeState {
	case "SUCCESS", "REFUND":
		d["transaction_id"] = t.TransactionID
		d["trade_state_desc"] = map[string]string{"SUCCESS": "支付成功", "REFUND": "转入退款"}[t.TradeState]
		d["bank_type"] = "OTHERS"
		d["success_time"] = t.SuccessTime
		d["amount"] = map[string]any{"total": t.Total, "payer_total": t.Total, "currency": t.Currency, "payer_currency": t.Currency}
		if len(payer) > 0 {
			d["payer"] = payer
		}
	case "CLOSED":
		d["trade_state_desc"] = "订单已关闭"
	case "PAYERROR":
		d["trade_state_desc"] = "支付失败，请重新下单支付"
	default:
		d["trade_state_desc"] = "订单未支付"
	}
	if t.Attach != "" {
		d["attach"] = t.Attach
	}
}

// tradeScenario is the direct payment flow: jsapi, native, app, h5,
// queries and close.
type tradeScenario struct{ bookScenario }

// bookScenario is the part the direct and the partner flows share: the
// server and a book of transactions.
type bookScenario struct {
	srv  *Server
	book tradeBook
}

func (b *bookScenario) reset() { b.book.reset() }

func newTradeScenario(s *Server) *tradeScenario {
	t := &tradeScenario{bookScenario{srv: s}}
	t.book.now = s.BusinessTime
	t.book.reset()
	return t
}

func (ts *tradeScenario) register(s *Server) {
	for _, kind := range []string{"jsapi", "native", "app", "h5"} {
		s.Handle("POST", "/v3/pay/transactions/"+kind, func(r *Request) (int, any) { return ts.create(r, kind) })
	}
	s.Handle("GET", "/v3/pay/transactions/id/{transaction_id}", func(r *Request) (int, any) {
		return ts.query(r, ts.book.keyOf(r.Param("transaction_id")))
	})
	s.Handle("GET", "/v3/pay/transactions/out-trade-no/{out_trade_no}", func(r *Request) (int, any) {
		return ts.query(r, r.Param("out_trade_no"))
	})
	s.Handle("POST", "/v3/pay/transactions/out-trade-no/{out_trade_no}/close", ts.close)
}

func (ts *tradeScenario) create(r *Request, kind string) (int, any) {
	f := newFields(r.Body)
	appid := f.str("appid")
	mchid := f.str("mchid")
	tx, currency := orderFields(f, kind, "openid")
	if f.err != nil {
		return http.StatusBadRequest, f.err
	}
	if mchid != ts.srv.MchID {
		return http.StatusBadRequest, Error("MCH_NOT_EXISTS", "商户号不存在 (mchid is not the requesting merchant)")
	}
	if eb := checkOrder(&tx, currency); eb != nil {
		return http.StatusBadRequest, eb
	}
	tx.AppID, tx.TradeState = appid, "NOTPAY"
	t := &trade{Transaction: tx, createKey: idemKey(kind, r.Body), prepayID: newPrepayID(ts.srv)}
	return ts.book.create(tx.OutTradeNo, t, prepayAnswer(kind))
}

// document is a direct transaction as the query answers it.
func (ts *tradeScenario) document(t *trade) map[string]any {
	d := map[string]any{
		"appid":        t.AppID,
		"mchid":        ts.srv.MchID,
		"out_trade_no": t.OutTradeNo,
		"trade_type":   t.TradeType,
		"trade_state":  t.TradeState,
		"amount":       map[string]any{"total": t.Total, "currency": t.Currency},
	}
	var payer map[string]string
	if t.OpenID != "" {
		payer = map[string]string{"openid": t.OpenID}
	}
	paidFields(d, t, payer)
	return d
}

// checkMchid requires the query's mchid to be this merchant.
func checkMchid(s *Server, r *Request, name string) (int, *ErrorBody) {
	m, eb := queryParam(r, name)
	if eb != nil {
		return http.StatusBadRequest, eb
	}
	if m != s.MchID {
		return http.StatusBadRequest, Error("MCH_NOT_EXISTS", "商户号不存在 ("+name+" is not the requesting merchant)")
	}
	return 0, nil
}

func (ts *tradeScenario) query(r *Request, key string) (int, any) {
	if st, eb := checkMchid(ts.srv, r, "mchid"); eb != nil {
		return st, eb
	}
	return ts.book.query(key, ts.document)
}

func (ts *tradeScenario) close(r *Request) (int, any) {
	f := newFields(r.Body)
	mchid := f.str("mchid")
	if f.err != nil {
		return http.StatusBadRequest, f.err
	}
	if mchid != ts.srv.MchID {
		return http.StatusBadRequest, Error("MCH_NOT_EXISTS", "商户号不存在 (mchid is not the requesting merchant)")
	}
	return ts.book.close(r.Param("out_trade_no"))
}

func (ts *tradeScenario) event(eventType, id string) (any, string, error) {
	return ts.book.paidEvent(eventType, id, "PayTransaction", ts.document)
}

// PutTransaction adds or replaces a direct pay transaction. A SUCCESS
// transaction without TransactionID gets one. With SubMchID set it is a
// partner transaction (PutPartnerTransaction).
func (s *Server) PutTransaction(t Transaction) {
	if t.SubMchID != "" {
		s.PutPartnerTransaction(t)
		return
	}
	s.trades.book.put(s, t.OutTradeNo, t)
}

// Transaction returns the direct transaction out_trade_no as it is now.
func (s *Server) Transaction(outTradeNo string) (Transaction, bool) {
	return s.trades.book.get(outTradeNo)
}

// PayTransaction simulates the payer paying a NOTPAY transaction: it becomes
// SUCCESS with a transaction_id, which it returns. Send its
// TRANSACTION.SUCCESS notification with SendEvent.
func (s *Server) PayTransaction(outTradeNo string) (string, error) {
	return s.trades.book.pay(s, outTradeNo, outTradeNo)
}

// UpdateTransaction changes the direct transaction out_trade_no with f, at
// once for every other request (f must not call the server). An error
// from f leaves the transaction as it was and is returned.
func (s *Server) UpdateTransaction(outTradeNo string, f func(*Transaction) error) error {
	return s.trades.book.update(outTradeNo, outTradeNo, f)
}

// TransactionByID returns the out_trade_no of the direct transaction
// transaction_id ("" when there is none).
func (s *Server) TransactionByID(transactionID string) string {
	return s.trades.book.keyOf(transactionID)
}
