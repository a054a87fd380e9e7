package console

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// Actor is what the console's actions need: *wechatpaytest.Server
// satisfies it. A Source that is no Actor gets a console without actions.
type Actor interface {
	Source
	Config() wechatpay.Config
	Client() *chain.Client
	PayTransaction(outTradeNo string) (string, error)
	Transaction(outTradeNo string) (wechatpaytest.Transaction, bool)
	ConfirmTransferBill(outBillNo string) error
	Deliver(url, eventType, id string, opts ...wechatpaytest.NotificationOption) (wechatpaytest.Delivery, error)
	Deliveries() []wechatpaytest.Delivery
	Resend(ctx context.Context, id string) (wechatpaytest.DeliveryAttempt, error)
	Trigger(ctx context.Context, eventType string, o wechatpaytest.TriggerOptions) (wechatpaytest.TriggerResult, error)
	Inject(f wechatpaytest.Fault)
	ClearFaults()
	PendingFaults() int
	AddOutcomeRule(r wechatpaytest.OutcomeRule) (wechatpaytest.OutcomeRule, error)
	OutcomeRules() []wechatpaytest.OutcomeRule
	ClearOutcomeRules()
	BusinessTime() time.Time
	Advance(d time.Duration) (time.Time, error)
	ClockOffset() time.Duration
	Reset(scenario string) error
	Scenarios() []string
}

// MaxDeliveries is how many notifications (newest first) api/notifications
// lists; the server keeps its own bounded list.
const MaxDeliveries = 200

// MaxFaults bounds the faults the console injects (as the admin API does).
const MaxFaults = 1000

// TokenHeader carries the console's action token: the page reads it from
// its own markup, so a cross-site page cannot send it.
const TokenHeader = "X-Wxpay-Console-Token"

// maxActionBody bounds an action's JSON body.
const maxActionBody = 16 << 10

func newToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// allowed reports that r is the console's own action: same origin and the
// token.
func allowed(r *http.Request, token string) bool {
	if r.Header.Get(TokenHeader) != token {
		return false
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	return r.Header.Get("Sec-Fetch-Site") == "" || r.Header.Get("Sec-Fetch-Site") == "same-origin"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// errInput is an action's input the console refuses (400).
type errInput string

func (e errInput) Error() string { return "console: " + string(e) }

// action runs one console action on a with its decoded input.
type action func(ctx context.Context, a Actor, in *actionInput) (any, error)

// actionInput is the JSON body of every action; each reads its members.
type actionInput struct {
	OutTradeNo  string `json:"out_trade_no"`
	OutBillNo   string `json:"out_bill_no"`
	OutRefundNo string `json:"out_refund_no"`
	Decision    string `json:"decision"` // transfer: confirm, cancel
	Result      string `json:"result"`   // refund: SUCCESS, ABNORMAL, CLOSED
	EventType   string `json:"event_type"`
	ID          string `json:"id"`
	URL         string `json:"url"`
	Total       int64  `json:"total"`
	Duration    string `json:"duration"`
	Scenario    string `json:"scenario"`
	Route       string `json:"route"`
	Times       int    `json:"times"`
	Status      int    `json:"status"`
	Code        string `json:"code"`
	Message     string `json:"message"`
	Delay       string `json:"delay"`
	Drop        bool   `json:"drop"`
	Cut         bool   `json:"cut"`
	Tamper      bool   `json:"tamper"`
	Stale       bool   `json:"stale_timestamp"`
	Unsigned    bool   `json:"unsigned"`
	Clear       bool   `json:"clear"` // faults, rules: remove them all instead
}

// actions are the console's actions by name (POST api/actions/{name}).
var actions = map[string]action{
	"pay":      payAction,
	"close":    closeAction,
	"transfer": transferAction,
	"refund":   refundAction,
	"trigger":  triggerAction,
	"resend":   resendAction,
	"clock":    clockAction,
	"reset":    resetAction,
	"fault":    faultAction,
	"rule":     ruleAction,
}

// serveAction runs the action r names, after the token and origin checks.
func serveAction(w http.ResponseWriter, r *http.Request, a Actor, token string) {
	if !allowed(r, token) {
		writeJSON(w, http.StatusForbidden, map[string]string{"error": "console: cross-site or token-less action refused"})
		return
	}
	act, ok := actions[r.PathValue("name")]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "console: no such action"})
		return
	}
	var in actionInput
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxActionBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		msg := "console: the action's body must be a JSON object of at most 16 KiB"
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			msg = "console: the action's body has an unknown member " + name
		}
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": msg})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	out, err := act(ctx, a, &in)
	var bad errInput
	switch {
	case errors.As(err, &bad):
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
	case errors.Is(err, wechatpaytest.ErrNoDelivery):
		writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
	case err != nil:
		writeJSON(w, http.StatusConflict, map[string]string{"error": err.Error()})
	default:
		writeJSON(w, http.StatusOK, out)
	}
}

