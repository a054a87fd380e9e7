package catalog

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxFindings bounds the findings of one call: a hostile body cannot make
// the validator's answer grow without limit.
const MaxFindings = 64

// maxNameLen bounds one member name in Finding.Field.
const maxNameLen = 128

// Request is one call as the validator sees it. url.Values and http.Header
// can be used for Query and Header as they are.
type Request struct {
	// PathVars are the values of the operation's path variables, by the
	// operation's names (Validate maps the caller's names by position).
	PathVars map[string]string
	Query    map[string][]string
	Header   map[string][]string // names are compared case-insensitively
	// Body is the encoded JSON body; nil or empty when the call sends none.
	Body []byte
	// Encryptor says that the client encrypts sensitive fields and sets
	// Wechatpay-Serial itself (the chain's encryptor option).
	Encryptor bool
}

// Validate checks a call against the catalogue: the operation for method
// and template (see Lookup for the accepted syntaxes), then
// Operation.Validate. The path variables in r are keyed by the caller's
// own names, which are mapped to the operation's by position; a concrete
// path's literal segments count as values. An unknown operation is one
// UnknownOperation finding whose Suggestions are the nearest operations.
func Validate(method, template string, r Request) []Finding {
	c := load()
	key, names := shapeKey(method, template)
	var op *Operation
	if ids := c.byShape[key]; len(ids) > 0 {
		op = &c.ops[ids[0]]
		for _, id := range ids[1:] {
			if equalNames(c.ops[id].PathVars, names) {
				op = &c.ops[id]
			}
		}
	}
	if op == nil {
		var vals map[string]string
		if op, vals = c.match(method, template, true); op == nil {
			return []Finding{unknownOperation(c, method, template)}
		}
		// The literal segments are the values; the caller's own variables
		// (a template partly written with values) keep theirs.
		for i, name := range names {
			if v, ok := r.PathVars[name]; ok && i < len(op.PathVars) {
				vals[op.PathVars[i]] = v
			}
		}
		r.PathVars = vals
		names = nil
	}
	if len(names) > 0 && !equalNames(op.PathVars, names) {
		renamed := make(map[string]string, len(names))
		for i, name := range names {
			if v, ok := r.PathVars[name]; ok && i < len(op.PathVars) {
				renamed[op.PathVars[i]] = v
			}
		}
		r.PathVars = renamed
	}
	return op.Validate(r)
}

