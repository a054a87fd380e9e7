package wechatpaytest

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// adminRoutes maps the admin API's patterns (net/http.ServeMux syntax) to
// their functions.
func (s *Server) adminRoutes() map[string]adminFunc {
	p := func(method, path string) string { return method + " " + AdminPrefix + path }
	return map[string]adminFunc{
		p("GET", "records"):                    s.adminRecords,
		p("DELETE", "records"):                 func(*http.Request) (int, any, error) { s.ResetRequests(); return http.StatusNoContent, nil, nil },
		p("GET", "notifications"):              s.adminDeliveries,
		p("POST", "notifications"):             s.adminDeliver,
		p("GET", "notifications/{id}"):         s.adminDelivery,
		p("POST", "notifications/{id}/resend"): s.adminResend,
		p("GET", "rules"):                      s.adminRules,
		p("POST", "rules"):                     s.adminAddRule,
		p("DELETE", "rules"):                   func(*http.Request) (int, any, error) { s.ClearOutcomeRules(); return http.StatusNoContent, nil, nil },
		p("DELETE", "rules/{id}"):              s.adminRemoveRule,
		p("GET", "clock"):                      func(*http.Request) (int, any, error) { return http.StatusOK, s.adminClockState(), nil },
		p("POST", "clock/advance"):             s.adminAdvance,
		p("GET", "scenarios"): func(*http.Request) (int, any, error) {
			return http.StatusOK, map[string]any{"scenarios": s.Scenarios()}, nil
		},
		p("POST", "reset"):    s.adminReset,
		p("GET", "faults"):    s.adminFaults,
		p("POST", "faults"):   s.adminInject,
		p("DELETE", "faults"): func(*http.Request) (int, any, error) { s.ClearFaults(); return http.StatusNoContent, nil, nil },
		p("POST", "trigger"):  s.adminTrigger,
		p("GET", "events"): func(*http.Request) (int, any, error) {
			return http.StatusOK, map[string]any{"event_types": EventTypes(), "triggers": TriggerEvents()}, nil
		},
		p("GET", "forward"):    s.adminForward,
		p("PUT", "forward"):    s.adminSetForward,
		p("DELETE", "forward"): func(r *http.Request) (int, any, error) { s.SetForwardURL(""); return s.adminForward(r) },
		p("GET", "changes"):    s.adminChanges,
	}
}

// ms is a duration in milliseconds, for JSON.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// adminRecord is a RecordedRequest in the admin API.
type adminRecord struct {
	Seq           uint64              `json:"seq"`
	Time          time.Time           `json:"time"`
	Method        string              `json:"method"`
	URI           string              `json:"uri"`
	Pattern       string              `json:"pattern"`
	Status        int                 `json:"status"`
	DurationMS    float64             `json:"duration_ms"`
	Authenticated bool                `json:"authenticated"`
	RequestID     string              `json:"request_id"`
	Header        map[string][]string `json:"header"`
	Body          string              `json:"body"`
	BodySize      int                 `json:"body_size"`
	Truncated     bool                `json:"truncated"`
	Notes         []string            `json:"notes"`
	Outcome       string              `json:"outcome"`
}

func toAdminRecord(r RecordedRequest) adminRecord {
	notes := r.Notes
	if notes == nil {
		notes = []string{}
	}
	return adminRecord{
		Seq: r.Seq, Time: r.Time, Method: r.Method, URI: r.URI, Pattern: r.Pattern, Status: r.Status,
		DurationMS: ms(r.Duration), Authenticated: r.Authenticated, RequestID: r.RequestID,
		Header: r.MaskedHeader(), Body: strings.ToValidUTF8(string(r.Body), string(utf8.RuneError)),
		BodySize: r.BodySize, Truncated: r.Truncated, Notes: notes, Outcome: r.Outcome,
	}
}

