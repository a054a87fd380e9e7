package chain

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/chainpay-go/wechatpay/catalog"
	"github.com/chainpay-go/wechatpay/internal/v2xml"
	"github.com/chainpay-go/wechatpay/pathtpl"
	"github.com/chainpay-go/wechatpay/signer"
)

// keyXML is the option key of an APIv2 call's fields.
const keyXML = "xml"

// v2Call is what an APIv2 ("xml") request adds to a request: how its answer
// is read and verified.
type v2Call struct {
	signType string // the request's sign_type ("" is MD5), which the answer is verified with
	// signed is true unless the operation's answer carries no sign (red
	// packets, transfers, bill downloads: the catalogue's answer has no
	// sign field). Unknown operations count as signed.
	signed bool
	// retrySafe marks a query (…query…, get…, download…): only those are
	// retried after a 5xx, a 429 or a connection error. Payment-making
	// calls never are: WeChat Pay asks for a query, not a repeat.
	retrySafe bool
}

// v2MchIDFields are the names the merchant id goes under, in the order
// they are looked for among the operation's fields.
var v2MchIDFields = []string{"mch_id", "mchid", "combine_mch_id"}

// buildV2 fills r for an APIv2 call: the wire path without "v2/", the
// fields the protocol fixes (nonce_str, the merchant id under the
// operation's name, sign_type where the operation has it, sign) and the
// XML body. Problems are returned, nothing is sent.
func (c *Client) buildV2(r *request, xv any) []error {
	var probs []error
	bad := func(format string, args ...any) { probs = append(probs, fmt.Errorf(format, args...)) }
	fields, err := v2Fields(xv)
	if err != nil {
		probs = append(probs, err)
	}
	if c.apiv2Key == "" {
		probs = append(probs, ErrNoAPIv2Key)
	}
	op := v2OperationOf(r.method, r.template)
	if op.certRequired && !c.clientCert {
		probs = append(probs, ErrClientCertificateRequired) // the OptionsError names the call
	}
	if _, ok := fields[signer.FieldSign]; ok {
		bad("%q: drop %q, the client computes it", keyXML, signer.FieldSign)
	}
	path := strings.TrimPrefix(r.path, "v2/")
	if base := v2Base(op.host, r.baseURL); base != r.baseURL {
		r.absURL = base + path
	}
	r.path = path

	call := &v2Call{signed: op.signed, retrySafe: v2RetrySafe(path)}
	if fields != nil {
		if _, ok := fields["nonce_str"]; !ok {
			n, err := signer.NewNonce()
			if err != nil {
				probs = append(probs, err)
			}
			fields["nonce_str"] = n
		}
		if op.mchName != "" && !anyPresent(fields, v2MchIDFields) {
			fields[op.mchName] = c.mchID
		}
		st, set := fields["sign_type"]
		if !set && op.signType != "" {
			st = op.signType
			fields["sign_type"] = st
		}
		call.signType = st
		if len(probs) == 0 {
			sign, err := signer.SignV2(fields, c.apiv2Key, st)
			if err != nil {
				probs = append(probs, fmt.Errorf("%q: %w", keyXML, err))
			} else {
				fields[signer.FieldSign] = sign
				body, err := v2xml.Encode(fields)
				if err != nil {
					probs = append(probs, fmt.Errorf("%q: %w", keyXML, err))
				}
				r.body, r.signBody = body, body
			}
		}
	}
	r.v2 = call
	return probs
}

// v2Base is where an APIv2 operation goes: its own host (x-base-uri, e.g.
// payapp.mch.weixin.qq.com) when the client has the default BaseURL, else
// the client's BaseURL (a simulator, a proxy).
func v2Base(host, baseURL string) string {
	if host != "" && baseURL == DefaultBaseURL {
		return host
	}
	return baseURL
}

// v2Operation is what an APIv2 call needs to know of its operation, from
// the catalogue.
type v2Operation struct {
	certRequired bool   // x-api-cert-required
	host         string // another host (x-base-uri), or ""
	signed       bool   // the answer carries sign (true for an operation the catalogue lacks)
	mchName      string // the field the merchant id goes under ("" when the operation has none)
	signType     string // the sign_type to fill in when the operation has the field, else ""
}