func required(name, v string) error {
	if v == "" {
		return errInput(name + " is required")
	}
	return nil
}

// payAction acts as the payer: the order becomes SUCCESS and its
// TRANSACTION.SUCCESS notification is delivered to its notify_url.
func payAction(_ context.Context, a Actor, in *actionInput) (any, error) {
	if err := required("out_trade_no", in.OutTradeNo); err != nil {
		return nil, err
	}
	if _, err := a.PayTransaction(in.OutTradeNo); err != nil {
		return nil, err
	}
	return a.Deliver("", "TRANSACTION.SUCCESS", in.OutTradeNo)
}

// closeAction closes an order as the merchant does: a signed call of the
// close API, recorded in the log like any other.
func closeAction(ctx context.Context, a Actor, in *actionInput) (any, error) {
	if err := required("out_trade_no", in.OutTradeNo); err != nil {
		return nil, err
	}
	_, err := a.Client().Chain("v3/pay/transactions/out-trade-no/{out_trade_no}/close").Post(ctx, chain.O{
		"out_trade_no": in.OutTradeNo, "json": chain.O{"mchid": a.Config().MchID}})
	if err != nil {
		return nil, err
	}
	t, _ := a.Transaction(in.OutTradeNo)
	return map[string]string{"out_trade_no": in.OutTradeNo, "trade_state": t.TradeState}, nil
}

// transferAction confirms a waiting transfer as its payee would, or
// cancels it as the merchant does (the cancel API, then a query that sees
// it CANCELLED); either way MCHTRANSFER.BILL.FINISHED is delivered.
func transferAction(ctx context.Context, a Actor, in *actionInput) (any, error) {
	if err := required("out_bill_no", in.OutBillNo); err != nil {
		return nil, err
	}
	switch in.Decision {
	case "confirm":
		if err := a.ConfirmTransferBill(in.OutBillNo); err != nil {
			return nil, err
		}
	case "cancel":
		base := "v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}"
		if _, err := a.Client().Chain(base+"/cancel").Post(ctx, chain.O{"out_bill_no": in.OutBillNo}); err != nil {
			return nil, err
		}
		if _, err := a.Client().Chain(base).Get(ctx, chain.O{"out_bill_no": in.OutBillNo}); err != nil {
			return nil, err
		}
	default:
		return nil, errInput("decision must be confirm or cancel")
	}
	return a.Deliver("", "MCHTRANSFER.BILL.FINISHED", in.OutBillNo)
}

// refundResults are the ends a processing refund can be given.
var refundResults = []string{"SUCCESS", "ABNORMAL", "CLOSED"}

// refundAction ends a processing refund in result and delivers the
// REFUND.<result> notification.
func refundAction(_ context.Context, a Actor, in *actionInput) (any, error) {
	if err := required("out_refund_no", in.OutRefundNo); err != nil {
		return nil, err
	}
	if !slices.Contains(refundResults, in.Result) {
		return nil, errInput("result must be SUCCESS, ABNORMAL or CLOSED")
	}
	return a.Deliver("", "REFUND."+in.Result, in.OutRefundNo)
}

func triggerAction(ctx context.Context, a Actor, in *actionInput) (any, error) {
	if err := required("event_type", in.EventType); err != nil {
		return nil, err
	}
	return a.Trigger(ctx, in.EventType, wechatpaytest.TriggerOptions{URL: in.URL, ID: in.ID, Total: in.Total})
}

func resendAction(ctx context.Context, a Actor, in *actionInput) (any, error) {
	if err := required("id", in.ID); err != nil {
		return nil, err
	}
	return a.Resend(ctx, in.ID)
}

