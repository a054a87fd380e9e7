package chain_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/pathtpl"
)

// TestRefusals checks every refusal: one clear error wrapping
// ErrInvalidOptions, and nothing on the wire.
func TestRefusals(t *testing.T) {
	t.Parallel()
	g, c := setup(t, nil)
	const seed = "v3/payscore/payafter-orders/{out_order_no}/sync"
	cases := []struct {
		name   string
		method string
		tpl    string
		opts   chain.O
		want   []string // substrings of the message
		is     error    // extra errors.Is target
	}{
		{"missing path value", "POST", seed, chain.O{"json": `{}`}, []string{"out_order_no"}, pathtpl.ErrMissing},
		{"empty path value", "POST", seed, chain.O{"out_order_no": "", "json": `{}`}, []string{"out_order_no"}, pathtpl.ErrMissing},
		{"all missing values named", "GET", "v3/a/{first}/b/{second}/c/{third}", chain.O{"second": "x"},
			[]string{"first", "third"}, pathtpl.ErrMissing},
		{"typo suggests the name", "POST", seed, chain.O{"out_orderno": "1", "json": `{}`},
			[]string{`unknown key "out_orderno"`, `did you mean "out_order_no"`, "out_order_no"}, pathtpl.ErrMissing},
		{"typo of a reserved key", "POST", "v3/x", chain.O{"jsno": `{}`}, []string{`unknown key "jsno"`, `did you mean "json"`}, nil},
		{"unrelated key lists known keys", "POST", "v3/x", chain.O{"zzzzzzzzzz": 1}, []string{`unknown key "zzzzzzzzzz"`, "known keys: json, query"}, nil},
		{"json and body", "POST", "v3/x", chain.O{"json": `{}`, "body": "x"}, []string{`"json" and "body" are mutually exclusive`}, nil},
		{"json and media", "POST", "v3/x", chain.O{"json": `{}`, "media": chain.Media("a.png", strings.NewReader("x"))}, []string{`"json" and "media"`}, nil},
		{"invalid JSON string", "POST", "v3/x", chain.O{"json": `{"a":}`}, []string{`"json": not valid JSON`}, nil},
		{"invalid JSON bytes", "POST", "v3/x", chain.O{"json": []byte(`{"a":1`)}, []string{`"json": not valid JSON`}, nil},
		{"invalid RawMessage", "POST", "v3/x", chain.O{"json": json.RawMessage(`nope`)}, []string{`"json": not valid JSON`}, nil},
		{"empty JSON string", "POST", "v3/x", chain.O{"json": ""}, []string{`"json": not valid JSON`}, nil},
		{"nil JSON", "POST", "v3/x", chain.O{"json": nil}, []string{`"json" is nil`}, nil},
		{"nil media", "POST", "v3/x", chain.O{"media": nil}, []string{`"media" must be a *chain.Upload`}, nil},
		{"nil body", "POST", "v3/x", chain.O{"body": nil}, []string{`"body" is nil`}, nil},
		{"unencodable value", "POST", "v3/x", chain.O{"json": map[string]any{"f": func() {}}}, []string{`"json"`, "unsupported type"}, nil},
		{"header with LF", "GET", "v3/x", chain.O{"headers": map[string]string{"X-Trace": "a\nInjected: 1"}}, []string{"header X-Trace", "CR or LF"}, nil},
		{"header with CR in http.Header", "GET", "v3/x", chain.O{"headers": http.Header{"X-Trace": {"a\rb"}}}, []string{"header X-Trace", "CR or LF"}, nil},
		{"header name not a token", "GET", "v3/x", chain.O{"headers": map[string]string{"Bad Name": "x"}}, []string{`"Bad Name"`}, nil},
		{"Authorization header", "GET", "v3/x", chain.O{"headers": map[string]string{"authorization": "x"}}, []string{"Authorization may not be set"}, nil},
		{"headers wrong type", "GET", "v3/x", chain.O{"headers": 42}, []string{`"headers" must be`}, nil},
		{"query wrong type", "GET", "v3/x", chain.O{"query": "a=b"}, []string{`"query" must be`}, nil},
		{"query value wrong type", "GET", "v3/x", chain.O{"query": map[string]any{"a": struct{}{}}}, []string{`key "a"`}, nil},
		{"body on GET", "GET", "v3/x", chain.O{"json": `{}`}, []string{"GET request carries no body"}, nil},
		{"body wrong type", "POST", "v3/x", chain.O{"body": 42}, []string{`"body" must be`}, nil},
		{"body reader fails", "POST", "v3/x", chain.O{"body": iotest.ErrReader(errors.New("disk gone"))}, []string{"disk gone"}, nil},
		{"fragment in the template", "GET", "v3/x#frag", nil, []string{"fragment"}, nil},
		{"fragment from a reserved expansion", "GET", "v3/merchant-service/images/{+media_id}", chain.O{"media_id": "abc#def"}, []string{"fragment"}, nil},
		{"dot segment", "GET", "v3/x/{id}/y", chain.O{"id": ".."}, []string{"id"}, pathtpl.ErrDotSegment},
		{"bad template", "GET", "v3/x/{unclosed", nil, []string{"v3/x/{unclosed"}, pathtpl.ErrSyntax},
		{"full URL as path", "GET", "https://api.mch.weixin.qq.com/v3/x", nil, []string{"relative to the client's BaseURL"}, nil},
		{"media wrong type", "POST", "v3/merchant/media/upload", chain.O{"media": "logo.png"}, []string{`"media" must be a *chain.Upload`}, nil},
		{"media unsupported type", "POST", "v3/merchant/media/upload", chain.O{"media": chain.Media("a.exe", strings.NewReader("x"))},
			[]string{`unsupported file type "exe"`}, nil},
		{"media image too big", "POST", "v3/merchant/media/upload", chain.O{"media": chain.Media("a.jpg", strings.NewReader(strings.Repeat("x", chain.MaxImageSize+1)))},
			[]string{"over the 2 MB image limit"}, nil},
		{"media video too big", "POST", "v3/merchant/media/video_upload", chain.O{"media": chain.Media("a.mp4", strings.NewReader(strings.Repeat("x", chain.MaxVideoSize+1)))},
			[]string{"over the 5 MB video limit"}, nil},
		{"media meta overrides sha256", "POST", "v3/merchant/media/upload",
			chain.O{"media": chain.Media("a.png", strings.NewReader("x")).WithMeta(map[string]any{"sha256": "0"})}, []string{`"sha256" is computed`}, nil},
		{"media with Content-Type header", "POST", "v3/merchant/media/upload",
			chain.O{"media": chain.File("testdata/logo.png"), "headers": map[string]string{"Content-Type": "image/png"}}, []string{"multipart Content-Type"}, nil},
		{"media zero Upload", "POST", "v3/merchant/media/upload", chain.O{"media": &chain.Upload{}}, []string{`chain.File or chain.Media`}, nil},
		{"media file missing", "POST", "v3/merchant/media/upload", chain.O{"media": chain.File("testdata/nope.png")}, []string{"nope.png"}, nil},
		{"encryptor zero", "POST", "v3/x", chain.O{"json": `{}`, "encryptor": &chain.Encryptor{}}, []string{`"encryptor" must be`}, nil},
		{"encryptor wrong type", "POST", "v3/x", chain.O{"encryptor": "PUB_KEY_ID_1"}, []string{`"encryptor" must be`}, nil},
		// issue 12: a variable named like an option key filled both roles
		{"variable named body", "POST", "v3/x/{body}", chain.O{"body": "abc"}, []string{"path variable {body}", `option key "body"`}, nil},
		{"variable named json", "POST", "v3/x/<json>", chain.O{"json": `{}`}, []string{"path variable {json}", `option key "json"`}, nil},
		{"variable named query", "GET", "v3/x/_query_", chain.O{"query": map[string]string{"a": "b"}}, []string{"path variable {query}", `option key "query"`}, nil},
		{"variable named headers", "GET", "v3/x/$headers$", nil, []string{"path variable {headers}", `option key "headers"`}, nil},
		{"variable named media", "GET", "v3/x{?media}", nil, []string{"path variable {media}", `option key "media"`}, nil},
		{"variable named encryptor", "GET", "v3/x/{encryptor}", chain.O{"encryptor": "k"}, []string{"path variable {encryptor}", `option key "encryptor"`}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := c.Chain(tc.tpl).Do(context.Background(), tc.method, tc.opts)
			if err == nil {
				t.Fatalf("no error; response %d %s", resp.StatusCode, resp.Body)
			}
			if !errors.Is(err, chain.ErrInvalidOptions) {
				t.Errorf("errors.Is(err, ErrInvalidOptions) = false for %v", err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(err, %v) = false for %v", tc.is, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			// The async form refuses the same way.
			if _, aerr := c.Chain(tc.tpl).DoAsync(context.Background(), tc.method, tc.opts).Wait(); !errors.Is(aerr, chain.ErrInvalidOptions) {
				t.Errorf("async: %v", aerr)
			}
		})
	}
	if n := g.hits.Load(); n != 0 {
		t.Errorf("malformed requests reached the server %d times", n)
	}
}

type (
	orderNo  string
	quantity int
	flag     bool
)

// TestNamedTypesInPathAndQuery: one conversion (pathtpl.FormatScalar) for
// path and query values, so named string, integer and bool types work in
// both and read the same.
func TestNamedTypesInPathAndQuery(t *testing.T) {
	t.Parallel()
	g, c := setup(t, nil)
	cases := []struct {
		name string
		v    any
		want string
	}{
		{"named string", orderNo("Ord_1A"), "Ord_1A"},
		{"named int", quantity(-7), "-7"},
		{"named bool", flag(true), "true"},
		{"pointer to a named string", func() *orderNo { o := orderNo("P2"); return &o }(), "P2"},
		{"json.Number", json.Number("12.50"), "12.50"},
		{"float", 0.25, "0.25"},
	}
	for _, tc := range cases {
		if _, err := c.Chain("v3/x/{v}").Get(context.Background(), chain.O{"v": tc.v, "query": map[string]any{"v": tc.v}}); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		reqs := g.requests()
		want := "/v3/x/" + tc.want + "?v=" + url.QueryEscape(tc.want)
		if diff := cmp.Diff(want, reqs[len(reqs)-1].URI); diff != "" {
			t.Errorf("%s: target (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestOneErrorListsEveryProblem(t *testing.T) {
	t.Parallel()
	_, c := setup(t, nil)
	_, err := c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync").Post(context.Background(), chain.O{
		"out_orderno": "1", "json": `{`, "headers": map[string]string{"X-A": "1\r\n"},
	})
	var oe *chain.OptionsError
	if !errors.As(err, &oe) {
		t.Fatalf("want *OptionsError, got %T %v", err, err)
	}
	if len(oe.Problems) != 4 {
		t.Errorf("want 4 problems (unknown key, missing value, CR/LF, JSON), got %d: %v", len(oe.Problems), err)
	}
	want := "chain: POST " + c.BaseURL() + "v3/payscore/payafter-orders/{out_order_no}/sync: invalid options: "
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message %q does not start with %q", err, want)
	}
}

func TestJSONBodies(t *testing.T) {
	t.Parallel()
	g, c := setup(t, nil)
	type order struct {
		Description string `json:"description"`
		Amount      int    `json:"amount"`
	}
	raw := `{"z":1,   "a":"<b>&amp;</b>"}`
	cases := []struct {
		name string
		json any
		want string
	}{
		{"struct, HTML not escaped", order{"<Tea & Cake>", 1}, `{"description":"<Tea & Cake>","amount":1}`},
		{"map sorted", map[string]any{"b": 1, "a": "中文"}, `{"a":"中文","b":1}`},
		{"string verbatim", raw, raw},
		{"bytes verbatim", []byte(raw), raw},
		{"RawMessage verbatim", json.RawMessage(raw), raw},
	}
	for _, tc := range cases {
		before := len(g.requests())
		if _, err := c.Chain("v3/x").Post(context.Background(), chain.O{"json": tc.json}); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		r := g.requests()[before]
		if diff := cmp.Diff(tc.want, string(r.Body)); diff != "" {
			t.Errorf("%s: body (-want +got):\n%s", tc.name, diff)
		}
		if r.AuthErr != nil {
			t.Errorf("%s: %v", tc.name, r.AuthErr)
		}
		if got := r.Header.Get("Content-Type"); got != "application/json" {
			t.Errorf("%s: Content-Type %q", tc.name, got)
		}
	}
}

func TestRawBodyAndHeaders(t *testing.T) {
	t.Parallel()
	g, c := setup(t, nil)
	_, err := c.Chain("v3/x").Put(context.Background(), chain.O{
		"body":    strings.NewReader("<xml>a</xml>"),
		"headers": http.Header{"Content-Type": {"application/xml"}, "X-Trace": {"t1"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Chain("v3/y").Patch(context.Background(), chain.O{"body": []byte(`{"a":1}`), "headers": map[string]string{"x-trace": "t2"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Chain("v3/z").Delete(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	type wire struct{ Method, URI, Body, ContentType, Trace, Accept string }
	var got []wire
	for _, r := range g.requests() {
		if r.AuthErr != nil {
			t.Errorf("%s %s: %v", r.Method, r.URI, r.AuthErr)
		}
		got = append(got, wire{r.Method, r.URI, string(r.Body), r.Header.Get("Content-Type"), r.Header.Get("X-Trace"), r.Header.Get("Accept")})
	}
	want := []wire{
		{"PUT", "/v3/x", "<xml>a</xml>", "application/xml", "t1", "application/json"},
		{"PATCH", "/v3/y", `{"a":1}`, "application/json", "t2", "application/json"},
		{"DELETE", "/v3/z", "", "", "", "application/json"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestQueryFromURLValues(t *testing.T) {
	t.Parallel()
	g, c := setup(t, nil)
	q := url.Values{"b": {"2"}, "a": {"1 1"}}
	if _, err := c.Chain("v3/q").Get(context.Background(), chain.O{"query": q}); err != nil {
		t.Fatal(err)
	}
	if got := g.requests()[0].URI; got != "/v3/q?a=1+1&b=2" {
		t.Errorf("URI %q", got)
	}
}
