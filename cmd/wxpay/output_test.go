package main

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/pathtpl"
)

func TestRedactAuthorization(t *testing.T) {
	t.Parallel()
	in := `WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="abc",signature="c2lnbmF0dXJl+/==",timestamp="1",serial_no="AB"`
	want := `WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="abc",signature="<redacted>",timestamp="1",serial_no="AB"`
	if diff := cmp.Diff(want, redactAuthorization(in)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := redactAuthorization(`X signature=unquoted,other="x"`); strings.Contains(got, "unquoted") {
		t.Errorf("unquoted signature kept: %s", got)
	}
}

func TestWriteBody(t *testing.T) {
	t.Parallel()
	body := []byte(`{"a":1,"b":[1,2]}`)
	tests := []struct {
		mode prettyMode
		want string
	}{
		{prettyAuto, `{"a":1,"b":[1,2]}`}, // a bytes.Buffer is not a terminal: raw
		{prettyNone, `{"a":1,"b":[1,2]}`},
		{prettyFormat, "{ \"a\": 1, \"b\": [1, 2] }\n"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := writeBody(&b, body, tt.mode); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, b.String()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.mode, diff)
		}
	}
	var b bytes.Buffer
	_ = writeBody(&b, body, prettyColors)
	if !strings.Contains(b.String(), "\x1b[") {
		t.Errorf("colors: %q", b.String())
	}
	b.Reset()
	_ = writeBody(&b, []byte("not json"), prettyAll)
	if b.String() != "not json" {
		t.Errorf("non-JSON body altered: %q", b.String())
	}
}

func TestJSONFlagErrors(t *testing.T) {
	t.Parallel()
	h := setup(t)
	bad := writeFile(t, h.dir, "bad.json", "{nope", 0o600)
	tests := []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"post", "v3/x", "--json", "@" + h.dir + "/none.json"}, "does not exist"},
		{"", []string{"post", "v3/x", "--json", "@" + bad}, "is not valid JSON"},
		{"{", []string{"post", "v3/x", "--json", "-"}, "stdin is not valid JSON"},
		{"", []string{"post", "v3/x", "--json", "[1,"}, "the --json value is not valid JSON"},
	}
	for _, tt := range tests {
		r := h.run(tt.stdin, tt.args...)
		if r.Code != exitUsage || !strings.Contains(r.Stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, r.Code, r.Stderr, tt.want)
		}
	}
}

func TestVerbatimTemplate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		names    []string
		lits     map[string]string
	}{
		{in: "v3/payscore/payafter-orders/{out_order_no}/sync", want: "v3/payscore/payafter-orders/{out_order_no}/sync"},
		{in: "v3/pay/transactions/out-trade-no/ABCdef123", want: "v3/pay/transactions/out-trade-no/{+wxpay_literal_1}",
			lits: map[string]string{"wxpay_literal_1": "ABCdef123"}},
		{in: "v3/x/<a>/_b_/_Cd_", want: "v3/x/<a>/_b_/_Cd_"},
		{in: "v3/x/pre{a}Post{/b,c}Z/y", want: "v3/x/pre{a}{+wxpay_literal_1}{/b,c}{+wxpay_literal_2}/y",
			lits: map[string]string{"wxpay_literal_1": "Post", "wxpay_literal_2": "Z"}},
		{in: "v3/A/b?Q=R#F", want: "v3/{+wxpay_literal_1}/b?Q=R#F", lits: map[string]string{"wxpay_literal_1": "A"}},
		{in: "v3/X/{wxpay_literal_1}", names: []string{"wxpay_literal_1"}, want: "v3/{+wxpay_literal_2}/{wxpay_literal_1}",
			lits: map[string]string{"wxpay_literal_2": "X"}},
		{in: "v3/applyment4sub/applyment/", want: "v3/applyment4sub/applyment/"},
	}
	for _, tt := range tests {
		got, lits, display := verbatimTemplate(tt.in, tt.names)
		if tt.lits == nil {
			tt.lits = map[string]string{}
		}
		if diff := cmp.Diff([]any{tt.want, tt.lits}, []any{got, lits}); diff != "" {
			t.Errorf("verbatimTemplate(%q) (-want +got):\n%s", tt.in, diff)
		}
		if back := display.Replace(got); back != tt.in {
			t.Errorf("display of %q = %q, want the input back", got, back)
		}
	}
}

// FuzzVerbatimTemplate: a TEMPLATE the chain accepts still parses after its
// literals are protected, reads back as typed, and a path without variables
// is sent exactly as RFC 6570 sends its literal text.
func FuzzVerbatimTemplate(f *testing.F) {
	for _, s := range []string{"v3/pay/transactions/out-trade-no/ABCdef123", "v3/x/<a>/_b_/_Cd_", "v3/x/pre{a}Post{/b,c}Z/y",
		"v3/A/b?Q=R#F", "v3/lit/Chs+Mz=", "v3/x/a%2FB", "v3/Ü/é", "v3/x/_A.b_", "v3/{x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		orig, err := pathtpl.ParseChain(in)
		if err != nil {
			return
		}
		out, lits, display := verbatimTemplate(in, orig.Names())
		sent, err := pathtpl.ParseChain(out)
		if err != nil {
			t.Fatalf("verbatimTemplate(%q) = %q does not parse: %v", in, out, err)
		}
		if back := display.Replace(out); back != in {
			t.Fatalf("verbatimTemplate(%q) = %q reads back as %q", in, out, back)
		}
		if strings.ContainsAny(in, "{<_?#") {
			return
		}
		rfc, err := pathtpl.Parse(in)
		if err != nil {
			return
		}
		vars := map[string]any{}
		for k, v := range lits {
			vars[k] = v
		}
		want, err1 := rfc.Expand(nil)
		got, err2 := sent.Expand(vars)
		if err1 != nil || err2 != nil || got != want {
			t.Fatalf("verbatimTemplate(%q) = %q sends %q (%v), want %q (%v)", in, out, got, err2, want, err1)
		}
	})
}

// TestUsageErrorWraps: usage errors keep their cause for errors.Is/As.
func TestUsageErrorWraps(t *testing.T) {
	t.Parallel()
	base := errors.New("cause")
	err := usageErrorf("item %q: %w", "a=b", base)
	if !errors.Is(err, base) || !isUsage(err) || err.Error() != `item "a=b": cause` {
		t.Errorf("usageErrorf = %v (Is cause %v, usage %v)", err, errors.Is(err, base), isUsage(err))
	}
	h := setup(t)
	a := &app{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, env: h.getenv, g: newGlobalOptions(), pretty: "auto"}
	_, err = a.prepareCall(a.rootCommand(), []string{"get", "v3/{x"})
	if !errors.Is(err, pathtpl.ErrSyntax) || !isUsage(err) {
		t.Errorf("bad TEMPLATE: %v does not wrap pathtpl.ErrSyntax as a usage error", err)
	}
}
