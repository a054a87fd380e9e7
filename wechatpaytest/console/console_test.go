package console_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
	"github.com/chainpay-go/wechatpay/wechatpaytest/console"
	"github.com/google/go-cmp/cmp"
)

// records is a Source holding given records.
type records []wechatpaytest.RecordedRequest

func (r records) Requests() []wechatpaytest.RecordedRequest { return r }

func serve(t *testing.T, src console.Source) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/console/", console.Handler(src, "/console/"))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func get(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

func TestPagesCarryCSPAndNoInlineScript(t *testing.T) {
	t.Parallel()
	ts := serve(t, records(nil))
	for _, path := range []string{"/console/", "/console/assets/app.js", "/console/assets/style.css", "/console/api/requests"} {
		res, body := get(t, ts.URL+path)
		if res.StatusCode != 200 {
			t.Errorf("%s: status %d", path, res.StatusCode)
		}
		if got := res.Header.Get("Content-Security-Policy"); got != console.ContentSecurityPolicy {
			t.Errorf("%s: CSP %q", path, got)
		}
		if path == "/console/" {
			if strings.Contains(string(body), "<script>") || !strings.Contains(string(body), `<script src="/console/assets/app.js"`) {
				t.Errorf("index has inline script or misses app.js:\n%s", body)
			}
		}
		if path == "/console/assets/app.js" && strings.Contains(string(body), ".innerHTML") {
			t.Errorf("app.js uses innerHTML")
		}
	}
	// A simulator's console has its notifications, state and actions too.
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	ts = serve(t, srv)
	for _, path := range []string{"/console/api/notifications", "/console/api/state"} {
		res, body := get(t, ts.URL+path)
		if res.StatusCode != 200 || res.Header.Get("Content-Security-Policy") != console.ContentSecurityPolicy || !json.Valid(body) {
			t.Errorf("%s: status %d, CSP %q, body %s", path, res.StatusCode, res.Header.Get("Content-Security-Policy"), body)
		}
	}
	if _, body := get(t, ts.URL+"/console/"); !strings.Contains(string(body), `data-live="true"`) || !strings.Contains(string(body), `id="trigger-form"`) {
		t.Errorf("a simulator's console page lacks live updates or actions:\n%s", body)
	}
}

func TestRequestsPagedNewestFirst(t *testing.T) {
	t.Parallel()
	var recs records
	for i := range 10000 {
		recs = append(recs, wechatpaytest.RecordedRequest{Method: "GET", URI: fmt.Sprintf("/v3/x/%d", i), Time: time.Unix(int64(i), 0)})
	}
	ts := serve(t, recs)
	tests := []struct {
		query     string
		wantFirst string
		wantLen   int
	}{
		{"", "/v3/x/9999", 50},
		{"?offset=50&limit=10", "/v3/x/9949", 10},
		{"?offset=9995&limit=200", "/v3/x/4", 5},
		{"?limit=100000", "/v3/x/9999", console.MaxPage},
		{"?offset=20000", "", 0},
	}
	for _, tt := range tests {
		_, body := get(t, ts.URL+"/console/api/requests"+tt.query)
		var p console.Page
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		first := ""
		if len(p.Records) > 0 {
			first = p.Records[0].URI
		}
		if diff := cmp.Diff([]any{tt.wantFirst, tt.wantLen, 10000}, []any{first, len(p.Records), p.Total}); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.query, diff)
		}
	}
}

func TestRequestsMaskSignatures(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	_, _ = srv.Client().Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(t.Context(), chain.O{
		"out_trade_no": "<script>x</script>", "query": chain.O{"mchid": "1900000001"}})
	ts := serve(t, srv)
	_, body := get(t, ts.URL+"/console/api/requests")
	var p console.Page
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Records) != 1 || p.Records[0].Header != nil {
		t.Fatalf("want 1 record without header in the page: %s", body)
	}
	_, body = get(t, fmt.Sprintf("%s/console/api/requests/%d", ts.URL, p.Records[0].Seq))
	var rec console.Record
	if err := json.Unmarshal(body, &rec); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]any{"GET", "/v3/pay/transactions/out-trade-no/{out_trade_no}", 404, true},
		[]any{rec.Method, rec.Pattern, rec.Status, rec.Authenticated}); diff != "" {
		t.Errorf("record (-want +got):\n%s", diff)
	}
	auth := strings.Join(rec.Header["Authorization"], "")
	if !strings.Contains(auth, `signature="***"`) || !strings.Contains(auth, "mchid=") {
		t.Errorf("Authorization not masked as expected: %q", auth)
	}
	raw := srv.Requests()[0].Header.Get("Authorization")
	sig := raw[strings.Index(raw, `signature="`)+len(`signature="`):]
	if strings.Contains(string(body), strings.TrimSuffix(sig, `"`)) {
		t.Errorf("the signature leaks into the console's answer")
	}
}

