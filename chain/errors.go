package chain

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// ErrInvalidOptions is wrapped by every refusal made before a request is sent:
// bad options, missing path values, an unparsable template, an oversized upload.
// Test for it with errors.Is.
var ErrInvalidOptions = errors.New("chain: invalid options")

// OptionsError lists everything wrong with one call's options. It matches
// ErrInvalidOptions with errors.Is and unwraps to each problem (so
// errors.Is(err, pathtpl.ErrMissing) works too).
type OptionsError struct {
	Method   string  // HTTP method of the refused call ("" from Chain.Template)
	Template string  // path template of the refused call
	Problems []error // one entry per problem, in a stable order
}

// Error gives all problems on one line.
func (e *OptionsError) Error() string {
	var b strings.Builder
	b.WriteString("chain: ")
	if e.Method != "" {
		b.WriteString(e.Method)
		b.WriteByte(' ')
	}
	b.WriteString(e.Template)
	b.WriteString(": invalid options: ")
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.Error())
	}
	return b.String()
}

// Is reports whether target is ErrInvalidOptions.
func (e *OptionsError) Is(target error) bool { return target == ErrInvalidOptions }

// Unwrap returns the individual problems.
func (e *OptionsError) Unwrap() []error { return e.Problems }

// APIError is a non-2xx answer from WeChat Pay. Read it with errors.As.
//
// Error answers are verified like any other answer when they carry a signature,
// but a failed or missing signature does not change the type of the error: it
// is still an *APIError, with Verified false and VerifyErr telling why. Treat
// Code and Message of an unverified error as hints, not as facts.
type APIError struct {
	StatusCode int             // HTTP status, e.g. 400
	Code       string          // e.g. "PARAM_ERROR"; empty when the body is not WeChat Pay's error JSON
	Message    string          // human-readable message from WeChat Pay
	Detail     json.RawMessage // the raw "detail" object, if any
	RequestID  string          // Request-ID header: quote it to WeChat Pay support
	Header     http.Header     // response headers
	Body       []byte          // raw response body
	Verified   bool            // true when the answer's signature was checked and valid
	VerifyErr  error           // why Verified is false (nil when the answer carried no signature)
	Method     string          // request method
	Template   string          // request path template (never the expanded values)
}

// Error reads like "chain: POST v3/…/{out_order_no}/sync: 400 PARAM_ERROR: message (Request-ID …)".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("chain: ")
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.Template)
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != "" {
		b.WriteByte(' ')
		b.WriteString(e.Code)
	} else if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteByte(' ')
		b.WriteString(t)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (Request-ID ")
		b.WriteString(e.RequestID)
		b.WriteByte(')')
	}
	if !e.Verified {
		b.WriteString(" [unverified]")
	}
	return b.String()
}

// Temporary reports whether the call may succeed when repeated later with the
// same business parameters (5xx and 429).
func (e *APIError) Temporary() bool { return retryableStatus(e.StatusCode) }

// VerifyError is a 2xx answer whose signature failed verification. The answer is
// kept in Response for diagnosis; do not act on it. Err is the signer's error, so
// errors.Is(err, signer.ErrBadSignature) (or ErrTimestampSkew, ErrUnknownSerial,
// ErrProbeSignature, ErrMissingHeader) works on the returned error.
type VerifyError struct {
	Response *Response // the unverified answer
	Err      error     // the signer's verification error
	Method   string    // request method
	Template string    // request path template
}

// Error names the call, the Request-ID and the reason.
func (e *VerifyError) Error() string {
	rid := ""
	if e.Response != nil && e.Response.RequestID != "" {
		rid = " (Request-ID " + e.Response.RequestID + ")"
	}
	return fmt.Sprintf("chain: %s %s: answer failed verification%s: %v", e.Method, e.Template, rid, e.Err)
}

// Unwrap returns the signer's error.
func (e *VerifyError) Unwrap() error { return e.Err }

// newAPIError parses WeChat Pay's error JSON from body.
func newAPIError(method, template string, status int, h http.Header, body []byte, verified bool, verr error) *APIError {
	e := &APIError{
		StatusCode: status,
		RequestID:  h.Get("Request-ID"),
		Header:     h,
		Body:       body,
		Verified:   verified,
		VerifyErr:  verr,
		Method:     method,
		Template:   template,
	}
	var wire struct {
		Code    string          `json:"code"`
		Message string          `json:"message"`
		Detail  json.RawMessage `json:"detail"`
	}
	if len(body) > 0 && json.Unmarshal(body, &wire) == nil {
		e.Code, e.Message, e.Detail = wire.Code, wire.Message, wire.Detail
	}
	return e
}
