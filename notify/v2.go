package notify

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/internal/v2xml"
	"github.com/chainpay-go/wechatpay/signer"
)

// V2Parser verifies and reads APIv2 (XML) callbacks: payment results, signed
// with the APIv2 key, and refund results, whose req_info is encrypted with
// it. It is safe for concurrent use.
type V2Parser struct {
	apiv2Key string
	opts     options
}

// V2Notification is a verified APIv2 callback.
type V2Notification struct {
	// Fields are the callback's top-level fields exactly as sent: all the
	// data of a payment result (sign included); return_code, appid, mch_id,
	// nonce_str and req_info of a refund result.
	Fields map[string]string
	// Info holds the fields of a refund result's decrypted req_info
	// (out_refund_no, refund_status, refund_fee, …); nil for a payment.
	Info map[string]string
	// InfoXML is a refund result's req_info as decrypted (an XML document,
	// <root>…</root>); nil for a payment.
	InfoXML []byte
	// JSON is the business data as a JSON object, every value a string: the
	// Fields of a payment, the Info of a refund. Get reads it.
	JSON []byte
	// SignType is the algorithm that verified a payment result (MD5 or
	// HMAC-SHA256); empty for a refund result, which carries no signature.
	SignType string
	// Body is the raw request body, exactly as received.
	Body []byte
}

// Get returns the value at a gjson path in the business data (JSON), e.g.
// n.Get("out_trade_no").String() or n.Get("total_fee").Int(). Every value is
// a JSON string, so Int and Float convert.
func (n *V2Notification) Get(path string) gjson.Result {
	return gjson.GetBytes(n.JSON, path)
}

