package pathtpl

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExpandStrictMissing(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		tmpl    string
		vars    map[string]any
		missing []string
	}{
		{"absent", "v3/payscore/payafter-orders/{out_order_no}/sync", map[string]any{}, []string{"out_order_no"}},
		{"nil vars", "v3/{a}/{b}", nil, []string{"a", "b"}},
		{"nil value", "v3/{a}", map[string]any{"a": nil}, []string{"a"}},
		{"empty string", "v3/{a}", map[string]any{"a": ""}, []string{"a"}},
		{"empty list", "v3{/a*}", map[string]any{"a": []string{}}, []string{"a"}},
		{"empty map", "v3{?a*}", map[string]any{"a": map[string]any{}}, []string{"a"}},
		{"list of nils", "v3{/a}", map[string]any{"a": []any{nil}}, []string{"a"}},
		{"nil pointer", "v3/{a}", map[string]any{"a": (*string)(nil)}, []string{"a"}},
		{"all listed in order", "v3/{c}/{a}{?b,d}{&c}", map[string]any{"a": "x"}, []string{"c", "b", "d"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tp, err := Parse(tc.tmpl)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tp.ExpandStrict(tc.vars)
			if err == nil {
				t.Fatalf("ExpandStrict = %q, want an error", got)
			}
			if !errors.Is(err, ErrMissing) {
				t.Errorf("errors.Is(%v, ErrMissing) = false", err)
			}
			var me *MissingError
			if !errors.As(err, &me) {
				t.Fatalf("error %T is not a *MissingError", err)
			}
			if diff := cmp.Diff(tc.missing, me.Names); diff != "" {
				t.Errorf("missing names (-want +got):\n%s", diff)
			}
			for _, n := range tc.missing {
				if !strings.Contains(err.Error(), `"`+n+`"`) {
					t.Errorf("error %q does not name %q", err, n)
				}
			}
			// RFC expansion stays available and omits them.
			if _, err := tp.Expand(tc.vars); err != nil {
				t.Errorf("Expand: %v", err)
			}
		})
	}
}

