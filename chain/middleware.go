package chain

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/catalog"
	"github.com/chainpay-go/wechatpay/signer"
)

// Call is one call as per-call [Middleware] sees it, before the client
// fills its defaults, checks the options and the catalogue, and signs.
type Call struct {
	// Method is the HTTP method, upper-case. A middleware may change it
	// before calling next.
	Method string
	// Template is the call's normalised path template, e.g.
	// "v3/pay/transactions/id/{transaction_id}" (never the expanded path).
	// Informational: the call goes to Chain's template.
	Template string
	// Options is the options map of the call: a shallow copy of the
	// caller's map, so a middleware may set or delete keys (a timeout, the
	// retries, a header map of its own) without touching the caller's. Values
	// it holds (a "json" map …) are still the caller's: replace them, never
	// change them in place.
	Options O
	// Operation is the catalogue's entry for Method and Template, nil when
	// the call is not catalogued (or the template does not parse).
	Operation *catalog.Operation
	// Chain is the chain the call was made on.
	Chain *Chain

	run *callRun
}

// callRun is what the guards of one call share: the error each layer's next
// returned, so that a middleware's own error is told from one passed through.
type callRun struct{ fromNext []error }

// Handler runs a call: the client's pipeline, or a middleware around it.
type Handler func(ctx context.Context, call *Call) (*Response, error)

// Middleware wraps the handler of every call, like net/http middleware
// wraps an http.Handler: it may look at or change the call (method,
// options), answer it itself without calling next (a cache, a fake), or
// call next and look at the answer. Config.Middleware lists them outermost
// first: the first sees the call first and the answer last. Each is called
// once, by NewClient, to wrap the next one; the handler it returns runs
// once per call, on the calling goroutine, and must be safe for concurrent
// use.
//
// An error a middleware returns itself (not one next returned, wrapped or
// not) ends the call as a *MiddlewareError naming its position. A panic in
// a middleware is not recovered: it unwinds through Do to the caller (in
// the …Async methods, the Future's error says the step panicked), exactly
// as a panic in a call it made would.
type Middleware func(next Handler) Handler

// Attempt is one attempt of a call (retries are attempts too), as an
// [AttemptObserver] sees it once the attempt has ended.
type Attempt struct {
	Method   string
	Template string // never the expanded path
	Number   int    // 1 for the first attempt

	// Request is the signed request as it went on the wire. It has been
	// sent: it is there to be read (its Header, with the Authorization
	// signature, and URL hold secrets and path values: keep them out of
	// logs), and nothing done to it reaches the server.
	Request *http.Request

	// StatusCode, Header and RequestID are the answer's (0, nil and "" when
	// none arrived). The body is the pipeline's to read.
	StatusCode int
	Header     http.Header
	RequestID  string
	// ErrorCode is the code of a non-2xx JSON answer (e.g.
	// "SYSTEM_ERROR"), unverified; "" when none was read (downloads).
	ErrorCode string
	// Err is why the attempt failed without an answer (a connection error,
	// a body cut off); nil when an answer arrived, whatever its status.
	Err error

	Start    time.Time
	Duration time.Duration

	// Retry says another attempt follows, after Wait; RetryReason says why,
	// e.g. "status 503" or "connection error".
	Retry       bool
	Wait        time.Duration
	RetryReason string
}

// AttemptObserver is per-attempt middleware: it runs inside the retry loop,
// after an attempt has been signed and sent and its answer (or error) is in,
// once per attempt, on the calling goroutine, in the order of
// Config.AttemptObservers. It observes only: a signed request cannot be
// changed behind its signature. An error it returns ends the call (no further
// retry) as a *MiddlewareError naming its position; a panic is not
// recovered, as for Middleware.
type AttemptObserver func(ctx context.Context, a *Attempt) error

// MiddlewareError is the error of a call ended by a middleware's own error.
type MiddlewareError struct {
	Method   string
	Template string
	// Stage is "call" (Config.Middleware) or "attempt"
	// (Config.AttemptObservers); Position is the index in that list.
	Stage    string
	Position int
	Attempt  int // the attempt observed, for Stage "attempt"
	Err      error
}

func (e *MiddlewareError) Error() string {
	var b strings.Builder
	b.WriteString("chain: ")
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.Template)
	if e.Stage == "attempt" {
		fmt.Fprintf(&b, ": attempt observer %d (after attempt %d): %v", e.Position, e.Attempt, e.Err)
	} else {
		fmt.Fprintf(&b, ": middleware %d: %v", e.Position, e.Err)
	}
	return b.String()
}

func (e *MiddlewareError) Unwrap() error { return e.Err }

// compose builds the handler of a client with middleware (nil without).
func (c *Client) compose(mws []Middleware) Handler {
	if len(mws) == 0 {
		return nil
	}
	h := Handler(c.terminal)
	for i := len(mws) - 1; i >= 0; i-- {
		if mws[i] == nil {
			continue
		}
		h = guard(i, mws[i], h)
	}
	return h
}

