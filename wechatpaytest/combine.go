package wechatpaytest

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// CombineOrder is a combined payment (合单, /v3/combine-transactions/…):
// one payment of several sub-orders, each for a (sub-)merchant. Its order
// rules are the direct flow's, on combine_out_trade_no; a payment or a
// close moves every sub-order.
type CombineOrder struct {
	CombineOutTradeNo    string
	CombineTransactionID string
	CombineAppID         string
	TradeType            string // JSAPI, APP, NATIVE
	OpenID               string // combine_payer_info.openid
	NotifyURL            string
	SubOrders            []CombineSubOrder
	TimeExpire           time.Time // the create's time_expire (zero: none); past it on business time a NOTPAY order closes
}

// CombineSubOrder is one sub-order of a CombineOrder.
type CombineSubOrder struct {
	MchID         string
	SubMchID      string
	SubAppID      string
	OutTradeNo    string
	Description   string
	Attach        string
	Total         int64 // fen
	Currency      string
	TradeState    string // NOTPAY, SUCCESS, CLOSED
	TransactionID string // set when paid
	SuccessTime   string // RFC 3339, set when paid
}

type combineOrder struct {
	CombineOrder
	createKey string
	createOut []byte
}

// combineScenario is the combined payment flow.
type combineScenario struct {
	srv    *Server
	mu     sync.Mutex
	orders map[string]*combineOrder // by combine_out_trade_no
}

func newCombineScenario(s *Server) *combineScenario {
	c := &combineScenario{srv: s}
	c.reset()
	return c
}

func (c *combineScenario) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.orders = map[string]*combineOrder{}
}

const combineBase = "/v3/combine-transactions"

func (c *combineScenario) register(s *Server) {
	for _, kind := range []string{"jsapi", "app", "native"} {
		s.Handle("POST", combineBase+"/"+kind, func(r *Request) (int, any) { return c.create(r, kind) })
	}
	s.Handle("GET", combineBase+"/out-trade-no/{combine_out_trade_no}", c.query)
	s.Handle("POST", combineBase+"/out-trade-no/{combine_out_trade_no}/close", c.close)
}

func (c *combineScenario) create(r *Request, kind string) (int, any) {
	f := newFields(r.Body)
	o := CombineOrder{TradeType: tradeTypes[kind]}
	o.CombineAppID = f.str("combine_appid")
	mchid := f.str("combine_mchid")
	o.CombineOutTradeNo = f.str("combine_out_trade_no")
	subs := f.array("sub_orders")
	for i := range subs {
		p := fmt.Sprintf("sub_orders.%d.", i)
		so := CombineSubOrder{TradeState: "NOTPAY"}
		so.MchID = f.str(p + "mchid")
		so.Attach = f.str(p + "attach")
		f.object(p + "amount")
		so.Total = f.integer(p+"amount.total_amount", 1)
		so.Currency = f.str(p + "amount.currency")
		so.OutTradeNo = f.str(p + "out_trade_no")
		so.SubMchID = f.optStr(p + "sub_mchid") // a direct merchant's sub-order has none
		so.Description = f.str(p + "description")
		so.SubAppID = f.optStr(p + "sub_appid")
		if f.err == nil && so.Currency != "CNY" {
			f.fail(p+"amount.currency", "境内商户仅支持CNY (only CNY)", so.Currency)
		}
		if f.err == nil && (!outNoPattern.MatchString(so.OutTradeNo) || len(so.OutTradeNo) < 6) {
			f.fail(p+"out_trade_no", "长度6-32, 只能是数字、大小写字母_-|*@", so.OutTradeNo)
		}
		o.SubOrders = append(o.SubOrders, so)
	}
	if kind == "jsapi" { // the payment is the openid's
		f.object("combine_payer_info")
		o.OpenID = f.str("combine_payer_info.openid")
	} else {
		o.OpenID = f.optStr("combine_payer_info.openid")
	}
	o.NotifyURL = f.str("notify_url")
	o.TimeExpire = timeExpire(f) // clock.go
	if f.err != nil {
		return http.StatusBadRequest, f.err
	}
	if mchid != c.srv.MchID {
		return http.StatusBadRequest, Error("MCH_NOT_EXISTS", "合单商户号不存在 (combine_mchid is not the requesting merchant)")
	}
	if !outNoPattern.MatchString(o.CombineOutTradeNo) {
		return http.StatusBadRequest, ParamError("body", "/combine_out_trade_no", "只能是数字、大小写字母_-|*@ 且不超过32个字符")
	}
	seen := map[string]bool{}
	for i, so := range o.SubOrders {
		if seen[so.OutTradeNo] {
			return http.StatusBadRequest, ParamError("body", fmt.Sprintf("/sub_orders/%d/out_trade_no", i), "子单商户订单号重复 (each sub-order needs its own out_trade_no)")
		}
		seen[so.OutTradeNo] = true
	}
	key := idemKey("combine-"+kind, r.Body)

	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.orders[o.CombineOutTradeNo]; ok {
		old.expire(c.srv.BusinessTime())
		switch st := old.state(); {
		case old.createKey == key && st == "NOTPAY":
			return http.StatusOK, old.createOut
		case st == "CLOSED":
			return http.StatusBadRequest, Error("ORDER_CLOSED", "订单已关闭")
		case st == "SUCCESS":
			return http.StatusBadRequest, Error("ORDERPAID", "订单已支付")
		default:
			return http.StatusForbidden, Error("OUT_TRADE_NO_USED", "商户订单号重复")
		}
	}
	o.CombineTransactionID = newID("1217752501201407033233368", 32)
	prepay := newPrepayID(c.srv)
	var answer map[string]string
	if kind == "native" {
		answer = map[string]string{"code_url": "weixin://wxpay/bizpayurl?pr=" + randomString(7, alnum)}
	} else {
		answer = map[string]string{"prepay_id": prepay}
	}
	out, err := encodeBody(answer)
	if err != nil {
		return http.StatusInternalServerError, Error("SYSTEM_ERROR", err.Error())
	}
	c.orders[o.CombineOutTradeNo] = &combineOrder{CombineOrder: o, createKey: key, createOut: out}
	return http.StatusOK, out
}

