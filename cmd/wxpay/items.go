package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
)

// itemKind tells what a command-line ITEM sets.
type itemKind int

const (
	// itemField is name=value: a path variable when the template names it,
	// otherwise a JSON string field of the body.
	itemField itemKind = iota
	// itemRawJSON is name:=<json>: a raw JSON field of the body.
	itemRawJSON
	// itemQuery is name==value: a query parameter.
	itemQuery
	// itemHeader is Header:value: a request header.
	itemHeader
)

func (k itemKind) String() string {
	switch k {
	case itemField:
		return "field"
	case itemRawJSON:
		return "raw JSON field"
	case itemQuery:
		return "query parameter"
	case itemHeader:
		return "header"
	}
	return fmt.Sprintf("itemKind(%d)", int(k))
}

// item is one parsed ITEM argument.
type item struct {
	Kind  itemKind
	Name  string // escapes for '=' and ':' removed; other backslashes kept (sjson uses "\." for a literal dot)
	Value string // exactly as typed: never lower-cased, trimmed or unescaped
	Arg   string // the argument as typed, for error messages
}

// separators in the order used to break ties at the same position: the
// longest wins, so "a==b" is a query and "a:=1" raw JSON (httpie's rule).
var separators = []struct {
	sep  string
	kind itemKind
}{
	{"==", itemQuery},
	{":=", itemRawJSON},
	{"=", itemField},
	{":", itemHeader},
}

// parseItem splits one ITEM argument. The separator is the one that starts
// earliest in the argument (the longest of those starting at the same place);
// a backslash before '=' or ':' in the name makes that character literal.
// The value after the separator is taken verbatim.
func parseItem(arg string) (item, error) {
	var name strings.Builder
	for i := 0; i < len(arg); i++ {
		c := arg[i]
		if c == '\\' && i+1 < len(arg) && (arg[i+1] == '=' || arg[i+1] == ':' || arg[i+1] == '\\') {
			if arg[i+1] == '\\' {
				// "\\" stays a backslash pair so that sjson still sees an escape.
				name.WriteString(`\\`)
			} else {
				name.WriteByte(arg[i+1])
			}
			i++
			continue
		}
		for _, s := range separators {
			if strings.HasPrefix(arg[i:], s.sep) {
				it := item{Kind: s.kind, Name: name.String(), Value: arg[i+len(s.sep):], Arg: arg}
				return it, it.check()
			}
		}
		name.WriteByte(c)
	}
	return item{}, usageErrorf("item %q: no separator; use name=value, name:=<json>, name==value or Header:value", arg)
}

// check validates the item on its own (what it means for the body is checked
// when the body is built).
func (it item) check() error {
	if it.Name == "" {
		return usageErrorf("item %q: empty name before %q", it.Arg, it.sepString())
	}
	switch it.Kind {
	case itemRawJSON:
		if !gjson.Valid(it.Value) {
			return usageErrorf("item %q: the value after := is not valid JSON (quote strings: name:='\"text\"', or use name=text)", it.Arg)
		}
	case itemHeader:
		if !validHeaderName(it.Name) {
			return usageErrorf("item %q: %q is not a valid header name", it.Arg, it.Name)
		}
		if strings.ContainsAny(it.Value, "\r\n\x00") {
			return usageErrorf("item %q: header value contains a line break or NUL", it.Arg)
		}
	}
	return nil
}

func (it item) sepString() string {
	for _, s := range separators {
		if s.kind == it.Kind {
			return s.sep
		}
	}
	return "?"
}

// validHeaderName reports whether s is an RFC 9110 token.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// request is what the items of a call amount to.
type request struct {
	PathVars map[string]string
	Query    url.Values
	Header   http.Header
	Body     []byte // nil when no body item and no --json
	BodyItem string // the first body item as typed ("" when none)
}

