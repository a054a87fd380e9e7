package chain

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/chainpay-go/wechatpay/signer"
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
	BaseURL  string  // the client's BaseURL (the host the call was for)
	Template string  // path template of the refused call
	Problems []error // one entry per problem, in a stable order
}

// Error gives all problems on one line.
func (e *OptionsError) Error() string {
	var b strings.Builder
	writeCall(&b, e.Method, e.BaseURL, e.Template)
	b.WriteString("invalid options: ")
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
	BaseURL    string          // the client's BaseURL: scheme, host and any path prefix, ending in "/"
	Template   string          // request path template (never the expanded values)
	Serial     string          // merchant API certificate serial the request was signed for
	Hint       string          // what to check when the answer points at a configuration mistake ("" otherwise)
}

// Error reads like "chain: POST https://api.mch.weixin.qq.com/v3/…/{out_order_no}/sync:
// 400 PARAM_ERROR: message (Request-ID …)", followed by the Hint if any.
func (e *APIError) Error() string {
	var b strings.Builder
	writeCall(&b, e.Method, e.BaseURL, e.Template)
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
	if e.Hint != "" {
		b.WriteString("; ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// writeCall writes the start of every call error: "chain: METHOD
// BASEURLTEMPLATE: ". It names the host and the template, never the
// expanded path values (order numbers, openids).
func writeCall(b *strings.Builder, method, baseURL, template string) {
	b.WriteString("chain: ")
	if method != "" {
		b.WriteString(method)
		b.WriteByte(' ')
	}
	b.WriteString(baseURL)
	b.WriteString(template)
	b.WriteString(": ")
}

// signErrorHint is APIError.Hint for a 401 SIGN_ERROR: the gateway could
// not verify the request's signature with the certificate of the serial
// sent, so the key and the serial do not belong together.
func signErrorHint(serial string) string {
	return "check that Config.PrivateKey and Config.Serial belong to the same merchant API certificate (serial sent: " + serial + ")"
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
	BaseURL  string    // the client's BaseURL
	Template string    // request path template
	Hint     string    // what to check, when the answer's signature does not match a configured key ("" otherwise)
}

// Error names the call, the Request-ID and the reason. When the signature
// does not match the key configured for the answer's serial, it names that
// serial and says what to check (the Hint) instead of the signer's detail,
// which is written for callback code.
func (e *VerifyError) Error() string {
	var b strings.Builder
	writeCall(&b, e.Method, e.BaseURL, e.Template)
	b.WriteString("answer failed verification")
	if e.Response != nil && e.Response.RequestID != "" {
		b.WriteString(" (Request-ID " + e.Response.RequestID + ")")
	}
	b.WriteString(": ")
	if e.Hint != "" && errors.Is(e.Err, signer.ErrBadSignature) {
		serial := ""
		if e.Response != nil {
			serial = e.Response.Header.Get(signer.HeaderSerial)
		}
		fmt.Fprintf(&b, "%v for the configured key of serial %q; %s", signer.ErrBadSignature, serial, e.Hint)
		return b.String()
	}
	b.WriteString(fmt.Sprint(e.Err))
	return b.String()
}

// platformKeyHint is VerifyError.Hint for an answer whose signature does not
// match the configured key of its serial.
const platformKeyHint = "check that Config.PlatformKeys holds WeChat Pay's current key for this serial " +
	"(the public key, or the platform certificate as last downloaded), or refresh the certificates (package certs)"

// Unwrap returns the signer's error.
func (e *VerifyError) Unwrap() error { return e.Err }

// newAPIError parses WeChat Pay's error JSON from body.
func newAPIError(req *request, serial string, status int, h http.Header, body []byte, verified bool, verr error) *APIError {
	e := &APIError{
		StatusCode: status,
		RequestID:  h.Get("Request-ID"),
		Header:     h,
		Body:       body,
		Verified:   verified,
		VerifyErr:  verr,
		Method:     req.method,
		BaseURL:    req.baseURL,
		Template:   req.template,
		Serial:     serial,
	}
	var wire struct {
		Code    string          `json:"code"`
		Message string          `json:"message"`
		Detail  json.RawMessage `json:"detail"`
	}
	if len(body) > 0 && json.Unmarshal(body, &wire) == nil {
		e.Code, e.Message, e.Detail = wire.Code, wire.Message, wire.Detail
	}
	if status == http.StatusUnauthorized && e.Code == "SIGN_ERROR" {
		e.Hint = signErrorHint(serial)
	}
	return e
}