func TestActionsRefuseCrossSite(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	ts := serve(t, srv)
	tests := []struct {
		name   string
		header map[string]string
	}{
		{"no token", nil},
		{"wrong token", map[string]string{console.TokenHeader: "guess"}},
		{"cross-site fetch", map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{"other origin", map[string]string{"Origin": "https://evil.example"}},
	}
	token := pageToken(t, ts.URL)
	// Every action, with a body it would run (nothing may change).
	actions := map[string]string{
		"pay": `{"out_trade_no":"1217752501201407033233368018"}`, "close": `{"out_trade_no":"1217752501201407033233368018"}`,
		"transfer": `{"out_bill_no":"X","decision":"confirm"}`, "refund": `{"out_refund_no":"X","result":"ABNORMAL"}`,
		"trigger": `{"event_type":"TRANSACTION.SUCCESS","url":"http://127.0.0.1:1/"}`, "resend": `{"id":"X"}`,
		"clock": `{"duration":"2h"}`, "reset": `{}`, "fault": `{"status":500}`, "rule": `{"code":"NOT_ENOUGH"}`,
	}
	for name, body := range actions {
		for _, tt := range tests {
			req, _ := http.NewRequest("POST", ts.URL+"/console/api/actions/"+name, strings.NewReader(body))
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			if tt.name != "no token" && tt.name != "wrong token" {
				req.Header.Set(console.TokenHeader, token)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("%s, %s: status %d, want 403", name, tt.name, res.StatusCode)
			}
		}
	}
	if diff := cmp.Diff([]any{0, 0, time.Duration(0), 0, 0}, []any{len(srv.Deliveries()), srv.PendingFaults(), srv.ClockOffset(), len(srv.OutcomeRules()), len(srv.Requests())}); diff != "" {
		t.Errorf("refused actions changed the simulator: deliveries, faults, clock, rules, records (-want +got):\n%s", diff)
	}
	if tr, _ := srv.Transaction("1217752501201407033233368018"); tr.TradeState != "SUCCESS" {
		t.Errorf("the demo order is %s after refused actions", tr.TradeState)
	}
	// With the page's token, same origin: the action runs (and fails on
	// the unknown order, which is the simulator's answer, not a refusal).
	req, _ := http.NewRequest("POST", ts.URL+"/console/api/actions/pay", strings.NewReader(`{"out_trade_no":"X"}`))
	req.Header.Set(console.TokenHeader, pageToken(t, ts.URL))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusConflict {
		t.Errorf("own action: status %d, want 409 for an unknown order", res.StatusCode)
	}
}

// pageToken reads the action token from the console page.
func pageToken(t *testing.T, base string) string {
	t.Helper()
	_, body := get(t, base+"/console/")
	s := string(body)
	i := strings.Index(s, `data-token="`)
	if i < 0 {
		t.Fatalf("no token in the page:\n%s", s)
	}
	s = s[i+len(`data-token="`):]
	return s[:strings.IndexByte(s, '"')]
}

func TestRequestsMaskPersonalData(t *testing.T) {
	t.Parallel()
	body := `{"appid":"wxd678efh567hg6787","out_bill_no":"T1","openid":"o-1","user_name":"ciphertext==","contact":{"mobile":"13800138000","name":"张三"}}`
	ts := serve(t, records{{Method: "POST", URI: "/v3/fund-app/mch-transfer/transfer-bills", Body: []byte(body), BodySize: len(body)}})
	_, got := get(t, ts.URL+"/console/api/requests/1")
	var rec console.Record
	if err := json.Unmarshal(got, &rec); err != nil {
		t.Fatal(err)
	}
	want := `{"appid":"wxd678efh567hg6787","out_bill_no":"T1","openid":"o-1","user_name":"***","contact":{"mobile":"***","name":"***"}}`
	if diff := cmp.Diff(want, rec.Body); diff != "" {
		t.Errorf("masked body (-want +got):\n%s", diff)
	}
	for _, secret := range []string{"13800138000", "张三", "ciphertext=="} {
		if strings.Contains(string(got), secret) {
			t.Errorf("%q leaks into the console's answer", secret)
		}
	}
}

func TestRefusesDNSNames(t *testing.T) {
	t.Parallel()
	ts := serve(t, records(nil))
	tests := []struct {
		host string
		want int
	}{
		{"", http.StatusOK}, // the test server's 127.0.0.1:port
		{"localhost:8080", http.StatusOK},
		{"[::1]:8080", http.StatusOK},
		{"rebind.example:8080", http.StatusMisdirectedRequest},
		{"rebind.example", http.StatusMisdirectedRequest},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest("GET", ts.URL+"/console/api/requests", nil)
		if tt.host != "" {
			req.Host = tt.host
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tt.want {
			t.Errorf("Host %q: status %d, want %d", tt.host, res.StatusCode, tt.want)
		}
	}
}

// The console's read API refuses another site's fetches (they would hold
// event-stream slots); a link to the page itself is served.
func TestReadAPIRefusesCrossSite(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	ts := serve(t, srv)
	tests := []struct {
		path, site string
		want       int
	}{
		{"/console/api/requests", "cross-site", http.StatusForbidden},
		{"/console/api/requests", "same-site", http.StatusForbidden},
		{"/console/api/events", "cross-site", http.StatusForbidden},
		{"/console/api/requests", "same-origin", http.StatusOK},
		{"/console/api/requests", "", http.StatusOK},
		{"/console/", "cross-site", http.StatusOK}, // a link to the console
	}
	for _, tt := range tests {
		req, _ := http.NewRequest("GET", ts.URL+tt.path, nil)
		if tt.site != "" {
			req.Header.Set("Sec-Fetch-Site", tt.site)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tt.want {
			t.Errorf("GET %s with Sec-Fetch-Site %q: %d, want %d", tt.path, tt.site, res.StatusCode, tt.want)
		}
	}
}
