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
