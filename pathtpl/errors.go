package pathtpl

import (
	"errors"
	"strconv"
	"strings"
)

// ErrSyntax is matched (with errors.Is) by every *SyntaxError: the template
// text itself is malformed.
var ErrSyntax = errors.New("pathtpl: template syntax error")

// ErrMissing is matched (with errors.Is) by every *MissingError: ExpandStrict
// found variables that are undefined or empty.
var ErrMissing = errors.New("pathtpl: missing variables")

// ErrDotSegment is matched (with errors.Is) by every *DotSegmentError:
// ExpandStrict refused a value that would form a "." or ".." path segment.
var ErrDotSegment = errors.New("pathtpl: dot segment in path value")

// ErrValue is matched (with errors.Is) by every *ValueError: a variable holds
// a value that cannot be expanded (unsupported type, a prefix modifier on a
// list or map, a NaN or infinite float).
var ErrValue = errors.New("pathtpl: invalid variable value")

// SyntaxError reports a malformed template. Pos is the 0-based byte offset in
// Template where the problem was found.
type SyntaxError struct {
	Template string // the template text that failed to parse
	Pos      int    // 0-based byte offset of the offending character
	Msg      string // what is wrong, e.g. `unclosed "{"`
}

// Error implements error.
func (e *SyntaxError) Error() string {
	return "pathtpl: syntax error at position " + strconv.Itoa(e.Pos) +
		" in template " + strconv.Quote(e.Template) + ": " + e.Msg
}

// Is reports whether target is ErrSyntax.
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

// MissingError lists every variable of a template that ExpandStrict found
// undefined (absent, nil, empty list or map) or empty ("", or a list or map
// of nothing but ""), in the order in which the variables appear in the
// template.
type MissingError struct {
	Template string   // the template text
	Names    []string // all missing or empty variables, deduplicated
}

// Error implements error.
func (e *MissingError) Error() string {
	var b strings.Builder
	b.WriteString("pathtpl: missing or empty ")
	if len(e.Names) == 1 {
		b.WriteString("variable ")
	} else {
		b.WriteString("variables ")
	}
	for i, n := range e.Names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(n))
	}
	b.WriteString(" in template ")
	b.WriteString(strconv.Quote(e.Template))
	return b.String()
}

// Is reports whether target is ErrMissing.
func (e *MissingError) Is(target error) bool { return target == ErrMissing }

// DotSegmentError reports a variable that helped form a whole "." or ".."
// path segment of the expansion (ExpandStrict only). Such a segment makes
// servers and proxies resolve the path to a different resource.
type DotSegmentError struct {
	Template string // the template text
	Name     string // the (first) variable that contributed to the dot segment
	Value    string // the dot segment as expanded, e.g. ".." or "%2E%2E"
}

// Error implements error.
func (e *DotSegmentError) Error() string {
	return "pathtpl: variable " + strconv.Quote(e.Name) + " forms the dot segment " +
		strconv.Quote(e.Value) + " in the path of template " + strconv.Quote(e.Template)
}

// Is reports whether target is ErrDotSegment.
func (e *DotSegmentError) Is(target error) bool { return target == ErrDotSegment }

// ValueError reports a variable value that cannot be expanded.
type ValueError struct {
	Name string // the variable name
	Msg  string // what is wrong with the value
}

// Error implements error.
func (e *ValueError) Error() string {
	return "pathtpl: variable " + strconv.Quote(e.Name) + ": " + e.Msg
}

// Is reports whether target is ErrValue.
func (e *ValueError) Is(target error) bool { return target == ErrValue }
