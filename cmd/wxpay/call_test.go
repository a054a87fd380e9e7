package main

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// simHarness is a harness whose WECHATPAY_* environment points at a fresh
// wechatpaytest gateway.
type simHarness struct {
	*harness
	srv *wechatpaytest.Server
}

func setupSim(t *testing.T, opts ...wechatpaytest.Option) *simHarness {
	t.Helper()
	h := setup(t)
	srv := wechatpaytest.NewServer(opts...)
	t.Cleanup(srv.Close)
	h.env["WECHATPAY_MCHID"] = srv.MchID
	h.env["WECHATPAY_SERIAL"] = srv.MerchantSerial
	h.env["WECHATPAY_PRIVATE_KEY"] = writeFile(t, h.dir, "merchant_key.pem", testkeys.PrivatePEM(t, srv.MerchantKey), 0o600)
	if !srv.CertificateMode() {
		h.env["WECHATPAY_PUBLIC_KEY_ID"] = srv.PlatformSerial
		h.env["WECHATPAY_PUBLIC_KEY"] = writeFile(t, h.dir, "wechatpay_pub.pem", testkeys.PublicPEM(t, &srv.PlatformKey.PublicKey), 0o644)
	}
	h.env["WECHATPAY_APIV3_KEY"] = srv.APIv3Key
	h.env["WECHATPAY_BASE_URL"] = srv.URL
	return &simHarness{harness: h, srv: srv}
}

var seedArgs = []string{"post", "v3/payscore/payafter-orders/{out_order_no}/sync",
	"out_order_no=1234323JKHDFE1243252", "appid=wxd678efh567hg6787", "service_id=500001", "type=Order_Paid", "detail.paid_time=20091225091010"}

func TestSeedCall(t *testing.T) {
	t.Parallel()
	h := setupSim(t)
	r := h.run("", seedArgs...)
	if r.Code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", r.Code, r.Stderr)
	}
	if got := gjson.Get(r.Stdout, "out_order_no").String(); got != "1234323JKHDFE1243252" {
		t.Errorf("stdout out_order_no = %q; stdout %s", got, r.Stdout)
	}
	if !strings.HasPrefix(r.Stderr, "HTTP 200 OK  Request-ID: ") {
		t.Errorf("stderr = %q, want the status line", r.Stderr)
	}
	reqs := h.srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	want := []string{"POST", "/v3/payscore/payafter-orders/1234323JKHDFE1243252/sync",
		`{"appid":"wxd678efh567hg6787","service_id":"500001","type":"Order_Paid","detail":{"paid_time":"20091225091010"}}`}
	got := []string{reqs[0].Method, reqs[0].URI, string(reqs[0].Body)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
	// Piped stdout is the raw verified body, byte for byte.
	if strings.Contains(r.Stdout, "\x1b[") || strings.HasSuffix(r.Stdout, "\n") && !strings.HasSuffix(string(reqs[0].Body), "\n") && gjson.Valid(r.Stdout) && strings.Count(r.Stdout, "\n") > 1 {
		t.Errorf("piped stdout is not raw: %q", r.Stdout)
	}
}

// echo registers a route that answers with what it received.
func echo(h *simHarness) {
	h.srv.Handle("POST", "/v3/echo/{id}/items/{item_no}", func(r *wechatpaytest.Request) (int, any) {
		return http.StatusOK, map[string]any{
			"params": r.Params, "query": r.Query, "body": string(r.Body),
			"x_note": r.Header.Values("X-Note"), "content_type": r.Header.Get("Content-Type"),
		}
	})
	h.srv.Handle("GET", "/v3/echo/{id}/items/{item_no}", func(r *wechatpaytest.Request) (int, any) {
		return http.StatusOK, map[string]any{"params": r.Params, "query": r.Query, "body": string(r.Body)}
	})
}