// queryInt reads a non-negative integer query parameter (def when absent).
func queryInt(r *http.Request, name string, def uint64) (uint64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, adminErrorf(http.StatusBadRequest, "query %s: %q is not a non-negative integer", name, truncate(v, 20))
	}
	return n, nil
}

// GET records?after=SEQ&limit=N (default 100, at most 1000)
func (s *Server) adminRecords(r *http.Request) (int, any, error) {
	after, err := queryInt(r, "after", 0)
	if err != nil {
		return 0, nil, err
	}
	limit, err := queryInt(r, "limit", 100)
	if err != nil {
		return 0, nil, err
	}
	if limit == 0 || limit > 1000 {
		limit = 1000
	}
	rev := s.Revision()
	recs := s.RequestsAfter(after, int(limit))
	out := make([]adminRecord, len(recs))
	for i, rec := range recs {
		out[i] = toAdminRecord(rec)
	}
	return http.StatusOK, map[string]any{"records": out, "revision": rev}, nil
}

// adminAttempt is a DeliveryAttempt in the admin API.
type adminAttempt struct {
	Time       time.Time `json:"time"`
	Status     int       `json:"status"`
	Error      string    `json:"error"`
	Response   string    `json:"response"`
	DurationMS float64   `json:"duration_ms"`
	Resend     bool      `json:"resend"`
}

// adminDeliveryJSON is a Delivery in the admin API.
type adminDeliveryJSON struct {
	ID          string         `json:"id"`
	EventType   string         `json:"event_type"`
	ObjectID    string         `json:"object_id"`
	URL         string         `json:"url"`
	State       string         `json:"state"`
	Created     time.Time      `json:"created"`
	NextAttempt *time.Time     `json:"next_attempt"`
	Attempts    []adminAttempt `json:"attempts"`
}

func toAdminAttempt(a DeliveryAttempt) adminAttempt {
	return adminAttempt{Time: a.Time, Status: a.Status, Error: a.Error, Response: a.Response, DurationMS: ms(a.Duration), Resend: a.Resend}
}

func toAdminDelivery(d Delivery) adminDeliveryJSON {
	out := adminDeliveryJSON{ID: d.ID, EventType: d.EventType, ObjectID: d.ObjectID, URL: d.URL, State: d.State, Created: d.Created,
		Attempts: make([]adminAttempt, len(d.Attempts))}
	if !d.NextAttempt.IsZero() {
		next := d.NextAttempt
		out.NextAttempt = &next
	}
	for i, a := range d.Attempts {
		out.Attempts[i] = toAdminAttempt(a)
	}
	return out
}

// GET notifications
func (s *Server) adminDeliveries(*http.Request) (int, any, error) {
	ds := s.Deliveries()
	out := make([]adminDeliveryJSON, len(ds))
	for i, d := range ds {
		out[i] = toAdminDelivery(d)
	}
	return http.StatusOK, map[string]any{"notifications": out}, nil
}

// GET notifications/{id}
func (s *Server) adminDelivery(r *http.Request) (int, any, error) {
	d, ok := s.Delivery(r.PathValue("id"))
	if !ok {
		return 0, nil, adminErrorf(http.StatusNotFound, "no notification %q", truncate(r.PathValue("id"), 64))
	}
	return http.StatusOK, toAdminDelivery(d), nil
}

// POST notifications {"event_type","id","url"}
func (s *Server) adminDeliver(r *http.Request) (int, any, error) {
	var in struct {
		EventType string `json:"event_type"`
		ID        string `json:"id"`
		URL       string `json:"url"`
	}
	if err := decodeAdmin(r, &in); err != nil {
		return 0, nil, err
	}
	if in.EventType == "" || in.ID == "" {
		return 0, nil, adminErrorf(http.StatusBadRequest, "body: event_type and id are required")
	}
	if in.URL != "" {
		if err := checkURL("url", in.URL); err != nil {
			return 0, nil, err
		}
	}
	d, err := s.Deliver(in.URL, in.EventType, in.ID)
	if err != nil {
		return 0, nil, adminErrorf(http.StatusBadRequest, "%s", strings.TrimPrefix(err.Error(), "wechatpaytest: "))
	}
	return http.StatusAccepted, toAdminDelivery(d), nil
}

