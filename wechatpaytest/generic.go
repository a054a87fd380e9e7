package wechatpaytest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"hash/fnv"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/catalog"
)

// The generic responder answers every catalogued v3, hk and global
// operation that no route (no scenario, no Handle of the user) answers.
// It checks the request as the gateway does, in the gateway's order (the
// path and its variables, the required query parameters, the JSON body,
// then Wechatpay-Serial), answers the first failure with 400 PARAM_ERROR
// naming the field, and a valid request with 200 and a body built from
// the operation's response schema (204 when it answers none). The answer
// is deterministic: fields named like a field of the request echo its
// value; the others take the schema's example, an enum's first value or a
// typed placeholder.
//
// The simulator is as strict as the gateway, never stricter: where the
// catalogue may be wrong (a body field it does not describe, a required
// mark the gateway does not enforce, an encrypted field it cannot name)
// the request passes with a note in its record (RecordedRequest.Notes).

// genericOperation finds the catalogued operation of a request the
// generic responder answers, with its decoded path variables.
func genericOperation(method, rawPath string) (*catalog.Operation, map[string]string, bool) {
	p := strings.TrimPrefix(rawPath, "/")
	if !strings.HasPrefix(p, "v3/") && !strings.HasPrefix(p, "hk/v3/") && !strings.HasPrefix(p, "global/v3/") {
		return nil, nil, false // APIv2 (XML, another signature) is not simulated
	}
	op, raw, ok := catalog.Match(method, p)
	if !ok || op.Template == "v3/webhooks" { // the notification format, not an operation of the gateway
		return nil, nil, false
	}
	vars := make(map[string]string, len(raw))
	for k, v := range raw {
		d, err := url.PathUnescape(v)
		if err != nil {
			d = v
		}
		vars[k] = d
	}
	return &op, vars, true
}

// locationOrder is the order the gateway checks in.
func locationOrder(l catalog.Location) int {
	switch l {
	case catalog.LocationPath:
		return 0
	case catalog.LocationQuery:
		return 1
	case catalog.LocationBody:
		return 2
	default: // headers: Wechatpay-Serial last
		return 3
	}
}

// doubtfulRequired lists required marks of the catalogue the gateway does
// not enforce as such (it wants one of several fields): a request without
// them passes with a note. (The operations of the scenarios make their own
// checks: a partner payment's payer.sp_openid or sub_openid, a refund's
// transaction_id or out_trade_no.)
var doubtfulRequired = map[string]bool{
	// An e-commerce refund names its payment by transaction_id or
	// out_trade_no, and a combined payment's by combine_transaction_id too.
	"POST v3/ecommerce/refunds/apply transaction_id":         true,
	"POST v3/ecommerce/refunds/apply combine_transaction_id": true,
}

// check validates req against op and returns the first refusal as the
// gateway answers it (nil when the request passes), noting what it let
// pass in the request's record. badSerial is the answer for a
// Wechatpay-Serial naming no platform key, checked last.
func (s *Server) check(req *Request, op *catalog.Operation, vars map[string]string, badSerial *ErrorBody) *ErrorBody {
	cr := catalog.Request{PathVars: vars, Query: req.Query, Header: req.Header}
	if op.Encoding == "" && len(req.Body) > 0 {
		cr.Body = req.Body
	}
	findings := op.Validate(cr)
	slices.SortStableFunc(findings, func(a, b catalog.Finding) int {
		return cmp.Compare(locationOrder(a.Location), locationOrder(b.Location))
	})
	for _, f := range findings {
		switch {
		case f.Kind == catalog.UnknownField:
			req.Note("catalogue: " + f.String() + " (let pass: the gateway may take fields the catalogue does not describe)")
			continue
		case f.Kind == catalog.Missing && doubtfulRequired[op.Method+" "+op.Template+" "+f.Field]:
			req.Note("catalogue: " + f.String() + " (let pass: the gateway requires one of several fields here)")
			continue
		case f.Kind == catalog.Missing && f.Location == catalog.LocationPath && !slices.Contains(op.PathVars, f.Field):
			req.Note("catalogue: " + f.String() + " (let pass: the template has no such variable)")
			continue
		case f.Kind == catalog.NeedsEncryptor && !namesEncrypted(op.Body):
			req.Note("catalogue: " + f.String() + " (let pass: the catalogue does not say which fields are encrypted)")
			continue
		}
		if badSerial != nil && locationOrder(f.Location) == 3 {
			break
		}
		field := f.Pointer()
		if f.Kind == catalog.InvalidJSON {
			field = "/"
		}
		return ParamError(string(f.Location), field, f.Issue)
	}
	return badSerial
}

