package chain

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/signer"
)

// callKey carries a call's state from roundTrip to the resty hooks and
// retry callbacks, through the request context: resty v2's pre-request hook
// sees only the *http.Request.
type callKey struct{}

// callState is one call: what every attempt signs, and the attempt in
// flight, made afresh by signHook for each attempt. It is also the
// context of the call's requests: the call's context, whose Value gives
// the callState for callKey (a context.WithValue less per call).
type callState struct {
	req     *request
	ctx     context.Context // the call's context, its timeout included
	cur     *attemptState   // the current (finally: the last) attempt
	logged  bool            // cur was logged when its retry was decided
	waiting bool            // a retry wait was decided after cur
	mwErr   error           // an attempt observer's error: it ends the call
	fo      failoverCall    // the host of each attempt (failover.go)
	first   attemptState    // the first attempt's state (no allocation of its own)
}

func (call *callState) Deadline() (time.Time, bool) { return call.ctx.Deadline() }
func (call *callState) Done() <-chan struct{}       { return call.ctx.Done() }
func (call *callState) Err() error                  { return call.ctx.Err() }

// Value is the call's context's Value, and the callState itself for callKey.
func (call *callState) Value(key any) any {
	if _, ok := key.(callKey); ok {
		return call
	}
	return call.ctx.Value(key)
}

func callOf(ctx context.Context) *callState {
	call, _ := ctx.Value(callKey{}).(*callState)
	return call
}

type attemptState struct {
	signBody []byte
	start    time.Time
	signErr  error
	err      error         // the attempt's failure (connection, answer body, replay), as the retry condition saw it
	hr       *http.Request // the request signHook signed
	conns    int           // connections net/http took for it (GotConn)

	mu       sync.Mutex // WroteHeaderField runs on net/http's writing goroutine
	sent     []string   // Authorization values written, one per try
	replayed bool       // a try went out with an earlier try's Authorization
}

// wroteHeader is the WroteHeaderField hook: it notices a try that repeats an
// earlier try's signature (net/http resending a copy of the request that
// resign could not reach, e.g. behind a transport that clones requests).
func (st *attemptState) wroteHeader(key string, values []string) {
	if len(values) == 0 || !strings.EqualFold(key, "Authorization") {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if slices.Contains(st.sent, values[0]) {
		st.replayed = true
	}
	st.sent = append(st.sent, values[0])
}

func (st *attemptState) wasReplayed() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.replayed
}

// errReplayed is the transport error of an attempt that net/http resent
// with the same signature; its answer (typically 401 for a reused nonce) is
// discarded and the attempt retried like a connection error.
var errReplayed = errors.New("net/http resent the request with the same nonce after a connection failure; its answer was discarded")

// signHook is resty's pre-request hook: it runs after resty has built the
// final *http.Request, on every attempt, so the signature covers exactly the
// RequestURI and the bytes that go on the wire, with a fresh nonce and
// timestamp each time. Nothing re-encodes the URL after this point.
func (c *Client) signHook(_ *resty.Client, hr *http.Request) error {
	call := callOf(hr.Context())
	if call == nil {
		return errors.New("chain: internal error: request without call state")
	}
	st := &call.first
	if call.cur != nil {
		st = &attemptState{}
	}
	st.signBody, st.start = call.req.signBody, time.Now()
	call.cur, call.logged, call.waiting = st, false, false
	if call.req.v2 != nil {
		// APIv2: the body carries its own sign; no Authorization.
		noReplay(hr)
		return nil
	}
	if c.fo != nil {
		c.fo.route(call, hr) // the host, before the signature
	}
	// The connection hooks of this attempt (resign, replay detection), only
	// where net/http may resend the request by itself: it never resends one
	// whose body it cannot rewind (body bytes, GetBody cleared below). They
	// cost about a dozen allocations a call.
	if mayResend(hr) {
		*hr = *hr.WithContext(httptrace.WithClientTrace(hr.Context(), &httptrace.ClientTrace{
			GotConn:          func(httptrace.GotConnInfo) { c.resign(st) },
			WroteHeaderField: st.wroteHeader,
		}))
	}
	auth, err := c.auth.Authorize(hr.Context(), hr.Method, hr.URL.RequestURI(), st.signBody)
	if err != nil {
		st.signErr = hideTarget(err, hr.URL.RequestURI())
		return st.signErr
	}
	hr.Header.Set("Authorization", auth)
	st.hr = hr
	noReplay(hr)
	return nil
}

