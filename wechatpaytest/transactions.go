package wechatpaytest

import (
	"fmt"
	"net/http"
	"strings"
)

// Transaction is a pay transaction fixture.
type Transaction struct {
	OutTradeNo    string
	TransactionID string // "" → generated when paid
	AppID         string
	TradeType     string // JSAPI, NATIVE, APP, MWEB
	TradeState    string // NOTPAY ("" too), SUCCESS, CLOSED, REFUND
	Description   string
	Total         int64 // fen
	Currency      string
	OpenID        string
	Attach        string
	NotifyURL     string
	SuccessTime   string // RFC 3339, set when paid
	Refunded      int64  // fen refunded so far
}

type trade struct {
	Transaction
	createKey string
	createOut []byte
	prepayID  string
}

// PutTransaction adds or replaces a pay transaction. A SUCCESS transaction
// without TransactionID gets one.
func (s *Server) PutTransaction(t Transaction) {
	if t.TradeState == "" {
		t.TradeState = "NOTPAY"
	}
	if t.Currency == "" {
		t.Currency = "CNY"
	}
	if t.TradeState != "NOTPAY" && t.TradeState != "CLOSED" {
		s.markPaid(&t)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.st.trades[t.OutTradeNo]; ok {
		delete(s.st.tradeIDs, old.TransactionID)
	}
	s.st.trades[t.OutTradeNo] = &trade{Transaction: t}
	if t.TransactionID != "" {
		s.st.tradeIDs[t.TransactionID] = t.OutTradeNo
	}
}

func (s *Server) markPaid(t *Transaction) {
	if t.TransactionID == "" {
		t.TransactionID = newID("42000", 28)
	}
	if t.SuccessTime == "" {
		t.SuccessTime = rfc3339CN(s.now())
	}
}

// Transaction returns the transaction out_trade_no as it is now.
func (s *Server) Transaction(outTradeNo string) (Transaction, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.st.trades[outTradeNo]
	if !ok {
		return Transaction{}, false
	}
	return t.Transaction, true
}

// PayTransaction simulates the payer paying a NOTPAY transaction: it becomes
// SUCCESS with a transaction_id, which it returns.
func (s *Server) PayTransaction(outTradeNo string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.st.trades[outTradeNo]
	if !ok {
		return "", fmt.Errorf("wechatpaytest: no transaction %q", outTradeNo)
	}
	if t.TradeState != "NOTPAY" {
		return "", fmt.Errorf("wechatpaytest: transaction %q is %s, not NOTPAY", outTradeNo, t.TradeState)
	}
	t.TradeState = "SUCCESS"
	s.markPaid(&t.Transaction)
	s.st.tradeIDs[t.TransactionID] = outTradeNo
	return t.TransactionID, nil
}

func (s *Server) registerTransactions() {
	for _, kind := range []string{"jsapi", "native", "app", "h5"} {
		kind := kind
		s.handle("POST", "/v3/pay/transactions/"+kind, func(r *Request) (int, any) { return s.createTransaction(r, kind) })
	}
	s.handle("GET", "/v3/pay/transactions/id/{transaction_id}", s.queryTransactionByID)
	s.handle("GET", "/v3/pay/transactions/out-trade-no/{out_trade_no}", s.queryTransactionByOutTradeNo)
	s.handle("POST", "/v3/pay/transactions/out-trade-no/{out_trade_no}/close", s.closeTransaction)
}

var tradeTypes = map[string]string{"jsapi": "JSAPI", "native": "NATIVE", "app": "APP", "h5": "MWEB"}

func (s *Server) createTransaction(r *Request, kind string) (int, any) {
	f := newFields(r.Body)
	appid := f.str("appid")
	mchid := f.str("mchid")
	desc := f.str("description")
	no := f.str("out_trade_no")
	notify := f.str("notify_url")
	f.object("amount")
	total := f.integer("amount.total", 1)
	currency := f.optStr("amount.currency")
	var openid string
	switch kind {
	case "jsapi":
		f.object("payer")
		openid = f.str("payer.openid")
	case "h5":
		f.object("scene_info")
		f.str("scene_info.payer_client_ip")
		f.object("scene_info.h5_info")
		f.str("scene_info.h5_info.type")
	}
	attach := f.optStr("attach")
	if f.err != nil {
		return http.StatusBadRequest, f.err
	}
	if mchid != s.MchID {
		return http.StatusBadRequest, Error("MCH_NOT_EXISTS", "商户号不存在 (mchid is not the requesting merchant)")
	}
	if !outNoPattern.MatchString(no) || len(no) < 6 {
		return http.StatusBadRequest, ParamError("body", "/out_trade_no", "长度6-32, 只能是数字、大小写字母_-|*@")
	}
	if currency == "" {
		currency = "CNY"
	} else if currency != "CNY" {
		return http.StatusBadRequest, ParamError("body", "/amount/currency", "境内商户仅支持CNY (only CNY)")
	}
	key := idemKey(kind, r.Body)

	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.st.trades[no]; ok {
		switch {
		case t.createKey == key && t.TradeState == "NOTPAY":
			return http.StatusOK, t.createOut
		case t.TradeState == "CLOSED":
			return http.StatusBadRequest, Error("ORDER_CLOSED", "订单已关闭")
		case t.TradeState == "SUCCESS" || t.TradeState == "REFUND":
			return http.StatusBadRequest, Error("ORDERPAID", "订单已支付")
		default:
			return http.StatusForbidden, Error("OUT_TRADE_NO_USED", "商户订单号重复")
		}
	}
	t := &trade{
		Transaction: Transaction{
			OutTradeNo: no, AppID: appid, TradeType: tradeTypes[kind], TradeState: "NOTPAY", Description: desc,
			Total: total, Currency: currency, OpenID: openid, Attach: attach, NotifyURL: notify,
		},
		createKey: key,
		prepayID:  "wx" + s.now().In(cst).Format("02150405") + randomString(24, alnum[:36]),
	}
	var out map[string]string
	switch kind {
	case "jsapi", "app":
		out = map[string]string{"prepay_id": t.prepayID}
	case "native":
		out = map[string]string{"code_url": "weixin://wxpay/bizpayurl?pr=" + randomString(7, alnum)}
	case "h5":
		out = map[string]string{"h5_url": "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=" + t.prepayID + "&package=" + randomString(10, digits)}
	}
	b, err := encodeBody(out)
	if err != nil {
		return http.StatusInternalServerError, Error("SYSTEM_ERROR", err.Error())
	}
	t.createOut = b
	s.st.trades[no] = t
	return http.StatusOK, b
}

// tradeDocument is a transaction as the query answers it. Called with s.mu held.
func (s *Server) tradeDocument(t *trade) map[string]any {
	d := map[string]any{
		"appid":        t.AppID,
		"mchid":        s.MchID,
		"out_trade_no": t.OutTradeNo,
		"trade_type":   t.TradeType,
		"trade_state":  t.TradeState,
		"amount":       map[string]any{"total": t.Total, "currency": t.Currency},
	}
	if t.Attach != "" {
		d["attach"] = t.Attach
	}
	switch t.TradeState {
	case "SUCCESS", "REFUND":
		d["transaction_id"] = t.TransactionID
		d["trade_state_desc"] = map[string]string{"SUCCESS": "支付成功", "REFUND": "转入退款"}[t.TradeState]
		d["bank_type"] = "OTHERS"
		d["success_time"] = t.SuccessTime
		d["amount"] = map[string]any{"total": t.Total, "payer_total": t.Total, "currency": t.Currency, "payer_currency": t.Currency}
		if t.OpenID != "" {
			d["payer"] = map[string]string{"openid": t.OpenID}
		}
	case "CLOSED":
		d["trade_state_desc"] = "订单已关闭"
	default:
		d["trade_state_desc"] = "订单未支付"
	}
	return d
}

// checkMchidQuery requires the query's mchid to be this merchant.
func (s *Server) checkMchidQuery(r *Request) (int, *ErrorBody) {
	m, eb := queryParam(r, "mchid")
	if eb != nil {
		return http.StatusBadRequest, eb
	}
	if m != s.MchID {
		return http.StatusBadRequest, Error("MCH_NOT_EXISTS", "商户号不存在 (mchid is not the requesting merchant)")
	}
	return 0, nil
}

func (s *Server) queryTransactionByID(r *Request) (int, any) {
	return s.queryTransaction(r, func() string { return s.st.tradeIDs[r.Param("transaction_id")] })
}

func (s *Server) queryTransactionByOutTradeNo(r *Request) (int, any) {
	return s.queryTransaction(r, func() string { return r.Param("out_trade_no") })
}

// queryTransaction answers a transaction query: the query's mchid is
// checked, then the trade outTradeNo (called with s.mu held) names.
func (s *Server) queryTransaction(r *Request, outTradeNo func() string) (int, any) {
	if st, eb := s.checkMchidQuery(r); eb != nil {
		return st, eb
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.st.trades[outTradeNo()]
	if !ok {
		return http.StatusNotFound, Error("ORDER_NOT_EXIST", "订单不存在")
	}
	return http.StatusOK, s.tradeDocument(t)
}

func (s *Server) closeTransaction(r *Request) (int, any) {
	f := newFields(r.Body)
	mchid := f.str("mchid")
	if f.err != nil {
		return http.StatusBadRequest, f.err
	}
	if mchid != s.MchID {
		return http.StatusBadRequest, Error("MCH_NOT_EXISTS", "商户号不存在 (mchid is not the requesting merchant)")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.st.trades[r.Param("out_trade_no")]
	if !ok {
		return http.StatusNotFound, Error("ORDER_NOT_EXIST", "订单不存在")
	}
	switch t.TradeState {
	case "NOTPAY", "CLOSED": // closing twice is accepted, as the gateway does
		t.TradeState = "CLOSED"
		return http.StatusNoContent, nil
	default:
		return http.StatusBadRequest, Error("ORDERPAID", "订单已支付, 不能关单 (the order is "+strings.ToLower(t.TradeState)+")")
	}
}
