package main

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"
)

func TestParseItem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		arg  string
		want item
	}{
		{"appid=wxd678efh567hg6787", item{Kind: itemField, Name: "appid", Value: "wxd678efh567hg6787"}},
		{"openid=oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", item{Kind: itemField, Name: "openid", Value: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}},
		{"detail.paid_time=20091225091010", item{Kind: itemField, Name: "detail.paid_time", Value: "20091225091010"}},
		{"amount:=100", item{Kind: itemRawJSON, Name: "amount", Value: "100"}},
		{`detail:={"a":[1,2]}`, item{Kind: itemRawJSON, Name: "detail", Value: `{"a":[1,2]}`}},
		{"mchid==1230000109", item{Kind: itemQuery, Name: "mchid", Value: "1230000109"}},
		{"Wechatpay-Serial:PUB_KEY_ID_0114232134912410000000000000", item{Kind: itemHeader, Name: "Wechatpay-Serial", Value: "PUB_KEY_ID_0114232134912410000000000000"}},
		// the earliest separator wins; the value is verbatim
		{"X-Note:a=b", item{Kind: itemHeader, Name: "X-Note", Value: "a=b"}},
		{"note=a:b==c:=d", item{Kind: itemField, Name: "note", Value: "a:b==c:=d"}},
		{"url==https://x.example/?a=b", item{Kind: itemQuery, Name: "url", Value: "https://x.example/?a=b"}},
		{"empty=", item{Kind: itemField, Name: "empty", Value: ""}},
		{"spaces=  a b  ", item{Kind: itemField, Name: "spaces", Value: "  a b  "}},
		{`path=C:\dir\file`, item{Kind: itemField, Name: "path", Value: `C:\dir\file`}},
		// escapes in names
		{`a\=b=c`, item{Kind: itemField, Name: "a=b", Value: "c"}},
		{`a\:b=c`, item{Kind: itemField, Name: "a:b", Value: "c"}},
		{`a\\=b`, item{Kind: itemField, Name: `a\\`, Value: "b"}},
		{`a\.b=c`, item{Kind: itemField, Name: `a\.b`, Value: "c"}},
	}
	for _, tt := range tests {
		got, err := parseItem(tt.arg)
		if err != nil {
			t.Errorf("parseItem(%q): %v", tt.arg, err)
			continue
		}
		tt.want.Arg = tt.arg
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(item{})); diff != "" {
			t.Errorf("parseItem(%q) mismatch (-want +got):\n%s", tt.arg, diff)
		}
	}
}

func TestParseItemErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ arg, want string }{
		{"novalue", `item "novalue": no separator`},
		{"=x", `item "=x": empty name`},
		{"amount:=1oo", `item "amount:=1oo": the value after := is not valid JSON`},
		{"amount:=", `item "amount:=": the value after := is not valid JSON`},
		{"a b:c", `item "a b:c": "a b" is not a valid header name`},
		{"==x", `item "==x": empty name`},
	}
	for _, tt := range tests {
		_, err := parseItem(tt.arg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseItem(%q) = %v, want an error containing %q", tt.arg, err, tt.want)
		}
		if !isUsage(err) {
			t.Errorf("parseItem(%q): error %v is not a usage error", tt.arg, err)
		}
	}
}

func TestBuildRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		args  []string
		names []string
		json  string
		want  request
	}{
		{
			name:  "seed call",
			args:  []string{"out_order_no=1234323JKHDFE1243252", "appid=wxd678efh567hg6787", "service_id=500001", "type=Order_Paid", "detail.paid_time=20091225091010"},
			names: []string{"out_order_no"},
			want: request{
				PathVars: map[string]string{"out_order_no": "1234323JKHDFE1243252"},
				Body:     []byte(`{"appid":"wxd678efh567hg6787","service_id":"500001","type":"Order_Paid","detail":{"paid_time":"20091225091010"}}`),
				BodyItem: "appid=wxd678efh567hg6787",
			},
		},
		{
			name: "raw json, query and headers",
			args: []string{"amount.total:=100", "amount.currency=CNY", "settle:=true", "goods:=[{\"id\":1}]", "mchid==1230000109", "a==1", "a==2", "X-A:1", "x-a:2"},
			want: request{
				PathVars: map[string]string{},
				Query:    url.Values{"mchid": {"1230000109"}, "a": {"1", "2"}},
				Header:   http.Header{"X-A": {"1", "2"}},
				Body:     []byte(`{"amount":{"total":100,"currency":"CNY"},"settle":true,"goods":[{"id":1}]}`),
				BodyItem: "amount.total:=100",
			},
		},
		{
			name:  "path variable only: no body",
			args:  []string{"out_trade_no=ABCdef_123", "mchid==1230000109"},
			names: []string{"out_trade_no"},
			want: request{
				PathVars: map[string]string{"out_trade_no": "ABCdef_123"},
				Query:    url.Values{"mchid": {"1230000109"}},
			},
		},
		{
			name:  "--json body with path variable",
			args:  []string{"id=42"},
			names: []string{"id"},
			json:  `{"x":1}`,
			want:  request{PathVars: map[string]string{"id": "42"}, Body: []byte(`{"x":1}`)},
		},
		{
			name: "fields added inside a raw object and array",
			args: []string{`a:={"b":1}`, "a.c=2", "x:=[1]", "x.1=2", `d\.e=1`, "d.e=2"},
			want: request{PathVars: map[string]string{}, Body: []byte(`{"a":{"b":1,"c":"2"},"x":[1,"2"],"d.e":"1","d":{"e":"2"}}`), BodyItem: `a:={"b":1}`},
		},
		{
			name: "escaped dot is a literal key",
			args: []string{`a\.b=1`},
			want: request{PathVars: map[string]string{}, Body: []byte(`{"a.b":"1"}`), BodyItem: `a\.b=1`},
		},
	}
	for _, tt := range tests {
		var jb []byte
		if tt.json != "" {
			jb = []byte(tt.json)
		}
		got, err := buildRequest(tt.args, tt.names, jb)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if tt.want.Query == nil {
			tt.want.Query = url.Values{}
		}
		if tt.want.Header == nil {
			tt.want.Header = http.Header{}
		}
		if diff := cmp.Diff(tt.want, *got, cmp.Transformer("string", func(b []byte) string { return string(b) })); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestBuildRequestErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		args  []string
		names []string
		json  string
		want  string
	}{
		{"json conflict", []string{"appid=x"}, nil, `{}`, `item "appid=x": body fields cannot be combined with --json`},
		{"raw json conflict", []string{"n:=1"}, nil, `{}`, `item "n:=1": body fields cannot be combined with --json`},
		{"empty segment", []string{"a..b=1"}, nil, "", `item "a..b=1": name "a..b" has an empty segment`},
		{"trailing dot", []string{"a.=1"}, nil, "", `item "a.=1": name "a." has an empty segment`},
		{"special", []string{"a|b=1"}, nil, "", `item "a|b=1": name "a|b": "|" must be escaped`},
		{"empty path variable", []string{"id="}, []string{"id"}, "", `item "id=": path variable "id" needs a value`},
		{"conflicting path", []string{"id=1", "id=2"}, []string{"id"}, "", `item "id=2": path variable "id" already set to "1"`},
		{"bad item", []string{"ok=1", "broken"}, nil, "", `item "broken": no separator`},
		{"same field twice", []string{"a=1", "a=2"}, nil, "", `item "a=2": body field "a" is already set by an earlier item (to "1")`},
		{"object replaced", []string{"a.b=1", "a=2"}, nil, "", `item "a=2": body field "a" is already set by an earlier item (to {"b":"1"})`},
		{"value made an object", []string{"a=1", "a.b=2"}, nil, "", `item "a.b=2": body field "a" is already set by an earlier item (to "1"), so it cannot hold "a.b"`},
		{"raw value made an object", []string{"a:=1", "a.b:=2"}, nil, "", `item "a.b:=2": body field "a" is already set by an earlier item (to 1)`},
		{"field inside a raw object", []string{`a:={"b":1}`, "a.b=2"}, nil, "", `item "a.b=2": body field "a.b" is already set by an earlier item (to 1)`},
		{"array element twice", []string{"x.0=1", "x.0=2"}, nil, "", `item "x.0=2": body field "x.0" is already set`},
	}
	for _, tt := range tests {
		var jb []byte
		if tt.json != "" {
			jb = []byte(tt.json)
		}
		_, err := buildRequest(tt.args, tt.names, jb)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an error containing %q", tt.name, err, tt.want)
		}
		if !isUsage(err) {
			t.Errorf("%s: %v is not a usage error", tt.name, err)
		}
	}
}

