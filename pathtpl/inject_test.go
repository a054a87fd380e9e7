package pathtpl

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var hostileValues = []string{
	"a/b",
	"../../v3/refund/domestic/refunds",
	"x?mchid=1900000000",
	"x#frag",
	"100%",
	"%2F..%2F",
	"a\r\nX-Injected: 1",
	"a\nb",
	"nul\x00byte",
	"sp ace+plus",
	"中文/路径",
	"\xff\xfe",
	"@:;=&$,[]'!()*",
}

// TestSimpleExpansionCannotInject checks that in {var} (and the other
// non-reserved operators) a value stays inside its own segment: "/", "?",
// "#", "%", CR, LF and NUL are always encoded and the value decodes back
// exactly.
func TestSimpleExpansionCannotInject(t *testing.T) {
	t.Parallel()
	for _, v := range hostileValues {
		for _, tmpl := range []string{"v3/orders/{id}/close", "v3/orders{/id}", "v3/orders/x{.id}", "v3/orders{;id}", "v3/orders{?id}", "v3/orders?a=1{&id}"} {
			tp, err := Parse(tmpl)
			if err != nil {
				t.Fatal(err)
			}
			for _, expand := range []func(map[string]any) (string, error){tp.Expand, tp.ExpandStrict} {
				got, err := expand(map[string]any{"id": v})
				if err != nil {
					t.Fatalf("expand %q with %q: %v", tmpl, v, err)
				}
				fixed, _ := tp.Expand(map[string]any{"id": "X"})
				// Everything but the value must be unchanged, so compare the
				// structure: segments, query and fragment markers.
				if strings.Count(got, "/") != strings.Count(fixed, "/") ||
					strings.Count(got, "?") != strings.Count(fixed, "?") ||
					strings.Count(got, "&") != strings.Count(fixed, "&") ||
					strings.ContainsAny(got, "#\r\n\x00 ") {
					t.Errorf("expand %q with %q = %q: the value changed the URL structure", tmpl, v, got)
				}
				if !validURI(got) {
					t.Errorf("expand %q with %q = %q: not URI characters", tmpl, v, got)
				}
			}
		}
		got, err := Expand("{id}", map[string]any{"id": v})
		if err != nil {
			t.Fatal(err)
		}
		dec, err := url.PathUnescape(got)
		if err != nil || dec != v {
			t.Errorf("PathUnescape(%q) = %q, %v; want %q", got, dec, err, v)
		}
	}
}

// TestReservedExpansionPassesPaths documents that {+var} keeps "/", "?" and
// "#": it is for pre-built paths only, never for untrusted input.
func TestReservedExpansionPassesPaths(t *testing.T) {
	t.Parallel()
	got, err := Expand("v3{+path}", map[string]any{"path": "/a/b?c=d#e"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("v3/a/b?c=d#e", got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	// Control characters and spaces are still encoded.
	got, err = Expand("v3{+path}", map[string]any{"path": "/a b\r\n\x00"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("v3/a%20b%0D%0A%00", got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestValuesSentExactly: values are never case-folded or normalized.
func TestValuesSentExactly(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"v3/users/{openid}", "v3/users/<openid>", "v3/users/_openid_", "v3/users/$openid$"} {
		tp, err := ParseChain(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tp.ExpandStrict(map[string]any{"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff("v3/users/oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", got); diff != "" {
			t.Errorf("%s: mismatch (-want +got):\n%s", path, diff)
		}
	}
}

// validURI reports whether s holds only unreserved and reserved characters
// and well-formed %XX triplets.
func validURI(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' {
			if !isPctTriplet(s, i) {
				return false
			}
			i += 2
			continue
		}
		if charClass[c]&(classUnreserved|classReserved) == 0 {
			return false
		}
	}
	return true
}