// bodyHook is resty's OnBeforeRequest hook: each attempt gets its body
// bytes in a reader of its own, a *bytes.Reader, which net/http sends
// with its Content-Length. (Given the bytes themselves, resty copies them
// twice per attempt, into a buffer and again into the request.)
func (c *Client) bodyHook(_ *resty.Client, r *resty.Request) error {
	call := callOf(r.Context())
	if call == nil {
		return errors.New("chain: internal error: request without call state")
	}
	if call.req.body != nil {
		r.Body = bytes.NewReader(call.req.body)
	}
	return nil
}

// noReplay: a request with body bytes is not resent by net/http itself (no
// GetBody); the retry loop in send re-signs it. A request without a body
// goes out as one: no body at all for GET/DELETE (HTTP/2: the stream ends
// with the headers), "Content-Length: 0" for POST/PUT/PATCH (resty puts an
// empty reader there, which net/http would send chunked). net/http may
// resend such a request on a new connection when a reused one dies; resign
// then gives it a fresh nonce and signature.
func noReplay(hr *http.Request) {
	hr.GetBody = nil
	if hr.ContentLength == 0 {
		hr.Body = http.NoBody
	}
}

// mayResend tells whether net/http could try hr again on its own: a request
// without body bytes (net/http can "rewind" it), or one with an idempotent
// method (kept for safety, should net/http ever rewind more).
func mayResend(hr *http.Request) bool {
	if hr.Body == nil || hr.Body == http.NoBody || hr.ContentLength == 0 {
		return true
	}
	switch hr.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// resign is the GotConn hook of every attempt that mayResend. net/http's Transport (HTTP/1
// and HTTP/2) takes a connection for each try of a request, and silently
// tries a replayable request again, with the same headers, when a reused
// connection dies or the server refuses the stream: the same nonce, which
// the gateway refuses as a replay. From the second connection on, the
// request is signed again (before its headers are written: the previous
// try has ended). If signing fails, the Authorization header is dropped
// (the try then fails at the gateway) and the signing error is reported.
func (c *Client) resign(st *attemptState) {
	st.conns++
	hr := st.hr
	if st.conns == 1 || hr == nil {
		return
	}
	auth, err := c.auth.Authorize(hr.Context(), hr.Method, hr.URL.RequestURI(), st.signBody)
	if err != nil {
		st.signErr = hideTarget(err, hr.URL.RequestURI())
		hr.Header.Del("Authorization")
		return
	}
	hr.Header.Set("Authorization", auth)
}

// do runs a call to completion: send (sign, retry), read, verify. A
// connection that breaks while the answer is read is retried like any other
// connection error.
func (c *Client) do(ctx context.Context, req *request) (*Response, error) {
	if req.v2 != nil {
		return c.doV2(ctx, req)
	}
	resp, body, _, err := c.roundTrip(ctx, req, true)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close() // releases the timeout
	return c.finish(req, resp, body)
}

// send is the shared pipeline: it signs and sends req, retrying 5xx, 429 and
// connection errors, and returns the final answer with its body UNREAD (any
// status). The caller must close resp.Body; closing it also releases the
// call's timeout. chain/download.go streams bodies through it.
func (c *Client) send(ctx context.Context, req *request) (resp *http.Response, attempts int, err error) {
	resp, _, attempts, err = c.roundTrip(ctx, req, false)
	return resp, attempts, err
}

// errStopRetrying is returned by retryAfter to end the retries and hand
// back the last answer (a Retry-After longer than RetryMaxWait, or a wait
// that would outlast the deadline).
var errStopRetrying = errors.New("chain: retries stopped")

// retryCondition is resty's retry condition, the only one (it replaces
// resty's default): 5xx, connection errors and broken answer bodies are
// retried, and a rate-limited answer (429, FREQUENCY_LIMITED,
// RATELIMIT_EXCEED) of a GET; a signing failure, a certificate error or an answer over
// maxBody is not. A try net/http resent with an earlier signature is.
func (c *Client) retryCondition(rr *resty.Response, err error) bool {
	if rr == nil || rr.Request == nil {
		return false // the pre-request hook (signing) failed
	}
	call := callOf(rr.Request.Context())
	if call == nil || call.cur == nil || call.cur.signErr != nil {
		return false
	}
	st := call.cur
	// An APIv2 call that may move money is never repeated (v2RetrySafe).
	again := call.req.v2 == nil || call.req.v2.retrySafe
	switch {
	case st.wasReplayed():
		st.err = errReplayed
	case err != nil:
		st.err = unwrapURLError(err)
		return again && retryableError(err) && !errors.Is(err, resty.ErrResponseBodyTooLarge)
	}
	if !again {
		return false
	}
	if st.err != nil {
		return true
	}
	hr := rr.RawResponse
	if hr == nil {
		return false
	}
	if rateLimited(hr.StatusCode, rr.Body()) {
		return safeToRepeat(rr.Request.Method)
	}
	return retryableStatus(hr.StatusCode)
}

// rateLimited reports whether an answer says the merchant's rate limit is
// exceeded: 429, or an error code FREQUENCY_LIMITED or RATELIMIT_EXCEED(ED)
// whatever the status.
func rateLimited(status int, body []byte) bool {
	if status == http.StatusTooManyRequests {
		return true
	}
	if status < 400 || len(body) == 0 {
		return false
	}
	switch gjson.GetBytes(body, "code").String() {
	case "FREQUENCY_LIMITED", "RATELIMIT_EXCEED", "RATELIMIT_EXCEEDED":
		return true
	}
	return false
}

// safeToRepeat reports whether a rate-limited call may wait and go again:
// a GET or HEAD (a query) changes nothing. Any other method returns the
// APIError at once: the caller decides when to send it again.
func safeToRepeat(method string) bool {
	return strings.EqualFold(method, http.MethodGet) || strings.EqualFold(method, http.MethodHead)
}

// retryAfter is resty's retry-wait callback, called once a retry is
// decided: the answer's Retry-After (seconds or an HTTP date) or the
// jittered backoff. It logs the attempt with its wait, and returns
// errStopRetrying (the last answer is the call's answer) when Retry-After
// is longer than RetryMaxWait or the wait would outlast the deadline.
func (c *Client) retryAfter(_ *resty.Client, rr *resty.Response) (time.Duration, error) {
	call := callOf(rr.Request.Context())
	st := call.cur
	attempt := rr.Request.Attempt
	status, rid := 0, ""
	hr := rr.RawResponse
	if hr != nil && st.err != errReplayed {
		status, rid = hr.StatusCode, hr.Header.Get(requestIDKey)
	}
	dur := time.Since(st.start)
	var wait time.Duration
	if st.err == nil {
		d, ok := c.retryDelay(attempt, hr.Header)
		if !ok || !c.fitsDeadline(call.ctx, d) {
			return 0, errStopRetrying
		}
		wait = d
		c.logAttempt(call.ctx, call.req, attempt, status, rid, dur, nil, wait)
	} else {
		wait = c.backoff(attempt)
		if c.fo != nil {
			wait = c.fo.waitBefore(call, wait)
		}
		c.logAttempt(call.ctx, call.req, attempt, status, rid, dur, st.err, wait)
		call.logged = true
		if !c.fitsDeadline(call.ctx, wait) {
			return 0, errStopRetrying
		}
	}
	if hr != nil && call.req.stream {
		drain(hr.Body) // resty does not read a streamed answer
	}
	call.logged, call.waiting = true, true
	if c.observers != nil {
		if call.mwErr = c.observeAttempt(call, attempt, hr, answerBody(rr, call.req.stream), st.err, wait); call.mwErr != nil {
			return 0, call.mwErr
		}
	}
	return max(wait, 1), nil // 0 would mean resty's own backoff
}

// roundTrip is send; with readBody resty also reads the final answer's body
// (at most maxBody bytes) inside the attempt, so that a body cut off by a
// broken connection is retried too, and roundTrip returns it.
func (c *Client) roundTrip(ctx context.Context, req *request, readBody bool) (resp *http.Response, body []byte, attempts int, err error) {
	resp, body, attempts, release, err := c.exchange(ctx, req, readBody)
	if release != nil {
		resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: release}
	}
	return resp, body, attempts, err
}

