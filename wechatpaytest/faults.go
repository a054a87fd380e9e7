package wechatpaytest

import "time"

// Fault describes how the server misbehaves for matching requests. Faults
// apply to authenticated requests only (a request the gateway refuses gets
// its SIGN_ERROR), in the order they were injected; the first one that
// matches a request is used and counts one of its Times.
//
// Status, Drop, Cut and Delay act before the route's handler (with Status,
// Drop or Cut the handler is not called); Tamper, StaleTimestamp, UnknownSerial,
// Unsigned and ProbeSignature change how the answer (the handler's, or the
// injected Status) is signed. The unsigned downloads ignore the signing
// faults except Tamper.
type Fault struct {
	// Route selects requests: "" for every request, "METHOD /path" or
	// "/path" where path is a route pattern ("/v3/refund/domestic/refunds/{out_refund_no}")
	// or a concrete decoded path ("/v3/refund/domestic/refunds/R1").
	Route string
	// Times is how many matching requests the fault applies to: 0 means
	// once, a negative number means until ClearFaults.
	Times int

	// Status answers with this status and an error body (Body, or the
	// gateway's code for the status: 429 FREQUENCY_LIMITED, 500 SYSTEM_ERROR,
	// 502/503/504 SERVICE_UNAVAILABLE, …) instead of calling the handler.
	Status int
	// Body replaces the default error body of Status (any Handler body).
	Body any
	// RetryAfter adds a Retry-After header (whole seconds, rounded up) to a Status answer.
	RetryAfter time.Duration
	// Delay waits this long before answering (or before Drop).
	Delay time.Duration
	// Drop closes the connection without an answer. Note that net/http's
	// Transport silently resends an idempotent request (GET) once when a
	// reused keep-alive connection closes before any answer byte — with the
	// same Authorization, so the simulator then answers 401 SIGN_ERROR for
	// the replayed nonce, as the gateway would (the library's client signs
	// such a resend again, and retries a dropped connection). Use Cut for a
	// failure an HTTP client always sees.
	Drop bool
	// Cut sends the status line, headers and the first byte of a 200 answer
	// announcing a longer body, then closes the connection: an HTTP client
	// always sees a broken answer (unexpected EOF), never a silent resend.
	// The library's client retries it like any broken connection, so only a
	// Cut on every attempt reaches the caller (see the package doc).
	Cut bool

	// Tamper changes the body after it was signed (an empty body keeps its
	// body and gets a different Wechatpay-Nonce). On the unsigned downloads
	// (bill file, image) it flips the first byte of the content.
	Tamper bool
	// StaleTimestamp signs with a timestamp ten minutes before the server clock.
	StaleTimestamp bool
	// UnknownSerial names a key the client does not know in Wechatpay-Serial.
	UnknownSerial bool
	// Unsigned sends no Wechatpay-* headers.
	Unsigned bool
	// ProbeSignature sends a WECHATPAY/SIGNTEST/… signature, as WeChat Pay's probes do.
	ProbeSignature bool
}

type faultEntry struct {
	Fault
	method, path string
	left         int // < 0: forever
}

// Inject adds a fault. See Fault.
func (s *Server) Inject(f Fault) {
	e := &faultEntry{Fault: f, left: f.Times}
	if e.left == 0 {
		e.left = 1
	}
	e.method, e.path = splitRoute(f.Route)
	s.mu.Lock()
	s.faults = append(s.faults, e)
	s.mu.Unlock()
	s.touch()
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
	s.touch()
}

// PendingFaults reports how many injected faults still have uses left
// (a fault injected with a negative Times counts as one).
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.faults)
}

// takeFault finds the first fault for the request and uses it once.
func (s *Server) takeFault(method, pattern, path string) *faultEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if !routeMatches(f.method, f.path, method, pattern, path) {
			continue
		}
		if f.left > 0 {
			f.left--
			if f.left == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return f
	}
	return nil
}
