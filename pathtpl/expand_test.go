package pathtpl

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExpandRFCExamples(t *testing.T) {
	t.Parallel()
	vars := rfcVars()
	for _, tc := range rfcCases {
		t.Run(tc.tmpl, func(t *testing.T) {
			t.Parallel()
			tp, err := Parse(tc.tmpl)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.tmpl, err)
			}
			got, err := tp.Expand(vars)
			if err != nil {
				t.Fatalf("Expand: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Expand(%q) mismatch (-want +got):\n%s", tc.tmpl, diff)
			}
			// The cached package-level Expand must agree.
			got2, err := Expand(tc.tmpl, vars)
			if err != nil || got2 != got {
				t.Errorf("Expand(%q, vars) = %q, %v; want %q", tc.tmpl, got2, err, got)
			}
		})
	}
}

// extendedCases mirror the extra cases of the official suite (unicode,
// prefixes of multi-byte characters, reserved expansion of %XX, numbers).
func TestExpandExtended(t *testing.T) {
	t.Parallel()
	vars := map[string]any{
		"id":                  "admin%2F",
		"not_pct":             "%foo",
		"list":                []any{"red%25", "%2Fgreen", "blue "},
		"keys":                map[string]any{"key1": "val1%2F", "key2": "val2%2F"},
		"greek":               "αβγδε",
		"currency":            "€uro",
		"clef":                "𝄞stave",
		"var":                 "value",
		"word":                "drücken",
		"Stra%C3%9Fe":         "Grüner Weg",
		"number":              6,
		"long":                37.76,
		"lat":                 -122.427,
		"geocode":             []string{"37.76", "-122.427"},
		"assoc_special_chars": map[string]any{"šö": "Ö×"},
		"uri":                 "http://example.org/?uri=http%3A%2F%2Fexample.org%2F",
		"42":                  "The Answer",
		"1337":                []any{"leet", "as"},
		"german":              map[string]any{"12": "zwölf", "11": "elf"},
		"empty_list":          []string{},
		"empty_assoc":         map[string]any{},
		"pct_prefix":          "%41%42c",
		"last.name":           "Doe",
	}
	cases := []expandCase{
		{"{+id}", "admin%2F"},
		{"{#id}", "#admin%2F"},
		{"{id}", "admin%252F"},
		{"{+not_pct}", "%25foo"},
		{"{#not_pct}", "#%25foo"},
		{"{not_pct}", "%25foo"},
		{"{+list}", "red%25,%2Fgreen,blue%20"},
		{"{#list}", "#red%25,%2Fgreen,blue%20"},
		{"{list}", "red%2525,%252Fgreen,blue%20"},
		{"{+keys}", "key1,val1%2F,key2,val2%2F"},
		{"{#keys}", "#key1,val1%2F,key2,val2%2F"},
		{"{keys}", "key1,val1%252F,key2,val2%252F"},
		{"{greek:1}", "%CE%B1"},
		{"{greek:2}", "%CE%B1%CE%B2"},
		{"{+greek:2}", "%CE%B1%CE%B2"},
		{"{greek:30}", "%CE%B1%CE%B2%CE%B3%CE%B4%CE%B5"},
		{"{currency:1}", "%E2%82%AC"},
		{"{?currency:1}", "?currency=%E2%82%AC"},
		{"{clef:1}", "%F0%9D%84%9E"},
		{"{var:9999}", "value"},
		{"café/{var}", "caf%C3%A9/value"},
		{"x%20y/{var}", "x%20y/value"},
		{"x%20y{var}z%20w", "x%20yvaluez%20w"},
		{"/service{?word}", "/service?word=dr%C3%BCcken"},
		{"/lookup{?Stra%C3%9Fe}", "/lookup?Stra%C3%9Fe=Gr%C3%BCner%20Weg"},
		{"/set{?number}", "/set?number=6"},
		{"/loc{?long,lat}", "/loc?long=37.76&lat=-122.427"},
		{"/search{?geocode}", "/search?geocode=37.76,-122.427"},
		{"{?assoc_special_chars*}", "?%C5%A1%C3%B6=%C3%96%C3%97"},
		{"/go{?uri}", "/go?uri=http%3A%2F%2Fexample.org%2F%3Furi%3Dhttp%253A%252F%252Fexample.org%252F"},
		{"{42}", "The%20Answer"},
		{"{?42}", "?42=The%20Answer"},
		{"{1337}", "leet,as"},
		{"{?1337*}", "?1337=leet&1337=as"},
		{"{?german*}", "?11=elf&12=zw%C3%B6lf"},
		{"{/empty_list}", ""},
		{"{/empty_list*}", ""},
		{"{?empty_list}", ""},
		{"{?empty_assoc*}", ""},
		{"{+pct_prefix:2}", "%41%42"}, // reserved prefix never splits a %XX triplet
		{"{pct_prefix:2}", "%254"},    // simple: characters of the raw value
		{"{?last.name}", "?last.name=Doe"},
	}
	for _, tc := range cases {
		got, err := Expand(tc.tmpl, vars)
		if err != nil {
			t.Errorf("Expand(%q): %v", tc.tmpl, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Expand(%q) mismatch (-want +got):\n%s", tc.tmpl, diff)
		}
	}
}

type orderNo string
type amounts map[string]int

func TestExpandValueTypes(t *testing.T) {
	t.Parallel()
	s := "ptr"
	var nilPtr *string
	cases := []struct {
		name string
		val  any
		want string // expansion of "{?v}"
	}{
		{"string", "a b", "?v=a%20b"},
		{"bool true", true, "?v=true"},
		{"bool false", false, "?v=false"},
		{"int", 6, "?v=6"},
		{"int8", int8(-8), "?v=-8"},
		{"int16", int16(16), "?v=16"},
		{"int32", int32(-32), "?v=-32"},
		{"int64", int64(1) << 62, "?v=4611686018427387904"},
		{"uint", uint(7), "?v=7"},
		{"uint8", uint8(255), "?v=255"},
		{"uint16", uint16(65535), "?v=65535"},
		{"uint32", uint32(1) << 31, "?v=2147483648"},
		{"uint64", uint64(math.MaxUint64), "?v=18446744073709551615"},
		{"uintptr", uintptr(9), "?v=9"},
		{"float64 integral", 6.0, "?v=6"},
		{"float64", 37.76, "?v=37.76"},
		{"float64 negative", -122.427, "?v=-122.427"},
		{"float32", float32(37.76), "?v=37.76"},
		{"float64 big", 1e21, "?v=1e%2B21"},
		{"float64 small", 1e-7, "?v=1e-7"},
		{"float64 large integral", 1e20, "?v=100000000000000000000"},
		{"json.Number", json.Number("12.50"), "?v=12.50"},
		{"named string", orderNo("o/1"), "?v=o%2F1"},
		{"pointer", &s, "?v=ptr"},
		{"nil pointer", nilPtr, ""},
		{"nil", nil, ""},
		{"[]string", []string{"a", "b"}, "?v=a,b"},
		{"[]any mixed", []any{"a", 1, true, nil, 2.5}, "?v=a,1,true,2.5"},
		{"[]any all nil", []any{nil}, ""},
		{"[]int", []int{1, 2}, "?v=1,2"},
		{"map[string]string", map[string]string{"b": "2", "a": "1"}, "?v=a,1,b,2"},
		{"map[string]any", map[string]any{"b": 2, "a": "x", "c": nil}, "?v=a,x,b,2"},
		{"named map", amounts{"z": 1, "y": 2}, "?v=y,2,z,1"},
		{"empty []any", []any{}, ""},
		{"pointer to list", &[]string{"p", "q"}, "?v=p,q"},
		{"array", [2]string{"a", "b"}, "?v=a,b"},
		{"[]*string with nil", []*string{&s, nil}, "?v=ptr"},
		{"[]*string all nil", []*string{nil}, ""},
		{"map of pointers", map[string]*int{"n": nil}, ""},
		{"map[string]float64", map[string]float64{"f": 0.5}, "?v=f,0.5"},
		{"[]bool", []bool{true}, "?v=true"},
		{"[]float32", []float32{1.5}, "?v=1.5"},
		{"nil []string", []string(nil), ""},
		{"nil map", map[string]any(nil), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Expand("{?v}", map[string]any{"v": tc.val})
			if err != nil {
				t.Fatalf("Expand: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExpandValueErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		tmpl string
		val  any
	}{
		{"struct", "{v}", struct{}{}},
		{"func", "{v}", func() {}},
		{"chan", "{v}", make(chan int)},
		{"NaN", "{v}", math.NaN()},
		{"Inf", "{v}", math.Inf(1)},
		{"nested list", "{v}", []any{[]string{"a"}}},
		{"nested map", "{v}", map[string]any{"a": map[string]any{}}},
		{"int keys", "{v}", map[int]string{1: "a"}},
		{"prefix on list", "{v:1}", []string{"a"}},
		{"prefix on map", "{+v:1}", map[string]string{"a": "b"}},
		{"struct in list", "{v}", []any{struct{}{}}},
		{"nested via reflect", "{v}", [][]string{{"a"}}},
		{"nested map via reflect", "{v}", map[string][]int{"a": {1}}},
		{"NaN in map", "{v}", map[string]any{"a": math.NaN()}},
		{"pointer to struct", "{v}", &struct{}{}},
		{"complex", "{v}", complex(1, 2)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Expand(tc.tmpl, map[string]any{"v": tc.val})
			if err == nil {
				t.Fatalf("Expand(%q) = %q, want an error", tc.tmpl, got)
			}
			var ve *ValueError
			if !errors.Is(err, ErrValue) || !errors.As(err, &ve) || ve.Name != "v" {
				t.Errorf("error %v: want a *ValueError for variable v", err)
			}
			if !strings.HasPrefix(err.Error(), `pathtpl: variable "v": `) {
				t.Errorf("error %q does not start with the package and variable name", err)
			}
		})
	}
}

func TestExpandNilVars(t *testing.T) {
	t.Parallel()
	got, err := Expand("v3/{a}{?b}", nil)
	if err != nil || got != "v3/" {
		t.Errorf("Expand with nil vars = %q, %v; want %q", got, err, "v3/")
	}
}
