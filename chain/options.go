package chain

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/pathtpl"
)

// Reserved option keys; every other key must be a variable of the template.
const (
	keyJSON      = "json"
	keyQuery     = "query"
	keyHeaders   = "headers"
	keyBody      = "body"
	keyMedia     = "media"
	keyEncryptor = "encryptor"
	// keyValidation ("validation") overrides Config.Validation for one
	// call: chain.O{"validation": catalog.Off}.
	keyValidation = "validation"
	// keyTimeout ("timeout") and keyRetries ("retries") override
	// Config.Timeout and Config.MaxRetries for one call (settings.go).
	keyTimeout = "timeout"
	keyRetries = "retries"
)

var reservedKeys = []string{keyJSON, keyQuery, keyHeaders, keyBody, keyMedia, keyEncryptor, keyValidation, keyTimeout, keyRetries, keyXML}

// request is one call, fully built and checked: what the pipeline sends.
// chain/download.go builds on it too.
type request struct {
	method     string
	baseURL    string        // the client's BaseURL, for errors (with template: which URL was called)
	template   string        // normalised template, for logs and errors
	path       string        // expanded path with query, no leading "/"
	header     http.Header   // complete request headers except Authorization
	body       []byte        // bytes on the wire (nil: no body)
	signBody   []byte        // bytes signed: body, or the meta JSON of an upload
	timeout    time.Duration // 0 → the client's Timeout; < 0 → none
	absURL     string        // when set, sent instead of BaseURL + path (e.g. a bill's download_url); path must then hold its path and query
	retries    int           // retries allowed: the "retries" option (settings.go) when retriesSet, else the client's MaxRetries
	retriesSet bool
	stream     bool    // the answer's body is streamed by the caller, not read by resty (set by roundTrip)
	target     string  // "/" + path, cut from the URL sent (set by roundTrip when absURL is empty)
	v2         *v2Call // an APIv2 XML call (the "xml" option): no Authorization, the answer read by classifyV2
}

// sortedKeys returns m's keys in order.
func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// urlPath returns "/" + the expanded path without its query.
func (r *request) urlPath() string {
	if r.target != "" && r.target[1:] == r.path {
		p := r.target
		if i := strings.IndexByte(p, '?'); i >= 0 {
			p = p[:i]
		}
		return p
	}
	p := r.path
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return "/" + p
}