func clockAction(_ context.Context, a Actor, in *actionInput) (any, error) {
	d, err := time.ParseDuration(in.Duration)
	if err != nil || d < 0 {
		return nil, errInput("duration must be a Go duration such as 2h, not negative")
	}
	now, err := a.Advance(d)
	if err != nil {
		return nil, err
	}
	return clockView(a, now), nil
}

func resetAction(_ context.Context, a Actor, in *actionInput) (any, error) {
	if in.Scenario != "" && !slices.Contains(a.Scenarios(), in.Scenario) {
		return nil, errInput("scenario must be one of " + strings.Join(a.Scenarios(), ", ") + ", or empty for everything")
	}
	if err := a.Reset(in.Scenario); err != nil {
		return nil, err
	}
	return map[string]string{"reset": in.Scenario}, nil
}

// faultAction injects a fault (see wechatpaytest.Fault), or clears them.
func faultAction(_ context.Context, a Actor, in *actionInput) (any, error) {
	if in.Clear {
		a.ClearFaults()
		return map[string]int{"pending": a.PendingFaults()}, nil
	}
	f := wechatpaytest.Fault{Route: in.Route, Times: in.Times, Status: in.Status, Drop: in.Drop, Cut: in.Cut,
		Tamper: in.Tamper, StaleTimestamp: in.Stale, Unsigned: in.Unsigned}
	if in.Delay != "" {
		d, err := time.ParseDuration(in.Delay)
		if err != nil || d < 0 || d > time.Minute {
			return nil, errInput("delay must be a Go duration up to 1m")
		}
		f.Delay = d
	}
	if f.Status != 0 && (f.Status < 400 || f.Status > 599) {
		return nil, errInput("status must be 400 to 599")
	}
	if f == (wechatpaytest.Fault{Route: f.Route, Times: f.Times}) {
		return nil, errInput("say what the fault does: status, delay, drop, cut, tamper, stale_timestamp or unsigned")
	}
	if a.PendingFaults() >= MaxFaults {
		return nil, errInput(fmt.Sprintf("%d faults are pending already: clear them first", MaxFaults))
	}
	a.Inject(f)
	return map[string]int{"pending": a.PendingFaults()}, nil
}

// ruleAction adds an outcome rule (the next calls of a route answer an
// error), or clears them.
func ruleAction(_ context.Context, a Actor, in *actionInput) (any, error) {
	if in.Clear {
		a.ClearOutcomeRules()
		return a.OutcomeRules(), nil
	}
	r, err := a.AddOutcomeRule(wechatpaytest.OutcomeRule{Route: in.Route, Times: in.Times,
		Outcome: wechatpaytest.Outcome{Status: in.Status, Code: in.Code, Message: in.Message}})
	if err != nil {
		return nil, errInput(err.Error())
	}
	return r, nil
}

// State is what api/state shows of the simulator besides its log.
type State struct {
	Clock     *ClockView                  `json:"clock"`
	Faults    int                         `json:"faults"` // pending
	Rules     []wechatpaytest.OutcomeRule `json:"rules"`
	Scenarios []string                    `json:"scenarios"`
	Triggers  []string                    `json:"triggers"`
	Refunds   []string                    `json:"refund_results"`
}

// ClockView is the business clock.
type ClockView struct {
	Now    time.Time `json:"now"`
	Offset string    `json:"offset"`
}

func clockView(a Actor, now time.Time) *ClockView {
	return &ClockView{Now: now, Offset: a.ClockOffset().String()}
}

func state(a Actor) State {
	s := State{Clock: clockView(a, a.BusinessTime()), Faults: a.PendingFaults(), Rules: a.OutcomeRules(),
		Scenarios: a.Scenarios(), Triggers: wechatpaytest.TriggerEvents(), Refunds: refundResults}
	if s.Rules == nil {
		s.Rules = []wechatpaytest.OutcomeRule{}
	}
	return s
}

// notifications lists the newest MaxDeliveries deliveries, newest first,
// each with every attempt.
func notifications(a Actor) []wechatpaytest.Delivery {
	all := a.Deliveries()
	out := make([]wechatpaytest.Delivery, 0, min(len(all), MaxDeliveries))
	for i := len(all) - 1; i >= 0 && len(out) < MaxDeliveries; i-- {
		out = append(out, all[i])
	}
	return out
}
