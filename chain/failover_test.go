package chain_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// closedAddr returns a loopback address nothing listens on: a dial to it is
// refused.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// dialAs dials the loopback address that names maps addr to, as a
// resolver would; a name it does not hold is an error.
func dialAs(ctx context.Context, network, addr string, names map[string]string) (net.Conn, error) {
	to, ok := names[addr]
	if !ok {
		return nil, fmt.Errorf("dial %s: not a host of this test", addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, to)
}

// hangingListener accepts TCP connections and never answers: a TLS
// handshake with it never ends. With hangUp it closes each connection at
// once instead: the handshake fails.
type hangingListener struct {
	net.Listener
	hangUp   bool
	accepted atomic.Int32
	mu       sync.Mutex
	conns    []net.Conn
}

func newHangingListener(t *testing.T, hangUp bool) *hangingListener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &hangingListener{Listener: l, hangUp: hangUp}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			h.accepted.Add(1)
			if h.hangUp {
				c.Close()
				continue
			}
			h.mu.Lock()
			h.conns = append(h.conns, c)
			h.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, c := range h.conns {
			c.Close()
		}
	})
	return h
}

// twin starts a simulator with s's identity (merchant, platform key, APIv3
// key): a client made for s is accepted by both, as by WeChat Pay's two
// entry points.
func twin(t *testing.T, s *wechatpaytest.Server) *wechatpaytest.Server {
	t.Helper()
	tw := wechatpaytest.NewServer(wechatpaytest.WithMchID(s.MchID), wechatpaytest.WithMerchantKey(s.MerchantKey, s.MerchantSerial),
		wechatpaytest.WithPlatformKey(s.PlatformKey, s.PlatformSerial), wechatpaytest.WithAPIv3Key(s.APIv3Key))
	t.Cleanup(tw.Close)
	return tw
}

// refusedPrimary starts a simulator and returns it with a Config whose
// BaseURL refuses connections and whose backup is the simulator.
func refusedPrimary(t *testing.T) (*wechatpaytest.Server, chain.Config) {
	t.Helper()
	backup := wechatpaytest.NewServer()
	t.Cleanup(backup.Close)
	cfg := backup.Config()
	cfg.BaseURL, cfg.BackupBaseURL = "http://"+closedAddr(t)+"/", backup.URL
	return backup, cfg
}

func nativeOrderNo(mchid, outTradeNo string) chain.O {
	return chain.O{"json": map[string]any{
		"appid": "wxd678efh567hg6787", "mchid": mchid, "description": "QQ公仔",
		"out_trade_no": outTradeNo, "notify_url": "https://example.com/notify",
		"amount": map[string]any{"total": 1},
	}}
}

// failoverLogs returns the failover's records (msg "wechatpay failover: …")
// of a JSON log, each as its message and the attributes named.
func failoverLogs(t *testing.T, out string, attrs ...string) []string {
	t.Helper()
	var got []string
	for line := range strings.Lines(out) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		msg, _ := rec["msg"].(string)
		if !strings.HasPrefix(msg, "wechatpay failover: ") {
			continue
		}
		s := fmt.Sprint(rec["level"], " ", strings.TrimPrefix(msg, "wechatpay failover: "))
		for _, a := range attrs {
			if v, ok := rec[a]; ok {
				s += fmt.Sprintf(" %s=%v", a, v)
			}
		}
		got = append(got, s)
	}
	return got
}