// state is the state every sub-order is in (they move together).
func (o *CombineOrder) state() string {
	if len(o.SubOrders) == 0 {
		return "NOTPAY"
	}
	return o.SubOrders[0].TradeState
}

// document is the combined order as the query answers it. Called with c.mu held.
func (c *combineScenario) document(o *combineOrder) map[string]any {
	subs := make([]any, 0, len(o.SubOrders))
	for _, so := range o.SubOrders {
		d := map[string]any{
			"mchid": so.MchID, "out_trade_no": so.OutTradeNo,
			"trade_type": o.TradeType, "trade_state": so.TradeState, "attach": so.Attach,
			"amount": map[string]any{"total_amount": so.Total, "currency": so.Currency},
		}
		if so.SubMchID != "" {
			d["sub_mchid"] = so.SubMchID
		}
		if so.SubAppID != "" {
			d["sub_appid"] = so.SubAppID
		}
		if so.TradeState == "SUCCESS" {
			d["transaction_id"], d["success_time"], d["bank_type"] = so.TransactionID, so.SuccessTime, "OTHERS"
			d["amount"] = map[string]any{"total_amount": so.Total, "payer_amount": so.Total, "currency": so.Currency, "payer_currency": so.Currency}
		}
		subs = append(subs, d)
	}
	d := map[string]any{
		"combine_appid":          o.CombineAppID,
		"combine_mchid":          c.srv.MchID,
		"combine_out_trade_no":   o.CombineOutTradeNo,
		"combine_transaction_id": o.CombineTransactionID,
		"sub_orders":             subs,
	}
	if o.OpenID != "" {
		d["combine_payer_info"] = map[string]string{"openid": o.OpenID}
	}
	return d
}

func (c *combineScenario) query(r *Request) (int, any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	o, ok := c.orders[r.Param("combine_out_trade_no")]
	if !ok {
		return http.StatusNotFound, Error("ORDER_NOT_EXIST", "订单不存在")
	}
	o.expire(c.srv.BusinessTime())
	return http.StatusOK, c.document(o)
}