// namesEncrypted reports whether the catalogue marks an encrypted field
// below f (format base64 or x-is-sensitive).
func namesEncrypted(f *catalog.Field) bool {
	if f == nil {
		return false
	}
	if len(f.Sensitive) > 0 {
		return true
	}
	for i := range f.Fields {
		if f.Fields[i].Format == "base64" || namesEncrypted(&f.Fields[i]) {
			return true
		}
	}
	return namesEncrypted(f.Items)
}

// generic answers req for op: a refusal, or the answer built from the
// operation's response schema.
func (s *Server) generic(req *Request, op *catalog.Operation, vars map[string]string, badSerial *ErrorBody) (int, any) {
	if eb := s.check(req, op, vars, badSerial); eb != nil {
		return http.StatusBadRequest, eb
	}
	if op.Response == nil {
		return http.StatusNoContent, nil
	}
	b := responseBuilder{srv: s, op: op, vars: vars, query: req.Query}
	if op.Encoding == "" && gjson.ValidBytes(req.Body) {
		b.body = gjson.ParseBytes(req.Body)
		b.top = map[string]gjson.Result{}
		b.body.ForEach(func(k, v gjson.Result) bool {
			b.top[k.Str] = v
			return true
		})
	}
	b.buf.Grow(512)
	b.value(op.Response, b.body, 0)
	return http.StatusOK, b.buf.Bytes()
}

// maxEcho bounds how many elements of a request array an answer echoes.
const maxEcho = 20

// responseBuilder writes an answer from a response schema.
type responseBuilder struct {
	srv   *Server
	op    *catalog.Operation
	vars  map[string]string
	query url.Values
	body  gjson.Result            // the request body (its type is Null when none)
	top   map[string]gjson.Result // its top-level members
	buf   bytes.Buffer
	path  []string
}

// merchantFields are filled with the requesting merchant's id when the
// request names none.
var merchantFields = map[string]bool{"mchid": true, "mch_id": true, "sp_mchid": true, "combine_mchid": true}

// value writes the value of f; req is the request's value at the same
// path (it may not exist).
func (b *responseBuilder) value(f *catalog.Field, req gjson.Result, depth int) {
	typ := f.Type
	if typ == "" && len(f.Fields) > 0 {
		typ = "object"
	}
	switch typ {
	case "object":
		b.object(f, req, depth)
		return
	case "array":
		b.array(f, req, depth)
		return
	}
	if v, ok := b.echo(f, req); ok {
		b.buf.WriteString(v)
		return
	}
	if f.Name != "" && merchantFields[f.Name] && typ == "string" {
		b.str(b.srv.MchID)
		return
	}
	if f.Example != "" && exampleFits(typ, f.Example) {
		b.buf.WriteString(f.Example)
		return
	}
	if len(f.Enum) > 0 {
		// A number's or boolean's enum value is written as it is, a
		// string's quoted; where the catalogue's enum does not fit its
		// own type, the type wins (a placeholder).
		switch v := f.Enum[0]; {
		case typ == "string" || typ == "":
			b.str(v)
			return
		case gjson.Valid(v) && fits(typ, gjson.Parse(v)):
			b.buf.WriteString(v)
			return
		}
	}
	b.placeholder(f, typ)
}

// echo returns the request's value for f as JSON text: the value at the
// same path, else (for a top-level field, or any field of the known
// identifiers) a path variable, query parameter or top-level body member
// of the same name, when its type fits.
func (b *responseBuilder) echo(f *catalog.Field, req gjson.Result) (string, bool) {
	typ := f.Type
	if fits(typ, req) {
		return req.Raw, true
	}
	if f.Name == "" {
		return "", false
	}
	if v, ok := b.vars[f.Name]; ok && typ == "string" {
		return quote(v), true
	}
	if vs, ok := b.query[f.Name]; ok && len(vs) > 0 {
		switch typ {
		case "string":
			return quote(vs[0]), true
		case "integer", "number":
			if _, err := strconv.ParseFloat(vs[0], 64); err == nil && (typ == "number" || !strings.ContainsAny(vs[0], ".eE")) {
				return vs[0], true
			}
		}
	}
	if v, ok := b.top[f.Name]; ok && fits(typ, v) {
		return v.Raw, true
	}
	return "", false
}