// A primary that cannot be reached before the request is written: the
// attempt goes on to the backup, signed afresh, at once; after
// FailoverAfter such calls the client starts its calls on the backup.
func TestFailoverPrimaryUnreachable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		primary func(t *testing.T, backup *wechatpaytest.Server, cfg *chain.Config) (accepted func() int32)
		tls     bool
		cause   string // matches the error attribute of each move's log (a regexp)
	}{
		{name: "connection refused", primary: func(t *testing.T, _ *wechatpaytest.Server, cfg *chain.Config) func() int32 {
			cfg.BaseURL = "http://" + closedAddr(t) + "/"
			return nil
		}, cause: "connect: connection refused"},
		{name: "TLS handshake hangs", tls: true, primary: func(t *testing.T, b *wechatpaytest.Server, cfg *chain.Config) func() int32 {
			h := newHangingListener(t, false)
			cfg.BaseURL = "https://" + h.Addr().String() + "/"
			tr := b.HTTPClient().Transport.(*http.Transport).Clone()
			tr.TLSHandshakeTimeout = 500 * time.Millisecond // the backup's handshake too: not too short under -race
			cfg.HTTPClient = &http.Client{Transport: tr}
			return h.accepted.Load
		}, cause: "TLS handshake timeout"},
		{name: "TLS handshake hung up on", tls: true, primary: func(t *testing.T, _ *wechatpaytest.Server, cfg *chain.Config) func() int32 {
			h := newHangingListener(t, true)
			cfg.BaseURL = "https://" + h.Addr().String() + "/"
			return h.accepted.Load
		}, cause: "EOF|connection reset by peer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var opts []wechatpaytest.Option
			if tc.tls {
				opts = append(opts, wechatpaytest.WithTLS())
			}
			backup := wechatpaytest.NewServer(opts...)
			t.Cleanup(backup.Close)
			cfg := backup.Config()
			cfg.BackupBaseURL = backup.URL
			var out syncBuffer
			cfg.Logger = slog.New(slog.NewJSONHandler(&out, nil))
			accepted := tc.primary(t, backup, &cfg)
			c, err := wechatpay.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			const order = "SECRET-ORDER-4711"
			query := chain.O{"out_trade_no": order, "query": map[string]string{"mchid": backup.MchID}}
			if _, err := c.Chain("v3/pay/transactions/native").Post(ctx, nativeOrderNo(backup.MchID, order)); err != nil {
				t.Fatalf("POST: %v", err)
			}
			for i := range chain.FailoverAfter {
				resp, err := c.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx, query)
				if err != nil {
					t.Fatalf("GET %d: %v", i, err)
				}
				if got := resp.Get("out_trade_no").String(); got != order || !resp.Verified {
					t.Fatalf("GET %d: out_trade_no %q verified %v, want the order made on the backup", i, got, resp.Verified)
				}
			}
			// Every call was answered by the backup, each attempt signed
			// there (the simulator checks every signature).
			var got []string
			for _, r := range backup.Requests() {
				got = append(got, fmt.Sprintf("%s %s %v", r.Method, strings.SplitN(r.URI, "?", 2)[0], r.Authenticated))
			}
			want := []string{"POST /v3/pay/transactions/native true"}
			for range chain.FailoverAfter {
				want = append(want, "GET /v3/pay/transactions/out-trade-no/"+order+" true")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("backup's requests (-want +got):\n%s", diff)
			}
			// Three calls moved (three failures in a row on the primary:
			// the third makes the client prefer the backup), the fourth
			// started on the backup.
			primary, to := cfg.BaseURL, backup.URL+"/"
			moved := func(method, template string) string {
				return fmt.Sprintf("WARN attempt sent to the other host method=%s template=%s attempt=2 from=%s to=%s", method, template, primary, to)
			}
			const get = "v3/pay/transactions/out-trade-no/{out_trade_no}"
			wantLogs := []string{
				moved("POST", "v3/pay/transactions/native"),
				moved("GET", get),
				fmt.Sprintf("WARN the primary host is unreachable; calls start on the backup host primary=%s backup=%s failures=3", primary, to),
				moved("GET", get),
			}
			gotLogs := failoverLogs(t, out.String(), "method", "template", "attempt", "from", "to", "primary", "backup", "failures")
			if diff := cmp.Diff(wantLogs, gotLogs); diff != "" {
				t.Errorf("failover logs (-want +got):\n%s", diff)
			}
			for _, l := range failoverLogs(t, out.String(), "error") {
				if strings.Contains(l, "other host") && !regexp.MustCompile(tc.cause).MatchString(l) {
					t.Errorf("log %q: want the cause %q", l, tc.cause)
				}
			}
			if strings.Contains(out.String(), order) {
				t.Errorf("the log holds the path value %q:\n%s", order, out.String())
			}
			if accepted != nil {
				if n := accepted(); n != int32(chain.FailoverAfter) {
					t.Errorf("the hanging primary took %d connections, want %d (then the client prefers the backup)", n, chain.FailoverAfter)
				}
			}
		})
	}
}

