package wechatpaytest

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/chainpay-go/wechatpay/chain"
)

// TriggerOptions configures Trigger.
type TriggerOptions struct {
	// URL is the notify_url of the objects the fixture makes, where the
	// notification goes (default: the forward URL; one of them is required).
	URL string
	// ID is an existing object to start from: for REFUND.SUCCESS the
	// out_trade_no of a paid direct transaction to refund ("" : the fixture
	// makes and pays one first).
	ID string
	// Total is the amount in fen of the payment the fixture makes (default 100).
	Total int64
}

// TriggerResult is what Trigger did.
type TriggerResult struct {
	// EventType is the event sent.
	EventType string `json:"event_type"`
	// ObjectID is what it is about (an out_trade_no, an out_refund_no).
	ObjectID string `json:"object_id"`
	// Calls lists the steps: the API calls (method, path, status and
	// Request-ID) and what the user did.
	Calls []string `json:"calls"`
	// Delivery is the notification's delivery as queued.
	Delivery Delivery `json:"delivery"`
}

// triggers are the fixtures Trigger runs.
var triggers = map[string]func(s *Server, ctx context.Context, o TriggerOptions, res *TriggerResult) error{
	"TRANSACTION.SUCCESS": func(s *Server, ctx context.Context, o TriggerOptions, res *TriggerResult) error {
		id, err := s.triggerPayment(ctx, o, res)
		res.ObjectID = id
		return err
	},
	"REFUND.SUCCESS": func(s *Server, ctx context.Context, o TriggerOptions, res *TriggerResult) error {
		outTradeNo := o.ID
		if outTradeNo == "" {
			var err error
			if outTradeNo, err = s.triggerPayment(ctx, o, res); err != nil {
				return err
			}
		}
		tx, ok := s.Transaction(outTradeNo)
		if !ok {
			return fmt.Errorf("no direct transaction %q", outTradeNo)
		}
		outRefundNo := "TRGR" + newID("", 20)
		resp, err := s.Client().Chain("v3/refund/domestic/refunds").Post(ctx, chain.O{"json": chain.O{
			"out_trade_no": outTradeNo, "out_refund_no": outRefundNo, "notify_url": o.URL, "reason": "wxpay sandbox trigger",
			"amount": chain.O{"refund": tx.Total - tx.Refunded, "total": tx.Total, "currency": "CNY"},
		}})
		res.Calls = append(res.Calls, callLine(http.MethodPost, "/v3/refund/domestic/refunds", resp, err))
		res.ObjectID = outRefundNo
		return err
	},
}

// TriggerEvents returns the event types Trigger has fixtures for, sorted.
func TriggerEvents() []string { return slices.Sorted(maps.Keys(triggers)) }

// Trigger runs the fixture of eventType, a short sequence of real, signed
// API calls through Client (so they are recorded, and outcome rules and
// faults apply to them), then delivers the event's notification as Deliver
// does. TRANSACTION.SUCCESS creates a native payment (notify_url o.URL)
// and pays it as the user; REFUND.SUCCESS refunds o.ID, or a payment it
// makes and pays first, in full. See TriggerEvents.
func (s *Server) Trigger(ctx context.Context, eventType string, o TriggerOptions) (TriggerResult, error) {
	res := TriggerResult{EventType: eventType}
	run, ok := triggers[eventType]
	if !ok {
		return res, fmt.Errorf("wechatpaytest: trigger: no fixture for %q (known: %s)", eventType, strings.Join(TriggerEvents(), ", "))
	}
	if o.URL == "" {
		o.URL = s.ForwardURL()
	}
	if o.URL == "" {
		return res, fmt.Errorf("wechatpaytest: trigger %s: no URL to notify (TriggerOptions.URL, or SetForwardURL)", eventType)
	}
	if o.Total <= 0 {
		o.Total = 100
	}
	if err := run(s, ctx, o, &res); err != nil {
		return res, fmt.Errorf("wechatpaytest: trigger %s: %w", eventType, err)
	}
	d, err := s.Deliver(o.URL, eventType, res.ObjectID)
	if err != nil {
		return res, fmt.Errorf("wechatpaytest: trigger %s: %w", eventType, err)
	}
	res.Delivery = d
	res.Calls = append(res.Calls, "notification "+d.ID+" → "+d.URL)
	return res, nil
}

// triggerPayment creates a native payment and pays it as the user.
func (s *Server) triggerPayment(ctx context.Context, o TriggerOptions, res *TriggerResult) (string, error) {
	outTradeNo := "TRG" + newID("", 20)
	resp, err := s.Client().Chain("v3/pay/transactions/native").Post(ctx, chain.O{"json": chain.O{
		"appid": DemoAppID, "mchid": s.MchID, "description": "wxpay sandbox trigger", "out_trade_no": outTradeNo,
		"notify_url": o.URL, "amount": chain.O{"total": o.Total, "currency": "CNY"},
	}})
	res.Calls = append(res.Calls, callLine(http.MethodPost, "/v3/pay/transactions/native", resp, err))
	if err != nil {
		return outTradeNo, err
	}
	if _, err := s.PayTransaction(outTradeNo); err != nil {
		return outTradeNo, err
	}
	res.Calls = append(res.Calls, "the payer paid "+outTradeNo)
	return outTradeNo, nil
}

// callLine describes one API call of a fixture.
func callLine(method, path string, resp *chain.Response, err error) string {
	if err != nil {
		return method + " " + path + ": " + err.Error()
	}
	return fmt.Sprintf("%s %s %d (Request-ID %s)", method, path, resp.StatusCode, resp.RequestID)
}
