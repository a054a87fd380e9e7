package wechatpaytest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// A scenario is a stateful flow the server starts with (payscore orders,
// transactions, refunds, transfers, …). Each lives in a file of its own,
// keeps its own state under its own lock, registers its routes with the
// public Handle, and reaches the server only through its exported API, as
// a user's handler would.
type scenario interface {
	// register adds the scenario's routes with s.Handle.
	register(s *Server)
	// reset forgets the scenario's state (ResetFixtures).
	reset()
	// event returns the resource of eventType about the object id and
	// the object's notify_url, or errNoEvent when the scenario does not
	// hold such an object.
	event(eventType, id string) (resource any, notifyURL string, err error)
}

// errNoEvent: the scenario has no object for the event.
var errNoEvent = errors.New("no such object")

// registerScenarios makes the built-in scenarios and registers their routes.
func (s *Server) registerScenarios() {
	s.payscore = newPayscoreScenario(s)
	s.trades = newTradeScenario(s)
	s.refunds = newRefundScenario(s)
	s.partner = newPartnerScenario(s)
	s.combine = newCombineScenario(s)
	s.transfers = newTransferScenario(s)
	s.media = newMediaScenario(s)
	s.bills = newBillScenario(s)
	s.encBills = newEncBillScenario(s)
	s.scenarios = []scenario{s.payscore, s.trades, s.refunds, s.partner, s.combine, s.transfers, s.media, s.bills, s.encBills, certificateScenario{}}
	s.named = []namedScenario{
		{"payscore", s.payscore.reset, s.loadPayscoreFixtures},
		{"transactions", s.trades.reset, s.loadTradeFixtures},
		{"refunds", s.refunds.reset, nil},
		{"partner", s.partner.reset, nil},
		{"combine", s.combine.reset, nil},
		{"transfers", s.transfers.reset, nil},
		{"media", s.media.reset, nil},
		{"bills", s.bills.reset, s.loadBillFixtures},
		{"encbills", s.encBills.reset, nil},
		{"v2", s.v2.reset, nil},
	}
	for _, sc := range s.scenarios {
		sc.register(s)
	}
	if s.control {
		s.registerControl()
	}
}

// EventNotification builds the notification WeChat Pay sends for eventType
// (e.g. "TRANSACTION.SUCCESS", "REFUND.SUCCESS", "PAYSCORE.USER_PAID",
// "MCHTRANSFER.BILL.FINISHED") about the object id, with the resource
// made from the object as the server holds it now: id is an out_trade_no
// (a direct, or a combined payment's combine_out_trade_no), a partner
// payment's "sub_mchid/out_trade_no", an out_refund_no, an out_order_no or
// an out_bill_no. The request goes to url, or to the object's notify_url
// when url is "". It is signed and encrypted as NewNotification does.
func (s *Server) EventNotification(url, eventType, id string, opts ...NotificationOption) (*http.Request, error) {
	for _, sc := range s.scenarios {
		res, notifyURL, err := sc.event(eventType, id)
		if errors.Is(err, errNoEvent) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("wechatpaytest: %s about %q: %w", eventType, id, err)
		}
		if url == "" {
			url = notifyURL
		}
		if url == "" {
			return nil, fmt.Errorf("wechatpaytest: %s about %q: no url given and the object has no notify_url", eventType, id)
		}
		plain, err := encodeBody(res)
		if err != nil {
			return nil, fmt.Errorf("wechatpaytest: %s about %q: %w", eventType, id, err)
		}
		return s.NewNotification(url, eventType, plain, opts...)
	}
	if _, ok := events[eventType]; !ok {
		return nil, fmt.Errorf("wechatpaytest: unknown event type %q (known: %s)", eventType, eventNames())
	}
	return nil, fmt.Errorf("wechatpaytest: %s: the server holds no object %q it could be about", eventType, id)
}

// SendEvent builds a notification with EventNotification and POSTs it with
// ctx, returning the handler's answer (the caller closes its Body).
func (s *Server) SendEvent(ctx context.Context, url, eventType, id string, opts ...NotificationOption) (*http.Response, error) {
	req, err := s.EventNotification(url, eventType, id, opts...)
	if err != nil {
		return nil, err
	}
	return send(ctx, req)
}

// Helpers the scenarios share.

// idem remembers a successful answer so a repeated identical request gets it again.
type idem struct {
	key    string
	status int
	body   []byte
}

// idemKey canonicalises a JSON body for comparison: white space and the
// order of object members do not matter (the same business parameters are
// the same request), numbers keep their text.
func idemKey(op string, body []byte) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return op + "\x00" + string(body)
	}
	canon, err := json.Marshal(v) // maps marshal with sorted keys
	if err != nil {
		return op + "\x00" + string(body)
	}
	return op + "\x00" + string(canon)
}

var idSeq atomic.Int64

// newID makes a numeric id of n digits that starts with prefix and ends in a
// process-wide sequence number, so ids never repeat.
func newID(prefix string, n int) string {
	seq := strconv.FormatInt(idSeq.Add(1), 10)
	mid := n - len(prefix) - len(seq)
	if mid < 0 {
		mid = 0
	}
	return prefix + randomString(mid, digits) + seq
}

// rfc3339CN formats t as the gateway does (China Standard Time, RFC 3339).
func rfc3339CN(t time.Time) string {
	return t.In(cst).Format(time.RFC3339)
}

var cst = time.FixedZone("CST", 8*3600)