// A request that may have reached the gateway (its connection broke after
// it was written) never goes to the other host unless it is safe to repeat
// anyway: a POST is retried on the primary, as without a backup; a GET
// moves.
func TestFailoverNotAfterWrite(t *testing.T) {
	t.Parallel()
	post := func(c *chain.Client, mchid string) error {
		_, err := c.Chain("v3/pay/transactions/native").Post(context.Background(), nativeOrderNo(mchid, "T-WRITTEN-1"))
		return err
	}
	get := func(c *chain.Client, mchid string) error {
		resp, err := c.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(context.Background(),
			chain.O{"out_trade_no": wechatpaytest.DemoOutTradeNo, "query": map[string]string{"mchid": mchid}})
		if err == nil && !resp.Verified {
			err = errors.New("answer not verified")
		}
		return err
	}
	tests := []struct {
		name          string
		fault         wechatpaytest.Fault
		call          func(c *chain.Client, mchid string) error
		wantPrimary   int // authenticated requests the primary received
		wantBackup    int
		wantErr       bool
		wantMovedLogs int
	}{
		{
			name:  "POST dropped after it was read",
			fault: wechatpaytest.Fault{Drop: true, Times: -1}, call: post,
			wantPrimary: 1 + chain.DefaultMaxRetries, wantErr: true,
		},
		{
			name:  "POST cut in its answer",
			fault: wechatpaytest.Fault{Cut: true, Times: -1}, call: post,
			wantPrimary: 1 + chain.DefaultMaxRetries, wantErr: true,
		},
		{
			// The connection broke before an answer: a query is safe to
			// repeat, so it moves.
			name:  "GET dropped after it was read",
			fault: wechatpaytest.Fault{Drop: true, Times: -1}, call: get,
			wantPrimary: 1, wantBackup: 1, wantMovedLogs: 1,
		},
		{
			// The primary answered (the head arrived), and the body broke:
			// the primary is reachable, the query is retried there.
			name:  "GET cut in its answer",
			fault: wechatpaytest.Fault{Cut: true, Times: -1}, call: get,
			wantPrimary: 1 + chain.DefaultMaxRetries, wantErr: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			backup := wechatpaytest.NewServer()
			t.Cleanup(backup.Close)
			primary := twin(t, backup)
			primary.Inject(tc.fault)
			cfg := primary.Config()
			cfg.BackupBaseURL = backup.URL
			cfg.RetryWait = time.Millisecond
			var out syncBuffer
			cfg.Logger = slog.New(slog.NewJSONHandler(&out, nil))
			c, err := wechatpay.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			err = tc.call(c, primary.MchID)
			if (err != nil) != tc.wantErr {
				t.Fatalf("call: %v, want an error: %v", err, tc.wantErr)
			}
			count := func(s *wechatpaytest.Server) (n int) {
				for _, r := range s.Requests() {
					if r.Authenticated {
						n++
					}
				}
				return n
			}
			if got, want := []int{count(primary), count(backup)}, []int{tc.wantPrimary, tc.wantBackup}; !cmp.Equal(got, want) {
				t.Errorf("authenticated requests at primary and backup: %v, want %v", got, want)
			}
			if n := len(failoverLogs(t, out.String())); n != tc.wantMovedLogs {
				t.Errorf("%d failover logs, want %d:\n%s", n, tc.wantMovedLogs, out.String())
			}
			// Every attempt was signed afresh, the one on the backup too.
			seen := map[string]bool{}
			for _, s := range []*wechatpaytest.Server{primary, backup} {
				for _, r := range s.Requests() {
					auth := r.Header.Get("Authorization")
					if seen[auth] {
						t.Errorf("an Authorization was sent twice: %s", auth)
					}
					seen[auth] = true
				}
			}
		})
	}
}