// exchange is roundTrip, except that the timeout of an answer whose body
// is left unread is handed back as release (nil when there is nothing to
// release) instead of being tied to the body's Close: a caller that reads
// the body at once (doV2) calls release itself, without a wrapper.
func (c *Client) exchange(ctx context.Context, req *request, readBody bool) (resp *http.Response, body []byte, attempts int, release context.CancelFunc, err error) {
	var cancel context.CancelFunc
	timeout := c.timeout
	if req.timeout != 0 {
		timeout = req.timeout
	}
	if timeout > 0 {
		// A context whose own deadline comes first already bounds the
		// call: no timer of ours.
		if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > timeout {
			ctx, cancel = context.WithTimeout(ctx, timeout)
		}
	}
	defer func() {
		switch {
		case cancel == nil:
		case err != nil || readBody:
			cancel() // with readBody the answer was read inside the attempt: nothing left to bound
		default:
			release = cancel
		}
	}()

	if req.header == nil || req.header.Get("User-Agent") == "" {
		h := req.header.Clone()
		if h == nil {
			h = http.Header{}
		}
		h.Set("User-Agent", c.userAgent)
		req.header = h
	}
	fullURL := req.absURL
	if fullURL == "" {
		fullURL = c.baseURL + req.path
		// "/" + path, cut from the URL (c.baseURL ends in "/"): urlPath
		// need not build it again.
		req.target = fullURL[len(c.baseURL)-1:]
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, 0, nil, c.wrapf(req, "%w", err)
	}
	req.stream = !readBody
	call := &callState{req: req, ctx: ctx}
	r := c.rc.R().SetContext(call)
	if readBody {
		r.SetResponseBodyLimit(maxBody)
	} else {
		r.SetDoNotParseResponse(true)
	}
	// resty copies these headers into the *http.Request it builds for each
	// attempt (the signature goes on that copy), so req.header is shared
	// read-only by all attempts; the body bytes get a new reader each time.
	r.Header = req.header
	rr, err := r.Execute(req.method, fullURL)
	attempts = r.Attempt
	st := call.cur
	var hr *http.Response
	if rr != nil {
		hr = rr.RawResponse
	}
	closeBody := func() {
		if hr != nil && hr.Body != nil && !readBody {
			hr.Body.Close()
		}
	}
	if c.observers != nil && st != nil && !call.waiting {
		call.mwErr = c.observeAttempt(call, attempts, hr, answerBody(rr, call.req.stream), attemptErr(st, err), -1)
	}
	if call.mwErr != nil {
		closeBody()
		return nil, nil, attempts, nil, call.mwErr
	}
	if st == nil {
		closeBody()
		return nil, nil, attempts, nil, c.wrapf(req, "%w", unwrapURLError(err))
	}
	dur := time.Since(st.start)
	if st.signErr != nil {
		// Signing failed (in signHook, or in resign for a try of
		// net/http's own, which then went out unsigned).
		closeBody()
		c.logAttempt(ctx, req, attempts, 0, "", dur, st.signErr, -1)
		return nil, nil, attempts, nil, c.wrapf(req, "signing: %w", st.signErr)
	}
	if errors.Is(err, errStopRetrying) {
		err = nil
	}
	if st.wasReplayed() {
		closeBody()
		hr, err = nil, errReplayed
	}
	status, rid := 0, ""
	if hr != nil {
		status, rid = hr.StatusCode, hr.Header.Get(requestIDKey)
	}
	if cerr := ctx.Err(); cerr != nil && (err != nil || call.waiting) {
		closeBody()
		if call.waiting {
			if st.err != nil {
				return nil, nil, attempts, nil, c.wrapf(req, "waiting to retry after attempt %d: %w", attempts, withCause(cerr, st.err))
			}
			return nil, nil, attempts, nil, c.wrapf(req, "waiting to retry after attempt %d (status %d, Request-ID %q): %w", attempts, status, rid, cerr)
		}
		c.logAttempt(ctx, req, attempts, status, rid, dur, err, -1)
		return nil, nil, attempts, nil, c.wrapf(req, "%s: %w", attemptName(attempts, hr, status, rid), withCause(cerr, unwrapURLError(err)))
	}
	if errors.Is(err, resty.ErrResponseBodyTooLarge) {
		c.logAttempt(ctx, req, attempts, status, rid, dur, nil, -1)
		return nil, nil, attempts, nil, c.wrapf(req, "answer larger than %d bytes (status %d, Request-ID %q)", maxBody, status, rid)
	}
	if err != nil || hr == nil {
		closeBody()
		if err == nil {
			err = errors.New("no response")
		}
		err = unwrapURLError(err)
		if !call.logged {
			c.logAttempt(ctx, req, attempts, status, rid, dur, err, -1)
		}
		return nil, nil, attempts, nil, c.wrapf(req, "%s: %w", attemptName(attempts, hr, status, rid), err)
	}
	c.logAttempt(ctx, req, attempts, status, rid, dur, nil, -1)
	if !readBody {
		return hr, nil, attempts, nil, nil
	}
	hr.Body = http.NoBody
	return hr, rr.Body(), attempts, nil, nil
}

