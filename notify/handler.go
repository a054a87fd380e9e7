package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/chainpay-go/wechatpay/signer"
)

// HandlerError lets a Handler callback choose the answer WeChat Pay gets.
// Status must be 4xx or 5xx (other values become 500); Message is sent as
// the FAIL message, so it must not hold secrets (empty → a generic text).
// Any other error returned by the callback answers 500 with a generic
// message: its text is never sent.
type HandlerError struct {
	Status  int
	Message string
	Err     error
}

// Error implements error.
func (e *HandlerError) Error() string {
	msg := fmt.Sprintf("notify: handler failed (%d)", e.Status)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the wrapped error.
func (e *HandlerError) Unwrap() error { return e.Err }

// Fail returns a *HandlerError answering status with message and wrapping
// err (may be nil).
func Fail(status int, message string, err error) error {
	return &HandlerError{Status: status, Message: message, Err: err}
}

// failBody is the answer WeChat Pay expects for a refused notification.
type failBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Handler returns an http.Handler that parses each request with p and calls
// fn with the verified, decrypted notification.
//
//   - fn returns nil: 200 with no body.
//   - The request fails verification or decoding: fn is NOT called; the
//     answer is 401 (missing Wechatpay-* header, timestamp out of window,
//     unknown serial, probe or bad signature), 400 (malformed envelope,
//     unknown algorithm), 413 (body too large) or 405 (not POST), with
//     {"code":"FAIL","message":…}.
//   - The resource does not decrypt (signer.ErrAPIv3Key, a configuration
//     problem on this side): 500, fn not called, so WeChat Pay retries once
//     the key is fixed.
//   - fn returns an error: 500 {"code":"FAIL","message":…} with a generic
//     message, or the status and message of a *HandlerError.
//
// Messages never contain keys, signatures or fn's error text; use
// WithErrorLog to log the full errors.
func (p *Parser) Handler(fn func(context.Context, *Notification) error) http.Handler {
	return serve(p.opts.errorLog, p.Parse, classify, fn, jsonAnswer{})
}

// answer writes a handler's replies in the format of one protocol version.
type answer interface {
	ok(w http.ResponseWriter)
	fail(w http.ResponseWriter, status int, msg string)
}

// serve is the flow every handler shares: POST only, parse, classify a parse
// error, call fn, map fn's error (a *HandlerError picks status and message;
// any other error answers 500 with a generic message), log what it refuses.
func serve[N any](errorLog func(context.Context, error), parse func(*http.Request) (N, error), classify func(error) (int, string),
	fn func(context.Context, N) error, a answer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		fail := func(status int, msg string, err error) {
			if errorLog != nil {
				errorLog(ctx, err)
			}
			a.fail(w, status, msg)
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			fail(http.StatusMethodNotAllowed, "method not allowed", fmt.Errorf("notify: method %s not allowed", r.Method))
			return
		}
		n, err := parse(r)
		if err != nil {
			status, msg := classify(err)
			fail(status, msg, err)
			return
		}
		if fn != nil {
			if err := fn(ctx, n); err != nil {
				status, msg := http.StatusInternalServerError, "notification not processed"
				var he *HandlerError
				if errors.As(err, &he) {
					if he.Status >= 400 && he.Status <= 599 {
						status = he.Status
					}
					if he.Message != "" {
						msg = he.Message
					}
				}
				fail(status, msg, err)
				return
			}
		}
		a.ok(w)
	})
}

// classify maps a Parse error to an HTTP status and a message without
// secrets.
func classify(err error) (int, string) {
	switch {
	case errors.Is(err, ErrBodyTooLarge):
		return http.StatusRequestEntityTooLarge, "body too large"
	case errors.Is(err, signer.ErrMissingHeader):
		return http.StatusUnauthorized, "missing Wechatpay signature header"
	case errors.Is(err, signer.ErrTimestampSkew):
		return http.StatusUnauthorized, "timestamp out of the accepted window"
	case errors.Is(err, signer.ErrUnknownSerial):
		return http.StatusUnauthorized, "unknown Wechatpay-Serial"
	case errors.Is(err, signer.ErrProbeSignature):
		return http.StatusUnauthorized, "probe signature refused"
	case errors.Is(err, signer.ErrBadSignature):
		return http.StatusUnauthorized, "signature verification failed"
	case errors.Is(err, signer.ErrUnknownAlgorithm):
		return http.StatusBadRequest, "unknown resource algorithm"
	case errors.Is(err, ErrMalformed):
		return http.StatusBadRequest, "malformed notification"
	case errors.Is(err, signer.ErrAPIv3Key):
		return http.StatusInternalServerError, "resource decryption failed"
	}
	var ve *signer.SignatureError
	if errors.As(err, &ve) {
		return http.StatusUnauthorized, "signature verification failed"
	}
	return http.StatusBadRequest, "notification refused"
}

// jsonAnswer answers APIv3 callbacks: 200 with no body, or
// {"code":"FAIL","message":…}.
type jsonAnswer struct{}

func (jsonAnswer) ok(w http.ResponseWriter) { w.WriteHeader(http.StatusOK) }

func (jsonAnswer) fail(w http.ResponseWriter, status int, msg string) {
	b, _ := json.Marshal(failBody{Code: "FAIL", Message: msg})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", fmt.Sprint(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