// v2Operations caches v2OperationOf by method and template, for the
// catalogue's operations only (bounded by its size; a template the
// catalogue lacks is looked up at each call): a catalogue
// lookup normalises the template each time.
var v2Operations sync.Map

// v2OperationOf returns the catalogue's facts for an APIv2 call. An
// operation the catalogue lacks is treated as the common case: merchant id
// in mch_id, signed answers, no sign_type filled in.
func v2OperationOf(method, template string) *v2Operation {
	key := method + " " + template
	if v, ok := v2Operations.Load(key); ok {
		return v.(*v2Operation)
	}
	o := &v2Operation{signed: true, mchName: "mch_id"}
	op, known := catalog.Lookup(method, template)
	if known {
		o.certRequired, o.host, o.mchName = op.CertRequired, op.Host, ""
		if op.Response != nil {
			_, o.signed = op.Response.Member(signer.FieldSign)
		}
		if op.Body != nil {
			for _, n := range v2MchIDFields {
				if _, ok := op.Body.Member(n); ok {
					o.mchName = n
					break
				}
			}
			if f, ok := op.Body.Member("sign_type"); ok {
				o.signType = signer.SignTypeMD5
				if len(f.Enum) == 1 {
					o.signType = f.Enum[0] // HMAC-SHA256 only
				}
			}
		}
	}
	if !known {
		return o
	}
	v, _ := v2Operations.LoadOrStore(key, o)
	return v.(*v2Operation)
}

func anyPresent(fields map[string]string, names []string) bool {
	for _, n := range names {
		if _, ok := fields[n]; ok {
			return true
		}
	}
	return false
}

// v2RetrySafe reports whether the operation only reads (its last segment
// holds "query" or starts with "get" or "download"), so that repeating it
// after a 5xx or a broken connection cannot move money twice.
func v2RetrySafe(path string) bool {
	last := path[strings.LastIndexByte(path, '/')+1:]
	return strings.Contains(last, "query") || strings.HasPrefix(last, "get") || strings.HasPrefix(last, "download")
}

// v2Fields turns the "xml" option into text fields: map[string]string, or a
// map with string keys whose values are scalars (pathtpl.FormatScalar:
// total_fee: 1 is "1") or, for the fields that hold JSON (detail,
// scene_info), maps and slices, encoded as compact JSON. nil values are
// left out.
func v2Fields(v any) (map[string]string, error) {
	switch m := v.(type) {
	case nil:
		return nil, fmt.Errorf("%q is nil: give the fields of the call", keyXML)
	case map[string]string:
		out := make(map[string]string, len(m)+4)
		for k, s := range m {
			out[k] = s
		}
		return out, nil
	case map[string]any:
		out := make(map[string]string, len(m)+4)
		var probs []string
		for k, v := range m {
			s, ok, err := v2Value(v)
			switch {
			case err != nil:
				probs = append(probs, fmt.Sprintf("%s: %v", k, err))
			case ok:
				out[k] = s
			}
		}
		if len(probs) > 0 {
			sort.Strings(probs) // a stable message
			return nil, fmt.Errorf("%q: %s", keyXML, strings.Join(probs, "; "))
		}
		return out, nil
	}
	return nil, fmt.Errorf("%q must be chain.O or map[string]string, got %T", keyXML, v)
}

func v2Value(v any) (string, bool, error) {
	s, ok, err := pathtpl.FormatScalar(v)
	if err == nil {
		return s, ok, nil
	}
	switch reflect.ValueOf(v).Kind() {
	case reflect.Map, reflect.Slice, reflect.Array, reflect.Struct:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if jerr := enc.Encode(v); jerr != nil {
			return "", false, jerr
		}
		return strings.TrimSuffix(buf.String(), "\n"), true, nil
	}
	return "", false, err
}

// doV2 runs an APIv2 call: the answer is read here rather than by resty,
// which would match its Content-Type against its JSON and XML patterns
// for nothing (classifyV2 reads the XML). A body that breaks while it is
// read is an error, not retried: only queries are retried at all, and
// the caller queries anyway.
func (c *Client) doV2(ctx context.Context, req *request) (*Response, error) {
	hr, _, _, release, err := c.exchange(ctx, req, false)
	if err != nil {
		return nil, err
	}
	if release != nil {
		defer release() // after readResponse has read and closed the body
	}
	return c.readResponse(req, hr)
}

