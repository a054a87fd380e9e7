package pathtpl

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzExpand checks, for any template and value: no panic, output made only
// of URI characters, and for simple {v} expansion that the value decodes
// back exactly and cannot add a segment, query or fragment.
func FuzzExpand(f *testing.F) {
	vars := rfcVars()
	for _, tc := range rfcCases {
		for _, name := range []string{"hello", "half", "base", "dub"} {
			f.Add(tc.tmpl, vars[name].(string), 3)
		}
	}
	for _, v := range hostileValues {
		f.Add("v3/orders/{id}/close", v, 2)
		f.Add("v3{+id}{?id}", v, 1)
	}
	f.Add("v3/{v}/x", "..", 1)
	f.Add("v3{+v}", "a/%2e./b", 1)
	f.Add("v3{+v}", "%2E%2E?/../", 1)
	f.Add("{v:2}", "αβγ", 2)
	f.Add("{+v:2}", "%41%42", 1)
	f.Add("{#v}", "%zz%4", 9999)
	f.Fuzz(func(t *testing.T, tmpl, value string, n int) {
		// Simple expansion: exact round trip, no structure added.
		out, err := Expand("{v}", map[string]any{"v": value})
		if err != nil {
			t.Fatalf("Expand({v}, %q): %v", value, err)
		}
		if !validURI(out) {
			t.Fatalf("Expand({v}, %q) = %q: not URI characters", value, out)
		}
		if strings.ContainsAny(out, "/?#") {
			t.Fatalf("Expand({v}, %q) = %q: value added structure", value, out)
		}
		dec, err := url.PathUnescape(out)
		if err != nil || dec != value {
			t.Fatalf("PathUnescape(%q) = %q, %v; want %q", out, dec, err, value)
		}
		// Reserved expansion: still only URI characters.
		out, err = Expand("{+v}", map[string]any{"v": value})
		if err != nil || !validURI(out) {
			t.Fatalf("Expand({+v}, %q) = %q, %v: not URI characters", value, out, err)
		}
		// Strict mode refuses exactly the values that form a whole "." or ".."
		// path segment: {v} between slashes, never {v} glued to a literal, and
		// for {+v} no dot segment (percent-decoded) may remain in the path.
		if value != "" {
			_, err = mustParse(t, "v3/{v}/x").ExpandStrict(map[string]any{"v": value})
			if dot := value == "." || value == ".."; dot != errors.Is(err, ErrDotSegment) || !dot && err != nil {
				t.Fatalf("ExpandStrict(v3/{v}/x, %q): %v", value, err)
			}
			if _, err = mustParse(t, "v3/file{v}").ExpandStrict(map[string]any{"v": value}); err != nil {
				t.Fatalf("ExpandStrict(v3/file{v}, %q): %v", value, err)
			}
			out, err = mustParse(t, "v3/{+v}").ExpandStrict(map[string]any{"v": value})
			if err == nil {
				p := out
				if i := strings.IndexAny(p, "?#"); i >= 0 {
					p = p[:i]
				}
				for _, seg := range strings.Split(p, "/") {
					if dec, derr := url.PathUnescape(seg); derr == nil && (dec == "." || dec == "..") {
						t.Fatalf("ExpandStrict(v3/{+v}, %q) = %q: dot segment %q passed", value, out, seg)
					}
				}
			} else if !errors.Is(err, ErrDotSegment) {
				t.Fatalf("ExpandStrict(v3/{+v}, %q): %v", value, err)
			}
		}
		// Prefix: a prefix of the value, at most n code points, never a split sequence.
		if n < 0 {
			n = -n
		}
		n = n%maxPrefix + 1
		tp, err := Parse("{v:" + itoa(n) + "}")
		if err != nil {
			t.Fatal(err)
		}
		out, err = tp.Expand(map[string]any{"v": value})
		if err != nil {
			t.Fatal(err)
		}
		dec, err = url.PathUnescape(out)
		if err != nil || !strings.HasPrefix(value, dec) || utf8.RuneCountInString(dec) > n {
			t.Fatalf("{v:%d} of %q = %q (decoded %q, %v)", n, value, out, dec, err)
		}
		if rest := value[len(dec):]; rest != "" && dec != "" && !utf8.RuneStart(rest[0]) && utf8.ValidString(value[:len(dec)+1]) {
			t.Fatalf("{v:%d} of %q split a UTF-8 sequence: %q", n, value, dec)
		}
		// Any template with every variable set to the value.
		tp, err = Parse(tmpl)
		if err != nil {
			return
		}
		vs := map[string]any{}
		for _, name := range tp.Names() {
			vs[name] = value
		}
		out, err = tp.Expand(vs)
		if err != nil {
			t.Fatalf("Expand(%q) with %q: %v", tmpl, value, err)
		}
		if !validURI(out) {
			t.Fatalf("Expand(%q) with %q = %q: not URI characters", tmpl, value, out)
		}
		if _, err := tp.ExpandStrict(vs); err != nil && !errors.Is(err, ErrMissing) && !errors.Is(err, ErrDotSegment) {
			t.Fatalf("ExpandStrict(%q) with %q: unexpected error %v", tmpl, value, err)
		}
		// Lists and maps too.
		for _, name := range tp.Names() {
			vs[name] = []any{value, "x"}
		}
		if out, err = tp.Expand(vs); err != nil && !errors.Is(err, ErrValue) || err == nil && !validURI(out) {
			t.Fatalf("Expand(%q) with list of %q = %q, %v", tmpl, value, out, err)
		}
		for _, name := range tp.Names() {
			vs[name] = map[string]string{value: value, "k": ""}
		}
		if out, err = tp.Expand(vs); err != nil && !errors.Is(err, ErrValue) || err == nil && !validURI(out) {
			t.Fatalf("Expand(%q) with map of %q = %q, %v", tmpl, value, out, err)
		}
	})
}

