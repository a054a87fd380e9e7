package wechatpaytest

import (
	"strconv"
	"strings"
)

// Stateful APIv2 routes: micropay with its USERPAYING path, orderquery,
// closeorder, reverse, refund, refundquery, sendredpack and
// promotion/transfers.

// Test auth codes for pay/micropay. Any other 18-digit code starting with
// 10 to 15 pays at once.
const (
	// V2AuthCodeUserPaying makes micropay answer USERPAYING: the user is
	// entering a password. The order is then paid after V2PayingQueries
	// orderquery calls, as WeChat Pay's advice (query, never re-send)
	// expects.
	V2AuthCodeUserPaying = "134500000000000001"
	// V2AuthCodeSystemError makes micropay answer SYSTEMERROR although the
	// payment went through: orderquery says SUCCESS.
	V2AuthCodeSystemError = "134500000000000002"
	// V2AuthCodeNotEnough makes micropay fail with NOTENOUGH (balance too
	// low); the order is PAYERROR.
	V2AuthCodeNotEnough = "134500000000000003"
)

// V2PayingQueries is how many orderquery calls see a USERPAYING micropay
// order as USERPAYING before it is SUCCESS.
const V2PayingQueries = 2

type v2Trade struct {
	fields   v2Fields // the micropay request, for echoing
	txn      string   // transaction_id
	state    string   // SUCCESS, USERPAYING, PAYERROR, CLOSED, REVOKED, NOTPAY
	paying   int      // orderqueries left before a USERPAYING order is paid
	total    int64
	refunded int64
	timeEnd  string
	refunds  []*v2Refund
}

type v2Refund struct {
	outRefundNo string
	refundID    string
	fee         int64
	trade       *v2Trade
}

var v2Routes = map[string]func(*Server, v2Fields) v2Fields{
	"pay/micropay":                          (*Server).v2Micropay,
	"pay/orderquery":                        (*Server).v2OrderQuery,
	"pay/closeorder":                        (*Server).v2CloseOrder,
	"secapi/pay/reverse":                    (*Server).v2Reverse,
	"secapi/pay/refund":                     (*Server).v2RefundCreate,
	"pay/refundquery":                       (*Server).v2RefundQuery,
	"mmpaymkttransfers/sendredpack":         (*Server).v2SendRedpack,
	"mmpaymkttransfers/promotion/transfers": (*Server).v2Transfers,
}

// v2Echo copies the fields an answer repeats from its request.
func v2Echo(ans, req v2Fields, names ...string) v2Fields {
	for _, n := range append([]string{"appid", "mch_id", "sub_appid", "sub_mch_id", "device_info"}, names...) {
		if v := req[n]; v != "" {
			ans[n] = v
		}
	}
	return ans
}

func v2Amount(req v2Fields, name string) (int64, v2Fields) {
	n, err := strconv.ParseInt(req[name], 10, 64)
	if err != nil || n <= 0 {
		return 0, v2Business("PARAM_ERROR", name+"参数错误 (a positive integer in fen)")
	}
	return n, nil
}

func (s *Server) v2Micropay(req v2Fields) v2Fields {
	code := req["auth_code"]
	if len(code) != 18 || code[0] != '1' || code[1] < '0' || code[1] > '5' || strings.Trim(code, "0123456789") != "" {
		return v2Echo(v2Business("AUTH_CODE_INVALID", "付款码无效 (18 digits starting with 10-15)"), req)
	}
	total, bad := v2Amount(req, "total_fee")
	if bad != nil {
		return v2Echo(bad, req)
	}
	v := s.v2
	v.mu.Lock()
	defer v.mu.Unlock()
	no := req["out_trade_no"]
	if t := v.trades[no]; t != nil {
		if t.state == "SUCCESS" {
			return v2Echo(v2Business("ORDERPAID", "商户订单已支付"), req)
		}
		return v2Echo(v2Business("OUT_TRADE_NO_USED", "商户订单号重复"), req)
	}
	t := &v2Trade{fields: req, txn: "42000" + randomString(23, digits), total: total, timeEnd: s.now().Format("20060102150405")}
	v.trades[no], v.byTxn[t.txn] = t, t
	switch code {
	case V2AuthCodeUserPaying:
		t.state, t.paying = "USERPAYING", V2PayingQueries
		return v2Echo(v2Business("USERPAYING", "需要用户输入支付密码"), req)
	case V2AuthCodeSystemError:
		t.state = "SUCCESS"
		return v2Echo(v2Business("SYSTEMERROR", "接口返回错误"), req)
	case V2AuthCodeNotEnough:
		t.state = "PAYERROR"
		return v2Echo(v2Business("NOTENOUGH", "余额不足"), req)
	}
	t.state = "SUCCESS"
	return t.paid(v2Fields{"result_code": "SUCCESS"})
}

