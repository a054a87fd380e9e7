package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// notifyReceiver verifies and decrypts every notification it gets with
// the keys of the sandbox's env file, and keeps their event types and the
// decrypted resources.
type notifyReceiver struct {
	*httptest.Server
	mu  sync.Mutex
	got []string // "EVENT <resource JSON>" per verified notification
	bad []string // why a notification did not verify
	in  chan struct{}
}

func newNotifyReceiver(t *testing.T, parser *notify.Parser) *notifyReceiver {
	rc := &notifyReceiver{in: make(chan struct{}, 64)}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := parser.Parse(r)
		rc.mu.Lock()
		if err != nil {
			rc.bad = append(rc.bad, err.Error())
		} else {
			rc.got = append(rc.got, n.EventType+" "+string(n.Plaintext))
		}
		rc.mu.Unlock()
		rc.in <- struct{}{}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rc.Close)
	return rc
}

// wait waits for the n-th notification and returns all so far.
func (rc *notifyReceiver) wait(t *testing.T, n int) []string {
	t.Helper()
	for {
		rc.mu.Lock()
		got, bad := append([]string(nil), rc.got...), append([]string(nil), rc.bad...)
		rc.mu.Unlock()
		if len(bad) > 0 {
			t.Fatalf("notifications that did not verify: %q", bad)
		}
		if len(got) >= n {
			return got
		}
		select {
		case <-rc.in:
		case <-time.After(15 * time.Second):
			t.Fatalf("%d notifications within 15s, want %d: %q", len(got), n, got)
		}
	}
}

