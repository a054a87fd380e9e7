package wechatpaytest

import (
	"fmt"
	"slices"
	"strings"
)

// eventInfo describes an event type: the resource's original_type, the
// summary WeChat Pay writes, and example resources of the right shape by
// variant ("" direct; "partner" and "combine" for the payment events).
type eventInfo struct {
	originalType string
	summary      string
	examples     map[string]map[string]any
}

const (
	exampleOpenID   = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
	exampleTime     = "2018-06-08T10:34:56+08:00"
	exampleTxID     = "1217752501201407033233368018"
	exampleOutTrade = "1217752501201407033233368018"
)

func exampleRefund(status string) map[string]any {
	r := map[string]any{
		"mchid": DefaultMchID, "transaction_id": exampleTxID, "out_trade_no": exampleOutTrade,
		"refund_id": "50000000382019052709732678859", "out_refund_no": "1217752501201407033233368018",
		"refund_status": status, "user_received_account": "招商银行信用卡0403",
		"amount": map[string]any{"total": 999, "refund": 999, "payer_total": 999, "payer_refund": 999},
	}
	if status == "SUCCESS" {
		r["success_time"] = exampleTime
	}
	return r
}

func examplePayscore(eventType string) map[string]any {
	o := map[string]any{
		"appid": DemoAppID, "mchid": DefaultMchID, "out_order_no": DemoOutOrderNo, "service_id": DemoServiceID,
		"openid": exampleOpenID, "order_id": "15646546545165651651", "service_introduction": "某某酒店",
	}
	switch eventType {
	case "PAYSCORE.USER_CONFIRM":
		o["state"], o["state_description"] = "DOING", "USER_CONFIRM"
	case "PAYSCORE.USER_PAID":
		o["state"], o["total_amount"] = "DONE", 50000
		o["collection"] = map[string]any{"state": "USER_PAID", "total_amount": 50000, "paying_amount": 0, "paid_amount": 50000,
			"details": []any{map[string]any{"seq": 1, "amount": 50000, "paid_type": "NEWTON", "paid_time": "20091225091210", "transaction_id": exampleTxID}}}
	default: // USER_OPEN_SERVICE, USER_CLOSE_SERVICE: about the user's authorization
		o = map[string]any{
			"appid": DemoAppID, "mchid": DefaultMchID, "out_request_no": "1234323JKHDFE1243252", "service_id": DemoServiceID,
			"openid": exampleOpenID, "user_service_status": strings.TrimPrefix(eventType, "PAYSCORE."),
			"openorclose_time": "20180225112233",
		}
		if eventType == "PAYSCORE.USER_OPEN_SERVICE" {
			o["authorization_code"] = "1275342195190894"
		}
	}
	return o
}

var paidAmount = map[string]any{"total": 100, "payer_total": 100, "currency": "CNY", "payer_currency": "CNY"}

