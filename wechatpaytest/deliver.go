package wechatpaytest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/internal/gateway"
)

// deliverySchedule is how long the gateway waits before each retry of a
// notification its receiver did not accept (WeChat Pay's documented
// schedule): 16 attempts over about 21 hours.
var deliverySchedule = []time.Duration{
	15 * time.Second, 15 * time.Second, 30 * time.Second, 3 * time.Minute, 10 * time.Minute,
	20 * time.Minute, 30 * time.Minute, 30 * time.Minute, 30 * time.Minute, 60 * time.Minute,
	3 * time.Hour, 3 * time.Hour, 3 * time.Hour, 6 * time.Hour, 6 * time.Hour,
}

// DeliverySchedule returns the waits between the attempts of a delivery:
// after the first attempt fails the next comes 15 s later, then 15 s, 30 s,
// 3 min, 10 min, 20 min, 30 min, 30 min, 30 min, 60 min, 3 h, 3 h, 3 h,
// 6 h and 6 h; after the 16th attempt the delivery has failed. The waits
// are real time: the business clock (Advance) does not move them.
func DeliverySchedule() []time.Duration { return append([]time.Duration(nil), deliverySchedule...) }

// Delivery states.
const (
	DeliveryPending   = "pending"   // an attempt is due
	DeliveryDelivered = "delivered" // the receiver answered 200 or 204
	DeliveryFailed    = "failed"    // every attempt of the schedule failed
)

// Delivery is a notification the server sends, with every attempt.
type Delivery struct {
	// ID is the notification's id (its "id" member).
	ID string `json:"id"`
	// EventType is the event, e.g. TRANSACTION.SUCCESS.
	EventType string `json:"event_type"`
	// ObjectID is what the event is about: an out_trade_no, an out_refund_no, ….
	ObjectID string `json:"object_id"`
	// URL is where the notification goes.
	URL string `json:"url"`
	// State is DeliveryPending, DeliveryDelivered or DeliveryFailed.
	State string `json:"state"`
	// Created is when the notification was made (server clock).
	Created time.Time `json:"created"`
	// NextAttempt is when the next attempt is due (zero when none is).
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	// Attempts are the attempts so far, oldest first (at most
	// maxAttemptsKept: the oldest resends are dropped first).
	Attempts []DeliveryAttempt `json:"attempts"`
}

// DeliveryAttempt is one POST of a notification.
type DeliveryAttempt struct {
	// Time is when the attempt started (server clock).
	Time time.Time `json:"time"`
	// Status is the receiver's HTTP status (0 when there was no answer).
	Status int `json:"status"`
	// Error says why the attempt failed ("" when it succeeded).
	Error string `json:"error,omitempty"`
	// Response is the start of the receiver's answer (at most 1 KiB).
	Response string `json:"response,omitempty"`
	// Duration is how long the attempt took.
	Duration time.Duration `json:"duration"`
	// Resend marks an attempt made by Resend, outside the schedule.
	Resend bool `json:"resend,omitempty"`
}

// maxAttemptsKept bounds a delivery's attempt list (the 16 of the schedule
// and resends).
const maxAttemptsKept = 64

// maxResponseKept is how much of a receiver's answer an attempt keeps.
const maxResponseKept = 1 << 10

// deliveryEntry is a delivery and what its attempts need.
type deliveryEntry struct {
	d       Delivery
	body    []byte
	header  http.Header // as built: re-signed per attempt unless resign is false
	resign  bool
	tries   int  // attempts of the schedule made so far
	dropped bool // forgotten: no more attempts
}

// WithNotificationClient sets the HTTP client deliveries are posted with
// (default: one with a 10 s timeout that follows no redirect, as the
// gateway does not).
func WithNotificationClient(c *http.Client) Option { return func(o *options) { o.notifyClient = c } }