// TestSandboxAdminCommands runs wxpay sandbox in-process and steers it with
// trigger, listen, resend, clock and reset, checking what each did: the
// receiver got the signed notification, the clock closed an order, the
// reset forgot it.
func TestSandboxAdminCommands(t *testing.T) {
	t.Parallel()
	h := setup(t)
	dir := filepath.Join(h.dir, "sb")
	stop := startSandbox(t, h, dir)
	t.Cleanup(func() { stop() })
	data, err := os.ReadFile(filepath.Join(dir, sandboxEnv))
	if err != nil {
		t.Fatal(err)
	}
	env := parseEnvFile(string(data))
	cfg, err := wechatpay.ConfigFromLookup(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	client, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	parser, err := notify.NewParserFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	rc := newNotifyReceiver(t, parser)
	sb := func(args ...string) result {
		t.Helper()
		return h.run("", append(append([]string{"sandbox"}, args...), "--dir", dir)...)
	}

	// trigger: a real order, paid, and its notification signed to the receiver.
	r := sb("trigger", "transaction.success", "--url", rc.URL+"/notify")
	if r.Code != exitOK || !strings.Contains(r.Stdout, "attempt 1: 204 in ") || !strings.Contains(r.Stdout, "POST /v3/pay/transactions/native") {
		t.Fatalf("trigger: exit %d\nstdout %s\nstderr %s", r.Code, r.Stdout, r.Stderr)
	}
	got := rc.wait(t, 1)
	if !strings.HasPrefix(got[0], "TRANSACTION.SUCCESS ") || !strings.Contains(got[0], `"trade_state":"SUCCESS"`) {
		t.Errorf("receiver got %q", got[0])
	}
	id := strings.Fields(r.Stdout[strings.Index(r.Stdout, "notification "):])[1]

	// resend: the same notification once more.
	r = sb("resend", id)
	if r.Code != exitOK || !strings.HasPrefix(strings.TrimSpace(r.Stdout), "resend: 204 in ") {
		t.Errorf("resend: exit %d\nstdout %s\nstderr %s", r.Code, r.Stdout, r.Stderr)
	}
	if got := rc.wait(t, 2); got[1] != got[0] {
		t.Errorf("resent %q, first sent %q", got[1], got[0])
	}

	// Without --url nor a listen, there is nowhere to send it.
	if r := sb("trigger", "TRANSACTION.SUCCESS"); r.Code != exitError || !strings.Contains(r.Stderr, "no URL to notify") {
		t.Errorf("trigger without a URL: exit %d, stderr %s", r.Code, r.Stderr)
	}

	// listen: every notification goes to --forward-to, and each attempt is printed.
	fwd := newNotifyReceiver(t, parser)
	ctx, cancel := context.WithCancel(context.Background())
	var lout, lerr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"sandbox", "listen", "--forward-to", fwd.URL, "--dir", dir}, strings.NewReader(""), &lout, &lerr, h.getenv)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for srvForward(t, cfg.BaseURL) != fwd.URL && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	r = sb("trigger", "REFUND.SUCCESS", "--wait", "0")
	if r.Code != exitOK {
		t.Fatalf("trigger REFUND.SUCCESS: exit %d\nstdout %s\nstderr %s", r.Code, r.Stdout, r.Stderr)
	}
	if got := fwd.wait(t, 1); !strings.HasPrefix(got[0], "REFUND.SUCCESS ") || !strings.Contains(got[0], `"refund_status":"SUCCESS"`) {
		t.Errorf("forwarded %q", got[0])
	}
	for time.Now().Before(deadline) && !strings.Contains(lout.String(), "attempt 1: 204") {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("listen exit %d\nstderr %s", code, lerr.String())
	}
	if out := lout.String(); !strings.Contains(out, " REFUND.SUCCESS ") || !strings.Contains(out, "to "+fwd.URL) || !strings.Contains(out, "attempt 1: 204") {
		t.Errorf("listen stdout:\n%s\nstderr:\n%s", out, lerr.String())
	}
	if u := srvForward(t, cfg.BaseURL); u != "" {
		t.Errorf("forward URL %q after listen stopped", u)
	}

	// clock advance: an order that expires in an hour is closed 2h later.
	ctx2 := t.Context()
	expire := time.Now().Add(time.Hour).In(time.FixedZone("CST", 8*3600)).Format(time.RFC3339)
	if _, err := client.Chain("v3/pay/transactions/native").Post(ctx2, chain.O{"json": chain.O{
		"appid": "wxd678efh567hg6787", "mchid": cfg.MchID, "description": "clock", "out_trade_no": "CLOCK-ORDER-1",
		"notify_url": rc.URL, "time_expire": expire, "amount": chain.O{"total": 1},
	}}); err != nil {
		t.Fatal(err)
	}
	r = sb("clock", "advance", "2h")
	if r.Code != exitOK || !strings.Contains(r.Stdout, "offset 2h0m0s") {
		t.Errorf("clock advance: exit %d\nstdout %s\nstderr %s", r.Code, r.Stdout, r.Stderr)
	}
	state := func() string {
		t.Helper()
		resp, err := client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx2, chain.O{
			"out_trade_no": "CLOCK-ORDER-1", "query": chain.O{"mchid": cfg.MchID}})
		if err != nil {
			return err.Error()
		}
		return resp.Get("trade_state").String()
	}
	if got := state(); got != "CLOSED" {
		t.Errorf("order past its time_expire: %s, want CLOSED", got)
	}
	if r := sb("clock"); r.Code != exitOK || !strings.Contains(r.Stdout, "offset 2h0m0s") {
		t.Errorf("clock: exit %d, stdout %s", r.Code, r.Stdout)
	}

	// reset: the order, the clock and the records are gone.
	if r := sb("reset", "nope"); r.Code != exitError || !strings.Contains(r.Stderr, "transactions") {
		t.Errorf("reset nope: exit %d, stderr %s", r.Code, r.Stderr)
	}
	if r := sb("reset", "transactions"); r.Code != exitOK || r.Stdout != "reset: scenario transactions\n" {
		t.Errorf("reset transactions: exit %d, stdout %q, stderr %s", r.Code, r.Stdout, r.Stderr)
	}
	if got := state(); !strings.Contains(got, "404") {
		t.Errorf("order after resetting transactions: %s, want 404", got)
	}
	if r := sb("reset"); r.Code != exitOK || r.Stdout != "reset: everything\n" {
		t.Errorf("reset: exit %d, stdout %q, stderr %s", r.Code, r.Stdout, r.Stderr)
	}
	if r := sb("clock"); !strings.Contains(r.Stdout, "offset 0s") {
		t.Errorf("clock after reset: %s", r.Stdout)
	}
}

// lockedBuffer is a bytes.Buffer safe for a writer and a reader at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// srvForward reads the sandbox's forward URL through its admin API.
func srvForward(t *testing.T, baseURL string) string {
	t.Helper()
	base, err := url.Parse(strings.TrimSuffix(baseURL, "/") + wechatpaytest.AdminPrefix)
	if err != nil {
		t.Fatal(err)
	}
	ac := &adminClient{base: base, hc: http.DefaultClient}
	var out struct {
		URL string `json:"url"`
	}
	if err := ac.do(t.Context(), "GET", "forward", nil, &out); err != nil {
		t.Fatal(err)
	}
	return out.URL
}