// FuzzParse checks that Parse never panics, reports errors as *SyntaxError
// with a position inside the template, and that every template it accepts
// expands to URI characters. It also runs Normalize and ParseChain.
func FuzzParse(f *testing.F) {
	for _, tc := range rfcCases {
		f.Add(tc.tmpl)
	}
	for _, tc := range normalizeCases {
		f.Add(tc.in)
	}
	for _, tc := range asWrittenCases {
		f.Add(tc.in)
	}
	for _, s := range []string{"v3/x%2Fy", "a%3Ab", "{/id*", "/id*}", "{var:10000}", "{x..y}", "{%2x}", "café/{var}", "a<b>", "{a:12", "v3/\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tmpl string) {
		tp, err := Parse(tmpl)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) {
				t.Fatalf("Parse(%q) error %T %v is not a *SyntaxError", tmpl, err, err)
			}
			if se.Pos < 0 || se.Pos >= len(tmpl) || se.Template != tmpl {
				t.Fatalf("Parse(%q): bad position %d", tmpl, se.Pos)
			}
		} else {
			if tp.String() != tmpl {
				t.Fatalf("String() = %q, want %q", tp.String(), tmpl)
			}
			vs := map[string]any{}
			for _, name := range tp.Names() {
				vs[name] = "x"
			}
			out, err := tp.Expand(vs)
			if err != nil || !validURI(out) {
				t.Fatalf("Expand(%q) = %q, %v", tmpl, out, err)
			}
			if out, err := tp.ExpandStrict(vs); err != nil || !validURI(out) {
				t.Fatalf("ExpandStrict(%q) = %q, %v", tmpl, out, err)
			}
			if out, err := tp.Expand(nil); err != nil || !validURI(out) {
				t.Fatalf("Expand(%q, nil) = %q, %v", tmpl, out, err)
			}
		}
		// Normalize never breaks a valid template (it only rewrites literals).
		if err == nil {
			if _, err := ParseChain(tmpl); err != nil {
				t.Fatalf("Parse(%q) succeeds but ParseChain fails: %v", tmpl, err)
			}
		}
		n := Normalize(tmpl)
		if again := Normalize(n); again != n {
			t.Fatalf("Normalize is not idempotent on %q: %q then %q", tmpl, n, again)
		}
		seg := NormalizeSegment(tmpl)
		if again := NormalizeSegment(seg); again != seg {
			t.Fatalf("NormalizeSegment is not idempotent on %q: %q then %q", tmpl, seg, again)
		}
		if again := Normalize(seg); again != seg {
			t.Fatalf("Normalize changes NormalizeSegment(%q) = %q into %q", tmpl, seg, again)
		}
		if tp, err := ParseChain(tmpl); err == nil && tp.String() != n {
			t.Fatalf("ParseChain(%q).String() = %q, want %q", tmpl, tp.String(), n)
		}
	})
}

// mustParse parses a template known to be valid.
func mustParse(t *testing.T, tmpl string) *Template {
	t.Helper()
	tp, err := Parse(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(b[i:])
}