// The switch and the probe back, on a fake clock: after FailoverAfter calls
// that could not reach the primary, calls start on the backup for
// FailoverCoolDown; then one call probes the primary: still refused, the
// backup is preferred for another cool-down; reachable, calls start there
// again. The primary comes back as a host name would, its name dialled to a
// listening port instead of a closed one.
func TestFailoverPreferThenProbe(t *testing.T) {
	t.Parallel()
	backup := wechatpaytest.NewServer()
	t.Cleanup(backup.Close)
	primary := twin(t, backup)
	refused := closedAddr(t)
	realStart := time.Now()
	synctest.Test(t, func(t *testing.T) {
		fakeStart := time.Now()
		var up atomic.Bool
		var dials sync.Map // host name → *atomic.Int32
		dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
			n, _ := dials.LoadOrStore(addr, new(atomic.Int32))
			n.(*atomic.Int32).Add(1)
			primaryAddr := refused
			if up.Load() {
				primaryAddr = strings.TrimPrefix(primary.URL, "http://")
			}
			return dialAs(ctx, network, addr, map[string]string{
				"primary.test:80": primaryAddr,
				"backup.test:80":  strings.TrimPrefix(backup.URL, "http://"),
			})
		}
		dialed := func(host string) int32 {
			n, ok := dials.Load(host + ":80")
			if !ok {
				return 0
			}
			return n.(*atomic.Int32).Load()
		}
		tr := &http.Transport{DialContext: dial, DisableKeepAlives: true}
		defer tr.CloseIdleConnections()
		cfg := backup.Config()
		cfg.BaseURL, cfg.BackupBaseURL = "http://primary.test/", "http://backup.test/"
		cfg.HTTPClient = &http.Client{Transport: tr}
		// The simulators sign with the real clock; the client's runs on
		// the bubble's fake one from the real start.
		cfg.Now = func() time.Time { return realStart.Add(time.Since(fakeStart)) }
		var out syncBuffer
		cfg.Logger = slog.New(slog.NewJSONHandler(&out, nil))
		c, err := wechatpay.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		calls := 0
		call := func() {
			t.Helper()
			calls++
			resp, err := c.Chain("v3/pay/transactions/native").Post(context.Background(), nativeOrderNo(backup.MchID, fmt.Sprintf("T-PROBE-%d", calls)))
			if err != nil {
				t.Fatalf("call %d: %v", calls, err)
			}
			if !resp.Verified || resp.Get("code_url").String() == "" {
				t.Fatalf("call %d: %s (verified %v), want a code_url", calls, resp.Body, resp.Verified)
			}
		}
		type seen struct{ PrimaryDials, BackupDials, PrimaryServed int32 }
		state := func() seen {
			return seen{dialed("primary.test"), dialed("backup.test"), int32(len(primary.Requests()))}
		}
		check := func(step string, want seen) {
			t.Helper()
			if diff := cmp.Diff(want, state()); diff != "" {
				t.Errorf("%s (-want +got):\n%s", step, diff)
			}
		}

		for range chain.FailoverAfter {
			call()
		}
		check("three calls, each refused by the primary, then answered by the backup", seen{3, 3, 0})
		call()
		check("the fourth starts on the backup", seen{3, 4, 0})
		time.Sleep(chain.FailoverCoolDown - time.Second)
		call()
		check("still in the cool-down", seen{3, 5, 0})

		time.Sleep(time.Second)
		call()
		check("after the cool-down, the probe is refused and the call moves", seen{4, 6, 0})
		call()
		check("a failed probe starts another cool-down", seen{4, 7, 0})

		up.Store(true)
		time.Sleep(chain.FailoverCoolDown)
		call()
		check("the probe reaches the primary", seen{5, 7, 1})
		call()
		check("calls start on the primary again", seen{6, 7, 2})

		want := []string{
			"attempt sent to the other host", "attempt sent to the other host",
			"the primary host is unreachable; calls start on the backup host",
			"attempt sent to the other host", // the third
			"attempt sent to the other host", // the failed probe
			"the primary host is reachable again; calls start there",
		}
		var got []string
		for _, l := range failoverLogs(t, out.String()) {
			got = append(got, strings.TrimPrefix(l, "WARN "))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("failover logs (-want +got):\n%s", diff)
		}
	})
}