// newRequest checks opts against the template and builds the request. All
// problems are collected into one *OptionsError.
func (ch *Chain) newRequest(method string, opts O) (*request, error) {
	// A method is case-sensitive in HTTP, and every WeChat Pay method is
	// upper-case: "get" means GET.
	method = strings.ToUpper(method)
	tpl, err := ch.template()
	if err != nil {
		return nil, &OptionsError{Method: method, BaseURL: ch.c.baseURL, Template: ch.path, Problems: []error{fmt.Errorf("template %q: %w", ch.path, err)}}
	}
	r := &request{method: method, baseURL: ch.c.baseURL, template: tpl.String()}
	var probs []error
	bad := func(format string, args ...any) { probs = append(probs, fmt.Errorf(format, args...)) }
	if !validHeaderName(method) {
		bad("method %q is not an HTTP method", method)
	}

	// A variable named like an option key would fill both roles
	// (v3/x/{body} with "body": "abc" sent the body as the path too).
	names := tpl.Names()
	for _, n := range names {
		if isReserved(n) {
			bad("path variable {%s} has the name of the option key %q: rename the variable in the template", n, n)
		}
	}

	// Unknown keys, in sorted order for a stable message.
	var unknown []string
	for k := range opts {
		if !isReserved(k) && !contains(names, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		known := append(append([]string(nil), names...), reservedKeys...)
		for _, k := range unknown {
			if s := closest(k, known); s != "" {
				bad("unknown key %q (did you mean %q?)", k, s)
			} else {
				bad("unknown key %q (known keys: %s)", k, strings.Join(known, ", "))
			}
		}
	}

	// Path values: pathtpl names every missing or empty one.
	path, err := tpl.ExpandStrict(opts)
	if err != nil {
		probs = append(probs, err)
	}
	path = strings.TrimLeft(path, "/")
	if strings.Contains(path, "#") {
		// A fragment never goes on the wire: the request would go to
		// another target, and the query would be lost behind it.
		bad("the path expands to a URL with a fragment (\"#\"), which is never sent: " +
			"no \"#\" in the template, and {var} rather than {+var} or {#var} for values holding \"#\"")
	}

	if q, ok := opts[keyQuery]; ok && q != nil {
		qs, err := encodeQuery(q)
		if err != nil {
			probs = append(probs, err)
		} else if qs != "" {
			if strings.Contains(path, "?") {
				path += "&" + qs
			} else {
				path += "?" + qs
			}
		}
	}
	r.path = path
	if method == http.MethodGet {
		probs = append(probs, ch.c.buildV2Query(r)...)
	}

	// The headers are put together at the end (requestHeader).
	accept, contentType, serial := acceptJSON, "", ""
	var userHeader http.Header
	if hv, ok := opts[keyHeaders]; ok && hv != nil {
		userHeader, err = checkHeaders(hv)
		if err != nil {
			probs = append(probs, err)
		}
	}

	jv, hasJSON := opts[keyJSON]
	bv, hasBody := opts[keyBody]
	mv, hasMedia := opts[keyMedia]
	xv, hasXML := opts[keyXML]
	switch n := btoi(hasJSON) + btoi(hasBody) + btoi(hasMedia) + btoi(hasXML); {
	case n > 1:
		var set []string
		for _, k := range []string{keyJSON, keyBody, keyMedia, keyXML} {
			if _, ok := opts[k]; ok {
				set = append(set, strconv.Quote(k))
			}
		}
		bad("%s are mutually exclusive: give one body", strings.Join(set, " and "))
	case n == 1 && (method == http.MethodGet || method == http.MethodHead):
		bad("a %s request carries no body: drop %q/%q/%q/%q or use another method", method, keyJSON, keyBody, keyMedia, keyXML)
	case hasXML:
		probs = append(probs, ch.c.buildV2(r, xv)...)
		accept, contentType = acceptXML, contentTypeXML
	case hasJSON:
		b, err := encodeJSON(jv)
		if err != nil {
			probs = append(probs, err)
		}
		r.body, r.signBody = b, b
		contentType = contentTypeJSON
	case hasBody:
		b, err := readBody(bv)
		if err != nil {
			probs = append(probs, err)
		}
		r.body, r.signBody = b, b
		ct := userHeader.Get("Content-Type")
		if ct == "" {
			if gjson.ValidBytes(b) {
				ct = "application/json"
			} else {
				ct = http.DetectContentType(b)
			}
		}
		contentType = ct
	case hasMedia:
		up, ok := mv.(*Upload)
		if !ok || up == nil || up.src == nil {
			bad("%q must be a *chain.Upload made by chain.File or chain.Media, got %T", keyMedia, mv)
			break
		}
		if userHeader.Get("Content-Type") != "" {
			bad("%q sets its own multipart Content-Type: drop Content-Type from %q", keyMedia, keyHeaders)
		}
		if op, ok := v2Upload(r.template); ok {
			ct, err := ch.c.buildV2Upload(r, op, up)
			probs = append(probs, err...)
			accept, contentType = acceptXML, ct
			break
		}
		mp, err := up.build()
		if err != nil {
			probs = append(probs, err)
			break
		}
		r.body, r.signBody = mp.body, mp.meta
		contentType = mp.contentType
	}

	if ev, ok := opts[keyEncryptor]; ok && ev != nil {
		enc, ok := ev.(*Encryptor)
		if !ok || enc == nil || enc.key == nil || enc.serial == "" {
			bad("%q must be a *chain.Encryptor from Client.Encryptor, got %T", keyEncryptor, ev)
		} else if s := userHeader.Get("Wechatpay-Serial"); s != "" && s != enc.Serial() {
			bad("header Wechatpay-Serial %q differs from the encryptor's key %q", s, enc.Serial())
		} else {
			serial = enc.Serial()
		}
	}

	mode, err := callMode(ch.c.validation.mode, opts)
	if err != nil {
		probs = append(probs, err)
	}
	probs = append(probs, r.callSettings(opts)...)

	if len(probs) > 0 {
		return nil, &OptionsError{Method: method, BaseURL: r.baseURL, Template: r.template, Problems: probs}
	}
	h := ch.c.requestHeader(accept, contentType, serial, userHeader, hasMedia)
	r.header = h
	// The catalogue check comes last, on the request as it will be signed.
	jsonBody := hasJSON || hasBody && strings.HasPrefix(h.Get("Content-Type"), "application/json")
	_, hasEncryptor := h["Wechatpay-Serial"]
	if err := ch.c.checkCatalogue(mode, r, names, opts, jsonBody, hasEncryptor); err != nil {
		return nil, err
	}
	return r, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func isReserved(k string) bool { return contains(reservedKeys, k) }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// encodeJSON encodes a Go value once, HTML escaping off; raw JSON passes
// through byte for byte after a validity check.
func encodeJSON(v any) ([]byte, error) {
	switch j := v.(type) {
	case nil:
		return nil, fmt.Errorf("%q is nil: give a value to encode, or leave the key out", keyJSON)
	case json.RawMessage:
		if !gjson.ValidBytes(j) {
			return nil, fmt.Errorf("%q: not valid JSON (json.RawMessage of %d bytes)", keyJSON, len(j))
		}
		return j, nil
	case []byte:
		if !gjson.ValidBytes(j) {
			return nil, fmt.Errorf("%q: not valid JSON ([]byte of %d bytes)", keyJSON, len(j))
		}
		return j, nil
	case string:
		if !gjson.Valid(j) {
			return nil, fmt.Errorf("%q: not valid JSON (string of %d bytes)", keyJSON, len(j))
		}
		return []byte(j), nil
	}
	b, err := appendJSON(make([]byte, 0, 512), v, 0) // encoding/json's bytes (jsonenc.go)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", keyJSON, err)
	}
	return b, nil
}

// readBody takes a raw body; an io.Reader is read once here so that every
// attempt resends the same bytes.
func readBody(v any) ([]byte, error) {
	switch b := v.(type) {
	case []byte:
		return b, nil
	case string:
		return []byte(b), nil
	case io.Reader:
		data, err := io.ReadAll(b)
		if err != nil {
			return nil, fmt.Errorf("%q: reading the io.Reader: %w", keyBody, err)
		}
		return data, nil
	case nil:
		return nil, fmt.Errorf("%q is nil", keyBody)
	}
	return nil, fmt.Errorf("%q must be []byte, string or io.Reader, got %T", keyBody, v)
}

// encodeQuery encodes the query deterministically (sorted by key).
func encodeQuery(v any) (string, error) {
	switch q := v.(type) {
	case url.Values:
		return q.Encode(), nil
	case map[string][]string:
		return url.Values(q).Encode(), nil
	case map[string]string:
		vals := make(url.Values, len(q))
		for k, s := range q {
			vals[k] = []string{s}
		}
		return vals.Encode(), nil
	case map[string]any:
		vals := make(url.Values, len(q))
		keys := sortedKeys(q)
		for _, k := range keys {
			ss, err := queryStrings(q[k])
			if err != nil {
				return "", fmt.Errorf("%q: key %q: %w", keyQuery, k, err)
			}
			vals[k] = ss
		}
		return vals.Encode(), nil
	}
	return "", fmt.Errorf("%q must be map[string]any, map[string]string or url.Values, got %T", keyQuery, v)
}

func queryStrings(v any) ([]string, error) {
	switch x := v.(type) {
	case []string:
		return x, nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, err := scalar(e)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := scalar(v)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

// scalar is pathtpl.FormatScalar, the one conversion for path and query
// values; nil has no meaning in a query.
func scalar(v any) (string, error) {
	s, ok, err := pathtpl.FormatScalar(v)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", errors.New("value is nil")
	}
	return s, nil
}

// forbiddenHeaders are set by the client or by net/http.
var forbiddenHeaders = map[string]string{
	"Authorization":     "the client signs every attempt itself",
	"Content-Length":    "net/http sets it from the body",
	"Host":              "it comes from BaseURL",
	"Transfer-Encoding": "net/http sets it",
}

// checkHeaders validates caller headers: token names, no CR/LF/control
// characters in values (header injection), no client-owned headers.
func checkHeaders(v any) (http.Header, error) {
	h := http.Header{}
	switch x := v.(type) {
	case map[string]string:
		for k, s := range x {
			h[http.CanonicalHeaderKey(k)] = append(h[http.CanonicalHeaderKey(k)], s)
		}
	case http.Header:
		for k, ss := range x {
			h[http.CanonicalHeaderKey(k)] = append(h[http.CanonicalHeaderKey(k)], ss...)
		}
	case map[string][]string:
		for k, ss := range x {
			h[http.CanonicalHeaderKey(k)] = append(h[http.CanonicalHeaderKey(k)], ss...)
		}
	default:
		return nil, fmt.Errorf("%q must be map[string]string or http.Header, got %T", keyHeaders, v)
	}
	keys := sortedKeys(h)
	var errs []error
	for _, k := range keys {
		if !validHeaderName(k) {
			errs = append(errs, fmt.Errorf("header name %q is not a valid token", k))
			continue
		}
		if why, ok := forbiddenHeaders[k]; ok {
			errs = append(errs, fmt.Errorf("header %s may not be set: %s", k, why))
			continue
		}
		for _, s := range h[k] {
			if strings.ContainsAny(s, "\r\n") {
				errs = append(errs, fmt.Errorf("header %s: value contains CR or LF", k))
			} else if !validHeaderValue(s) {
				errs = append(errs, fmt.Errorf("header %s: value contains a control character", k))
			}
		}
	}
	return h, errors.Join(errs...)
}

func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0 {
			continue
		}
		return false
	}
	return true
}

func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// closest returns the known key nearest to k when it is close enough to be a
// plausible typo.
func closest(k string, known []string) string {
	best, bestD := "", -1
	for _, cand := range known {
		d := levenshtein(strings.ToLower(k), strings.ToLower(cand))
		if bestD < 0 || d < bestD {
			best, bestD = cand, d
		}
	}
	limit := max(2, len(k)/3)
	if bestD >= 0 && bestD <= limit {
		return best
	}
	return ""
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// call names the call in errors: "METHOD BASEURLTEMPLATE", e.g.
// "GET https://api.mch.weixin.qq.com/v3/pay/transactions/id/{transaction_id}".
func (r *request) call() string { return r.method + " " + r.baseURL + r.template }