// paid fills the answer fields of a paid order.
func (t *v2Trade) paid(ans v2Fields) v2Fields {
	v2Echo(ans, t.fields, "out_trade_no", "attach", "fee_type")
	ans["transaction_id"] = t.txn
	ans["openid"] = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
	ans["is_subscribe"] = "N"
	ans["trade_type"] = "MICROPAY"
	ans["bank_type"] = "OTHERS"
	ans["total_fee"] = strconv.FormatInt(t.total, 10)
	ans["cash_fee"] = ans["total_fee"]
	ans["time_end"] = t.timeEnd
	return ans
}

// trade finds the order a query names (v.mu held).
func (v *v2Sim) trade(req v2Fields) *v2Trade {
	if id := req["transaction_id"]; id != "" {
		return v.byTxn[id]
	}
	return v.trades[req["out_trade_no"]]
}

func (s *Server) v2OrderQuery(req v2Fields) v2Fields {
	v := s.v2
	v.mu.Lock()
	defer v.mu.Unlock()
	t := v.trade(req)
	if t == nil {
		return v2Echo(v2Business("ORDERNOTEXIST", "此交易订单号不存在"), req)
	}
	if t.state == "USERPAYING" {
		if t.paying--; t.paying < 0 {
			t.state = "SUCCESS"
		}
	}
	ans := v2Echo(v2Fields{"result_code": "SUCCESS", "trade_state": t.state, "trade_state_desc": v2StateDesc[t.state]}, req)
	if t.state == "SUCCESS" || strings.HasPrefix(t.state, "REFUND") {
		return t.paid(ans)
	}
	ans["out_trade_no"] = t.fields["out_trade_no"]
	ans["total_fee"] = strconv.FormatInt(t.total, 10)
	ans["trade_type"] = "MICROPAY"
	return ans
}

var v2StateDesc = map[string]string{
	"SUCCESS": "支付成功", "USERPAYING": "用户支付中", "PAYERROR": "支付失败", "CLOSED": "已关闭",
	"REVOKED": "已撤销", "NOTPAY": "未支付", "REFUND": "转入退款",
}

func (s *Server) v2CloseOrder(req v2Fields) v2Fields {
	v := s.v2
	v.mu.Lock()
	defer v.mu.Unlock()
	t := v.trades[req["out_trade_no"]]
	switch {
	case t == nil:
		return v2Echo(v2Business("ORDERNOTEXIST", "订单不存在"), req)
	case t.state == "SUCCESS" || t.state == "REFUND":
		return v2Echo(v2Business("ORDERPAID", "订单已支付，不能发起关单"), req)
	}
	t.state = "CLOSED"
	return v2Echo(v2Fields{"result_code": "SUCCESS", "result_msg": "OK"}, req)
}

func (s *Server) v2Reverse(req v2Fields) v2Fields {
	v := s.v2
	v.mu.Lock()
	defer v.mu.Unlock()
	t := v.trade(req)
	switch {
	case t == nil:
		return v2Echo(v2Business("ORDERNOTEXIST", "订单不存在"), req)
	case t.refunded > 0:
		return v2Echo(v2Business("REVERSE_EXPIRE", "订单已退款，不能撤销"), req)
	}
	t.state = "REVOKED"
	return v2Echo(v2Fields{"result_code": "SUCCESS", "recall": "N"}, req)
}

func (s *Server) v2RefundCreate(req v2Fields) v2Fields {
	fee, bad := v2Amount(req, "refund_fee")
	if bad == nil {
		_, bad = v2Amount(req, "total_fee")
	}
	if bad != nil {
		return v2Echo(bad, req)
	}
	v := s.v2
	v.mu.Lock()
	defer v.mu.Unlock()
	t := v.trade(req)
	if t == nil {
		return v2Echo(v2Business("ORDERNOTEXIST", "订单不存在"), req)
	}
	if rf := v.refunds[req["out_refund_no"]]; rf != nil {
		if rf.trade != t || rf.fee != fee {
			return v2Echo(v2Business("INVALID_REQUEST", "同一退款单号的参数与之前请求不一致"), req)
		}
		return rf.answer(req)
	}
	switch {
	case t.state != "SUCCESS" && t.state != "REFUND":
		return v2Echo(v2Business("TRADE_STATE_ERROR", "订单状态错误"), req)
	case req["total_fee"] != strconv.FormatInt(t.total, 10):
		return v2Echo(v2Business("INVALID_REQUEST", "订单金额与原订单不一致"), req)
	case t.refunded+fee > t.total:
		return v2Echo(v2Business("NOTENOUGH", "退款金额超过订单可退金额"), req)
	}
	rf := &v2Refund{outRefundNo: req["out_refund_no"], refundID: "50000" + randomString(24, digits), fee: fee, trade: t}
	v.refunds[rf.outRefundNo] = rf
	t.refunded += fee
	t.state = "REFUND"
	t.refunds = append(t.refunds, rf)
	return rf.answer(req)
}