// Many calls at once share the client's choice (run with -race): each call
// is answered once by the backup, and the switch is logged once.
func TestFailoverConcurrent(t *testing.T) {
	t.Parallel()
	backup, cfg := refusedPrimary(t)
	var out syncBuffer
	cfg.Logger = slog.New(slog.NewJSONHandler(&out, nil))
	c, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const workers, each = 16, 4
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				if _, err := c.Chain("v3/pay/transactions/native").Post(context.Background(), nativeOrderNo(backup.MchID, fmt.Sprintf("T-C-%d-%d", w, i))); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(backup.Requests()); n != workers*each {
		t.Errorf("the backup received %d requests, want %d", n, workers*each)
	}
	switches := 0
	for _, l := range failoverLogs(t, out.String()) {
		if !strings.Contains(l, "attempt sent to the other host") {
			switches++
			if !strings.Contains(l, "unreachable") {
				t.Errorf("log %q", l)
			}
		}
	}
	if switches != 1 {
		t.Errorf("%d switches logged, want 1:\n%s", switches, out.String())
	}
}

// A move is one of the call's retries: without retries a call that cannot
// reach the primary fails (and is not sent anywhere else), yet it counts,
// and after FailoverAfter of them the next call starts on the backup.
func TestFailoverWithinRetryBudget(t *testing.T) {
	t.Parallel()
	backup, cfg := refusedPrimary(t)
	cfg.DisableRetries = true
	c, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	post := func(n int) error {
		_, err := c.Chain("v3/pay/transactions/native").Post(context.Background(), nativeOrderNo(backup.MchID, fmt.Sprintf("T-BUDGET-%d", n)))
		return err
	}
	for i := range chain.FailoverAfter {
		if err := post(i); err == nil || !strings.Contains(err.Error(), "connection refused") || !strings.Contains(err.Error(), "attempt 1:") {
			t.Fatalf("call %d: %v, want attempt 1 refused", i, err)
		}
	}
	if n := len(backup.Requests()); n != 0 {
		t.Fatalf("the backup received %d requests without a retry", n)
	}
	if err := post(chain.FailoverAfter); err != nil {
		t.Fatalf("call after the switch: %v", err)
	}
	if n := len(backup.Requests()); n != 1 {
		t.Errorf("the backup received %d requests, want 1", n)
	}
	// The error of a call answered by the backup names the backup.
	_, err = c.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(context.Background(),
		chain.O{"out_trade_no": "T-NEVER-MADE", "query": map[string]string{"mchid": backup.MchID}})
	var ae *chain.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("GET of a missing order: %v, want an *APIError", err)
	}
	if ae.BaseURL != backup.URL+"/" || !strings.HasPrefix(err.Error(), "chain: GET "+backup.URL+"/v3/") {
		t.Errorf("GET of a missing order: %v (BaseURL %q), want it to name %s/", err, ae.BaseURL, backup.URL)
	}
}

// A bill asked of the backup names the backup in its download_url: the
// client downloads it there (a host of its Config, not one named by data).
func TestFailoverBillDownload(t *testing.T) {
	t.Parallel()
	backup, cfg := refusedPrimary(t)
	content := []byte("交易时间,公众账号ID\n`2026-11-26 10:00:00,`wx0001\n")
	backup.SetBill(dlBillDate, content)
	c, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	bill := requestBill(t, c, false)
	if !strings.HasPrefix(bill.DownloadURL, backup.URL+"/") {
		t.Fatalf("download_url %q, want it on the backup %s", bill.DownloadURL, backup.URL)
	}
	var got strings.Builder
	if _, err := c.DownloadBill(context.Background(), bill, &got); err != nil {
		t.Fatalf("DownloadBill: %v", err)
	}
	if diff := cmp.Diff(string(content), got.String()); diff != "" {
		t.Errorf("bill (-want +got):\n%s", diff)
	}
}