func TestItemForms(t *testing.T) {
	t.Parallel()
	h := setupSim(t)
	echo(h)
	jsonFile := writeFile(t, h.dir, "body.json", `{"from":"file","n":1}`, 0o600)
	tests := []struct {
		name   string
		stdin  string
		args   []string
		params map[string]string
		query  url.Values
		body   string
		note   []string
	}{
		{
			name: "every item form, method in mixed case",
			args: []string{"pOsT", "v3/echo/{id}/items/{item_no}", "id=oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "item_no=ABC-def_01",
				"openid=oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "amount.total:=100", "amount.currency=CNY", "settle:=true", "detail:={\"a\":[1,2]}",
				"mchid==1230000109", "tag==a b", "tag==c", "X-Note:Hello World", "X-Note:again", `a\=b=c`},
			params: map[string]string{"id": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "item_no": "ABC-def_01"},
			query:  url.Values{"mchid": {"1230000109"}, "tag": {"a b", "c"}},
			body:   `{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","amount":{"total":100,"currency":"CNY"},"settle":true,"detail":{"a":[1,2]},"a=b":"c"}`,
			note:   []string{"Hello World", "again"},
		},
		{
			name:   "--json @file",
			args:   []string{"post", "v3/echo/{id}/items/{item_no}", "--json", "@" + jsonFile, "id=1", "item_no=2"},
			params: map[string]string{"id": "1", "item_no": "2"},
			body:   `{"from":"file","n":1}`,
		},
		{
			name:   "--json - (stdin)",
			stdin:  "{\"from\":\"stdin\"}\n",
			args:   []string{"post", "v3/echo/{id}/items/{item_no}", "id=1", "item_no=2", "--json", "-"},
			params: map[string]string{"id": "1", "item_no": "2"},
			body:   "{\"from\":\"stdin\"}\n",
		},
		{
			name:   "get with path variables and query only",
			args:   []string{"GET", "v3/echo/{id}/items/{item_no}", "id=ORDER%2F1", "item_no=x", "q==1"},
			params: map[string]string{"id": "ORDER%2F1", "item_no": "x"},
			query:  url.Values{"q": {"1"}},
		},
	}
	for _, tt := range tests {
		r := h.run(tt.stdin, tt.args...)
		if r.Code != exitOK {
			t.Errorf("%s: exit %d; stderr:\n%s", tt.name, r.Code, r.Stderr)
			continue
		}
		var got struct {
			Params map[string]string `json:"params"`
			Query  url.Values        `json:"query"`
			Body   string            `json:"body"`
			Note   []string          `json:"x_note"`
		}
		if err := jsonUnmarshal(r.Stdout, &got); err != nil {
			t.Errorf("%s: %v in %s", tt.name, err, r.Stdout)
			continue
		}
		if tt.query == nil {
			tt.query = url.Values{}
		}
		want := []any{tt.params, tt.query, tt.body, tt.note}
		if diff := cmp.Diff(want, []any{got.Params, got.Query, got.Body, got.Note}, cmp.Comparer(func(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") })); diff != "" {
			t.Errorf("%s: what the gateway received (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestVerbose(t *testing.T) {
	t.Parallel()
	h := setupSim(t)
	r := h.run("", append([]string{"-v"}, seedArgs...)...)
	if r.Code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", r.Code, r.Stderr)
	}
	auth := h.srv.Requests()[0].Header.Get("Authorization")
	sig := strings.SplitN(strings.SplitN(auth, `signature="`, 2)[1], `"`, 2)[0]
	for _, want := range []string{
		"> POST /v3/payscore/payafter-orders/1234323JKHDFE1243252/sync HTTP/1.1",
		`> Authorization: WECHATPAY2-SHA256-RSA2048 mchid="` + h.srv.MchID + `"`,
		`signature="<redacted>"`,
		"< HTTP/1.1 200 OK",
		"< Wechatpay-Serial: " + h.srv.PlatformSerial,
		"HTTP 200 OK  Request-ID: ",
	} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.Stderr)
		}
	}
	if strings.Contains(r.Stderr, sig) || strings.Contains(r.Stderr, "PRIVATE KEY") || strings.Contains(r.Stderr, h.srv.APIv3Key) {
		t.Errorf("stderr leaks a signature or key:\n%s", r.Stderr)
	}
}

func TestPrettyOutput(t *testing.T) {
	t.Parallel()
	h := setupSim(t)
	r := h.run("", append([]string{"--pretty", "all"}, seedArgs...)...)
	if r.Code != exitOK || !strings.Contains(r.Stdout, "\x1b[") || !strings.Contains(r.Stdout, "\n  ") {
		t.Errorf("--pretty all: exit %d, stdout %q", r.Code, r.Stdout)
	}
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	closed := func() string { // a port nothing listens on
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return "http://" + addr
	}()
	tests := []struct {
		name       string
		fault      *wechatpaytest.Fault
		env        map[string]string
		args       []string
		code       int
		stdoutPart string
		stderrPart string
	}{
		{name: "2xx", args: seedArgs, code: exitOK, stdoutPart: `"out_order_no":"1234323JKHDFE1243252"`, stderrPart: "HTTP 200 OK"},
		{name: "4xx prints the error body", args: []string{"get", "v3/payscore/serviceorder", "out_order_no==NOPE", "service_id==500001", "appid==wxd678efh567hg6787"},
			code: exitClientError, stdoutPart: `"code":"`, stderrPart: "HTTP 4"},
		{name: "4xx PARAM_ERROR", args: []string{"post", "v3/payscore/payafter-orders/{out_order_no}/sync", "out_order_no=1234323JKHDFE1243252",
			"appid=wxd678efh567hg6787", "service_id=500001", "type=Order_Paid", "detail.paid_time=yesterday"},
			code: exitClientError, stdoutPart: `"code":"PARAM_ERROR"`, stderrPart: "HTTP 400 Bad Request  Request-ID: "},
		{name: "5xx", fault: &wechatpaytest.Fault{Status: 500, Times: -1}, args: seedArgs,
			code: exitServerError, stdoutPart: `"code":"SYSTEM_ERROR"`, stderrPart: "HTTP 500 Internal Server Error"},
		{name: "tampered answer", fault: &wechatpaytest.Fault{Tamper: true, Times: -1}, args: seedArgs,
			code: exitVerify, stderrPart: "bad signature"},
		{name: "error answer failing verification", fault: &wechatpaytest.Fault{Status: 400, Tamper: true, Times: -1}, args: seedArgs,
			code: exitVerify, stderrPart: "bad signature"},
		{name: "unsigned error answer keeps its status", fault: &wechatpaytest.Fault{Status: 502, Unsigned: true, Times: -1}, args: seedArgs,
			code: exitServerError, stdoutPart: `"code":"`, stderrPart: "[unverified]"},
		{name: "unknown serial", fault: &wechatpaytest.Fault{UnknownSerial: true, Times: -1}, args: seedArgs,
			code: exitVerify, stderrPart: "unknown serial"},
		{name: "probe signature", fault: &wechatpaytest.Fault{ProbeSignature: true, Times: -1}, args: seedArgs,
			code: exitVerify, stderrPart: "SIGNTEST"},
		{name: "unsigned answer", fault: &wechatpaytest.Fault{Unsigned: true, Times: -1}, args: seedArgs,
			code: exitVerify, stderrPart: "missing"},
		{name: "wrong public key", env: map[string]string{"WECHATPAY_PUBLIC_KEY": ""}, args: seedArgs,
			code: exitVerify, stderrPart: "bad signature"},
		{name: "missing path variable", args: []string{"post", "v3/payscore/payafter-orders/{out_order_no}/sync", "appid=x"},
			code: exitUsage, stderrPart: "out_order_no"},
		{name: "missing setting", env: map[string]string{"WECHATPAY_MCHID": ""}, args: seedArgs,
			code: exitUsage, stderrPart: "missing merchant ID: set --mchid or WECHATPAY_MCHID"},
		{name: "no verification key", env: map[string]string{"WECHATPAY_PUBLIC_KEY_ID": "", "WECHATPAY_PUBLIC_KEY": ""}, args: seedArgs,
			code: exitUsage, stderrPart: "missing WeChat Pay verification key"},
		{name: "bad APIv3 key length", env: map[string]string{"WECHATPAY_APIV3_KEY": "tooshort-secret"}, args: seedArgs,
			code: exitUsage, stderrPart: "APIv3Key must be 32 bytes"},
		{name: "non-hex serial", env: map[string]string{"WECHATPAY_SERIAL": "XYZ-not-hex"}, args: seedArgs,
			code: exitUsage, stderrPart: "Serial"},
		{name: "connection refused", env: map[string]string{"WECHATPAY_BASE_URL": closed}, args: append([]string{"--timeout", "5s"}, seedArgs...),
			code: exitError, stderrPart: "refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := setupSim(t)
			if tt.fault != nil {
				h.srv.Inject(*tt.fault)
			}
			for k, v := range tt.env {
				h.env[k] = v
			}
			if tt.name == "wrong public key" {
				_, other := gatewayKey(t)
				h.env["WECHATPAY_PUBLIC_KEY"] = writeFile(t, h.dir, "other.pem", other, 0o644)
			}
			r := h.run("", tt.args...)
			if r.Code != tt.code || !strings.Contains(r.Stdout, tt.stdoutPart) || !strings.Contains(r.Stderr, tt.stderrPart) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d, stdout with %q, stderr with %q",
					r.Code, r.Stdout, r.Stderr, tt.code, tt.stdoutPart, tt.stderrPart)
			}
			if strings.Contains(r.Stdout+r.Stderr, "tooshort-secret") || strings.Contains(r.Stdout+r.Stderr, h.srv.APIv3Key) {
				t.Error("the APIv3 key is printed")
			}
			if tt.code == exitVerify && r.Stdout != "" {
				t.Errorf("an unverified answer went to stdout: %q", r.Stdout)
			}
		})
	}
}