func (rf *v2Refund) answer(req v2Fields) v2Fields {
	ans := rf.trade.paid(v2Fields{"result_code": "SUCCESS"})
	for _, n := range []string{"openid", "is_subscribe", "trade_type", "bank_type", "time_end"} {
		delete(ans, n)
	}
	ans["out_refund_no"] = rf.outRefundNo
	ans["refund_id"] = rf.refundID
	ans["refund_fee"] = strconv.FormatInt(rf.fee, 10)
	return v2Echo(ans, req)
}

func (s *Server) v2RefundQuery(req v2Fields) v2Fields {
	v := s.v2
	v.mu.Lock()
	defer v.mu.Unlock()
	var list []*v2Refund
	switch {
	case req["refund_id"] != "":
		for _, rf := range v.refunds {
			if rf.refundID == req["refund_id"] {
				list = []*v2Refund{rf}
			}
		}
	case req["out_refund_no"] != "":
		if rf := v.refunds[req["out_refund_no"]]; rf != nil {
			list = []*v2Refund{rf}
		}
	default:
		if t := v.trade(req); t != nil {
			list = t.refunds
		}
	}
	if len(list) == 0 {
		return v2Echo(v2Business("REFUNDNOTEXIST", "退款订单查询失败"), req)
	}
	t := list[0].trade
	ans := v2Echo(v2Fields{"result_code": "SUCCESS"}, req)
	ans["transaction_id"], ans["out_trade_no"] = t.txn, t.fields["out_trade_no"]
	ans["total_fee"] = strconv.FormatInt(t.total, 10)
	ans["cash_fee"] = ans["total_fee"]
	ans["refund_count"] = strconv.Itoa(len(list))
	for i, rf := range list {
		n := strconv.Itoa(i)
		ans["out_refund_no_"+n] = rf.outRefundNo
		ans["refund_id_"+n] = rf.refundID
		ans["refund_fee_"+n] = strconv.FormatInt(rf.fee, 10)
		ans["refund_status_"+n] = "SUCCESS"
		ans["refund_recv_accout_"+n] = "支付用户的零钱"
	}
	return ans
}

// v2Once answers a money-moving call identified by the merchant's number:
// the first call decides, a repeat with the same number and parameters gets
// the same answer, a repeat with other parameters is refused.
func (s *Server) v2Once(kind, no string, req v2Fields, first func() v2Fields) v2Fields {
	v := s.v2
	v.mu.Lock()
	defer v.mu.Unlock()
	key := kind + "\x00" + no
	if prev := v.once[key]; prev != nil {
		for k, val := range req {
			if k != "nonce_str" && k != "sign" && prev["\x00"+k] != val {
				return v2Business("PARAM_ERROR", "同一单号的参数与之前请求不一致 ("+k+")")
			}
		}
		out := v2Fields{}
		for k, val := range prev {
			if !strings.HasPrefix(k, "\x00") {
				out[k] = val
			}
		}
		return out
	}
	ans := first()
	stored := v2Fields{}
	for k, val := range ans {
		stored[k] = val
	}
	for k, val := range req {
		stored["\x00"+k] = val
	}
	v.once[key] = stored
	return ans
}

func (s *Server) v2SendRedpack(req v2Fields) v2Fields {
	amount, bad := v2Amount(req, "total_amount")
	if bad != nil {
		return bad
	}
	if amount < 100 || amount > 20000 {
		return v2Business("MONEY_LIMIT", "红包金额发放限制 (100 to 20000 fen)")
	}
	return s.v2Once("redpack", req["mch_billno"], req, func() v2Fields {
		ans := v2Fields{"result_code": "SUCCESS", "send_listid": "1000041701" + randomString(18, digits)}
		for _, n := range []string{"mch_billno", "mch_id", "wxappid", "re_openid", "total_amount"} {
			ans[n] = req[n]
		}
		return ans
	})
}

func (s *Server) v2Transfers(req v2Fields) v2Fields {
	if _, bad := v2Amount(req, "amount"); bad != nil {
		return bad
	}
	if c := req["check_name"]; c != "NO_CHECK" && c != "FORCE_CHECK" {
		return v2Business("PARAM_ERROR", "check_name参数错误 (NO_CHECK or FORCE_CHECK)")
	}
	if req["check_name"] == "FORCE_CHECK" && req["re_user_name"] == "" {
		return v2Business("PARAM_ERROR", "FORCE_CHECK需要re_user_name (re_user_name required)")
	}
	return s.v2Once("transfer", req["partner_trade_no"], req, func() v2Fields {
		return v2Fields{"result_code": "SUCCESS", "mch_appid": req["mch_appid"], "mchid": req["mchid"],
			"partner_trade_no": req["partner_trade_no"], "payment_no": "10100" + randomString(23, digits),
			"payment_time": s.now().Format("2006-01-02 15:04:05")}
	})
}
