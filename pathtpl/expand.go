package pathtpl

import "strings"

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
	buf, err := t.appendExpand(arr[:0], vars, false)
	if err != nil {
		return "", err
	}
	return string(buf), nil
}

// ExpandStrict is Expand for building requests. Every variable of the
// template must be defined and non-empty: otherwise the error is a
// *MissingError (errors.Is(err, ErrMissing)) that lists all missing or empty
// variables at once. A value that would expand to a "." or ".." path segment
// (a value "." or "..", or for {+var} a "/"-separated piece of it, %2E
// counting as ".") is refused with a *DotSegmentError (errors.Is(err,
// ErrDotSegment)). This check is conservative: it applies to every
// expression in the path part of the template (before any "?" or "#").
func (t *Template) ExpandStrict(vars map[string]any) (string, error) {
	var missing []string
	for _, name := range t.names {
		r, err := resolve(name, vars[name])
		if err != nil {
			return "", err
		}
		if r.kind == kindUndefined || r.kind == kindScalar && r.s == "" {
			missing = append(missing, name)
		}
	}
	if missing != nil {
		return "", &MissingError{Template: t.raw, Names: missing}
	}
	var arr [stackBuf]byte
	buf, err := t.appendExpand(arr[:0], vars, true)
	if err != nil {
		return "", err
	}
	return string(buf), nil
}

func (t *Template) appendExpand(buf []byte, vars map[string]any, strict bool) ([]byte, error) {
	for i := range t.parts {
		p := &t.parts[i]
		if p.expr == nil {
			buf = append(buf, p.lit...)
			continue
		}
		var err error
		buf, err = t.appendExpression(buf, p.expr, vars, strict)
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}

func (t *Template) appendExpression(buf []byte, e *expression, vars map[string]any, strict bool) ([]byte, error) {
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
		if first {
			buf = append(buf, op.first...)
			first = false
		} else {
			buf = append(buf, op.sep)
		}
		switch r.kind {
		case kindScalar:
			s := r.s
			if vs.prefix > 0 {
				s = prefixOf(s, vs.prefix, op.reserved)
			}
			if strict && e.path {
				if seg, bad := dotSegment(s, op.reserved); bad {
					return nil, &DotSegmentError{Template: t.raw, Name: vs.name, Value: seg}
				}
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
		case kindList:
			if strict && e.path {
				for _, s := range r.list {
					if seg, bad := dotSegment(s, op.reserved); bad {
						return nil, &DotSegmentError{Template: t.raw, Name: vs.name, Value: seg}
					}
				}
			}
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
				continue
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
				continue
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
	}
	return buf, nil
}

// dotSegment reports whether s would become a "." or ".." path segment. In
// reserved mode s may hold "/" and %2E, so each "/"-separated piece is
// checked with %2E decoded.
func dotSegment(s string, reserved bool) (string, bool) {
	if !reserved {
		return s, s == "." || s == ".."
	}
	for piece := range strings.SplitSeq(s, "/") {
		if len(piece) == 0 || len(piece) > 6 {
			continue
		}
		d := strings.ReplaceAll(strings.ReplaceAll(piece, "%2e", "."), "%2E", ".")
		if d == "." || d == ".." {
			return piece, true
		}
	}
	return "", false
}