// TestSandboxAdminFindsTheSandbox checks how the admin subcommands find a
// sandbox and its token: --admin, $WXPAY_SANDBOX_ADMIN, sandbox.env; the
// token from $WXPAY_SANDBOX_TOKEN, or sandbox.env for that file's sandbox
// only.
func TestSandboxAdminFindsTheSandbox(t *testing.T) {
	t.Parallel()
	const token = "admin-token-for-the-test"
	srv := wechatpaytest.NewServer(wechatpaytest.WithAdmin(), wechatpaytest.WithAdminToken(token))
	t.Cleanup(srv.Close)
	// stranger records the Authorization it is sent.
	var mu sync.Mutex
	var sent []string
	stranger := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sent = append(sent, r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Location", srv.AdminURL()+"clock")
		w.WriteHeader(http.StatusFound)
	}))
	t.Cleanup(stranger.Close)

	h := setup(t)
	withToken := filepath.Join(h.dir, "with-token")
	writeFile(t, withToken, sandboxEnv, "WECHATPAY_BASE_URL="+srv.URL+"/\n"+envSandboxToken+"="+token+"\n", 0o600)
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"no sandbox anywhere", nil, []string{"--dir", filepath.Join(h.dir, "none")}, exitUsage, "no running sandbox found"},
		{"sandbox.env gives URL and token", nil, []string{"--dir", withToken}, exitOK, "business time"},
		{"--admin without a token", nil, []string{"--admin", srv.AdminURL(), "--dir", filepath.Join(h.dir, "none")}, exitError, "401"},
		{"--admin with the token from the environment", map[string]string{envSandboxToken: token}, []string{"--admin", srv.AdminURL()}, exitOK, "business time"},
		{"$WXPAY_SANDBOX_ADMIN", map[string]string{envSandboxAdmin: srv.AdminURL(), envSandboxToken: token}, nil, exitOK, "business time"},
		{"wrong token", map[string]string{envSandboxToken: "guess"}, []string{"--admin", srv.AdminURL()}, exitError, envSandboxToken},
		{"another URL gets no token from the file, nor a redirect", nil, []string{"--admin", stranger.URL + "/sandbox/admin/", "--dir", withToken}, exitError, "302"},
		{"not a URL", nil, []string{"--admin", "ftp://x"}, exitUsage, "want the admin API's URL"},
		{"a call flag", nil, []string{"--mchid", "1900000001", "--dir", withToken}, exitUsage, "--mchid is for calls"},
	}
	for _, tt := range tests {
		h := setup(t)
		for k, v := range tt.env {
			h.env[k] = v
		}
		r := h.run("", append([]string{"sandbox", "clock"}, tt.args...)...)
		if r.Code != tt.wantCode || !strings.Contains(r.Stdout+r.Stderr, tt.wantOut) {
			t.Errorf("%s: exit %d, want %d with %q\nstdout %s\nstderr %s", tt.name, r.Code, tt.wantCode, tt.wantOut, r.Stdout, r.Stderr)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff([]string{""}, sent); diff != "" {
		t.Errorf("Authorization sent to another URL (-want +got):\n%s", diff)
	}
}

func TestParseAdvance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"2h", 2 * time.Hour, true}, {"90m", 90 * time.Minute, true}, {"1d", 24 * time.Hour, true}, {"0s", 0, true},
		{"-1h", 0, false}, {"1.5d", 0, false}, {"3651d", 0, false}, {"soon", 0, false}, {"d", 0, false},
	}
	for _, tt := range tests {
		got, err := parseAdvance(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseAdvance(%q) = %s, %v; want %s, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func FuzzParseAdvance(f *testing.F) {
	for _, s := range []string{"2h", "1d", "90m", "-1h", "3650d", "1.5h", "d", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseAdvance(s)
		if err != nil {
			if d != 0 || !isUsage(err) {
				t.Fatalf("parseAdvance(%q) = %s, %v: want 0 and a usage error", s, d, err)
			}
			return
		}
		if d < 0 || d > 3650*24*time.Hour && strings.HasSuffix(s, "d") {
			t.Fatalf("parseAdvance(%q) = %s", s, d)
		}
	})
}
