package wechatpaytest_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// adminCall is one admin API request.
type adminCall struct {
	method, path, body string
	header             map[string]string
	host               string // "" : the server's
}

// admin sends c to base (the server's address) and returns the status and body.
func admin(t *testing.T, base string, c adminCall) (int, string) {
	t.Helper()
	var rd io.Reader
	if c.body != "" {
		rd = strings.NewReader(c.body)
	}
	req, err := http.NewRequestWithContext(t.Context(), c.method, base+wechatpaytest.AdminPrefix+c.path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if c.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	if c.host != "" {
		req.Host = c.host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("%s %s: a CORS header", c.method, c.path)
	}
	return resp.StatusCode, string(b)
}

func TestAdminRefusals(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer(wechatpaytest.WithAdmin())
	defer srv.Close()
	if srv.AdminToken() != "" {
		t.Errorf("loopback server made a token")
	}
	big := `{"scenario":"` + strings.Repeat("x", 70<<10) + `"}`
	tests := []struct {
		name   string
		call   adminCall
		status int
		err    string
	}{
		{"plain GET", adminCall{method: "GET", path: "clock"}, 200, ""},
		{"rebinding Host", adminCall{method: "GET", path: "records", host: "evil.example:80"}, 403, `sandbox admin: Host "evil.example:80" is not a loopback name (127.0.0.1, [::1], localhost)`},
		{"localhost Host", adminCall{method: "GET", path: "clock", host: "localhost:1"}, 200, ""},
		{"cross-site GET", adminCall{method: "GET", path: "records", header: map[string]string{"Sec-Fetch-Site": "cross-site"}}, 403, "sandbox admin: cross-site request refused (Sec-Fetch-Site: cross-site)"},
		{"cross-site POST", adminCall{method: "POST", path: "reset", header: map[string]string{"Sec-Fetch-Site": "same-site"}}, 403, "sandbox admin: cross-site request refused (Sec-Fetch-Site: same-site)"},
		{"same-origin POST", adminCall{method: "POST", path: "reset", header: map[string]string{"Sec-Fetch-Site": "same-origin"}}, 204, ""},
		{"foreign Origin", adminCall{method: "POST", path: "reset", header: map[string]string{"Origin": "http://evil.example"}}, 403, ""},
		{"form post", adminCall{method: "POST", path: "reset", body: `{"scenario":""}`, header: map[string]string{"Content-Type": "text/plain"}}, 415, "sandbox admin: the body must be application/json"},
		{"too large", adminCall{method: "POST", path: "reset", body: big}, 413, "sandbox admin: the body is over 65536 bytes"},
		{"unknown member", adminCall{method: "POST", path: "reset", body: `{"scenery":"x"}`}, 400, `sandbox admin: body: json: unknown field "scenery"`},
		{"two values", adminCall{method: "POST", path: "reset", body: `{} {}`}, 400, "sandbox admin: body: more than one JSON value"},
		{"unknown scenario", adminCall{method: "POST", path: "reset", body: `{"scenario":"x"}`}, 400, ""},
		{"unknown route", adminCall{method: "GET", path: "nope"}, 404, "sandbox admin: no route GET /sandbox/admin/nope (see the package doc of wechatpaytest for the admin API)"},
		{"wrong method", adminCall{method: "PATCH", path: "rules"}, 405, "sandbox admin: PATCH /sandbox/admin/rules: method not allowed (allowed: GET, POST, DELETE)"},
		{"bad after", adminCall{method: "GET", path: "records?after=-1"}, 400, `sandbox admin: query after: "-1" is not a non-negative integer`},
		{"bad duration", adminCall{method: "POST", path: "clock/advance", body: `{"duration":"soon"}`}, 400, `sandbox admin: body: duration "soon" is not a duration such as "90s" or "2h"`},
		{"negative duration", adminCall{method: "POST", path: "clock/advance", body: `{"duration":"-1h"}`}, 400, ""},
		{"bad forward", adminCall{method: "PUT", path: "forward", body: `{"url":"ftp://x"}`}, 400, `sandbox admin: body: url "ftp://x" is not an absolute http or https URL`},
		{"bad rule", adminCall{method: "POST", path: "rules", body: `{"status":200}`}, 400, "sandbox admin: outcome: status 200 is not an error status (400 to 599)"},
		{"idle fault", adminCall{method: "POST", path: "faults", body: `{"route":"/v3/x"}`}, 400, ""},
		{"1xx fault", adminCall{method: "POST", path: "faults", body: `{"status":103,"body":{"x":1}}`}, 400, "sandbox admin: body: status 103 is not a final HTTP status (200-599)"},
		{"clock past MaxClockOffset", adminCall{method: "POST", path: "clock/advance", body: `{"duration":"2562047h"}`}, 400, ""},
		{"no resend", adminCall{method: "POST", path: "notifications/nope/resend"}, 404, `sandbox admin: no notification "nope"`},
	}
	for _, tt := range tests {
		status, body := admin(t, srv.URL, tt.call)
		if status != tt.status {
			t.Errorf("%s: %d %s, want %d", tt.name, status, body, tt.status)
		}
		if got := gjson.Get(body, "error").String(); tt.err != "" && got != tt.err {
			t.Errorf("%s: error %q, want %q", tt.name, got, tt.err)
		}
		if status >= 400 && !gjson.Get(body, "error").Exists() {
			t.Errorf("%s: %d without a JSON error: %s", tt.name, status, body)
		}
	}
}

// addrListener reports another address than it listens on: a server "bound
// elsewhere" without leaving loopback.
type addrListener struct {
	net.Listener
	addr net.Addr
}

func (l addrListener) Addr() net.Addr { return l.addr }

func TestAdminToken(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	real := "http://" + ln.Addr().String()
	port := ln.Addr().(*net.TCPAddr).Port
	srv := wechatpaytest.NewServer(wechatpaytest.WithAdmin(), wechatpaytest.WithListener(addrListener{ln, &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: port}}))
	defer srv.Close()
	tok := srv.AdminToken()
	if len(tok) != 32 {
		t.Fatalf("AdminToken = %q, want a made-up 32-character token off loopback", tok)
	}
	given := wechatpaytest.NewServer(wechatpaytest.WithAdmin(), wechatpaytest.WithAdminToken("given-token"))
	defer given.Close()
	tests := []struct {
		base, auth string
		status     int
	}{
		{real, "", 401},
		{real, "Bearer wrong", 401},
		{real, tok, 401},
		{real, "Bearer " + tok, 200},
		{given.URL, "", 401},
		{given.URL, "Bearer given-token", 200},
	}
	for _, tt := range tests {
		// With a token the Host need not be loopback: the token is the guard.
		status, body := admin(t, tt.base, adminCall{method: "GET", path: "clock", host: "sandbox.example:8080", header: map[string]string{"Authorization": tt.auth}})
		if status != tt.status {
			t.Errorf("%s with %q: %d %s, want %d", tt.base, tt.auth, status, body, tt.status)
		}
	}
}

