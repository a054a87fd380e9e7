package chain

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRequestHeaders: every kind of call gets the same headers as a map
// built for it would hold; plain JSON and XML calls share the client's
// read-only sets, which no call changes.
func TestRequestHeaders(t *testing.T) {
	t.Parallel()
	c, err := NewClient(Config{MchID: "1900000001", Serial: "ABC", Signer: fakeSigner{}, BaseURL: "http://127.0.0.1:9/",
		APIv3Key: strings.Repeat("k", 32), APIv2Key: strings.Repeat("v", 32), UserAgent: "shop/1"})
	if err != nil {
		t.Fatal(err)
	}
	ua := c.userAgent
	jsonSet, xmlSet := c.headers.json.Clone(), c.headers.xml.Clone()
	cases := []struct {
		name   string
		method string
		opts   O
		want   http.Header
		shared http.Header // the shared set the call must get, or nil for its own map
	}{
		{"json", "POST", O{"json": O{"a": 1}}, http.Header{"Accept": {acceptJSON}, "User-Agent": {ua}, "Content-Type": {contentTypeJSON}}, c.headers.json},
		{"json text", "PUT", O{"json": `{"a":1}`}, http.Header{"Accept": {acceptJSON}, "User-Agent": {ua}, "Content-Type": {contentTypeJSON}}, c.headers.json},
		{"json body detected", "POST", O{"body": `{"a":1}`}, http.Header{"Accept": {acceptJSON}, "User-Agent": {ua}, "Content-Type": {contentTypeJSON}}, c.headers.json},
		{"xml", "POST", O{"xml": O{"appid": "wx1"}}, http.Header{"Accept": {acceptXML}, "User-Agent": {ua}, "Content-Type": {contentTypeXML}}, c.headers.xml},
		{"get", "GET", nil, http.Header{"Accept": {acceptJSON}, "User-Agent": {ua}}, nil},
		{"delete", "DELETE", O{}, http.Header{"Accept": {acceptJSON}, "User-Agent": {ua}}, nil},
		{"text body", "POST", O{"body": "a=b"}, http.Header{"Accept": {acceptJSON}, "User-Agent": {ua}, "Content-Type": {"text/plain; charset=utf-8"}}, nil},
		{"caller's header", "POST", O{"json": O{}, "headers": map[string]string{"X-Trace": "t1"}},
			http.Header{"Accept": {acceptJSON}, "User-Agent": {ua}, "Content-Type": {contentTypeJSON}, "X-Trace": {"t1"}}, nil},
		{"caller's Accept and User-Agent win", "POST", O{"json": O{}, "headers": map[string]string{"Accept": "*/*", "User-Agent": "mine"}},
			http.Header{"Accept": {"*/*"}, "User-Agent": {"mine"}, "Content-Type": {contentTypeJSON}}, nil},
		{"caller's Content-Type on a json call", "POST", O{"json": O{}, "headers": map[string]string{"Content-Type": "application/json; charset=utf-8"}},
			http.Header{"Accept": {acceptJSON}, "User-Agent": {ua}, "Content-Type": {"application/json; charset=utf-8"}}, nil},
		{"media", "POST", O{"media": Media("a.png", strings.NewReader("\x89PNG\r\n\x1a\n")), "headers": map[string]string{"X-Trace": "t2"}},
			nil, nil}, // Content-Type checked below: the multipart boundary is random
	}
	for _, tc := range cases {
		req, err := c.Chain("v3/x").newRequest(tc.method, tc.opts)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if tc.want == nil {
			ct := req.header.Get("Content-Type")
			if !strings.HasPrefix(ct, "multipart/form-data; boundary=") || req.header.Get("X-Trace") != "t2" || req.header.Get("User-Agent") != ua {
				t.Errorf("%s: headers %v", tc.name, req.header)
			}
			continue
		}
		if diff := cmp.Diff(tc.want, req.header); diff != "" {
			t.Errorf("%s: headers (-want +got):\n%s", tc.name, diff)
		}
		same := reflect.ValueOf(req.header).UnsafePointer() == reflect.ValueOf(tc.shared).UnsafePointer()
		if tc.shared != nil && !same {
			t.Errorf("%s: a map of its own, want the client's shared set", tc.name)
		}
		if tc.shared == nil && (reflect.ValueOf(req.header).UnsafePointer() == reflect.ValueOf(c.headers.json).UnsafePointer() ||
			reflect.ValueOf(req.header).UnsafePointer() == reflect.ValueOf(c.headers.xml).UnsafePointer()) {
			t.Errorf("%s: got a shared set, want a map of its own", tc.name)
		}
	}
	if diff := cmp.Diff(jsonSet, c.headers.json); diff != "" {
		t.Errorf("shared JSON set changed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(xmlSet, c.headers.xml); diff != "" {
		t.Errorf("shared XML set changed (-want +got):\n%s", diff)
	}
}