// POST notifications/{id}/resend
func (s *Server) adminResend(r *http.Request) (int, any, error) {
	a, err := s.Resend(r.Context(), r.PathValue("id"))
	if errors.Is(err, ErrNoDelivery) {
		return 0, nil, adminErrorf(http.StatusNotFound, "no notification %q", truncate(r.PathValue("id"), 64))
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toAdminAttempt(a), nil
}

// adminRule is an OutcomeRule in the admin API.
type adminRule struct {
	ID      string `json:"id"`
	Route   string `json:"route"`
	Times   int    `json:"times"`
	Left    int    `json:"left"`
	Status  int    `json:"status"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func toAdminRule(r OutcomeRule) adminRule {
	return adminRule{ID: r.ID, Route: r.Route, Times: r.Times, Left: r.Left, Status: r.Status, Code: r.Code, Message: r.Message}
}

// GET rules
func (s *Server) adminRules(*http.Request) (int, any, error) {
	rules := s.OutcomeRules()
	out := make([]adminRule, len(rules))
	for i, r := range rules {
		out[i] = toAdminRule(r)
	}
	return http.StatusOK, map[string]any{"rules": out}, nil
}

// POST rules {route,times,status,code,message}
func (s *Server) adminAddRule(r *http.Request) (int, any, error) {
	var in struct {
		Route   string `json:"route"`
		Times   int    `json:"times"`
		Status  int    `json:"status"`
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if err := decodeAdmin(r, &in); err != nil {
		return 0, nil, err
	}
	rule, err := s.AddOutcomeRule(OutcomeRule{Route: in.Route, Times: in.Times, Outcome: Outcome{Status: in.Status, Code: in.Code, Message: in.Message}})
	if err != nil {
		return 0, nil, adminErrorf(http.StatusBadRequest, "%s", strings.TrimPrefix(err.Error(), "wechatpaytest: "))
	}
	return http.StatusCreated, toAdminRule(rule), nil
}

// DELETE rules/{id}
func (s *Server) adminRemoveRule(r *http.Request) (int, any, error) {
	if !s.RemoveOutcomeRule(r.PathValue("id")) {
		return 0, nil, adminErrorf(http.StatusNotFound, "no rule %q", truncate(r.PathValue("id"), 64))
	}
	return http.StatusNoContent, nil, nil
}

// adminClock is the clock in the admin API.
type adminClock struct {
	Now           time.Time `json:"now"`
	Real          time.Time `json:"real"`
	Offset        string    `json:"offset"`
	OffsetSeconds float64   `json:"offset_seconds"`
}

func (s *Server) adminClockState() adminClock {
	real := s.Now()
	off := s.ClockOffset()
	return adminClock{Now: real.Add(off), Real: real, Offset: off.String(), OffsetSeconds: off.Seconds()}
}

// POST clock/advance {"duration":"2h"}
func (s *Server) adminAdvance(r *http.Request) (int, any, error) {
	var in struct {
		Duration string `json:"duration"`
	}
	if err := decodeAdmin(r, &in); err != nil {
		return 0, nil, err
	}
	d, err := parseDuration("duration", in.Duration)
	if err != nil {
		return 0, nil, err
	}
	if _, err := s.Advance(d); err != nil {
		return 0, nil, adminErrorf(http.StatusBadRequest, "%s", strings.TrimPrefix(err.Error(), "wechatpaytest: "))
	}
	return http.StatusOK, s.adminClockState(), nil
}

// parseDuration reads a Go duration ("90s", "2h30m"); "" is an error.
func parseDuration(field, v string) (time.Duration, error) {
	if v == "" {
		return 0, adminErrorf(http.StatusBadRequest, "body: %s is required (a duration such as \"90s\" or \"2h\")", field)
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, adminErrorf(http.StatusBadRequest, "body: %s %q is not a duration such as \"90s\" or \"2h\"", field, truncate(v, 20))
	}
	return d, nil
}

// POST reset {"scenario": ""}
func (s *Server) adminReset(r *http.Request) (int, any, error) {
	var in struct {
		Scenario string `json:"scenario"`
	}
	if err := decodeAdmin(r, &in); err != nil {
		return 0, nil, err
	}
	if err := s.Reset(in.Scenario); err != nil {
		return 0, nil, adminErrorf(http.StatusBadRequest, "%s", strings.TrimPrefix(err.Error(), "wechatpaytest: "))
	}
	return http.StatusNoContent, nil, nil
}

// POST trigger {"event_type","url","id","total"}
func (s *Server) adminTrigger(r *http.Request) (int, any, error) {
	var in struct {
		EventType string `json:"event_type"`
		URL       string `json:"url"`
		ID        string `json:"id"`
		Total     int64  `json:"total"`
	}
	if err := decodeAdmin(r, &in); err != nil {
		return 0, nil, err
	}
	if in.URL != "" {
		if err := checkURL("url", in.URL); err != nil {
			return 0, nil, err
		}
	}
	// The fixture's calls go through the network: not bound to the admin
	// request's connection, but bounded.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 30*time.Second)
	defer cancel()
	res, err := s.Trigger(ctx, in.EventType, TriggerOptions{URL: in.URL, ID: in.ID, Total: in.Total})
	if err != nil {
		return 0, nil, adminErrorf(http.StatusBadRequest, "%s", strings.TrimPrefix(err.Error(), "wechatpaytest: "))
	}
	return http.StatusOK, map[string]any{"event_type": res.EventType, "object_id": res.ObjectID, "calls": res.Calls, "delivery": toAdminDelivery(res.Delivery)}, nil
}

// GET forward
func (s *Server) adminForward(*http.Request) (int, any, error) {
	return http.StatusOK, map[string]string{"url": s.ForwardURL()}, nil
}

// PUT forward {"url"}
func (s *Server) adminSetForward(r *http.Request) (int, any, error) {
	var in struct {
		URL string `json:"url"`
	}
	if err := decodeAdmin(r, &in); err != nil {
		return 0, nil, err
	}
	if err := checkURL("url", in.URL); err != nil {
		return 0, nil, err
	}
	s.SetForwardURL(in.URL)
	return s.adminForward(r)
}

// checkURL accepts an absolute http or https URL.
func checkURL(field, v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return adminErrorf(http.StatusBadRequest, "body: %s %q is not an absolute http or https URL", field, truncate(v, 100))
	}
	return nil
}

// maxChangesWait bounds a long poll.
const maxChangesWait = 60 * time.Second

// GET changes?since=REV&wait=25s
func (s *Server) adminChanges(r *http.Request) (int, any, error) {
	since, err := queryInt(r, "since", 0)
	if err != nil {
		return 0, nil, err
	}
	wait := 25 * time.Second
	if v := r.URL.Query().Get("wait"); v != "" {
		if wait, err = time.ParseDuration(v); err != nil || wait < 0 {
			return 0, nil, adminErrorf(http.StatusBadRequest, "query wait: %q is not a duration such as \"25s\"", truncate(v, 20))
		}
	}
	wait = min(wait, maxChangesWait)
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		ch := s.Changed()
		if rev := s.Revision(); rev > since {
			return http.StatusOK, map[string]uint64{"revision": rev}, nil
		}
		select {
		case <-ch:
		case <-timer.C:
			return http.StatusOK, map[string]uint64{"revision": s.Revision()}, nil
		case <-r.Context().Done():
			return http.StatusOK, map[string]uint64{"revision": s.Revision()}, nil
		case <-s.closing:
			return http.StatusOK, map[string]uint64{"revision": s.Revision()}, nil
		}
	}
}