// events are the event types the simulator makes notifications for.
var events = map[string]eventInfo{
	"TRANSACTION.SUCCESS": {"transaction", "支付成功", map[string]map[string]any{
		"": {
			"appid": DemoAppID, "mchid": DefaultMchID, "out_trade_no": exampleOutTrade, "transaction_id": exampleTxID,
			"trade_type": "JSAPI", "trade_state": "SUCCESS", "trade_state_desc": "支付成功", "bank_type": "CMC",
			"attach": "自定义数据", "success_time": exampleTime, "payer": map[string]any{"openid": exampleOpenID}, "amount": paidAmount,
		},
		"partner": {
			"sp_appid": DemoAppID, "sp_mchid": DefaultMchID, "sub_appid": "wxd678efh567hg6999", "sub_mchid": "1900000109",
			"out_trade_no": exampleOutTrade, "transaction_id": exampleTxID, "trade_type": "JSAPI", "trade_state": "SUCCESS",
			"trade_state_desc": "支付成功", "bank_type": "CMC", "attach": "自定义数据", "success_time": exampleTime,
			"payer": map[string]any{"sp_openid": exampleOpenID, "sub_openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}, "amount": paidAmount,
		},
		"combine": {
			"combine_appid": DemoAppID, "combine_mchid": DefaultMchID, "combine_out_trade_no": "P20150806125346",
			"combine_transaction_id": "1217752501201407033233368019",
			"scene_info":             map[string]any{"device_id": "POS1:123"},
			"combine_payer_info":     map[string]any{"openid": exampleOpenID},
			"sub_orders": []any{map[string]any{
				"mchid": DefaultMchID, "sub_mchid": "1900000109", "out_trade_no": "20150806125346", "transaction_id": exampleTxID,
				"trade_type": "JSAPI", "trade_state": "SUCCESS", "bank_type": "CMC", "attach": "深圳分店", "success_time": exampleTime,
				"amount": map[string]any{"total_amount": 10, "payer_amount": 10, "currency": "CNY", "payer_currency": "CNY"},
			}},
		},
	}},
	"REFUND.SUCCESS":              {"refund", "退款成功", map[string]map[string]any{"": exampleRefund("SUCCESS")}},
	"REFUND.ABNORMAL":             {"refund", "退款异常", map[string]map[string]any{"": exampleRefund("ABNORMAL")}},
	"REFUND.CLOSED":               {"refund", "退款关闭", map[string]map[string]any{"": exampleRefund("CLOSED")}},
	"PAYSCORE.USER_CONFIRM":       {"payscore", "用户确认成功", map[string]map[string]any{"": examplePayscore("PAYSCORE.USER_CONFIRM")}},
	"PAYSCORE.USER_PAID":          {"payscore", "支付分订单支付成功", map[string]map[string]any{"": examplePayscore("PAYSCORE.USER_PAID")}},
	"PAYSCORE.USER_OPEN_SERVICE":  {"payscore", "授权成功", map[string]map[string]any{"": examplePayscore("PAYSCORE.USER_OPEN_SERVICE")}},
	"PAYSCORE.USER_CLOSE_SERVICE": {"payscore", "解除授权成功", map[string]map[string]any{"": examplePayscore("PAYSCORE.USER_CLOSE_SERVICE")}},
	"MCHTRANSFER.BILL.FINISHED": {"mch_payment", "商家转账单据终态通知", map[string]map[string]any{"": {
		"mch_id": DefaultMchID, "out_bill_no": "plfk2020042013", "transfer_bill_no": "1330000071100999991182020050700019480001",
		"state": "SUCCESS", "transfer_amount": 400000, "openid": "o-MYE42l80oelYMDE34nYD456Xoy",
		"create_time": "2015-05-20T13:29:35+08:00", "update_time": "2015-05-20T13:29:35+08:00",
	}}},
}

// EventTypes returns the event types ExampleResource, EventNotification
// and SendEvent know, sorted.
func EventTypes() []string {
	return slices.Sorted(func(yield func(string) bool) {
		for k := range events {
			if !yield(k) {
				return
			}
		}
	})
}

func eventNames() string { return strings.Join(EventTypes(), ", ") }

// eventDefaults derives original_type and summary from an event type: the
// known ones as WeChat Pay writes them, others from the type's prefix.
func eventDefaults(eventType string) (originalType, summary string) {
	if e, ok := events[eventType]; ok {
		return e.originalType, e.summary
	}
	prefix, _, _ := strings.Cut(eventType, ".")
	return strings.ToLower(prefix), eventType
}

// ExampleResource returns an example plaintext resource of eventType's
// shape (see EventTypes), with the fields WeChat Pay sends. variant picks
// the flavour of a payment event: "" for a direct payment, "partner" for a
// service-provider payment, "combine" for a combined payment.
func ExampleResource(eventType, variant string) ([]byte, error) {
	e, ok := events[eventType]
	if !ok {
		return nil, fmt.Errorf("wechatpaytest: unknown event type %q (known: %s)", eventType, eventNames())
	}
	ex, ok := e.examples[variant]
	if !ok {
		return nil, fmt.Errorf("wechatpaytest: event type %s has no %q variant", eventType, variant)
	}
	return encodeBody(ex)
}