// buildRequest turns the items into a request. pathNames are the variables
// the template names; jsonBody is the whole body from --json (nil if unset).
func buildRequest(args []string, pathNames []string, jsonBody []byte) (*request, error) {
	isPath := make(map[string]bool, len(pathNames))
	for _, n := range pathNames {
		isPath[n] = true
	}
	r := &request{PathVars: map[string]string{}, Query: url.Values{}, Header: http.Header{}}
	var body []byte
	for _, arg := range args {
		it, err := parseItem(arg)
		if err != nil {
			return nil, err
		}
		switch it.Kind {
		case itemQuery:
			r.Query.Add(it.Name, it.Value)
		case itemHeader:
			r.Header.Add(it.Name, it.Value)
		case itemField, itemRawJSON:
			if it.Kind == itemField && isPath[it.Name] {
				if it.Value == "" {
					return nil, usageErrorf("item %q: path variable %q needs a value", it.Arg, it.Name)
				}
				if prev, dup := r.PathVars[it.Name]; dup && prev != it.Value {
					return nil, usageErrorf("item %q: path variable %q already set to %q", it.Arg, it.Name, prev)
				}
				r.PathVars[it.Name] = it.Value
				continue
			}
			if jsonBody != nil {
				return nil, usageErrorf("item %q: body fields cannot be combined with --json (put the field into the JSON instead)", it.Arg)
			}
			if body == nil {
				body = []byte("{}")
			}
			body, err = setField(body, it)
			if err != nil {
				return nil, err
			}
			if r.BodyItem == "" {
				r.BodyItem = it.Arg
			}
		}
	}
	switch {
	case jsonBody != nil:
		r.Body = jsonBody
	case body != nil:
		r.Body = body
	}
	return r, nil
}

// setField sets one body field with sjson; the name is an sjson path
// (dots nest, "\." is a literal dot, a numeric segment indexes an array).
func setField(body []byte, it item) ([]byte, error) {
	if err := checkFieldPath(it.Name); err != nil {
		return nil, usageErrorf("item %q: %w", it.Arg, err)
	}
	if err := checkOverwrite(body, it.Name); err != nil {
		return nil, usageErrorf("item %q: %w", it.Arg, err)
	}
	var (
		out []byte
		err error
	)
	if it.Kind == itemRawJSON {
		out, err = sjson.SetRawBytes(body, it.Name, []byte(it.Value))
	} else {
		out, err = sjson.SetBytes(body, it.Name, it.Value)
	}
	if err != nil || !gjson.ValidBytes(out) {
		return nil, usageErrorf("item %q: cannot set body field %q", it.Arg, it.Name)
	}
	if !gjson.GetBytes(out, it.Name).Exists() {
		return nil, usageErrorf("item %q: body field %q conflicts with an earlier item", it.Arg, it.Name)
	}
	return out, nil
}

// checkFieldPath refuses sjson paths that would silently set nothing:
// empty segments and unescaped sjson/gjson specials.
func checkFieldPath(p string) error {
	seg := 0
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\':
			if i+1 >= len(p) {
				return fmt.Errorf("name %q ends with a backslash", p)
			}
			i++
			seg++
		case c == '.':
			if seg == 0 {
				return fmt.Errorf("name %q has an empty segment (use \\. for a literal dot)", p)
			}
			seg = 0
		case strings.IndexByte("|#@*?!", c) >= 0:
			return fmt.Errorf("name %q: %q must be escaped with a backslash", p, string(c))
		default:
			seg++
		}
	}
	if seg == 0 {
		return fmt.Errorf("name %q has an empty segment (use \\. for a literal dot)", p)
	}
	return nil
}

// checkOverwrite refuses a body field that would replace what an earlier
// item set: the same field again (a=1 a=2), an object built by earlier
// items (a.b=1 a=2), or a value that would have to become an object
// (a=1 a.b=2). Nothing a user typed is dropped silently.
func checkOverwrite(body []byte, path string) error {
	if r := gjson.GetBytes(body, path); r.Exists() {
		return fmt.Errorf("body field %q is already set by an earlier item (to %s)", path, r.Raw)
	}
	for i := 0; i < len(path); i++ {
		switch path[i] {
		case '\\':
			i++
		case '.':
			parent := path[:i]
			if r := gjson.GetBytes(body, parent); r.Exists() && !r.IsObject() && !r.IsArray() {
				return fmt.Errorf("body field %q is already set by an earlier item (to %s), so it cannot hold %q", parent, r.Raw, path)
			}
		}
	}
	return nil
}