// guard wraps middleware number i: it notes what next returned, so that an
// error the middleware made itself is wrapped with its position.
func guard(i int, mw Middleware, next Handler) Handler {
	noted := func(ctx context.Context, call *Call) (*Response, error) {
		resp, err := next(ctx, call)
		if call.run != nil {
			call.run.fromNext[i] = err
		}
		return resp, err
	}
	h := mw(noted)
	if h == nil {
		panic(fmt.Sprintf("chain: Config.Middleware[%d] returned a nil Handler", i))
	}
	return func(ctx context.Context, call *Call) (*Response, error) {
		if call.run != nil {
			call.run.fromNext[i] = nil
		}
		resp, err := h(ctx, call)
		if err == nil {
			return resp, nil
		}
		var prev error
		if call.run != nil {
			prev = call.run.fromNext[i]
		}
		if prev != nil && errors.Is(err, prev) {
			return resp, err
		}
		var me *MiddlewareError
		if errors.As(err, &me) {
			return resp, err // an inner middleware's, returned by this one
		}
		return nil, &MiddlewareError{Method: call.Method, Template: call.Template, Stage: "call", Position: i, Err: err}
	}
}

// newCall is the Call of ch for method and opts (a shallow copy of opts).
func (c *Client) newCall(ch *Chain, method string, opts O) *Call {
	call := &Call{Method: strings.ToUpper(method), Options: copyOptions(opts, 0), Chain: ch,
		run: &callRun{fromNext: make([]error, len(c.middleware))}}
	if tpl, err := ch.template(); err == nil {
		call.Template = tpl.String()
		if op, ok := catalog.Lookup(call.Method, call.Template); ok {
			call.Operation = &op
		}
	}
	return call
}

// terminal is the innermost handler: the pipeline itself.
func (c *Client) terminal(ctx context.Context, call *Call) (*Response, error) {
	ch := call.Chain
	if ch == nil {
		return nil, errors.New("chain: a middleware called next with a Call without a Chain")
	}
	if ch.c != c {
		return ch.c.terminal(ctx, call)
	}
	req, err := ch.newRequest(call.Method, c.withDefaults(ch, call.Method, call.Options))
	if err != nil {
		return nil, err
	}
	return c.do(ctx, req)
}

// runCall runs a call through the client's middleware.
func (c *Client) runCall(ctx context.Context, ch *Chain, method string, opts O) (*Response, error) {
	return c.handler(ctx, c.newCall(ch, method, opts))
}

// observe runs the attempt observers on an ended attempt; the first error
// ends the call.
func (c *Client) observe(ctx context.Context, a *Attempt) error {
	for i, ob := range c.observers {
		if ob == nil {
			continue
		}
		if err := ob(ctx, a); err != nil {
			return &MiddlewareError{Method: a.Method, Template: a.Template, Stage: "attempt", Position: i, Attempt: a.Number, Err: err}
		}
	}
	return nil
}

// observeAttempt builds the Attempt of call's current attempt and runs the
// observers (the pipeline calls it only when there are some). wait < 0: no
// retry follows.
func (c *Client) observeAttempt(call *callState, number int, hr *http.Response, body []byte, err error, wait time.Duration) error {
	st := call.cur
	a := &Attempt{Method: call.req.method, Template: call.req.template, Number: number,
		Request: st.hr, Err: err, Start: st.start, Duration: time.Since(st.start),
		Retry: wait >= 0, Wait: max(wait, 0)}
	if hr != nil && err != errReplayed {
		a.StatusCode, a.Header, a.RequestID = hr.StatusCode, hr.Header, hr.Header.Get(signer.HeaderRequestID)
		if a.StatusCode >= 300 && len(body) > 0 {
			a.ErrorCode = gjson.GetBytes(body, "code").String()
		}
	}
	if a.Retry {
		switch {
		case err == errReplayed:
			a.RetryReason = "resent by net/http with the same signature"
		case err != nil:
			a.RetryReason = "connection error"
		case a.StatusCode != 0:
			a.RetryReason = "status " + strconv.Itoa(a.StatusCode)
		}
	}
	return c.observe(call.ctx, a)
}

// attemptErr is the failure of the last attempt: signing, the transport,
// or none (an answer arrived).
func attemptErr(st *attemptState, err error) error {
	switch {
	case st.signErr != nil:
		return st.signErr
	case st.err != nil:
		return st.err
	case err != nil && !errors.Is(err, errStopRetrying):
		return unwrapURLError(err)
	}
	return nil
}

// copyOptions returns a new map holding opts' entries, with room for extra
// more. A loop rather than maps.Clone: the caller's map then does not
// escape (only its values), which keeps the options map of a call without
// middleware on the caller's stack.
func copyOptions(opts O, extra int) O {
	out := make(O, len(opts)+extra)
	for k, v := range opts {
		out[k] = v
	}
	return out
}

// answerBody is the body resty read for an attempt (nil for a streamed one).
func answerBody(rr *resty.Response, stream bool) []byte {
	if stream || rr == nil || rr.RawResponse == nil {
		return nil
	}
	return rr.Body()
}
