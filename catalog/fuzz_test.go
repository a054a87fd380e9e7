package catalog

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzValidate checks arbitrary JSON (or not-JSON) against arbitrary
// operations: never a panic, never more than MaxFindings, every finding
// with a location and an issue.
func FuzzValidate(f *testing.F) {
	f.Add(uint16(0), []byte(`{}`), "", "")
	f.Add(uint16(1), []byte(`{"amount":{"total":1.5},"payer":[]}`), "x", "y")
	f.Add(uint16(2), []byte(`[{"a":null}, "\u00e9\ud83d\ude00", -0.1e+5]`), "mchid", "1")
	f.Add(uint16(3), []byte(`{"a":"\`), "", "")
	f.Add(uint16(4), []byte(`{"detail":{"goods_detail":[{"quantity":"1"},{}]}}`), "", "")
	f.Fuzz(func(t *testing.T, which uint16, body []byte, qname, qval string) {
		c := load()
		op := &c.ops[int(which)%len(c.ops)]
		req := Request{
			Body:     body,
			Query:    map[string][]string{qname: {qval}},
			PathVars: map[string]string{qname: qval},
			Header:   map[string][]string{qname: {qval}},
		}
		for _, fs := range [][]Finding{op.Validate(req), Validate(op.Method, op.Template, req), Validate("POST", qname, req)} {
			if len(fs) > MaxFindings {
				t.Fatalf("%d findings", len(fs))
			}
			for _, fd := range fs {
				if fd.Location == "" || fd.Issue == "" || fd.Kind.String() == "Kind(?)" {
					t.Fatalf("incomplete finding %#v", fd)
				}
				_ = fd.Pointer()
			}
		}
	})
}

// FuzzScanner checks the scanner against encoding/json: a text is one
// valid JSON value for the scanner exactly when json.Valid says so (for
// valid UTF-8 within the nesting bound), and it never reads past the input.
func FuzzScanner(f *testing.F) {
	for _, s := range []string{`{}`, `[1,2,{"a":[true,false,null]}]`, `"\ud800"`, `-`, `1e`, `{"a" 1}`, `[[[[`, ` -0.5e+3 `, `01`, `"\x"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sc := &scanner{s: s}
		raw, err := sc.skip()
		if err == nil && !strings.HasSuffix(s[:sc.i], raw) {
			t.Fatalf("skip returned %q at %d", raw, sc.i)
		}
		if sc.i > len(s) {
			t.Fatalf("read past the end: %d > %d", sc.i, len(s))
		}
		if !utf8.ValidString(s) || strings.Count(s, "[")+strings.Count(s, "{") >= maxNesting {
			return
		}
		if got, want := err == nil && sc.end(), json.Valid([]byte(s)); got != want {
			t.Fatalf("scanner says valid=%v, encoding/json %v, for %q", got, want, s)
		}
	})
}
