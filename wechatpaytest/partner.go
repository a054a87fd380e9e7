package wechatpaytest

import (
	"net/http"
	"strings"
)

// partnerScenario is the service-provider payment flow
// (/v3/pay/partner/transactions/…): the requesting merchant is the
// service provider (sp_mchid), paying for a sub-merchant (sub_mchid). Its
// order rules are the direct flow's; out_trade_no is unique per
// sub-merchant.
type partnerScenario struct{ bookScenario }

func newPartnerScenario(s *Server) *partnerScenario {
	p := &partnerScenario{bookScenario{srv: s}}
	p.book.now = s.BusinessTime
	p.book.reset()
	return p
}

// partnerKey is a partner transaction's key and event id.
func partnerKey(subMchID, outTradeNo string) string { return subMchID + "/" + outTradeNo }

const partnerBase = "/v3/pay/partner/transactions"

func (p *partnerScenario) register(s *Server) {
	for _, kind := range []string{"jsapi", "native", "app", "h5"} {
		s.Handle("POST", partnerBase+"/"+kind, func(r *Request) (int, any) { return p.create(r, kind) })
	}
	s.Handle("GET", partnerBase+"/out-trade-no/{out_trade_no}", func(r *Request) (int, any) {
		return p.query(r, func(sub string) string { return partnerKey(sub, r.Param("out_trade_no")) })
	})
	s.Handle("GET", partnerBase+"/id/{transaction_id}", func(r *Request) (int, any) {
		return p.query(r, func(string) string { return p.book.keyOf(r.Param("transaction_id")) })
	})
	s.Handle("POST", partnerBase+"/out-trade-no/{out_trade_no}/close", p.close)
}

func (p *partnerScenario) create(r *Request, kind string) (int, any) {
	f := newFields(r.Body)
	spAppID := f.str("sp_appid")
	spMchID := f.str("sp_mchid")
	subMchID := f.str("sub_mchid")
	subAppID := f.optStr("sub_appid")
	tx, currency := orderFields(f, kind, "")
	if kind == "jsapi" && f.err == nil {
		// One of the openids, under the appid it belongs to.
		tx.OpenID, tx.SubOpenID = f.optStr("payer.sp_openid"), f.optStr("payer.sub_openid")
		if f.err == nil && tx.OpenID == "" && tx.SubOpenID == "" {
			f.fail("payer.sp_openid", "payer.sp_openid 与 payer.sub_openid 必填其一 (one of them is required)", nil)
		}
		if f.err == nil && tx.SubOpenID != "" && subAppID == "" {
			f.fail("sub_appid", "传 payer.sub_openid 时 sub_appid 必填 (required with payer.sub_openid)", nil)
		}
	}
	if f.err != nil {
		return http.StatusBadRequest, f.err
	}
	if spMchID != p.srv.MchID {
		return http.StatusBadRequest, Error("MCH_NOT_EXISTS", "服务商商户号不存在 (sp_mchid is not the requesting merchant)")
	}
	if eb := checkOrder(&tx, currency); eb != nil {
		return http.StatusBadRequest, eb
	}
	tx.AppID, tx.SubMchID, tx.SubAppID, tx.TradeState = spAppID, subMchID, subAppID, "NOTPAY"
	t := &trade{Transaction: tx, createKey: idemKey(kind, r.Body), prepayID: newPrepayID(p.srv)}
	return p.book.create(partnerKey(subMchID, tx.OutTradeNo), t, prepayAnswer(kind))
}

// document is a partner transaction as the query answers it.
func (p *partnerScenario) document(t *trade) map[string]any {
	d := map[string]any{
		"sp_appid":     t.AppID,
		"sp_mchid":     p.srv.MchID,
		"sub_mchid":    t.SubMchID,
		"out_trade_no": t.OutTradeNo,
		"trade_type":   t.TradeType,
		"trade_state":  t.TradeState,
		"amount":       map[string]any{"total": t.Total, "currency": t.Currency},
	}
	if t.SubAppID != "" {
		d["sub_appid"] = t.SubAppID
	}
	payer := map[string]string{}
	if t.OpenID != "" {
		payer["sp_openid"] = t.OpenID
	}
	if t.SubOpenID != "" {
		payer["sub_openid"] = t.SubOpenID
	}
	paidFields(d, t, payer)
	return d
}

// query checks sp_mchid and sub_mchid of the query, then answers the
// transaction key(sub_mchid) names, which must be the sub-merchant's.
func (p *partnerScenario) query(r *Request, key func(sub string) string) (int, any) {
	if st, eb := checkMchid(p.srv, r, "sp_mchid"); eb != nil {
		return st, eb
	}
	sub, eb := queryParam(r, "sub_mchid")
	if eb != nil {
		return http.StatusBadRequest, eb
	}
	k := key(sub)
	if !strings.HasPrefix(k, sub+"/") { // a transaction_id of another sub-merchant
		return http.StatusNotFound, Error("ORDER_NOT_EXIST", "订单不存在")
	}
	return p.book.query(k, p.document)
}

func (p *partnerScenario) close(r *Request) (int, any) {
	f := newFields(r.Body)
	spMchID := f.str("sp_mchid")
	sub := f.str("sub_mchid")
	if f.err != nil {
		return http.StatusBadRequest, f.err
	}
	if spMchID != p.srv.MchID {
		return http.StatusBadRequest, Error("MCH_NOT_EXISTS", "服务商商户号不存在 (sp_mchid is not the requesting merchant)")
	}
	return p.book.close(partnerKey(sub, r.Param("out_trade_no")))
}

func (p *partnerScenario) event(eventType, id string) (any, string, error) {
	return p.book.paidEvent(eventType, id, "PayPartnerTransaction", p.document)
}

// PutPartnerTransaction adds or replaces a partner transaction (SubMchID
// must be set; AppID is the sp_appid).
func (s *Server) PutPartnerTransaction(t Transaction) {
	s.partner.book.put(s, partnerKey(t.SubMchID, t.OutTradeNo), t)
}

// PartnerTransaction returns the sub-merchant's partner transaction
// out_trade_no as it is now.
func (s *Server) PartnerTransaction(subMchID, outTradeNo string) (Transaction, bool) {
	return s.partner.book.get(partnerKey(subMchID, outTradeNo))
}

// PayPartnerTransaction simulates the payer paying a NOTPAY partner
// transaction: it becomes SUCCESS with a transaction_id, which it returns.
// Its TRANSACTION.SUCCESS notification is SendEvent's with the id
// "sub_mchid/out_trade_no".
func (s *Server) PayPartnerTransaction(subMchID, outTradeNo string) (string, error) {
	return s.partner.book.pay(s, partnerKey(subMchID, outTradeNo), partnerKey(subMchID, outTradeNo))
}