func (c *combineScenario) close(r *Request) (int, any) {
	f := newFields(r.Body)
	appid := f.str("combine_appid")
	subs := f.array("sub_orders")
	for i := range subs {
		f.str(fmt.Sprintf("sub_orders.%d.mchid", i))
		f.str(fmt.Sprintf("sub_orders.%d.out_trade_no", i))
	}
	if f.err != nil {
		return http.StatusBadRequest, f.err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	o, ok := c.orders[r.Param("combine_out_trade_no")]
	if !ok {
		return http.StatusNotFound, Error("ORDER_NOT_EXIST", "订单不存在")
	}
	if appid != o.CombineAppID {
		return http.StatusBadRequest, Error("INVALID_REQUEST", "combine_appid与下单时不一致 (combine_appid differs from the order's)")
	}
	for i, sub := range subs {
		found := false
		for _, so := range o.SubOrders {
			found = found || so.OutTradeNo == sub.Get("out_trade_no").String()
		}
		if !found {
			return http.StatusBadRequest, ParamError("body", fmt.Sprintf("/sub_orders/%d/out_trade_no", i), "不是该合单的子单 (not a sub-order of this combined order)")
		}
	}
	switch o.state() {
	case "NOTPAY", "CLOSED":
		for i := range o.SubOrders {
			o.SubOrders[i].TradeState = "CLOSED"
		}
		return http.StatusNoContent, nil
	default:
		return http.StatusBadRequest, Error("ORDERPAID", "订单已支付, 不能关单")
	}
}

func (c *combineScenario) event(eventType, id string) (any, string, error) {
	if eventType != "TRANSACTION.SUCCESS" {
		return nil, "", errNoEvent
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	o, ok := c.orders[id]
	if !ok {
		return nil, "", errNoEvent
	}
	if o.state() != "SUCCESS" {
		return nil, "", fmt.Errorf("the combined order is %s: pay it first (PayCombineOrder)", o.state())
	}
	d := c.document(o)
	d["scene_info"] = map[string]string{"device_id": "POS1:123"}
	if o.OpenID == "" {
		d["combine_payer_info"] = map[string]string{"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}
	}
	return d, o.NotifyURL, nil
}

// PutCombineOrder adds or replaces a combined order (sub-orders without a
// TradeState are NOTPAY; paid ones get a transaction_id).
func (s *Server) PutCombineOrder(o CombineOrder) {
	c := s.combine
	if o.CombineTransactionID == "" {
		o.CombineTransactionID = newID("1217752501201407033233368", 32)
	}
	o.SubOrders = append([]CombineSubOrder(nil), o.SubOrders...)
	for i := range o.SubOrders {
		so := &o.SubOrders[i]
		if so.TradeState == "" {
			so.TradeState = "NOTPAY"
		}
		if so.Currency == "" {
			so.Currency = "CNY"
		}
		if so.TradeState == "SUCCESS" && so.TransactionID == "" {
			so.TransactionID, so.SuccessTime = newID("42000", 28), rfc3339CN(s.BusinessTime())
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.orders[o.CombineOutTradeNo] = &combineOrder{CombineOrder: o}
}

// CombineOrder returns the combined order combine_out_trade_no as it is now.
func (s *Server) CombineOrder(combineOutTradeNo string) (CombineOrder, bool) {
	c := s.combine
	c.mu.Lock()
	defer c.mu.Unlock()
	o, ok := c.orders[combineOutTradeNo]
	if !ok {
		return CombineOrder{}, false
	}
	o.expire(s.BusinessTime())
	out := o.CombineOrder
	out.SubOrders = append([]CombineSubOrder(nil), o.SubOrders...)
	return out, true
}

// PayCombineOrder simulates the payer paying a NOTPAY combined order:
// every sub-order becomes SUCCESS with a transaction_id. Its
// TRANSACTION.SUCCESS notification is SendEvent's with the
// combine_out_trade_no.
func (s *Server) PayCombineOrder(combineOutTradeNo string) error {
	c := s.combine
	c.mu.Lock()
	defer c.mu.Unlock()
	o, ok := c.orders[combineOutTradeNo]
	if !ok {
		return fmt.Errorf("wechatpaytest: no combined order %q", combineOutTradeNo)
	}
	if o.expire(s.BusinessTime()) {
		return fmt.Errorf("wechatpaytest: combined order %q: %w", combineOutTradeNo, errExpired)
	}
	if st := o.state(); st != "NOTPAY" {
		return fmt.Errorf("wechatpaytest: combined order %q is %s, not NOTPAY", combineOutTradeNo, st)
	}
	now := rfc3339CN(s.BusinessTime())
	for i := range o.SubOrders {
		o.SubOrders[i].TradeState, o.SubOrders[i].TransactionID, o.SubOrders[i].SuccessTime = "SUCCESS", newID("42000", 28), now
	}
	return nil
}
