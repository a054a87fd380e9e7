package pathtpl

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		tmpl    string
		pos     int
		msgPart string
	}{
		{"{/id*", 0, "unclosed"},
		{"/id*}", 4, `"}" without`},
		{"{/?id}", 2, "expected a variable name"},
		{"{var:prefix}", 5, "prefix modifier"},
		{"{hello:2*}", 8, "unexpected '*'"},
		{"{??hello}", 2, "expected a variable name"},
		{"{!hello}", 1, "reserved"},
		{"{=path}", 1, "reserved"},
		{"{|var*}", 1, "reserved"},
		{"{,var}", 1, "reserved"},
		{"{@var}", 1, "reserved"},
		{"{with space}", 5, "unexpected ' '"},
		{"{ leading_space}", 1, "expected a variable name"},
		{"{trailing_space }", 15, "unexpected ' '"},
		{"{$var}", 1, "expected a variable name"},
		{"{*keys?}", 1, "expected a variable name"},
		{"{?empty=default,var}", 7, "unexpected '='"},
		{"{var}{-prefix|/-/|var}", 6, "expected a variable name"},
		{"?q={searchTerms}&amp;c={example:color?}", 32, "prefix modifier"},
		{"x{?empty|foo=none}", 8, "unexpected '|'"},
		{"/h{#hello+}", 9, "unexpected '+'"},
		{"/people/{~thing}", 9, "expected a variable name"},
		{"/sparql{?query){&default-graph-uri*}", 14, "unexpected ')'"},
		{"/resolution{?x, y}", 15, "expected a variable name"},
		{"{var:0}", 5, "1-9"},
		{"{var:01}", 5, "1-9"},
		{"{var:10000}", 5, "exceeds 9999"},
		{"{var:}", 5, "prefix modifier"},
		{"{x.}", 2, `ends with "."`},
		{"{x..y}", 3, `".."`},
		{"{.x}{..y}", 6, `starts with "."`},
		{"{%2x}", 1, `"%"`},
		{"{}", 1, "empty expression"},
		{"{", 0, "unclosed"},
		{"abc{def", 3, "unclosed"},
		{"{a:12", 0, "unclosed"},
		{"{a*", 0, "unclosed"},
		{"a b/{c}", 1, "not allowed"},
		{"a<b>", 1, "not allowed"},
		{"v3/%zz", 3, "two hex digits"},
		{"v3/%4", 3, "two hex digits"},
		{"v3/\x00", 3, "not allowed"},
		{"v3/\r\n", 3, "not allowed"},
		{"v3/\xff", 3, "invalid UTF-8"},
		{"{aé}", 2, "unexpected"},
		{"a}b", 1, `"}" without`},
		{"{a{b}", 2, "unexpected '{'"},
	}
	for _, tc := range cases {
		t.Run(tc.tmpl, func(t *testing.T) {
			t.Parallel()
			tp, err := Parse(tc.tmpl)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want an error", tc.tmpl, tp)
			}
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("errors.Is(err, ErrSyntax) = false for %v", err)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *SyntaxError", err)
			}
			if se.Pos != tc.pos || se.Template != tc.tmpl {
				t.Errorf("SyntaxError at %d in %q, want %d in %q (%v)", se.Pos, se.Template, tc.pos, tc.tmpl, err)
			}
			if !strings.Contains(se.Msg, tc.msgPart) {
				t.Errorf("message %q does not contain %q", se.Msg, tc.msgPart)
			}
			if !strings.HasPrefix(err.Error(), "pathtpl: ") {
				t.Errorf("error %q does not start with the package name", err)
			}
			if _, err2 := Expand(tc.tmpl, nil); !errors.Is(err2, ErrSyntax) {
				t.Errorf("Expand(%q) error = %v, want ErrSyntax", tc.tmpl, err2)
			}
		})
	}
}

func TestParseNamesAndString(t *testing.T) {
	t.Parallel()
	cases := []struct {
		tmpl  string
		names []string
	}{
		{"v3/payscore/payafter-orders/{out_order_no}/sync", []string{"out_order_no"}},
		{"{a}{b}{a}", []string{"a", "b"}},
		{"{/a,b*}{?c:3,a}{&d}{#e}", []string{"a", "b", "c", "d", "e"}},
		{"{?Stra%C3%9Fe,last.name}", []string{"Stra%C3%9Fe", "last.name"}},
		{"plain/text", nil},
		{"", nil},
	}
	for _, tc := range cases {
		tp, err := Parse(tc.tmpl)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.tmpl, err)
		}
		if diff := cmp.Diff(tc.names, tp.Names()); diff != "" {
			t.Errorf("Names(%q) mismatch (-want +got):\n%s", tc.tmpl, diff)
		}
		if tp.String() != tc.tmpl {
			t.Errorf("String() = %q, want %q", tp.String(), tc.tmpl)
		}
	}
}

func TestNamesReturnsCopy(t *testing.T) {
	t.Parallel()
	tp, err := Parse("{a}/{b}")
	if err != nil {
		t.Fatal(err)
	}
	n := tp.Names()
	n[0] = "changed"
	if diff := cmp.Diff([]string{"a", "b"}, tp.Names()); diff != "" {
		t.Errorf("Names changed by the caller (-want +got):\n%s", diff)
	}
}

func TestParseLiterals(t *testing.T) {
	t.Parallel()
	cases := []expandCase{
		{"café/{var}", "caf%C3%A9/value"},
		{"x%20y/{var}", "x%20y/value"},
		{"v3/pay/transactions/id/{var}?mchid=1230000109", "v3/pay/transactions/id/value?mchid=1230000109"},
		{"!#$&'()*+,-./:;=?@[]_~{var}", "!#$&'()*+,-./:;=?@[]_~value"},
		{"日本/{var}", "%E6%97%A5%E6%9C%AC/value"},
	}
	for _, tc := range cases {
		got, err := Expand(tc.tmpl, map[string]any{"var": "value"})
		if err != nil {
			t.Errorf("Expand(%q): %v", tc.tmpl, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Expand(%q) mismatch (-want +got):\n%s", tc.tmpl, diff)
		}
	}
}
