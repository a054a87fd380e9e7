package wechatpaytest

import (
	"encoding/json"
	"net/http"
	"time"
)

// Faults returns the injected faults with uses left, in the order they
// apply; Times is the uses left (-1: until ClearFaults).
func (s *Server) Faults() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Fault, len(s.faults))
	for i, f := range s.faults {
		out[i] = f.Fault
		out[i].Times = f.left
		if f.left < 0 {
			out[i].Times = -1
		}
	}
	return out
}

// adminFault is a Fault in the admin API.
type adminFault struct {
	Route          string          `json:"route"`
	Times          int             `json:"times"`
	Status         int             `json:"status,omitempty"`
	Body           json.RawMessage `json:"body,omitempty"`
	RetryAfter     string          `json:"retry_after,omitempty"`
	Delay          string          `json:"delay,omitempty"`
	Drop           bool            `json:"drop,omitempty"`
	Cut            bool            `json:"cut,omitempty"`
	Tamper         bool            `json:"tamper,omitempty"`
	StaleTimestamp bool            `json:"stale_timestamp,omitempty"`
	UnknownSerial  bool            `json:"unknown_serial,omitempty"`
	Unsigned       bool            `json:"unsigned,omitempty"`
	ProbeSignature bool            `json:"probe_signature,omitempty"`
}

func toAdminFault(f Fault) adminFault {
	a := adminFault{Route: f.Route, Times: f.Times, Status: f.Status, Drop: f.Drop, Cut: f.Cut, Tamper: f.Tamper,
		StaleTimestamp: f.StaleTimestamp, UnknownSerial: f.UnknownSerial, Unsigned: f.Unsigned, ProbeSignature: f.ProbeSignature}
	if f.Body != nil {
		b, err := encodeBody(f.Body)
		if err != nil || !json.Valid(b) { // a text body: shown as a JSON string
			b, _ = json.Marshal(string(b))
		}
		a.Body = b
	}
	if f.RetryAfter > 0 {
		a.RetryAfter = f.RetryAfter.String()
	}
	if f.Delay > 0 {
		a.Delay = f.Delay.String()
	}
	return a
}

// maxAdminFaults bounds the faults the admin API injects.
const maxAdminFaults = 1000

// maxAdminDelay bounds a Delay set through the admin API.
const maxAdminDelay = 10 * time.Minute

// GET faults
func (s *Server) adminFaults(*http.Request) (int, any, error) {
	fs := s.Faults()
	out := make([]adminFault, len(fs))
	for i, f := range fs {
		out[i] = toAdminFault(f)
	}
	return http.StatusOK, map[string]any{"faults": out}, nil
}

// POST faults {route,times,status,body,retry_after,delay,drop,cut,tamper,stale_timestamp,unknown_serial,unsigned,probe_signature}
func (s *Server) adminInject(r *http.Request) (int, any, error) {
	var in adminFault
	if err := decodeAdmin(r, &in); err != nil {
		return 0, nil, err
	}
	f := Fault{Route: in.Route, Times: in.Times, Status: in.Status, Drop: in.Drop, Cut: in.Cut, Tamper: in.Tamper,
		StaleTimestamp: in.StaleTimestamp, UnknownSerial: in.UnknownSerial, Unsigned: in.Unsigned, ProbeSignature: in.ProbeSignature}
	if in.Status != 0 && (in.Status < 200 || in.Status > 599) {
		return 0, nil, adminErrorf(http.StatusBadRequest, "body: status %d is not a final HTTP status (200-599)", in.Status)
	}
	if len(in.Body) > 0 {
		if in.Status == 0 {
			return 0, nil, adminErrorf(http.StatusBadRequest, "body: body needs a status")
		}
		f.Body = []byte(in.Body)
	}
	var err error
	if in.RetryAfter != "" {
		if f.RetryAfter, err = parseDuration("retry_after", in.RetryAfter); err != nil {
			return 0, nil, err
		}
	}
	if in.Delay != "" {
		if f.Delay, err = parseDuration("delay", in.Delay); err != nil {
			return 0, nil, err
		}
		if f.Delay > maxAdminDelay || f.Delay < 0 {
			return 0, nil, adminErrorf(http.StatusBadRequest, "body: delay %v is not between 0 and %v", f.Delay, maxAdminDelay)
		}
	}
	if f.Status == 0 && f.Delay == 0 && !f.Drop && !f.Cut && !f.Tamper && !f.StaleTimestamp && !f.UnknownSerial && !f.Unsigned && !f.ProbeSignature {
		return 0, nil, adminErrorf(http.StatusBadRequest, "body: the fault does nothing (set status, delay, drop, cut, tamper, stale_timestamp, unknown_serial, unsigned or probe_signature)")
	}
	if s.PendingFaults() >= maxAdminFaults {
		return 0, nil, adminErrorf(http.StatusBadRequest, "%d faults already; DELETE faults first", maxAdminFaults)
	}
	s.Inject(f)
	return http.StatusCreated, toAdminFault(f), nil
}