// attemptName names a failed attempt in the call's error: "attempt 2", or
// "reading the answer of attempt 2 (status 200, Request-ID …)" when the
// answer's head had arrived.
func attemptName(attempt int, hr *http.Response, status int, rid string) string {
	if hr == nil {
		return "attempt " + strconv.Itoa(attempt)
	}
	return fmt.Sprintf("reading the answer of attempt %d (status %d, Request-ID %q)", attempt, status, rid)
}

// readResponse reads the answer completely and verifies it: a verified (or
// unsigned-by-design) 2xx is a *Response, a failed 2xx a *VerifyError, any
// other status an *APIError.
func (c *Client) readResponse(req *request, hr *http.Response) (*Response, error) {
	defer hr.Body.Close()
	body, ok, err := readAnswer(hr.Body, hr.ContentLength, maxBody)
	if err != nil {
		return nil, c.wrapf(req, "reading the answer (status %d, Request-ID %q): %w", hr.StatusCode, hr.Header.Get(requestIDKey), unwrapURLError(err))
	}
	if !ok {
		return nil, c.wrapf(req, "answer larger than %d bytes (status %d, Request-ID %q)", maxBody, hr.StatusCode, hr.Header.Get(requestIDKey))
	}
	return c.finish(req, hr, body)
}