func equalNames(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Validate checks r against the operation and returns every finding (at
// most MaxFindings), nil when there is none:
//
//   - a required path variable, query parameter or header that is absent
//     or empty (Missing);
//   - a parameter value outside its enum, over its maxLength, or not an
//     integer where one is wanted;
//   - for a JSON body: invalid JSON, missing required fields at any depth
//     (amount.total), fields the operation does not describe (with the
//     nearest name), wrong JSON types, enum and maxLength violations, in
//     array elements too ("detail.goods_detail.0.quantity");
//   - NeedsEncryptor when the operation sends encrypted fields
//     (NeedsSerial) and r has neither an encryptor nor a Wechatpay-Serial
//     header. Where the catalogue says which body fields are encrypted
//     (format base64 or x-is-sensitive), the finding is made only when the
//     body sets one of them: a JSAPI order without payer.identity needs no
//     encryptor.
//
// A JSON null counts as absent. maxLength counts characters (Unicode code
// points). APIv2 XML and multipart bodies are not checked (their fields
// are built by the client); their path and query are. The check is pure:
// nothing is logged, nothing is kept.
func (op *Operation) Validate(r Request) []Finding {
	v := validator{}
	for i := range op.Params {
		p := &op.Params[i]
		switch p.In {
		case LocationPath:
			val, ok := r.PathVars[p.Name]
			v.param(p, val, ok && val != "")
		case LocationQuery:
			vals := r.Query[p.Name]
			present := false
			for _, val := range vals {
				if val != "" {
					present = true
					v.param(p, val, true)
				}
			}
			if !present {
				v.param(p, "", false)
			}
		case LocationHeader:
			if strings.EqualFold(p.Name, "Wechatpay-Serial") {
				continue // the encryptor check below
			}
			val := header(r.Header, p.Name)
			v.param(p, val, val != "")
		}
	}
	// Path variables the template names but no parameter describes.
	for _, name := range op.PathVars {
		if r.PathVars[name] == "" && !op.hasParam(LocationPath, name) {
			v.add(Finding{Kind: Missing, Location: LocationPath, Field: name, Issue: "required"})
		}
	}
	encryptedSet := ""
	if op.Body != nil && op.Encoding == "" {
		if len(r.Body) == 0 {
			if op.Body.Required && hasRequired(op.Body) {
				v.add(Finding{Kind: Missing, Location: LocationBody, Issue: "the operation takes a JSON body"})
			}
		} else {
			v.sc = scanner{s: string(r.Body)}
			v.body(op.Body, false)
			if v.err == nil && !v.sc.end() {
				v.err = errSyntax
			}
			if v.err != nil {
				v.add(Finding{Kind: InvalidJSON, Location: LocationBody, Issue: "not valid JSON (near byte " + strconv.Itoa(v.sc.i) + ")"})
			}
			encryptedSet = v.encrypted
		}
	}
	if op.NeedsSerial && !r.Encryptor && header(r.Header, "Wechatpay-Serial") == "" {
		switch {
		case encryptedSet != "":
			v.add(Finding{Kind: NeedsEncryptor, Location: LocationHeader, Field: "Wechatpay-Serial",
				Issue: "the body sets the encrypted field " + encryptedSet + ": use an encryptor (it encrypts the field and sets Wechatpay-Serial)"})
		case !hasEncrypted(op.Body):
			v.add(Finding{Kind: NeedsEncryptor, Location: LocationHeader, Field: "Wechatpay-Serial",
				Issue: "the operation sends encrypted fields: use an encryptor (it encrypts them and sets Wechatpay-Serial)"})
		}
	}
	return v.out
}

func (op *Operation) hasParam(in Location, name string) bool {
	for i := range op.Params {
		if op.Params[i].In == in && op.Params[i].Name == name {
			return true
		}
	}
	return false
}

// header returns the first value of name in h, compared case-insensitively.
func header(h map[string][]string, name string) string {
	if vs := h[name]; len(vs) > 0 {
		return vs[0]
	}
	for k, vs := range h {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

// hasRequired reports whether an object field has a required member.
func hasRequired(f *Field) bool {
	for i := range f.Fields {
		if f.Fields[i].Required {
			return true
		}
	}
	return false
}

// encrypted reports whether a field is one the client encrypts: format
// base64 (the source's mark for ciphertext fields) or named by its
// parent's x-is-sensitive list.
func encrypted(f *Field, parent *Field) bool {
	if f.Format == "base64" {
		return true
	}
	if parent != nil {
		for _, s := range parent.Sensitive {
			if s == f.Name {
				return true
			}
		}
	}
	return false
}

// hasEncrypted reports whether the tree below f has an encrypted field.
func hasEncrypted(f *Field) bool {
	if f == nil {
		return false
	}
	for i := range f.Fields {
		if encrypted(&f.Fields[i], f) || hasEncrypted(&f.Fields[i]) {
			return true
		}
	}
	return hasEncrypted(f.Items)
}

// validator collects the findings of one call.
type validator struct {
	out       []Finding
	sc        scanner
	err       error    // a JSON syntax error stops the body walk
	path      []string // the body path being walked (names, array indexes)
	encrypted string   // the first encrypted field the body sets
}

func (v *validator) add(f Finding) {
	if len(v.out) < MaxFindings {
		v.out = append(v.out, f)
	}
}

// param checks a path, query or header value.
func (v *validator) param(p *Param, val string, present bool) {
	if !present {
		if p.Required {
			v.add(Finding{Kind: Missing, Location: p.In, Field: p.Name, Issue: "required"})
		}
		return
	}
	if p.Type == "integer" {
		if _, err := strconv.ParseInt(val, 10, 64); err != nil {
			v.add(Finding{Kind: WrongType, Location: p.In, Field: p.Name, Issue: "want an integer"})
			return
		}
	}
	if len(p.Enum) > 0 && !inEnum(p.Enum, val) {
		v.add(Finding{Kind: NotInEnum, Location: p.In, Field: p.Name, Issue: enumIssue(p.Enum)})
	}
	if p.MaxLength > 0 && utf8.RuneCountInString(val) > p.MaxLength {
		v.add(Finding{Kind: TooLong, Location: p.In, Field: p.Name, Issue: tooLong(p.MaxLength, utf8.RuneCountInString(val))})
	}
}

// fieldPath is the current body path as a dotted string (a "." inside a
// name is written "\.", as in the wxpay ITEM syntax).
func (v *validator) fieldPath() string {
	var b strings.Builder
	for i, s := range v.path {
		if i > 0 {
			b.WriteByte('.')
		}
		if len(s) > maxNameLen { // a hostile key does not fill the logs
			s = strings.ToValidUTF8(s[:maxNameLen], "") + "…"
		}
		b.WriteString(strings.ReplaceAll(s, ".", `\.`))
	}
	return b.String()
}

func (v *validator) bodyFinding(k Kind, issue string) {
	v.add(Finding{Kind: k, Location: LocationBody, Field: v.fieldPath(), Issue: issue})
}

// body checks the JSON value at the scanner against f. sensitive says that
// the parent names this field in x-is-sensitive.
// It reports whether the value was null.
func (v *validator) body(f *Field, sensitive bool) (null bool) {
	if v.err != nil {
		return false
	}
	sc := &v.sc
	c := sc.peek()
	if c == 'n' {
		v.err = sc.literal("null")
		return true
	}
	if (sensitive || f.Format == "base64") && v.encrypted == "" {
		v.encrypted = v.fieldPath()
	}
	got := jsonType(c)
	want := f.Type
	if want == "" && len(f.Fields) > 0 {
		want = "object"
	}
	switch want {
	case "string", "integer", "number", "boolean", "object", "array":
	default:
		_, v.err = sc.skip() // a type the catalogue does not give: unchecked
		return false
	}
	if got != want && !(want == "integer" && got == "number") {
		if _, v.err = sc.skip(); v.err == nil {
			v.bodyFinding(WrongType, "want "+want+", got "+got)
		}
		return false
	}
	switch got {
	case "object":
		v.object(f)
	case "array":
		v.array(f)
	case "string":
		var s string
		if s, v.err = sc.str(); v.err != nil {
			return false
		}
		if len(f.Enum) > 0 && !inEnum(f.Enum, s) {
			v.bodyFinding(NotInEnum, enumIssue(f.Enum))
		}
		if f.MaxLength > 0 && len(s) > f.MaxLength {
			if n := utf8.RuneCountInString(s); n > f.MaxLength {
				v.bodyFinding(TooLong, tooLong(f.MaxLength, n))
			}
		}
	case "boolean":
		if c == 't' {
			v.err = sc.literal("true")
		} else {
			v.err = sc.literal("false")
		}
	default: // a number
		var n string
		if n, v.err = sc.number(); v.err != nil {
			return false
		}
		if want == "integer" && strings.ContainsAny(n, ".eE") {
			v.bodyFinding(WrongType, "want integer, got a number with a fraction or exponent")
			return false
		}
		if len(f.Enum) > 0 && !inEnum(f.Enum, n) {
			v.bodyFinding(NotInEnum, enumIssue(f.Enum))
		}
	}
	return false
}

// object checks an object's members against f.Fields.
func (v *validator) object(f *Field) {
	sc := &v.sc
	var seen uint64 // members 0..63 seen; more are tracked in seenMore
	var seenMore []bool
	if len(f.Fields) > 64 {
		seenMore = make([]bool, len(f.Fields)-64)
	}
	free := len(f.Fields) == 0 // an object the catalogue does not detail
	v.err = sc.each('{', '}', func() error {
		key, err := member(sc)
		if err != nil {
			return err
		}
		idx := -1
		for i := range f.Fields {
			if f.Fields[i].Name == key {
				idx = i
				break
			}
		}
		if idx < 0 {
			if _, err := sc.skip(); err != nil {
				return err
			}
			if !free {
				v.path = append(v.path, key)
				v.unknown(f, key)
				v.path = v.path[:len(v.path)-1]
			}
			return nil
		}
		if idx < 64 {
			seen |= 1 << idx
		} else {
			seenMore[idx-64] = true
		}
		m := &f.Fields[idx]
		v.path = append(v.path, key)
		null := v.body(m, encrypted(m, f))
		v.path = v.path[:len(v.path)-1]
		if v.err != nil {
			return v.err
		}
		if null { // a null member counts as absent
			if idx < 64 {
				seen &^= 1 << idx
			} else {
				seenMore[idx-64] = false
			}
		}
		return nil
	})
	if v.err != nil {
		return
	}
	for i := range f.Fields {
		m := &f.Fields[i]
		if !m.Required {
			continue
		}
		if i < 64 && seen&(1<<i) != 0 || i >= 64 && seenMore[i-64] {
			continue
		}
		v.path = append(v.path, m.Name)
		v.bodyFinding(Missing, "required")
		v.path = v.path[:len(v.path)-1]
	}
}

// array checks each element against f.Items.
func (v *validator) array(f *Field) {
	sc := &v.sc
	n := 0
	v.err = sc.each('[', ']', func() error {
		v.path = append(v.path, strconv.Itoa(n))
		n++
		if f.Items != nil {
			v.body(f.Items, false)
		} else {
			_, v.err = sc.skip()
		}
		v.path = v.path[:len(v.path)-1]
		return v.err
	})
}

// unknown reports a member f does not describe, with the nearest names.
func (v *validator) unknown(f *Field, key string) {
	names := make([]string, len(f.Fields))
	for i := range f.Fields {
		names[i] = f.Fields[i].Name
	}
	sug := nearest(key, names, 3)
	issue := "not a field of this operation"
	if len(sug) > 0 {
		issue += "; did you mean " + strconv.Quote(sug[0]) + "?"
	}
	v.add(Finding{Kind: UnknownField, Location: LocationBody, Field: v.fieldPath(), Issue: issue, Suggestions: sug})
}

// jsonType names the JSON type a value starting with c has.
func jsonType(c byte) string {
	switch {
	case c == '"':
		return "string"
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == 't' || c == 'f':
		return "boolean"
	case c == '-' || '0' <= c && c <= '9':
		return "number" // an integer when it has no fraction or exponent
	}
	return "invalid"
}

func inEnum(enum []string, s string) bool {
	for _, e := range enum {
		if e == s {
			return true
		}
	}
	return false
}

func enumIssue(enum []string) string {
	return "not one of the allowed values: " + strings.Join(enum, ", ")
}

func tooLong(max, n int) string {
	return "longer than " + strconv.Itoa(max) + " characters (" + strconv.Itoa(n) + ")"
}
