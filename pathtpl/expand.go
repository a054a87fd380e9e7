package pathtpl

import "bytes"

// stackBuf is the size of the on-stack buffer used by Expand; longer
// results grow onto the heap.
const stackBuf = 256

// Expand expands the template with vars following RFC 6570: undefined
// variables (absent, nil, empty list, empty map) are omitted together with
// their operator prefix and separators.
//
// Values may be string, bool, any integer or float type (formatted like
// JSON: 6 → "6", 37.76 → "37.76"), json.Number, []string, []any,
// map[string]any and map[string]string (expanded with keys sorted), other
// slices and string-keyed maps, named types of those kinds, and pointers to
// them. nil is undefined. An unsupported value, or a prefix modifier on a
// list or map, is a *ValueError (errors.Is(err, ErrValue)).
//
// In simple {var} expansion and with the operators . / ; ? & every byte
// outside ALPHA, DIGIT and "-._~" is percent-encoded — in particular "/",
// "?", "#", "%", CR, LF and NUL — so a value can never add a path segment,
// a query or a fragment. Reserved expansion {+var} and fragment expansion
// {#var} keep reserved characters and existing %XX triplets: they are the
// only way to pass a pre-built path and are UNSAFE for untrusted input.
//
// For requests, prefer ExpandStrict, which also refuses missing values and
// "." / ".." path segments.
func (t *Template) Expand(vars map[string]any) (string, error) {
	var arr [stackBuf]byte
	buf, err := t.appendExpand(arr[:0], vars, nil)
	if err != nil {
		return "", err
	}
	return string(buf), nil
}

// ExpandStrict is Expand for building requests. Every variable of the
// template must be defined and non-empty: otherwise the error is a
// *MissingError (errors.Is(err, ErrMissing)) that lists all missing or empty
// variables at once. Empty means "", and also a list or map holding only
// empty strings (it would expand to an empty path segment). Missing values
// are reported before invalid ones (*ValueError).
//
// A value that would form a whole "." or ".." path segment of the result is
// refused with a *DotSegmentError (errors.Is(err, ErrDotSegment)) naming the
// variable: the result's path (the text before its first "?" or "#") is
// split at "/", "%2E" counts as ".", and a "." or ".." segment to which a
// variable contributed — its value, or the "/" or "." its operator writes —
// is an error. So "v3/orders/{id}" with id ".." and "v3/orders{/id}" with
// id "." are refused, as are {+path} values holding "/../" or "/%2E%2E/",
// while "v3/file{ext}" with ext "." (segment "file.") is not. Dot segments
// written in the template text itself are the program's own and allowed.
func (t *Template) ExpandStrict(vars map[string]any) (string, error) {
	var missing []string
	var valueErr error
	for _, name := range t.names {
		r, err := resolve(name, vars[name])
		if err != nil {
			if valueErr == nil {
				valueErr = err
			}
			continue
		}
		if r.empty() {
			missing = append(missing, name)
		}
	}
	if missing != nil {
		return "", &MissingError{Template: t.raw, Names: missing}
	}
	if valueErr != nil {
		return "", valueErr
	}
	var arr [stackBuf]byte
	buf, err := t.appendExpand(arr[:0], vars, nil)
	if err != nil {
		return "", err
	}
	if hasDotSegment(buf) {
		// Rare: find out whether a variable formed it (slow path).
		if err := t.checkDotSegments(vars); err != nil {
			return "", err
		}
	}
	return string(buf), nil
}

// span records which bytes of an expansion a variable wrote.
type span struct {
	start, end int
	name       string
}

// checkDotSegments expands again while recording which variable wrote which
// bytes, and returns a *DotSegmentError for the first "." or ".." path
// segment that a variable contributed to.
func (t *Template) checkDotSegments(vars map[string]any) error {
	var spans []span
	buf, err := t.appendExpand(nil, vars, &spans)
	if err != nil {
		return err
	}
	path := buf
	if i := indexQueryOrFragment(buf); i >= 0 {
		path = buf[:i]
	}
	for start := 0; start <= len(path); {
		end := start
		for end < len(path) && path[end] != '/' {
			end++
		}
		if seg := string(path[start:end]); isDotSegment(seg) {
			for _, sp := range spans {
				if sp.start < end && start < sp.end {
					return &DotSegmentError{Template: t.raw, Name: sp.name, Value: seg}
				}
			}
		}
		start = end + 1
	}
	return nil
}