// readAnswer reads r to its end, as io.ReadAll, and gives up (ok false)
// past limit bytes. size is the announced length (-1: unknown): a buffer
// of that size and one byte more, for the read that meets the end, is
// then its only allocation. Reading to the end (not just size bytes)
// lets net/http reuse the connection, and a body longer than announced
// (from a RoundTripper of the caller's) is still read whole.
func readAnswer(r io.Reader, size int64, limit int) (body []byte, ok bool, err error) {
	n := 512
	if size >= 0 && size < int64(limit) {
		n = int(size) + 1
	}
	b := make([]byte, 0, n)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		m, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+m]
		if len(b) > limit {
			return nil, false, nil
		}
		if err == io.EOF {
			return b, true, nil
		}
		if err != nil {
			return nil, true, err
		}
	}
}

// finish verifies an answer whose body has been read and classifies it.
func (c *Client) finish(req *request, hr *http.Response, body []byte) (*Response, error) {
	resp, err := c.classify(req, hr, body)
	if err != nil && c.onUnknown != nil {
		var ae *APIError
		if errors.Is(err, signer.ErrUnknownSerial) || errors.As(err, &ae) && errors.Is(ae.VerifyErr, signer.ErrUnknownSerial) {
			c.onUnknown(hr.Header.Get(signer.HeaderSerial))
		}
	}
	return resp, err
}

func (c *Client) classify(req *request, hr *http.Response, body []byte) (*Response, error) {
	c.logBodiesOf(req, hr, body)
	if req.v2 != nil {
		return c.classifyV2(req, hr, body)
	}
	return c.classifyV3(req, hr, body)
}

// logBodiesOf logs both bodies of a call when Config.LogBodies is set.
func (c *Client) logBodiesOf(req *request, hr *http.Response, body []byte) {
	if c.logBodies && c.logger != nil {
		reqBody, respBody := req.signBody, body
		if req.v2 != nil {
			reqBody, respBody = withoutSign(reqBody), withoutSign(respBody)
		}
		c.logger.LogAttrs(context.Background(), slog.LevelDebug, "wechatpay bodies",
			slog.String("method", req.method), slog.String("template", req.template),
			slog.Int("status", hr.StatusCode),
			slog.String("request_id", hr.Header.Get(requestIDKey)),
			slog.String("request_body", string(reqBody)), slog.String("response_body", string(respBody)))
	}
}

func (c *Client) classifyV3(req *request, hr *http.Response, body []byte) (*Response, error) {
	path := req.urlPath()
	if hr.StatusCode >= 200 && hr.StatusCode < 300 {
		resp := &Response{StatusCode: hr.StatusCode, Header: hr.Header, Body: body, RequestID: hr.Header.Get(requestIDKey)}
		if signer.VerificationFor(req.method, path) == signer.VerifyNone {
			return resp, nil
		}
		if err := c.verifier.VerifyResponse(req.method, path, hr.Header, body); err != nil {
			c.logVerifyFailure(req, resp.RequestID, err)
			return nil, &VerifyError{Response: resp, Err: err, Method: req.method, BaseURL: req.baseURL, Template: req.template,
				Hint: c.verifyHint(req, hr.Header, err)}
		}
		resp.Verified = true
		return resp, nil
	}
	verified := false
	var verr error
	if hr.Header.Get(signer.HeaderSignature) != "" {
		verr = c.verifier.VerifyResponse(req.method, path, hr.Header, body)
		verified = verr == nil
		if verr != nil {
			c.logVerifyFailure(req, hr.Header.Get(requestIDKey), verr)
		}
	}
	return nil, newAPIError(req, c.serial, hr.StatusCode, hr.Header, body, verified, verr)
}