// withoutSign returns an APIv2 body for the logs: its sign replaced, as
// the logs never hold signatures (a body that is not APIv2 XML as it is).
func withoutSign(body []byte) []byte {
	f, err := v2xml.Decode(body)
	if err != nil {
		return body
	}
	if _, ok := f[signer.FieldSign]; ok {
		f[signer.FieldSign] = "[redacted]"
	}
	out, err := v2xml.Encode(f)
	if err != nil {
		return body
	}
	return out
}

// v2SignHint is APIError.Hint for return_code FAIL 签名错误 (a bad sign):
// the key does not match the merchant's.
const v2SignHint = "the gateway did not accept the sign: check that Config.APIv2Key is the key set in the merchant platform for Config.MchID"

// v2Hint is VerifyError.Hint for an APIv2 answer whose sign does not match.
const v2Hint = "check that Config.APIv2Key is the merchant's current APIv2 key"

// classifyV2 reads an APIv2 answer (XML in a 2xx): return_code FAIL and
// result_code FAIL are *APIError (Code and Message from return_code and
// return_msg, or err_code and err_code_des); an answer carrying sign, and
// every answer of a signed operation with return_code SUCCESS, must verify
// with the request's sign_type, else *VerifyError. A 2xx of an unsigned
// operation that is not XML (a bill) is handed back as it is.
func (c *Client) classifyV2(req *request, hr *http.Response, body []byte) (*Response, error) {
	rid := hr.Header.Get(signer.HeaderRequestID)
	if hr.StatusCode < 200 || hr.StatusCode >= 300 {
		return nil, newAPIError(req, c.serial, hr.StatusCode, hr.Header, body, false, nil)
	}
	resp := &Response{StatusCode: hr.StatusCode, Header: hr.Header, Body: body, RequestID: rid}
	fields, err := v2xml.Decode(body)
	if err != nil {
		if code, msg, ok := v2RetCode(body); ok && code != "0" {
			e := newAPIError(req, c.serial, hr.StatusCode, hr.Header, body, false, nil)
			e.Code, e.Message = code, msg
			return nil, e
		}
		if !req.v2.signed {
			return resp, nil
		}
		return nil, c.v2VerifyError(req, resp, fmt.Errorf("%w: the answer is not APIv2 XML: %w", signer.ErrBadSignature, err))
	}
	resp.json = v2xml.ToJSON(fields)
	_, carriesSign := fields[signer.FieldSign]
	var verr error
	checked := carriesSign || req.v2.signed && fields["return_code"] == "SUCCESS"
	if checked {
		verr = signer.VerifyV2(fields, c.apiv2Key, req.v2.signType)
	}
	verified := checked && verr == nil
	fail := func(code, msg string) error {
		if verr != nil {
			c.logVerifyFailure(req, rid, verr)
		}
		e := newAPIError(req, c.serial, hr.StatusCode, hr.Header, body, verified, verr)
		e.Code, e.Message = code, msg
		return e
	}
	switch {
	case fields["return_code"] != "SUCCESS":
		code := fields["return_code"]
		if code == "" {
			code = "FAIL"
		}
		err := fail(code, fields["return_msg"])
		if strings.Contains(fields["return_msg"], "签名错误") {
			err.(*APIError).Hint = v2SignHint
		}
		return nil, err
	case fields["result_code"] != "" && fields["result_code"] != "SUCCESS":
		code := fields["err_code"]
		if code == "" {
			code = fields["result_code"]
		}
		return nil, fail(code, fields["err_code_des"])
	case verr != nil:
		return nil, c.v2VerifyError(req, resp, verr)
	}
	resp.Verified = verified
	return resp, nil
}

func (c *Client) v2VerifyError(req *request, resp *Response, err error) error {
	c.logVerifyFailure(req, resp.RequestID, err)
	hint := ""
	if errors.Is(err, signer.ErrBadSignature) {
		hint = v2Hint
	}
	return &VerifyError{Response: resp, Err: err, Method: req.method, BaseURL: req.baseURL, Template: req.template, Hint: hint}
}