// hasDotSegment reports whether the path part of an expansion (before the
// first "?" or "#") has a "." or ".." segment, "%2E" counting as ".". It is
// one pass over buf, the fast path of every ExpandStrict.
func hasDotSegment(buf []byte) bool {
	if bytes.IndexByte(buf, '.') < 0 && bytes.IndexByte(buf, '%') < 0 {
		return false // the usual case, found with two fast scans
	}
	start := 0
	for i := 0; ; i++ {
		end := i == len(buf)
		if !end && buf[i] != '/' && buf[i] != '?' && buf[i] != '#' {
			continue
		}
		if n := i - start; n > 0 && n <= 6 && (buf[start] == '.' || buf[start] == '%') && isDotSegment(string(buf[start:i])) {
			return true
		}
		if end || buf[i] != '/' {
			return false
		}
		start = i + 1
	}
}

func indexQueryOrFragment(buf []byte) int {
	for i, c := range buf {
		if c == '?' || c == '#' {
			return i
		}
	}
	return -1
}

// isDotSegment reports whether seg is "." or "..", each "." possibly
// written as "%2E" or "%2e".
func isDotSegment(seg string) bool {
	dots := 0
	for i := 0; i < len(seg); {
		switch {
		case seg[i] == '.':
			i++
		case i+2 < len(seg) && seg[i] == '%' && seg[i+1] == '2' && (seg[i+2] == 'E' || seg[i+2] == 'e'):
			i += 3
		default:
			return false
		}
		dots++
	}
	return dots == 1 || dots == 2
}

// appendExpand appends the expansion to buf. When spans is not nil, it
// records for every variable the bytes it wrote (operator prefix or
// separator included).
func (t *Template) appendExpand(buf []byte, vars map[string]any, spans *[]span) ([]byte, error) {
	for i := range t.parts {
		p := &t.parts[i]
		if p.expr == nil {
			buf = append(buf, p.lit...)
			continue
		}
		var err error
		buf, err = t.appendExpression(buf, p.expr, vars, spans)
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}

func (t *Template) appendExpression(buf []byte, e *expression, vars map[string]any, spans *[]span) ([]byte, error) {
	op := e.op
	first := true
	for i := range e.vars {
		vs := &e.vars[i]
		val := vars[vs.name]
		var r resolved
		if s, ok := val.(string); ok {
			r = resolved{kind: kindScalar, s: s}
		} else {
			var err error
			if r, err = resolve(vs.name, val); err != nil {
				return nil, err
			}
		}
		if r.kind == kindUndefined {
			continue
		}
		if vs.prefix > 0 && r.kind != kindScalar {
			return nil, &ValueError{Name: vs.name, Msg: "a prefix modifier cannot apply to a list or map"}
		}
		start := len(buf)
		if first {
			buf = append(buf, op.first...)
			first = false
		} else {
			buf = append(buf, op.sep)
		}
		buf = appendValue(buf, op, vs, &r)
		if spans != nil {
			*spans = append(*spans, span{start: start, end: len(buf), name: vs.name})
		}
	}
	return buf, nil
}

// appendValue appends one defined variable value (after the operator's
// prefix or separator).
func appendValue(buf []byte, op *operator, vs *varSpec, r *resolved) []byte {
	switch r.kind {
	case kindScalar:
		s := r.s
		if vs.prefix > 0 {
			s = prefixOf(s, vs.prefix, op.reserved)
		}
		if op.named {
			buf = append(buf, vs.name...)
			if s == "" {
				return append(buf, op.ifEmpty...)
			}
			buf = append(buf, '=')
		}
		return appendEncoded(buf, s, op.reserved)
	case kindList:
		if !vs.explode {
			if op.named {
				buf = append(buf, vs.name...)
				buf = append(buf, '=')
			}
			for j, s := range r.list {
				if j > 0 {
					buf = append(buf, ',')
				}
				buf = appendEncoded(buf, s, op.reserved)
			}
			return buf
		}
		for j, s := range r.list {
			if j > 0 {
				buf = append(buf, op.sep)
			}
			if op.named {
				buf = append(buf, vs.name...)
				if s == "" {
					buf = append(buf, op.ifEmpty...)
					continue
				}
				buf = append(buf, '=')
			}
			buf = appendEncoded(buf, s, op.reserved)
		}
	case kindMap:
		if !vs.explode {
			if op.named {
				buf = append(buf, vs.name...)
				buf = append(buf, '=')
			}
			for j, p := range r.pairs {
				if j > 0 {
					buf = append(buf, ',')
				}
				buf = appendEncoded(buf, p.k, op.reserved)
				buf = append(buf, ',')
				buf = appendEncoded(buf, p.v, op.reserved)
			}
			return buf
		}
		for j, p := range r.pairs {
			if j > 0 {
				buf = append(buf, op.sep)
			}
			buf = appendEncoded(buf, p.k, op.reserved)
			if op.named && p.v == "" {
				buf = append(buf, op.ifEmpty...)
				continue
			}
			buf = append(buf, '=')
			buf = appendEncoded(buf, p.v, op.reserved)
		}
	}
	return buf
}