// NewV2Parser returns a V2Parser for apiv2Key (the 32-character APIv2 key,
// else an error wrapping signer.ErrAPIv2KeyLength). Of the options, only
// WithMaxBodySize and WithErrorLog apply; WithTimestampWindow, WithNow and
// WithUnknownSerial are refused, because APIv2 callbacks carry no timestamp
// and no serial (so no replay window protects them: see the package
// documentation).
func NewV2Parser(apiv2Key string, opts ...Option) (*V2Parser, error) {
	if err := signer.CheckAPIv2Key(apiv2Key); err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	o := options{maxBody: DefaultMaxBodySize}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	var errs []error
	if o.maxBody <= 0 {
		errs = append(errs, fmt.Errorf("notify: max body size must be positive, got %d", o.maxBody))
	}
	for _, unused := range []struct {
		set  bool
		name string
	}{
		{o.window != 0, "WithTimestampWindow"},
		{o.now != nil, "WithNow"},
		{o.unknownSerial != nil, "WithUnknownSerial"},
	} {
		if unused.set {
			errs = append(errs, fmt.Errorf("notify: NewV2Parser: %s does not apply to APIv2 callbacks (they carry no timestamp and no serial)", unused.name))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &V2Parser{apiv2Key: apiv2Key, opts: o}, nil
}

// ParsePayment reads r's raw body (at most the parser's limit, else
// ErrBodyTooLarge) and hands it to ParsePaymentRaw. It consumes r.Body; it
// does not close it (the http.Server does).
func (p *V2Parser) ParsePayment(r *http.Request) (*V2Notification, error) {
	body, err := readBody(r, p.opts.maxBody)
	if err != nil {
		return nil, err
	}
	return p.ParsePaymentRaw(body)
}

// ParsePaymentRaw reads and verifies an APIv2 payment result callback
// (pay/unifiedorder's notify_url): the XML fields are verified with the
// APIv2 key under the callback's own sign_type (MD5 when absent, as the
// official SDKs do); return_code must then be SUCCESS and result_code
// present (SUCCESS or FAIL, the payment's outcome, left to the caller).
//
// Errors: ErrBodyTooLarge; ErrMalformed for a body that is not a safe APIv2
// XML document (v2xml rules: no DTD or entities, no duplicate field, bounded
// size and depth) or lacks return_code SUCCESS or result_code; an error
// wrapping signer.ErrBadSignature for a missing or wrong sign, and
// signer.ErrUnknownAlgorithm (with ErrMalformed) for a sign_type other than
// MD5 and HMAC-SHA256.
func (p *V2Parser) ParsePaymentRaw(body []byte) (*V2Notification, error) {
	fields, err := p.decode(body, "payment callback")
	if err != nil {
		return nil, err
	}
	signType := fields["sign_type"]
	if err := signer.VerifyV2(fields, p.apiv2Key, signType); err != nil {
		if errors.Is(err, signer.ErrUnknownAlgorithm) {
			return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		return nil, fmt.Errorf("notify: APIv2 payment callback: %w", err)
	}
	if err := succeeded(fields); err != nil {
		return nil, err
	}
	if fields["result_code"] == "" {
		return nil, fmt.Errorf("%w: APIv2 payment callback without result_code", ErrMalformed)
	}
	if signType == "" {
		signType = signer.SignTypeMD5
	}
	return &V2Notification{Fields: fields, JSON: v2xml.ToJSON(fields), SignType: signType, Body: body}, nil
}

// ParseRefund reads r's raw body (at most the parser's limit, else
// ErrBodyTooLarge) and hands it to ParseRefundRaw. It consumes r.Body; it
// does not close it.
func (p *V2Parser) ParseRefund(r *http.Request) (*V2Notification, error) {
	body, err := readBody(r, p.opts.maxBody)
	if err != nil {
		return nil, err
	}
	return p.ParseRefundRaw(body)
}

// ParseRefundRaw reads an APIv2 refund result callback (secapi/pay/refund's
// notify_url). It carries no sign: its req_info decrypting under the APIv2
// key (AES-256-ECB, see signer.DecryptReqInfo) is its only proof of origin.
// return_code must be SUCCESS; the decrypted document must be a safe APIv2
// XML document holding out_refund_no and refund_status.
//
// Errors: ErrBodyTooLarge; ErrMalformed for an outer body that is not a safe
// APIv2 XML document, lacks return_code SUCCESS or req_info, or whose
// req_info is not base64 of whole AES blocks, and for a decrypted result
// without out_refund_no or refund_status; an error wrapping
// signer.ErrAPIv2Key when req_info does not decrypt to an XML document (the
// APIv2 key is wrong, or the callback is not from WeChat Pay).
func (p *V2Parser) ParseRefundRaw(body []byte) (*V2Notification, error) {
	fields, err := p.decode(body, "refund callback")
	if err != nil {
		return nil, err
	}
	if err := succeeded(fields); err != nil {
		return nil, err
	}
	reqInfo := fields["req_info"]
	if reqInfo == "" {
		return nil, fmt.Errorf("%w: APIv2 refund callback without req_info", ErrMalformed)
	}
	plain, err := signer.DecryptReqInfo(p.apiv2Key, reqInfo)
	if err != nil {
		if errors.Is(err, signer.ErrAPIv2Key) {
			return nil, fmt.Errorf("notify: APIv2 refund callback: %w", err)
		}
		return nil, fmt.Errorf("%w: APIv2 refund callback: %w", ErrMalformed, err)
	}
	info, err := v2xml.Decode(plain)
	if err != nil {
		// Without a key, nobody makes ciphertext that decrypts to XML;
		// what is left is a wrong key that happened to give valid padding
		// (one time in 256) or a forgery: the same answer as bad padding.
		return nil, fmt.Errorf("notify: APIv2 refund callback: %w (the decrypted req_info is not an APIv2 XML document: %v)", signer.ErrAPIv2Key, err)
	}
	for _, name := range []string{"out_refund_no", "refund_status"} {
		if info[name] == "" {
			return nil, fmt.Errorf("%w: APIv2 refund result without %s", ErrMalformed, name)
		}
	}
	return &V2Notification{Fields: fields, Info: info, InfoXML: plain, JSON: v2xml.ToJSON(info), Body: body}, nil
}

// decode applies the size limit and reads body as an APIv2 document.
func (p *V2Parser) decode(body []byte, what string) (map[string]string, error) {
	if int64(len(body)) > p.opts.maxBody {
		return nil, fmt.Errorf("%w: %d bytes exceeds %d", ErrBodyTooLarge, len(body), p.opts.maxBody)
	}
	fields, err := v2xml.Decode(body)
	if errors.Is(err, v2xml.ErrTooLarge) {
		return nil, fmt.Errorf("%w: APIv2 %s: %w", ErrBodyTooLarge, what, err)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: APIv2 %s: %w", ErrMalformed, what, err)
	}
	return fields, nil
}

// succeeded checks return_code, the APIv2 communication flag: a callback
// carries its data only with SUCCESS.
func succeeded(fields map[string]string) error {
	if code := fields["return_code"]; code != "SUCCESS" {
		return fmt.Errorf("%w: APIv2 callback with return_code %q (return_msg %q), not SUCCESS", ErrMalformed, truncate(code, 32), truncate(fields["return_msg"], 128))
	}
	return nil
}

// PaymentHandler returns an http.Handler that parses each request with
// ParsePayment and calls fn with the verified callback. It answers as
// WeChat Pay expects, with an XML acknowledgement:
//
//   - fn returns nil: 200 <xml><return_code><![CDATA[SUCCESS]]></return_code></xml>.
//   - The request fails: fn is NOT called; 401 for a missing or wrong sign,
//     400 for a malformed body or an unknown sign_type, 413 for a body too
//     large, 405 for a method other than POST; the body is
//     <xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[…]]></return_msg></xml>.
//   - fn returns an error: 500 FAIL with a generic return_msg, or the status
//     and message of a *HandlerError.
//
// return_msg never holds keys, signatures or fn's error text; use
// WithErrorLog to log the full errors.
func (p *V2Parser) PaymentHandler(fn func(context.Context, *V2Notification) error) http.Handler {
	return serve(p.opts.errorLog, p.ParsePayment, classifyV2, fn, xmlAnswer{})
}

// RefundHandler is PaymentHandler for refund result callbacks (ParseRefund).
// A req_info that does not decrypt answers 401: a refund callback has no
// signature, so decryption is its authentication (see the package
// documentation).
func (p *V2Parser) RefundHandler(fn func(context.Context, *V2Notification) error) http.Handler {
	return serve(p.opts.errorLog, p.ParseRefund, classifyV2, fn, xmlAnswer{})
}

// classifyV2 maps the APIv2 errors classify does not know, then defers to it.
func classifyV2(err error) (int, string) {
	switch {
	case errors.Is(err, signer.ErrAPIv2Key):
		return http.StatusUnauthorized, "req_info does not decrypt"
	case errors.Is(err, signer.ErrUnknownAlgorithm):
		return http.StatusBadRequest, "unknown sign_type"
	}
	return classify(err)
}

// AckV2 is the acknowledgement of an APIv2 callback that was processed.
const AckV2 = `<xml><return_code><![CDATA[SUCCESS]]></return_code></xml>`

// xmlAnswer answers APIv2 callbacks.
type xmlAnswer struct{}

func (xmlAnswer) ok(w http.ResponseWriter) { writeXML(w, http.StatusOK, []byte(AckV2)) }

func (xmlAnswer) fail(w http.ResponseWriter, status int, msg string) {
	b, err := v2xml.Encode(map[string]string{"return_code": "FAIL", "return_msg": msg})
	if err != nil { // a HandlerError message XML cannot carry
		b, _ = v2xml.Encode(map[string]string{"return_code": "FAIL", "return_msg": "notification not processed"})
	}
	writeXML(w, status, b)
}

func writeXML(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Header().Set("Content-Length", fmt.Sprint(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