// defaultNotifyClient posts notifications.
func defaultNotifyClient() *http.Client {
	var rt http.RoundTripper // a pool of its own: no connection shared with the process's other clients
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		rt = t.Clone()
	}
	return &http.Client{
		Transport:     rt,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Deliver makes the notification of eventType about the object id (as
// EventNotification does, to url or the object's notify_url; to the
// forward URL instead while SetForwardURL is set) and delivers it in the
// background: at once, then on DeliverySchedule while the receiver does
// not answer 200 or 204 (what the gateway takes for success; any other
// status, 202 included, is a failure). Every attempt is recorded
// (Deliveries) and signed afresh on the real clock, unless opts make a
// deliberately broken notification, which is sent as built each time.
// Deliver returns once the delivery is queued.
func (s *Server) Deliver(url, eventType, id string, opts ...NotificationOption) (Delivery, error) {
	if fwd := s.ForwardURL(); fwd != "" {
		url = fwd
	}
	req, err := s.EventNotification(url, eventType, id, opts...)
	if err != nil {
		return Delivery{}, err
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return Delivery{}, fmt.Errorf("wechatpaytest: deliver: %w", err)
	}
	var o notifyOptions
	for _, opt := range opts {
		opt(&o)
	}
	e := &deliveryEntry{
		d: Delivery{
			ID: gjson.GetBytes(body, "id").String(), EventType: eventType, ObjectID: id, URL: req.URL.String(),
			State: DeliveryPending, Created: s.now(),
		},
		body:   body,
		header: req.Header,
		resign: !(o.tamper || o.stale || o.probe || o.unknownSerial || o.unsigned),
	}
	s.sb.mu.Lock()
	if s.sb.closed {
		s.sb.mu.Unlock()
		return Delivery{}, errors.New("wechatpaytest: deliver: the server is closed")
	}
	s.addDeliveryLocked(e)
	e.d.NextAttempt = s.now()
	time.AfterFunc(0, func() { s.attempt(e) })
	d := e.copy()
	s.sb.mu.Unlock()
	s.touch()
	return d, nil
}

// addDeliveryLocked keeps e, forgetting the oldest deliveries past the
// count and age limits. Called with s.sb.mu held.
func (s *Server) addDeliveryLocked(e *deliveryEntry) {
	if s.sb.deliveryByID == nil {
		s.sb.deliveryByID = map[string]*deliveryEntry{}
	}
	if old, ok := s.sb.deliveryByID[e.d.ID]; ok { // the same id again (NotifyID): the new one replaces it
		s.dropDeliveryLocked(old)
	}
	s.sb.deliveries = append(s.sb.deliveries, e)
	s.sb.deliveryByID[e.d.ID] = e
	s.pruneDeliveriesLocked()
}

// pruneDeliveriesLocked applies Limits.MaxDeliveries and MaxDeliveryAge.
func (s *Server) pruneDeliveriesLocked() {
	cutoff := s.now().Add(-s.limits.MaxDeliveryAge)
	for len(s.sb.deliveries) > 0 {
		old := s.sb.deliveries[0]
		if len(s.sb.deliveries) <= s.limits.MaxDeliveries && !old.d.Created.Before(cutoff) {
			break
		}
		s.dropDeliveryLocked(old)
	}
}

// dropDeliveryLocked forgets e and cancels its next attempt. The timer is
// not stopped (it may belong to a testing/synctest bubble, where stopping
// it from outside is fatal): it fires, finds e dropped and does nothing;
// e's body goes at once.
func (s *Server) dropDeliveryLocked(e *deliveryEntry) {
	e.dropped, e.body, e.header = true, nil, nil
	if s.sb.deliveryByID[e.d.ID] == e {
		delete(s.sb.deliveryByID, e.d.ID)
	}
	for i, x := range s.sb.deliveries {
		if x == e {
			s.sb.deliveries = append(s.sb.deliveries[:i:i], s.sb.deliveries[i+1:]...)
			break
		}
	}
}

// copy returns a copy of the delivery the caller may change.
func (e *deliveryEntry) copy() Delivery {
	d := e.d
	d.Attempts = append([]DeliveryAttempt(nil), e.d.Attempts...)
	return d
}

// Deliveries returns the deliveries, oldest first: at most
// Limits.MaxDeliveries, none older than Limits.MaxDeliveryAge.
func (s *Server) Deliveries() []Delivery {
	s.sb.mu.Lock()
	defer s.sb.mu.Unlock()
	s.pruneDeliveriesLocked()
	out := make([]Delivery, len(s.sb.deliveries))
	for i, e := range s.sb.deliveries {
		out[i] = e.copy()
	}
	return out
}

// Delivery returns the delivery of the notification id.
func (s *Server) Delivery(id string) (Delivery, bool) {
	s.sb.mu.Lock()
	defer s.sb.mu.Unlock()
	e, ok := s.sb.deliveryByID[id]
	if !ok {
		return Delivery{}, false
	}
	return e.copy(), true
}

// ErrNoDelivery is returned by Resend for a notification id the server
// does not hold (never delivered, or forgotten past the limits).
var ErrNoDelivery = errors.New("wechatpaytest: no such delivery")

// Resend posts the notification id once more, now, with ctx, and records
// the attempt (Resend set). It does not change the schedule of a pending
// delivery unless it succeeds; a failed delivery that a resend gets
// through becomes delivered.
func (s *Server) Resend(ctx context.Context, id string) (DeliveryAttempt, error) {
	s.sb.mu.Lock()
	e, ok := s.sb.deliveryByID[id]
	var m message
	if ok {
		m = e.message()
	}
	s.sb.mu.Unlock()
	if !ok {
		return DeliveryAttempt{}, fmt.Errorf("%w %q", ErrNoDelivery, id)
	}
	a := s.post(ctx, m)
	a.Resend = true
	s.sb.mu.Lock()
	e.addAttempt(a)
	if a.Error == "" && e.d.State != DeliveryDelivered {
		e.d.State, e.d.NextAttempt = DeliveryDelivered, time.Time{} // the scheduled attempt finds it delivered
	}
	s.sb.mu.Unlock()
	s.touch()
	return a, nil
}

// attempt makes the scheduled attempt of e and schedules the next one.
func (s *Server) attempt(e *deliveryEntry) {
	s.sb.mu.Lock()
	if s.sb.closed || e.dropped || e.d.State != DeliveryPending {
		s.sb.mu.Unlock()
		return
	}
	m := e.message()
	s.sb.mu.Unlock()

	a := s.post(s.sb.stop, m)

	s.sb.mu.Lock()
	e.tries++
	e.addAttempt(a)
	switch {
	case e.d.State != DeliveryPending: // a resend got through meanwhile
	case a.Error == "":
		e.d.State, e.d.NextAttempt = DeliveryDelivered, time.Time{}
	case e.tries > len(deliverySchedule):
		e.d.State, e.d.NextAttempt = DeliveryFailed, time.Time{}
	case s.sb.closed || e.dropped:
		e.d.NextAttempt = time.Time{}
	default:
		wait := deliverySchedule[e.tries-1]
		e.d.NextAttempt = s.now().Add(wait)
		time.AfterFunc(wait, func() { s.attempt(e) })
	}
	s.sb.mu.Unlock()
	s.touch()
}

// addAttempt appends a, dropping the oldest resend (or else the oldest
// attempt after the first) past maxAttemptsKept. Called with s.sb.mu held.
func (e *deliveryEntry) addAttempt(a DeliveryAttempt) {
	e.d.Attempts = append(e.d.Attempts, a)
	if len(e.d.Attempts) <= maxAttemptsKept {
		return
	}
	drop := 1
	for i, x := range e.d.Attempts {
		if x.Resend {
			drop = i
			break
		}
	}
	e.d.Attempts = append(e.d.Attempts[:drop:drop], e.d.Attempts[drop+1:]...)
}

// message is what one attempt sends.
type message struct {
	url    string
	body   []byte
	header http.Header
	resign bool
}

// message returns what e's next attempt sends. Called with s.sb.mu held.
func (e *deliveryEntry) message() message {
	return message{url: e.d.URL, body: e.body, header: e.header, resign: e.resign} // post works on a copy of the header
}

// post sends a notification once.
func (s *Server) post(ctx context.Context, m message) (a DeliveryAttempt) {
	a.Time = s.now()
	start := time.Now()
	defer func() { a.Duration = time.Since(start) }()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.url, bytes.NewReader(m.body))
	if err != nil {
		a.Error = err.Error()
		return a
	}
	req.Header = m.header.Clone()
	// A notification is idempotent (the receiver dedupes by id): net/http
	// may then resend it on a fresh connection when a kept-alive one turns
	// out dead before any answer (a receiver restarted on the same port).
	// A nil value is a marker only; nothing is sent.
	req.Header["Idempotency-Key"] = nil
	if m.resign {
		pe := s.signingEntry()
		sh, err := gateway.SignHeaders(ctx, pe.signer, pe.serial, m.body, s.now())
		if err != nil {
			a.Error = err.Error()
			return a
		}
		for k, v := range sh {
			req.Header[k] = v
		}
	}
	resp, err := s.notifyClient.Do(req)
	if err != nil {
		a.Error = strings.TrimPrefix(err.Error(), "Post \""+m.url+"\": ")
		return a
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseKept))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
	a.Status = resp.StatusCode
	a.Response = strings.ToValidUTF8(string(b), string(utf8.RuneError))
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNoContent {
		a.Error = "the receiver answered " + strconv.Itoa(resp.StatusCode) + " (the gateway takes only 200 or 204 for success)"
	}
	return a
}

// SetForwardURL makes every later delivery go to url instead of the
// notify_url it names (as `wxpay sandbox listen --forward-to` does); ""
// stops forwarding.
func (s *Server) SetForwardURL(url string) {
	s.sb.mu.Lock()
	s.sb.forward = url
	s.sb.mu.Unlock()
	s.touch()
}

// ForwardURL returns the URL set by SetForwardURL ("" when none).
func (s *Server) ForwardURL() string {
	s.sb.mu.Lock()
	defer s.sb.mu.Unlock()
	return s.sb.forward
}
