package chain

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/signer"
)

type fakeSigner struct{}

func (fakeSigner) Sign(context.Context, []byte) (string, error) { return "c2lnbmF0dXJl", nil }

func newTestClient(t testing.TB) *Client {
	t.Helper()
	c, err := NewClient(Config{MchID: "1900000001", Serial: "ABC", Signer: fakeSigner{}, BaseURL: "http://127.0.0.1:9/", APIv3Key: strings.Repeat("k", 32)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClosestKey(t *testing.T) {
	t.Parallel()
	known := []string{"out_order_no", "json", "query", "headers", "body", "media", "encryptor"}
	cases := map[string]string{
		"out_orderno":  "out_order_no",
		"OUT_ORDER_NO": "out_order_no",
		"jsno":         "json",
		"header":       "headers",
		"qurey":        "query",
		"completely":   "",
		"x":            "",
	}
	for in, want := range cases {
		if got := closest(in, known); got != want {
			t.Errorf("closest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBackoffAndRetryAfter(t *testing.T) {
	t.Parallel()
	c := &Client{retryWait: 100 * time.Millisecond, retryMaxWait: time.Second}
	for attempt := 1; attempt <= 8; attempt++ {
		full := min(c.retryWait<<(attempt-1), c.retryMaxWait)
		for range 50 {
			d := c.backoff(attempt)
			if d < full/2 || d > full {
				t.Fatalf("attempt %d: %v outside [%v, %v]", attempt, d, full/2, full)
			}
		}
	}
	cases := []struct {
		header string
		want   time.Duration
		ok     bool
	}{
		{"0", 0, true},
		{"1", time.Second, true},
		{"2", 0, false}, // over RetryMaxWait: give up
		{time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat), 0, true},
	}
	for _, tc := range cases {
		d, ok := c.retryDelay(1, http.Header{"Retry-After": {tc.header}})
		if d != tc.want || ok != tc.ok {
			t.Errorf("Retry-After %q: %v %v, want %v %v", tc.header, d, ok, tc.want, tc.ok)
		}
	}
	if d, ok := c.retryDelay(1, http.Header{"Retry-After": {"-5"}}); !ok || d < c.retryWait/2 || d > c.retryWait {
		t.Errorf("negative Retry-After: %v %v, want the backoff (issue 16 point 2)", d, ok)
	}
	if d, ok := c.retryDelay(1, http.Header{"Retry-After": {"soon"}}); !ok || d > c.retryWait {
		t.Errorf("unparsable Retry-After: %v %v", d, ok)
	}
}

func TestJoinSegments(t *testing.T) {
	t.Parallel()
	cases := []struct {
		prefix string
		segs   []string
		want   string
	}{
		{"", []string{"v3", "pay"}, "v3/pay"},
		{"", []string{"/v3//", "", "/pay/"}, "v3/pay/"},
		{"v3/", []string{"pay"}, "v3/pay"},
		{"v3/", nil, "v3/"},
		{"", []string{"v3/pay/transactions/id/{transaction_id}"}, "v3/pay/transactions/id/{transaction_id}"},
		// One segment holding "/": a substring of it.
		{"", []string{"/v3/pay/"}, "v3/pay/"},
		{"", []string{"//v3/x"}, "v3/x"},
		{"", []string{"/a//"}, "a/"},
		{"", []string{"v3//x/"}, "v3//x/"},
		{"", []string{"/"}, ""},
		{"", []string{"///"}, ""},
		{"v3/", []string{"/pay/x/"}, "v3/pay/x/"},
	}
	for _, tc := range cases {
		if got := joinSegments(tc.prefix, tc.segs); got != tc.want {
			t.Errorf("joinSegments(%q, %q) = %q, want %q", tc.prefix, tc.segs, got, tc.want)
		}
	}
}

func TestBuildMeta(t *testing.T) {
	t.Parallel()
	got, err := buildMeta(`a"b<c>.png`, "00ff", map[string]any{"z": []int{1}, "a": "&"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`{"filename":"a\"b<c>.png","sha256":"00ff","a":"&","z":[1]}`, string(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// FuzzNewRequest feeds the options parser arbitrary templates, path values,
// header values, JSON and query values: it must never panic, and whatever
// it accepts must be safe to send.
func FuzzNewRequest(f *testing.F) {
	f.Add("v3/payscore/payafter-orders/{out_order_no}/sync", "1234323JKHDFE1243252", "trace-1", `{"a":1}`, "x y")
	f.Add("v3/x/<id>", "a/b+c=d", "v\r\nInjected: 1", `{"a":`, "中文")
	f.Add("v3/merchant-service/images/{+id}", "../..", "", "", "")
	f.Add("v3/{id}{?q}", ".", "\x00", "[]", "&=?")
	f.Add("_id_/x", "%2F", "\t", "null", "")
	c := newTestClient(f)
	f.Fuzz(func(t *testing.T, tpl, value, header, js, q string) {
		opts := O{"id": value, "headers": map[string]string{"X-Trace": header}, "query": map[string]any{"q": q}}
		if js != "" {
			opts["json"] = js
		}
		req, err := c.Chain(tpl).newRequest("POST", opts)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "chain: POST ") {
				t.Fatalf("error without context: %v", err)
			}
			return
		}
		for k, vs := range req.header {
			for _, v := range vs {
				if strings.ContainsAny(v, "\r\n") {
					t.Fatalf("header %s accepted with CR/LF: %q", k, v)
				}
			}
		}
		if strings.ContainsAny(req.path, " \r\n\x00") {
			t.Fatalf("path %q has characters that must be escaped", req.path)
		}
		if js != "" && (!gjson.Valid(js) || string(req.body) != js) {
			t.Fatalf("json %q accepted as %q", js, req.body)
		}
		if !strings.Contains(req.path, "?") {
			t.Fatalf("query lost: %q", req.path)
		}
		_ = signer.VerificationFor("GET", req.urlPath())
		// Nothing re-encodes the target between building and signing: the
		// URL resty parses (twice) has the expanded path as its RequestURI.
		u, err := url.Parse(c.baseURL + req.path)
		if err != nil {
			t.Fatalf("expanded path %q does not parse: %v", req.path, err)
		}
		if u2, err := url.Parse(u.String()); err != nil || u2.RequestURI() != "/"+req.path {
			t.Fatalf("target re-encoded: %q went out as %q (%v)", "/"+req.path, u2.RequestURI(), err)
		}
	})
}

type stringer struct{}

func (stringer) String() string { return "str" }

func TestEncodeQuery(t *testing.T) {
	t.Parallel()
	got, err := encodeQuery(map[string]any{
		"a": []any{1, "x"}, "b": true, "c": int64(-3), "d": uint8(7), "e": float32(1.5), "f": 0.25,
		"g": json.Number("12"), "h": stringer{}, "i": []string{"p", "q"}, "j": "",
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("a=1&a=x&b=true&c=-3&d=7&e=1.5&f=0.25&g=12&h=str&i=p&i=q&j=", got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []any{map[string]any{"a": nil}, map[string]any{"a": []any{struct{}{}}}, map[string]int{"a": 1}} {
		if _, err := encodeQuery(bad); err == nil {
			t.Errorf("%#v accepted", bad)
		}
	}
}

func TestSmallAccessors(t *testing.T) {
	t.Parallel()
	c := newTestClient(t)
	if c.Chain("v3").Client() != c {
		t.Error("Chain.Client")
	}
	v := c.Verifier()
	v.Window = time.Hour
	if c.Verifier().Window == time.Hour || c.Verifier().Keys != c.KeyStore() {
		t.Error("Verifier must be a copy sharing the KeyStore")
	}
	if got := File("/a/b/logo.png").Filename(); got != "logo.png" {
		t.Errorf("Filename %q", got)
	}
	if got := c.Chain("v3/{unclosed").String(); got != "v3/{unclosed" {
		t.Errorf("String of a bad template %q", got)
	}
}