// TestLiteralSegmentsVerbatim: a path typed into TEMPLATE goes on the wire as
// typed (an OpenID or order number in a literal segment is never re-cased);
// only {name}, <name> and _name_ mark variables.
func TestLiteralSegmentsVerbatim(t *testing.T) {
	t.Parallel()
	h := setupSim(t)
	h.srv.Handle("GET", "/v3/lit/{a}/{b}", func(r *wechatpaytest.Request) (int, any) {
		return http.StatusOK, map[string]any{"a": r.Param("a"), "b": r.Param("b")}
	})
	tests := []struct {
		args []string
		uri  string
	}{
		{[]string{"get", "v3/lit/oUpF8uMuAJO_M2pxb1Q9zNjWeS6o/ABCdef123"}, "/v3/lit/oUpF8uMuAJO_M2pxb1Q9zNjWeS6o/ABCdef123"},
		{[]string{"get", "v3/lit/Chs+Mz=/{b}", "b=Order2024A"}, "/v3/lit/Chs+Mz=/Order2024A"},
		{[]string{"get", "v3/lit/<a>/_b_", "a=X1", "b=yZ"}, "/v3/lit/X1/yZ"},
		{[]string{"get", "v3/lit/pre{a}Post/%41b", "a=Mid"}, "/v3/lit/preMidPost/%41b"},
		{[]string{"get", "v3/lit/A/B?mchid=X", "q==Y"}, "/v3/lit/A/B?mchid=X&q=Y"},
	}
	for _, tt := range tests {
		n := len(h.srv.Requests())
		r := h.run("", tt.args...)
		if r.Code != exitOK {
			t.Errorf("%q: exit %d; stderr:\n%s", tt.args, r.Code, r.Stderr)
			continue
		}
		reqs := h.srv.Requests()
		if len(reqs) != n+1 {
			t.Fatalf("%q: %d requests, want %d", tt.args, len(reqs), n+1)
		}
		if diff := cmp.Diff(tt.uri, reqs[n].URI); diff != "" {
			t.Errorf("%q: request target (-want +got):\n%s", tt.args, diff)
		}
		// These routes are the test's own: the catalogue's note says so,
		// and nothing else warns (no re-cased literal, say).
		const unknown = "wxpay: warning: path: no such operation in the catalogue"
		if !strings.Contains(r.Stderr, unknown) {
			t.Errorf("%q: no catalogue note for a route it does not have: %s", tt.args, r.Stderr)
		}
		if rest := strings.ReplaceAll(r.Stderr, unknown, ""); strings.Contains(rest, "warning") {
			t.Errorf("%q: unexpected warning: %s", tt.args, r.Stderr)
		}
	}
	// Messages name the template as typed.
	r := h.run("", "get", "v3/nope/ABCdef123")
	if r.Code != exitClientError || !strings.Contains(r.Stderr, "GET "+h.srv.URL+"/v3/nope/ABCdef123: 404") {
		t.Errorf("exit %d, stderr %q; want 4 and the template as typed", r.Code, r.Stderr)
	}
}