// A primary that drops packets: the dial hangs (here until the dialer's
// own 30 s), and without a bound the call's whole Timeout would go to it.
// An attempt that may move waits for a connection at most 10 s, or half of
// what is left of the call's time, then goes to the backup. On a fake
// clock, so the waits are exact.
func TestFailoverBlackholedPrimary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		timeout time.Duration
		want    time.Duration // until the answer from the backup
	}{
		{name: "default timeout", want: 10 * time.Second},
		{name: "4 s timeout", timeout: 4 * time.Second, want: 2 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			backup := wechatpaytest.NewServer()
			t.Cleanup(backup.Close)
			realStart := time.Now()
			synctest.Test(t, func(t *testing.T) {
				fakeStart := time.Now()
				dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
					if addr == "primary.test:80" {
						select { // a SYN that is never answered
						case <-ctx.Done():
							return nil, ctx.Err()
						case <-time.After(30 * time.Second):
							return nil, fmt.Errorf("dial %s: i/o timeout", addr)
						}
					}
					var d net.Dialer
					return d.DialContext(ctx, network, strings.TrimPrefix(backup.URL, "http://"))
				}
				tr := &http.Transport{DialContext: dial, DisableKeepAlives: true}
				defer tr.CloseIdleConnections()
				cfg := backup.Config()
				cfg.BaseURL, cfg.BackupBaseURL = "http://primary.test/", backup.URL
				cfg.HTTPClient = &http.Client{Transport: tr}
				cfg.Timeout = tc.timeout
				cfg.Now = func() time.Time { return realStart.Add(time.Since(fakeStart)) }
				var out syncBuffer
				cfg.Logger = slog.New(slog.NewJSONHandler(&out, nil))
				c, err := wechatpay.New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				start := time.Now()
				if _, err := c.Chain("v3/pay/transactions/native").Post(context.Background(), nativeOrderNo(backup.MchID, "T-BLACKHOLE-1")); err != nil {
					t.Fatalf("POST: %v", err)
				}
				// (Round: resty's retry waits a nanosecond for "no wait".)
				if got := time.Since(start).Round(time.Millisecond); got != tc.want {
					t.Errorf("answered after %v, want %v", got, tc.want)
				}
				want := []string{fmt.Sprintf("WARN attempt sent to the other host error=no connection to primary.test within %v", tc.want)}
				if diff := cmp.Diff(want, failoverLogs(t, out.String(), "error")); diff != "" {
					t.Errorf("failover logs (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// With the default BaseURL the failover is on without a setting: a
// primary that refuses connections, and the call is answered on
// api2.wechatpay.cn (both names dialled to loopback: the primary's to a
// closed port, the backup's to the simulator, whose certificate is checked
// as example.com's). NoBackupBaseURL turns it off.
func TestFailoverDefaultHosts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		backupURL  string
		wantBackup int // requests the backup received
	}{
		{name: "default", wantBackup: 1},
		{name: "off", backupURL: chain.NoBackupBaseURL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			backup := wechatpaytest.NewServer(wechatpaytest.WithTLS())
			t.Cleanup(backup.Close)
			refused := closedAddr(t)
			var hosts sync.Map
			tr := backup.HTTPClient().Transport.(*http.Transport).Clone()
			tr.TLSClientConfig.ServerName = "example.com" // the name in httptest's certificate
			tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
				hosts.Store(addr, true)
				return dialAs(ctx, network, addr, map[string]string{
					"api.mch.weixin.qq.com:443": refused,
					"api2.wechatpay.cn:443":     strings.TrimPrefix(backup.URL, "https://"),
				})
			}
			cfg := backup.Config()
			cfg.BaseURL, cfg.BackupBaseURL = "", tc.backupURL
			cfg.HTTPClient = &http.Client{Transport: tr}
			cfg.RetryWait = time.Millisecond
			c, err := wechatpay.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Chain("v3/pay/transactions/native").Post(context.Background(), nativeOrderNo(backup.MchID, "T-DEFAULT-1"))
			if (err == nil) != (tc.wantBackup > 0) {
				t.Fatalf("POST: %v", err)
			}
			if n := len(backup.Requests()); n != tc.wantBackup {
				t.Errorf("the backup received %d requests, want %d", n, tc.wantBackup)
			}
			_, dialled := hosts.Load("api2.wechatpay.cn:443")
			if dialled != (tc.wantBackup > 0) {
				t.Errorf("api2.wechatpay.cn dialled: %v", dialled)
			}
		})
	}
}
