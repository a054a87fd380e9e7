package wechatpaytest

import (
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/tidwall/gjson"
)

type refund struct {
	doc       map[string]any
	createKey string
	notifyURL string
}

// refundScenario is the domestic refund flow. It finds and changes the
// refunded transaction through the server's exported API.
type refundScenario struct {
	srv     *Server
	mu      sync.Mutex
	refunds map[string]*refund // by out_refund_no
}

func newRefundScenario(s *Server) *refundScenario {
	rs := &refundScenario{srv: s}
	rs.reset()
	return rs
}

func (rs *refundScenario) reset() {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.refunds = map[string]*refund{}
}

func (rs *refundScenario) register(s *Server) {
	s.Handle("POST", "/v3/refund/domestic/refunds", rs.create)
	s.Handle("GET", "/v3/refund/domestic/refunds/{out_refund_no}", rs.query)
}

// errRefund carries a refusal out of UpdateTransaction.
type errRefund struct {
	status int
	body   *ErrorBody
}

func (e *errRefund) Error() string { return e.body.Message }

func (rs *refundScenario) create(r *Request) (int, any) {
	f := newFields(r.Body)
	txID := f.optStr("transaction_id")
	outTradeNo := f.optStr("out_trade_no")
	outRefundNo := f.str("out_refund_no")
	f.object("amount")
	amount := f.integer("amount.refund", 1)
	total := f.integer("amount.total", 1)
	currency := f.str("amount.currency")
	notify := f.optStr("notify_url")
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

	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rf, ok := rs.refunds[outRefundNo]; ok {
		if rf.createKey == key {
			return http.StatusOK, mustJSON(rf.doc)
		}
		return http.StatusBadRequest, Error("INVALID_REQUEST", "商户退款单号已使用不同参数 (out_refund_no was already used with other parameters)")
	}
	if outTradeNo == "" {
		outTradeNo = rs.srv.TransactionByID(txID)
	}
	var paid Transaction
	err := rs.srv.UpdateTransaction(outTradeNo, func(t *Transaction) error {
		switch {
		case txID != "" && t.TransactionID != txID:
			return &errRefund{http.StatusNotFound, Error("RESOURCE_NOT_EXISTS", "订单不存在")}
		case t.TradeState != "SUCCESS" && t.TradeState != "REFUND":
			return &errRefund{http.StatusBadRequest, Error("INVALID_REQUEST", "订单未支付, 不能退款 (the transaction is "+t.TradeState+")")}
		case total != t.Total:
			return &errRefund{http.StatusBadRequest, ParamError("body", "/amount/total", "订单金额与原订单不一致 (must equal the transaction's total)")}
		case amount > t.Total-t.Refunded:
			return &errRefund{http.StatusBadRequest, Error("INVALID_REQUEST", "申请退款金额超过订单可退金额 (refund exceeds what is left)")}
		}
		t.Refunded += amount
		t.TradeState = "REFUND"
		paid = *t
		return nil
	})
	var refused *errRefund
	switch {
	case errors.As(err, &refused):
		return refused.status, refused.body
	case err != nil: // no such transaction
		return http.StatusNotFound, Error("RESOURCE_NOT_EXISTS", "订单不存在")
	}
	doc := map[string]any{
		"refund_id":             newID("50000", 29),
		"out_refund_no":         outRefundNo,
		"transaction_id":        paid.TransactionID,
		"out_trade_no":          paid.OutTradeNo,
		"channel":               "ORIGINAL",
		"user_received_account": "支付用户零钱",
		"create_time":           rfc3339CN(rs.srv.BusinessTime()),
		"status":                "PROCESSING",
		"funds_account":         "AVAILABLE",
		"amount": map[string]any{
			"total": paid.Total, "refund": amount, "payer_total": paid.Total, "payer_refund": amount,
			"settlement_total": paid.Total, "settlement_refund": amount, "discount_refund": 0, "currency": "CNY",
		},
	}
	if reason := gjson.GetBytes(r.Body, "reason"); reason.Exists() {
		doc["reason"] = reason.String()
	}
	rs.refunds[outRefundNo] = &refund{doc: doc, createKey: key, notifyURL: notify}
	return http.StatusOK, mustJSON(doc)
}

// query answers a refund; a PROCESSING refund is SUCCESS from its first query on.
func (rs *refundScenario) query(r *Request) (int, any) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rf, ok := rs.refunds[r.Param("out_refund_no")]
	if !ok {
		return http.StatusNotFound, Error("RESOURCE_NOT_EXISTS", "退款单不存在")
	}
	if rf.doc["status"] == "PROCESSING" {
		rs.finish(rf, "SUCCESS")
	}
	return http.StatusOK, mustJSON(rf.doc)
}

// finish ends a PROCESSING refund in status. Called with rs.mu held.
func (rs *refundScenario) finish(rf *refund, status string) {
	rf.doc["status"] = status
	if status == "SUCCESS" {
		rf.doc["success_time"] = rfc3339CN(rs.srv.BusinessTime())
	}
}

// refundEvents maps a refund event to the refund status it reports.
var refundEvents = map[string]string{"REFUND.SUCCESS": "SUCCESS", "REFUND.ABNORMAL": "ABNORMAL", "REFUND.CLOSED": "CLOSED"}

// event reports a refund's outcome. A PROCESSING refund ends in the
// event's status (the gateway's report of how it ended); a refund that
// already ended otherwise cannot be reported so.
func (rs *refundScenario) event(eventType, id string) (any, string, error) {
	status, ok := refundEvents[eventType]
	if !ok {
		return nil, "", errNoEvent
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rf, ok := rs.refunds[id]
	if !ok {
		return nil, "", errNoEvent
	}
	switch rf.doc["status"] {
	case "PROCESSING":
		rs.finish(rf, status)
	case status:
	default:
		return nil, "", fmt.Errorf("the refund is %s, not %s", rf.doc["status"], status)
	}
	amount := rf.doc["amount"].(map[string]any)
	res := map[string]any{
		"mchid":                 rs.srv.MchID,
		"transaction_id":        rf.doc["transaction_id"],
		"out_trade_no":          rf.doc["out_trade_no"],
		"refund_id":             rf.doc["refund_id"],
		"out_refund_no":         rf.doc["out_refund_no"],
		"refund_status":         status,
		"user_received_account": rf.doc["user_received_account"],
		"amount": map[string]any{
			"total": amount["total"], "refund": amount["refund"], "payer_total": amount["payer_total"], "payer_refund": amount["payer_refund"],
		},
	}
	if status == "SUCCESS" {
		res["success_time"] = rf.doc["success_time"]
	}
	return res, rf.notifyURL, nil
}