func TestAdminNotServedWithoutWithAdmin(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	status, body := admin(t, srv.URL, adminCall{method: "GET", path: "records"})
	if status != 401 || gjson.Get(body, "code").String() != "SIGN_ERROR" {
		t.Errorf("admin path without WithAdmin: %d %s, want the gateway's 401 SIGN_ERROR", status, body)
	}
	// AdminHandler still serves, for a mux of the caller's.
	hs := httptest.NewServer(srv.AdminHandler())
	defer hs.Close()
	if status, body := admin(t, hs.URL, adminCall{method: "GET", path: "scenarios"}); status != 200 || !strings.Contains(body, `"transactions"`) {
		t.Errorf("AdminHandler mounted elsewhere: %d %s", status, body)
	}
}

func TestAdminAPI(t *testing.T) {
	t.Parallel()
	got := make(chan string, 10)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- gjson.GetBytes(b, "event_type").String()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer recv.Close()
	srv := wechatpaytest.NewServer(wechatpaytest.WithAdmin())
	defer srv.Close()
	call := func(method, path, body string, want int) gjson.Result {
		t.Helper()
		status, b := admin(t, srv.URL, adminCall{method: method, path: path, body: body})
		if status != want {
			t.Fatalf("%s %s: %d %s, want %d", method, path, status, b, want)
		}
		return gjson.Parse(b)
	}

	// Rules, then a call they answer.
	rule := call("POST", "rules", `{"route":"GET /v3/pay/transactions/out-trade-no/{out_trade_no}","times":2,"code":"SYSTEM_ERROR"}`, 201)
	if diff := cmp.Diff(`{"id":"rule_1","route":"GET /v3/pay/transactions/out-trade-no/{out_trade_no}","times":2,"left":2,"status":500,"code":"SYSTEM_ERROR","message":""}`, strings.TrimSpace(rule.Raw)); diff != "" {
		t.Errorf("rule (-want +got):\n%s", diff)
	}
	c := srv.Client()
	_, err := c.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(context.Background(), map[string]any{
		"out_trade_no": wechatpaytest.DemoOutTradeNo, "query": map[string]string{"mchid": srv.MchID}})
	if err != nil {
		t.Fatalf("query through the rule (twice, then retried): %v", err)
	}
	if n := call("GET", "rules", "", 200).Get("rules.#").Int(); n != 0 {
		t.Errorf("%d rules left after two uses", n)
	}
	call("POST", "rules", `{"status":503}`, 201)
	call("DELETE", "rules/rule_2", "", 204)
	call("DELETE", "rules/rule_2", "", 404)

	// Records: the three attempts of the query, signatures masked.
	recs := call("GET", "records?limit=2", "", 200)
	if recs.Get("records.#").Int() != 2 || recs.Get("records.0.seq").Int() != 1 || recs.Get("records.0.outcome").String() != "status=500, code=SYSTEM_ERROR" {
		t.Errorf("records: %s", recs.Raw)
	}
	if a := recs.Get("records.0.header.Authorization.0").String(); !strings.Contains(a, `signature="***"`) || !strings.Contains(a, `mchid="`) {
		t.Errorf("Authorization in a record: %q, want the signature masked", a)
	}
	if rest := call("GET", "records?after=2", "", 200); rest.Get("records.#").Int() != 1 || rest.Get("records.0.status").Int() != 200 {
		t.Errorf("records after 2: %s", rest.Raw)
	}

	// Faults.
	call("POST", "faults", `{"route":"/v3/nowhere","times":-1,"status":429,"retry_after":"2s","body":{"code":"X"}}`, 201)
	faults := call("GET", "faults", "", 200)
	if diff := cmp.Diff(`[{"route":"/v3/nowhere","times":-1,"status":429,"body":{"code":"X"},"retry_after":"2s"}]`, faults.Get("faults").Raw); diff != "" {
		t.Errorf("faults (-want +got):\n%s", diff)
	}
	call("DELETE", "faults", "", 204)
	srv.Inject(wechatpaytest.Fault{Route: "/v3/nowhere", Status: 500, Body: "plain text"}) // not JSON: listed as a string
	if b := call("GET", "faults", "", 200).Get("faults.0.body").String(); b != "plain text" {
		t.Errorf("a text fault body listed as %q", b)
	}
	call("DELETE", "faults", "", 204)

	// Clock.
	clock := call("POST", "clock/advance", `{"duration":"2h"}`, 200)
	if clock.Get("offset").String() != "2h0m0s" || clock.Get("offset_seconds").Int() != 7200 {
		t.Errorf("clock: %s", clock.Raw)
	}

	// Trigger, the delivery with its attempt, a resend.
	res := call("POST", "trigger", `{"event_type":"TRANSACTION.SUCCESS","url":"`+recv.URL+`/pay"}`, 200)
	if res.Get("calls.#").Int() != 3 || res.Get("delivery.state").String() != "pending" {
		t.Errorf("trigger: %s", res.Raw)
	}
	if e := <-got; e != "TRANSACTION.SUCCESS" {
		t.Errorf("receiver got %q", e)
	}
	id := res.Get("delivery.id").String()
	var d gjson.Result
	for rev := uint64(0); ; {
		d = call("GET", "notifications/"+id, "", 200)
		if d.Get("state").String() != "pending" {
			break
		}
		rev = call("GET", "changes?since="+strconv.FormatUint(rev, 10)+"&wait=5s", "", 200).Get("revision").Uint()
	}
	if d.Get("state").String() != "delivered" || d.Get("attempts.0.status").Int() != 204 || d.Get("next_attempt").Type != gjson.Null {
		t.Errorf("delivery: %s", d.Raw)
	}
	if a := call("POST", "notifications/"+id+"/resend", "", 200); a.Get("status").Int() != 204 || !a.Get("resend").Bool() {
		t.Errorf("resend: %s", a.Raw)
	}
	<-got
	if n := call("GET", "notifications", "", 200).Get("notifications.0.attempts.#").Int(); n != 2 {
		t.Errorf("%d attempts listed, want 2", n)
	}
	call("POST", "notifications", `{"event_type":"TRANSACTION.SUCCESS","id":"`+wechatpaytest.DemoOutTradeNo+`","url":"`+recv.URL+`/n"}`, 202)
	<-got

	// Forward.
	call("PUT", "forward", `{"url":"`+recv.URL+`/fwd"}`, 200)
	if u := call("GET", "forward", "", 200).Get("url").String(); u != recv.URL+"/fwd" {
		t.Errorf("forward = %q", u)
	}
	call("DELETE", "forward", "", 200)

	// Events, scenarios, reset.
	if ev := call("GET", "events", "", 200); ev.Get("triggers.#").Int() != 2 || ev.Get("event_types.#").Int() < 5 {
		t.Errorf("events: %s", ev.Raw)
	}
	call("POST", "reset", `{"scenario":"transactions"}`, 204)
	call("POST", "reset", "", 204)
	if after := call("GET", "clock", "", 200); after.Get("offset_seconds").Int() != 0 {
		t.Errorf("clock after reset: %s", after.Raw)
	}
	if n := call("GET", "notifications", "", 200).Get("notifications.#").Int(); n != 0 {
		t.Errorf("%d notifications after reset", n)
	}
	rev := call("GET", "changes?since=0", "", 200).Get("revision").Uint()
	if again := call("GET", "changes?since="+strconv.FormatUint(rev, 10)+"&wait=1ms", "", 200).Get("revision").Uint(); again != rev {
		t.Errorf("changes with nothing new: %d, want %d", again, rev)
	}
}