func TestExpandStrictOK(t *testing.T) {
	t.Parallel()
	cases := []struct {
		tmpl string
		vars map[string]any
		want string
	}{
		{"v3/payscore/payafter-orders/{out_order_no}/sync", map[string]any{"out_order_no": "1234323JKHDFE1243252"}, "v3/payscore/payafter-orders/1234323JKHDFE1243252/sync"},
		{"v3/users/{openid}", map[string]any{"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}, "v3/users/oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
		{"v3/a/{n}{?flag}", map[string]any{"n": 0, "flag": false}, "v3/a/0?flag=false"},
		{"v3/a/{x}", map[string]any{"x": "..."}, "v3/a/..."},
		{"v3/a/{x}", map[string]any{"x": ".a"}, "v3/a/.a"},
		{"v3/a{?q}", map[string]any{"q": ".."}, "v3/a?q=.."},
		{"v3/a?x={y}", map[string]any{"y": ".."}, "v3/a?x=.."},
		{"v3/a{#f}", map[string]any{"f": ".."}, "v3/a#.."},
		{"v3/a/{;p}", map[string]any{"p": ".."}, "v3/a/;p=.."},
		{"v3{+p}", map[string]any{"p": "/a/b.c/..d"}, "v3/a/b.c/..d"},
	}
	for _, tc := range cases {
		tp, err := Parse(tc.tmpl)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tp.ExpandStrict(tc.vars)
		if err != nil {
			t.Errorf("ExpandStrict(%q): %v", tc.tmpl, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ExpandStrict(%q) mismatch (-want +got):\n%s", tc.tmpl, diff)
		}
	}
}

func TestExpandStrictDotSegments(t *testing.T) {
	t.Parallel()
	cases := []struct {
		tmpl  string
		val   any
		value string
	}{
		{"v3/orders/{id}", ".", "."},
		{"v3/orders/{id}", "..", ".."},
		{"v3/orders/{id}/close", "..", ".."},
		{"v3/orders{/id}", "..", ".."},
		{"v3/orders{/id*}", []string{"a", ".."}, ".."},
		{"v3/orders/{id}", []any{".."}, ".."},
		{"v3/orders/{id:2}", "..abc", ".."},
		{"v3/orders/{+id}", "a/../b", ".."},
		{"v3/orders/{+id}", "%2e%2E", "%2e%2E"},
		{"v3/orders/{+id}", "./x", "."},
		{"v3/orders/{.id}", ".", ".."},
	}
	for _, tc := range cases {
		t.Run(tc.tmpl, func(t *testing.T) {
			t.Parallel()
			tp, err := Parse(tc.tmpl)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tp.ExpandStrict(map[string]any{"id": tc.val})
			if err == nil {
				t.Fatalf("ExpandStrict(%q, %q) = %q, want an error", tc.tmpl, tc.val, got)
			}
			if !errors.Is(err, ErrDotSegment) {
				t.Errorf("errors.Is(%v, ErrDotSegment) = false", err)
			}
			var de *DotSegmentError
			if !errors.As(err, &de) {
				t.Fatalf("error %T is not a *DotSegmentError", err)
			}
			if de.Name != "id" || de.Value != tc.value {
				t.Errorf("DotSegmentError{Name: %q, Value: %q}, want id and %q", de.Name, de.Value, tc.value)
			}
			if !strings.Contains(err.Error(), `"id"`) {
				t.Errorf("error %q does not name the variable", err)
			}
		})
	}
}

func TestExpandStrictValueError(t *testing.T) {
	t.Parallel()
	tp, err := Parse("v3/{a}")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tp.ExpandStrict(map[string]any{"a": struct{}{}}); !errors.Is(err, ErrValue) {
		t.Errorf("ExpandStrict with a struct: error %v, want ErrValue", err)
	}
}

// TestExpandStrictDotSegmentsWholeSegment: only a "." or ".." that forms a
// whole path segment of the result is refused, whichever variables (or
// operator prefixes) formed it; a dot inside a longer segment, or after the
// path, is fine.
func TestExpandStrictDotSegmentsWholeSegment(t *testing.T) {
	t.Parallel()
	refused := []struct {
		tmpl        string
		vars        map[string]any
		name, value string
	}{
		{"v3/{a}{b}/c", map[string]any{"a": ".", "b": "."}, "a", ".."},
		{"v3/.{a}/c", map[string]any{"a": "."}, "a", ".."},
		{"v3/x{/a}", map[string]any{"a": "."}, "a", "."},
		{"v3/x{/a,b}", map[string]any{"a": "x", "b": ".."}, "b", ".."},
		{"{a}/x", map[string]any{"a": ".."}, "a", ".."},
		{"v3/{+p}", map[string]any{"p": ".%2E"}, "p", ".%2E"},
		{"v3{+p}/x", map[string]any{"p": "/a/%2e%2e"}, "p", "%2e%2e"},
		{"v3/x/{.e}", map[string]any{"e": "."}, "e", ".."},
	}
	for _, tc := range refused {
		tp, err := Parse(tc.tmpl)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tp.ExpandStrict(tc.vars)
		var de *DotSegmentError
		if !errors.As(err, &de) || !errors.Is(err, ErrDotSegment) {
			t.Errorf("ExpandStrict(%q, %v) = %q, %v; want a *DotSegmentError", tc.tmpl, tc.vars, got, err)
			continue
		}
		if diff := cmp.Diff(DotSegmentError{Template: tc.tmpl, Name: tc.name, Value: tc.value}, *de); diff != "" {
			t.Errorf("ExpandStrict(%q) error (-want +got):\n%s", tc.tmpl, diff)
		}
	}
	accepted := []struct {
		tmpl string
		vars map[string]any
		want string
	}{
		{"v3/file{ext}", map[string]any{"ext": "."}, "v3/file."},
		{"v3/file{ext}", map[string]any{"ext": ".."}, "v3/file.."},
		{"v3/{name}.txt", map[string]any{"name": "."}, "v3/..txt"},
		{"v3/orders/x{.id}", map[string]any{"id": "."}, "v3/orders/x.."},
		{"v3/{a}{b}", map[string]any{"a": ".", "b": "a"}, "v3/.a"},
		{"v3/{n}.{e}", map[string]any{"n": ".", "e": "."}, "v3/..."},
		{"v3{+p}", map[string]any{"p": "/a?/../b"}, "v3/a?/../b"},
		{"v3{+p}", map[string]any{"p": "/a#/./b"}, "v3/a#/./b"},
		{"v3/a/../{id}", map[string]any{"id": "x"}, "v3/a/../x"},     // the template's own text
		{"v3/{id}", map[string]any{"id": "%2E%2E"}, "v3/%252E%252E"}, // simple expansion encodes "%"
		{"v3/x{/a*}", map[string]any{"a": []string{"x", "%2E"}}, "v3/x/x/%252E"},
	}
	for _, tc := range accepted {
		tp, err := Parse(tc.tmpl)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tp.ExpandStrict(tc.vars)
		if err != nil {
			t.Errorf("ExpandStrict(%q, %v): %v", tc.tmpl, tc.vars, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ExpandStrict(%q) (-want +got):\n%s", tc.tmpl, diff)
		}
	}
}

// TestExpandStrictMissingBeforeValueErrors: every missing name is listed even
// when another variable holds an invalid value (missing values are checked
// first), and a list or map holding only empty strings is empty: it would
// otherwise expand to an empty path segment (v3/orders//close).
func TestExpandStrictMissingBeforeValueErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		tmpl    string
		vars    map[string]any
		missing []string
	}{
		{"v3/{a}/{b}/{c}", map[string]any{"b": struct{}{}}, []string{"a", "c"}},
		{"v3/orders/{id}/close", map[string]any{"id": []string{""}}, []string{"id"}},
		{"v3/orders{/id*}/close", map[string]any{"id": []any{"", ""}}, []string{"id"}},
		{"v3/orders/{id}{?q*}", map[string]any{"id": "x", "q": map[string]string{"": ""}}, []string{"q"}},
	}
	for _, tc := range cases {
		tp, err := Parse(tc.tmpl)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tp.ExpandStrict(tc.vars)
		var me *MissingError
		if !errors.As(err, &me) {
			t.Errorf("ExpandStrict(%q, %v) = %q, %v; want a *MissingError", tc.tmpl, tc.vars, got, err)
			continue
		}
		if diff := cmp.Diff(tc.missing, me.Names); diff != "" {
			t.Errorf("ExpandStrict(%q) missing (-want +got):\n%s", tc.tmpl, diff)
		}
	}
	// Without missing values the value error comes through.
	tp, err := Parse("v3/{a}/{b}")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tp.ExpandStrict(map[string]any{"a": "x", "b": struct{}{}}); !errors.Is(err, ErrValue) {
		t.Errorf("ExpandStrict with a struct value: %v, want ErrValue", err)
	}
	// A list with one non-empty element is defined, a map with a key too.
	tp, err = Parse("v3{/id*}{?q*}")
	if err != nil {
		t.Fatal(err)
	}
	got, err := tp.ExpandStrict(map[string]any{"id": []string{"a", ""}, "q": map[string]string{"k": ""}})
	if diff := cmp.Diff("v3/a/?k=", got); err != nil || diff != "" {
		t.Errorf("ExpandStrict = %q, %v (-want +got):\n%s", got, err, diff)
	}
}

func TestHasDotSegment(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		"": false, "v3/a/b": false, "v3/a.b/c": false, "v3/a?/../": false, "v3/a#/./": false, "v3/...": false, "v3/%2F": false,
		".": true, "..": true, "v3/./b": true, "v3/..": true, "x/..?q": true, "v3/%2e": true, "v3/.%2E/x": true, "/../": true,
	} {
		if got := hasDotSegment([]byte(in)); got != want {
			t.Errorf("hasDotSegment(%q) = %v, want %v", in, got, want)
		}
	}
}