func FuzzParseItem(f *testing.F) {
	for _, s := range []string{"a=b", "a:=1", "a==b", "H:v", `a\=b=c`, `a\:b:c`, "x", "=", ":=", "==", `\`, `a\\=b`, "a.b.c=d", `a:={"x":[1]}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		it, err := parseItem(arg)
		if err != nil {
			if !isUsage(err) {
				t.Fatalf("parseItem(%q): non-usage error %v", arg, err)
			}
			return
		}
		// The value is always a verbatim suffix of the argument.
		if !strings.HasSuffix(arg, it.Value) {
			t.Fatalf("parseItem(%q): value %q is not a suffix", arg, it.Value)
		}
		if it.Name == "" {
			t.Fatalf("parseItem(%q): empty name accepted", arg)
		}
		// Building a body never panics and never silently drops a field.
		r, err := buildRequest([]string{arg}, nil, nil)
		if err != nil {
			if !isUsage(err) {
				t.Fatalf("buildRequest(%q): non-usage error %v", arg, err)
			}
			return
		}
		if (it.Kind == itemField || it.Kind == itemRawJSON) && len(r.Body) == 0 {
			t.Fatalf("buildRequest(%q): no body", arg)
		}
	})
}

// FuzzBuildRequest builds a body from two items: whatever is accepted keeps
// both values (no item overwrites or drops another), and every refusal is a
// usage error.
func FuzzBuildRequest(f *testing.F) {
	for _, s := range [][2]string{
		{"a=1", "a=2"}, {"a.b=1", "a=2"}, {"a=1", "a.b=2"}, {`a:={"b":1}`, "a.c=2"}, {"x:=[1]", "x.1=2"},
		{"x.0=1", "x.1=2"}, {`d\.e=1`, "d.e=2"}, {"a:=1", "a.b:=2"}, {"x:=[1]", "x.5=1"}, {"q==1", "q==2"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, arg1, arg2 string) {
		r, err := buildRequest([]string{arg1, arg2}, nil, nil)
		if err != nil {
			if !isUsage(err) {
				t.Fatalf("buildRequest(%q, %q): non-usage error %v", arg1, arg2, err)
			}
			return
		}
		for _, arg := range []string{arg1, arg2} {
			it, err := parseItem(arg)
			if err != nil {
				t.Fatalf("parseItem(%q) fails after buildRequest accepted it: %v", arg, err)
			}
			if it.Kind != itemField && it.Kind != itemRawJSON {
				continue
			}
			got := gjson.GetBytes(r.Body, it.Name)
			switch {
			case !got.Exists():
				t.Fatalf("buildRequest(%q, %q) = %s: field %q is lost", arg1, arg2, r.Body, it.Name)
			case it.Kind == itemField && utf8.ValidString(it.Value) && (got.Type != gjson.String || got.Str != it.Value):
				t.Fatalf("buildRequest(%q, %q) = %s: field %q = %s, want the string %q", arg1, arg2, r.Body, it.Name, got.Raw, it.Value)
			case it.Kind == itemRawJSON && !keepsRaw(got, gjson.Parse(it.Value)):
				t.Fatalf("buildRequest(%q, %q) = %s: field %q = %s, want %s", arg1, arg2, r.Body, it.Name, got.Raw, it.Value)
			}
		}
	})
}

// keepsRaw reports whether got still holds raw: the same value, or, for an
// object or array that a later item added to, every member of raw unchanged.
func keepsRaw(got, raw gjson.Result) bool {
	if !raw.IsObject() && !raw.IsArray() {
		return got.Raw == raw.Raw
	}
	if got.IsObject() != raw.IsObject() || got.IsArray() != raw.IsArray() {
		return false
	}
	have := map[string]string{}
	i := 0
	got.ForEach(func(k, v gjson.Result) bool {
		if got.IsArray() {
			k = gjson.Result{Type: gjson.String, Str: strconv.Itoa(i)}
			i++
		}
		have[k.String()] = v.Raw
		return true
	})
	ok := true
	i = 0
	raw.ForEach(func(k, v gjson.Result) bool {
		if raw.IsArray() {
			k = gjson.Result{Type: gjson.String, Str: strconv.Itoa(i)}
			i++
		}
		if h, found := have[k.String()]; !found || h != v.Raw {
			ok = false
		}
		return ok
	})
	return ok
}