// verifyHint is VerifyError.Hint: set when a signature does not match the
// key configured for the answer's serial (not for a statement's SHA-1,
// which is about the body, not the key).
func (c *Client) verifyHint(req *request, h http.Header, err error) string {
	if !errors.Is(err, signer.ErrBadSignature) || signer.VerificationFor(req.method, req.urlPath()) == signer.VerifyStatementSHA1 {
		return ""
	}
	if _, ok := c.keys.Lookup(h.Get(signer.HeaderSerial)); !ok {
		return ""
	}
	return platformKeyHint
}

// wrapf wraps an error with the method, base URL and template (never
// expanded values, never the signature).
func (c *Client) wrapf(req *request, format string, args ...any) error {
	return fmt.Errorf("chain: "+req.call()+": "+format, args...)
}

func retryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || code >= 500 && code <= 599
}

// retryableError reports whether a transport error is worth another attempt.
func retryableError(err error) bool {
	var cv *tls.CertificateVerificationError
	return !errors.As(err, &cv) && !errors.Is(err, ErrNotSent)
}

// backoff is the jittered exponential delay before retry number attempt
// (1-based): base·2^(attempt-1), capped, then drawn from [d/2, d].
func (c *Client) backoff(attempt int) time.Duration {
	d := c.retryWait << (attempt - 1)
	if d <= 0 || d > c.retryMaxWait {
		d = c.retryMaxWait
	}
	half := d / 2
	return half + rand.N(half+1)
}

// retryDelay honours Retry-After (seconds or an HTTP date); without it, the
// backoff. A Retry-After longer than RetryMaxWait ends the retries (ok false):
// the caller gets the 429/503 and can decide. Seconds are compared before
// they become a Duration, so that a huge value (even one over int64) cannot
// overflow to a short wait. A negative value or one that does not parse
// gives the backoff, not a retry at once; "0" and a date in the past mean now.
func (c *Client) retryDelay(attempt int, h http.Header) (time.Duration, bool) {
	ra := strings.TrimSpace(h.Get("Retry-After"))
	if ra == "" {
		return c.backoff(attempt), true
	}
	var d time.Duration
	if secs, err := strconv.ParseUint(ra, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if err != nil || secs > uint64(c.retryMaxWait/time.Second) {
			return 0, false // all digits, and too many of them
		}
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(ra); err == nil {
		d = time.Until(t)
	} else {
		return c.backoff(attempt), true
	}
	if d < 0 {
		d = 0 // a date in the past: now, as for "0"
	}
	if d > c.retryMaxWait {
		return 0, false
	}
	return d, true
}

// fitsDeadline reports whether waiting d still leaves the context alive.
func (c *Client) fitsDeadline(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return !ok || time.Until(dl) > d
}

// drain reads a little of a discarded body so the connection can be reused.
func drain(rc io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(rc, 64<<10))
	rc.Close()
}

// unwrapURLError drops net/http's *url.Error wrapper, whose text repeats the
// expanded URL; the template already names the call.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// withCause returns ctxErr, keeping the transport error's text when it says
// more than ctxErr itself; errors.Is(result, ctxErr) holds.
func withCause(ctxErr, cause error) error {
	if cause == nil || errors.Is(cause, ctxErr) {
		return ctxErr
	}
	return fmt.Errorf("%w (%v)", ctxErr, cause)
}

// targetHidden is a signing error whose text had the request target (with
// the expanded path values) replaced; errors.Is and errors.As still reach
// the Signer's own error.
type targetHidden struct {
	msg string
	err error
}

func (e *targetHidden) Error() string { return e.msg }
func (e *targetHidden) Unwrap() error { return e.err }

// hideTarget keeps the expanded request target out of a signing error: the
// call's error names the template instead (wrapf).
func hideTarget(err error, target string) error {
	if target == "" || !strings.Contains(err.Error(), target) {
		return err
	}
	return &targetHidden{msg: strings.ReplaceAll(err.Error(), " "+target, ""), err: err}
}

// cancelBody releases a context (the call's timeout, a failover attempt's)
// when the body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