// fits reports whether a request value can stand for a scalar field of typ.
func fits(typ string, v gjson.Result) bool {
	switch typ {
	case "string":
		return v.Type == gjson.String
	case "integer":
		return v.Type == gjson.Number && !strings.ContainsAny(v.Raw, ".eE")
	case "number":
		return v.Type == gjson.Number
	case "boolean":
		return v.Type == gjson.True || v.Type == gjson.False
	}
	return false
}

// exampleFits reports whether an example (JSON text) has the field's type.
func exampleFits(typ, ex string) bool {
	if !gjson.Valid(ex) {
		return false
	}
	return typ == "" || fits(typ, gjson.Parse(ex))
}

func (b *responseBuilder) object(f *catalog.Field, req gjson.Result, depth int) {
	b.buf.WriteByte('{')
	n := 0
	for i := range f.Fields {
		m := &f.Fields[i]
		var sub gjson.Result
		if req.IsObject() {
			sub = req.Get(gjson.Escape(m.Name))
		}
		// Required members always; the others when the request has them
		// (at the same path, or by name at the top).
		if !m.Required && !sub.Exists() && !b.namedInRequest(m, depth) {
			continue
		}
		if depth > 16 {
			continue
		}
		if n > 0 {
			b.buf.WriteByte(',')
		}
		n++
		b.str(m.Name)
		b.buf.WriteByte(':')
		b.path = append(b.path, m.Name)
		b.value(m, sub, depth+1)
		b.path = b.path[:len(b.path)-1]
	}
	b.buf.WriteByte('}')
}

// namedInRequest reports whether an optional scalar member is named by a
// path variable, query parameter or top-level body member.
func (b *responseBuilder) namedInRequest(m *catalog.Field, depth int) bool {
	if m.Type == "object" || m.Type == "array" || len(m.Fields) > 0 {
		return false
	}
	if _, ok := b.vars[m.Name]; ok {
		return true
	}
	if _, ok := b.query[m.Name]; ok {
		return true
	}
	if v, ok := b.top[m.Name]; ok && depth == 0 {
		return fits(m.Type, v)
	}
	return false
}

func (b *responseBuilder) array(f *catalog.Field, req gjson.Result, depth int) {
	b.buf.WriteByte('[')
	if f.Items != nil && depth <= 16 {
		n := 1
		var elems []gjson.Result
		if req.IsArray() {
			elems = req.Array()
			n = min(max(len(elems), 1), maxEcho)
		}
		for i := 0; i < n; i++ {
			if i > 0 {
				b.buf.WriteByte(',')
			}
			var el gjson.Result
			if i < len(elems) {
				el = elems[i]
			}
			b.path = append(b.path, strconv.Itoa(i))
			b.value(f.Items, el, depth+1)
			b.path = b.path[:len(b.path)-1]
		}
	}
	b.buf.WriteByte(']')
}

// placeholder writes a typed value for a field with no example: strings
// are made from the operation and the field's path, so the same request
// gets the same answer.
func (b *responseBuilder) placeholder(f *catalog.Field, typ string) {
	switch typ {
	case "integer", "number":
		b.buf.WriteByte('0')
	case "boolean":
		b.buf.WriteString("false")
	case "string", "":
		switch f.Format {
		case "rfc3339", "date-time":
			b.str("2018-06-08T10:34:56+08:00")
			return
		case "date":
			b.str("2018-06-08")
			return
		}
		h := fnv.New64a()
		h.Write([]byte(b.op.Method + " " + b.op.Template + " " + strings.Join(b.path, ".")))
		v := strconv.FormatUint(h.Sum64(), 36)
		if f.MaxLength > 0 && len(v) > f.MaxLength {
			v = v[:f.MaxLength]
		}
		b.str(v)
	default:
		b.buf.WriteString("null")
	}
}

// str writes s as a JSON string.
func (b *responseBuilder) str(s string) { b.buf.WriteString(quote(s)) }

// quote returns s as a JSON string, HTML characters unescaped.
func quote(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(s) // a string always encodes
			return strings.TrimSuffix(buf.String(), "\n")
		}
	}
	return `"` + s + `"`
}
