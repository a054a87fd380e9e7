package wechatpaytest

import (
	"net/http"

	"github.com/tidwall/gjson"
)

type refund struct {
	doc       map[string]any
	createKey string
}

func (s *Server) registerRefunds() {
	s.handle("POST", "/v3/refund/domestic/refunds", s.createRefund)
	s.handle("GET", "/v3/refund/domestic/refunds/{out_refund_no}", s.queryRefund)
}

func (s *Server) createRefund(r *Request) (int, any) {
	f := newFields(r.Body)
	txID := f.optStr("transaction_id")
	outTradeNo := f.optStr("out_trade_no")
	outRefundNo := f.str("out_refund_no")
	f.object("amount")
	amount := f.integer("amount.refund", 1)
	total := f.integer("amount.total", 1)
	currency := f.str("amount.currency")
	if f.err == nil && txID == "" && outTradeNo == "" {
		f.fail("transaction_id", "transaction_id 与 out_trade_no 必填其一 (one of transaction_id and out_trade_no is required)", nil)
	}
	if f.err == nil && currency != "CNY" {
		f.fail("amount.currency", "境内商户仅支持CNY (only CNY)", currency)
	}
	if f.err != nil {
		return http.StatusBadRequest, f.err
	}
	key := idemKey("refund", r.Body)

	s.mu.Lock()
	defer s.mu.Unlock()
	if rf, ok := s.st.refunds[outRefundNo]; ok {
		if rf.createKey == key {
			return http.StatusOK, mustJSON(rf.doc)
		}
		return http.StatusBadRequest, Error("INVALID_REQUEST", "商户退款单号已使用不同参数 (out_refund_no was already used with other parameters)")
	}
	if outTradeNo == "" {
		outTradeNo = s.st.tradeIDs[txID]
	}
	t, ok := s.st.trades[outTradeNo]
	if !ok || (txID != "" && t.TransactionID != txID) {
		return http.StatusNotFound, Error("RESOURCE_NOT_EXISTS", "订单不存在")
	}
	if t.TradeState != "SUCCESS" && t.TradeState != "REFUND" {
		return http.StatusBadRequest, Error("INVALID_REQUEST", "订单未支付, 不能退款 (the transaction is "+t.TradeState+")")
	}
	if total != t.Total {
		return http.StatusBadRequest, ParamError("body", "/amount/total", "订单金额与原订单不一致 (must equal the transaction's total)")
	}
	if amount > t.Total-t.Refunded {
		return http.StatusBadRequest, Error("INVALID_REQUEST", "申请退款金额超过订单可退金额 (refund exceeds what is left)")
	}
	t.Refunded += amount
	t.TradeState = "REFUND"
	doc := map[string]any{
		"refund_id":             newID("50000", 29),
		"out_refund_no":         outRefundNo,
		"transaction_id":        t.TransactionID,
		"out_trade_no":          t.OutTradeNo,
		"channel":               "ORIGINAL",
		"user_received_account": "支付用户零钱",
		"create_time":           rfc3339CN(s.now()),
		"status":                "PROCESSING",
		"funds_account":         "AVAILABLE",
		"amount": map[string]any{
			"total": t.Total, "refund": amount, "payer_total": t.Total, "payer_refund": amount,
			"settlement_total": t.Total, "settlement_refund": amount, "discount_refund": 0, "currency": "CNY",
		},
	}
	if reason := gjson.GetBytes(r.Body, "reason"); reason.Exists() {
		doc["reason"] = reason.String()
	}
	s.st.refunds[outRefundNo] = &refund{doc: doc, createKey: key}
	return http.StatusOK, mustJSON(doc)
}

// queryRefund answers a refund; a PROCESSING refund is SUCCESS from its first query on.
func (s *Server) queryRefund(r *Request) (int, any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rf, ok := s.st.refunds[r.Param("out_refund_no")]
	if !ok {
		return http.StatusNotFound, Error("RESOURCE_NOT_EXISTS", "退款单不存在")
	}
	if rf.doc["status"] == "PROCESSING" {
		rf.doc["status"] = "SUCCESS"
		rf.doc["success_time"] = rfc3339CN(s.now())
	}
	return http.StatusOK, mustJSON(rf.doc)
}
