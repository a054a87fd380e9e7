package chain

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultBackupBaseURL is WeChat Pay's second API entry point, for when
// the primary (DefaultBaseURL) cannot be reached. A client whose BaseURL is
// DefaultBaseURL fails over to it unless Config.BackupBaseURL says
// otherwise.
const DefaultBackupBaseURL = "https://api2.wechatpay.cn/"

// NoBackupBaseURL, as Config.BackupBaseURL, turns the failover off: every
// attempt goes to BaseURL.
const NoBackupBaseURL = "-"

// Failover tuning: after failoverAfter attempts in a row that could not
// reach the primary, the client starts its calls on the backup for
// failoverCoolDown; then one call probes the primary again.
const (
	failoverAfter    = 3
	failoverCoolDown = time.Minute
)

// backupBaseURL checks Config.BackupBaseURL against the checked BaseURL
// (base): "" for no backup. Empty means DefaultBackupBaseURL when base is
// DefaultBaseURL, else none; NoBackupBaseURL means none.
func backupBaseURL(base, backup string) (string, error) {
	switch backup {
	case NoBackupBaseURL:
		return "", nil
	case "":
		if base == DefaultBaseURL {
			return DefaultBackupBaseURL, nil
		}
		return "", nil
	}
	b, err := parseBaseURL(backup)
	if err != nil {
		return "", fmt.Errorf("chain: Config.BackupBaseURL: %w (%q turns the failover off)", err, NoBackupBaseURL)
	}
	if b == base {
		return "", fmt.Errorf("chain: Config.BackupBaseURL %q is BaseURL itself: give another host, or %q for no backup", backup, NoBackupBaseURL)
	}
	return b, nil
}

// failover is a client's choice between its two hosts; nil when it has no
// backup. The state is the client's, shared by all its calls.
type failover struct {
	primary, backup string             // base URLs, ending in "/"
	retryLimit      func(*request) int // the client's: a call's retries
	backupURL       *url.URL           // backup, parsed once (onBackup)
	logger          *slog.Logger

	mu         sync.Mutex
	failures   int       // attempts in a row that did not reach the primary
	preferring bool      // calls start on the backup …
	until      time.Time // … until then; after it, one call probes the primary
	probing    bool      // a call is probing the primary …
	probeSince time.Time // … since then (after failoverCoolDown another may)
}

// failoverCall is one call's part (callState.fo): the host of the attempt
// in flight and whether the next attempt moves to the other host. Only the
// goroutine running the call touches it (signHook, then RoundTrip).
type failoverCall struct {
	active   bool   // the call may move between hosts (an APIv3 call on BaseURL)
	backup   bool   // the attempt in flight goes to the backup host
	probe    bool   // it probes the primary for the client
	move     bool   // the next attempt goes to the other host …
	cause    error  // … because the last attempt failed so
	attempts int    // attempts routed so far
	base     string // the request's baseURL before the first attempt
	moves    int    // moves so far
	// reached is set once an attempt of the call had a connection: the
	// request may have reached that host, so the call never moves again
	// unless it is safe to repeat (a later refused attempt proves nothing
	// about the earlier one).
	reached bool
}

// newFailover returns nil without a backup; else it wraps hc's transport
// (already the copy NewClient made) to see each attempt's connection.
func newFailover(primary, backup string, retryLimit func(*request) int, logger *slog.Logger, hc *http.Client) *failover {
	if backup == "" {
		return nil
	}
	f := &failover{primary: primary, backup: backup, retryLimit: retryLimit, logger: logger}
	f.backupURL, _ = url.Parse(backup) // checked by Config.check; nil never matches
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	hc.Transport = &failoverTransport{next: next, f: f}
	return f
}

// start decides where a call's first attempt goes: the backup while the
// client prefers it, else the primary; the first call after the cool-down
// probes the primary (others stay on the backup until it has an answer).
func (f *failover) start() (backup, probe bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.preferring {
		return false, false
	}
	now := time.Now()
	if now.Before(f.until) || f.probing && now.Sub(f.probeSince) < failoverCoolDown {
		return true, false
	}
	f.probing, f.probeSince = true, now
	return false, true
}

// route is signHook's: before the attempt is signed, it picks its host and,
// for the backup, rewrites hr's URL (the signature then covers the path as
// sent there). Only APIv3 calls on BaseURL move: a download_url elsewhere
// stays where it points.
func (f *failover) route(call *callState, hr *http.Request) {
	fc := &call.fo
	if call.req.absURL != "" && !strings.HasPrefix(call.req.absURL, f.primary) {
		fc.active = false
		return
	}
	fc.active = true
	switch {
	case fc.attempts == 0:
		fc.backup, fc.probe = f.start()
	case fc.move:
		fc.backup = !fc.backup
		fc.moves++
		f.logMove(call, fc.attempts+1)
	}
	fc.move = false
	fc.attempts++
	if fc.backup && !f.toBackup(hr) {
		fc.backup, fc.active = false, false
	}
	// The call's errors (and APIError.BaseURL) name the host of its last attempt.
	if fc.attempts == 1 {
		fc.base = call.req.baseURL
	}
	call.req.baseURL = fc.base
	if fc.backup {
		call.req.baseURL = f.backup
	}
}

// toBackup points hr at the backup host, the rest of the URL unchanged.
func (f *failover) toBackup(hr *http.Request) bool {
	rest, ok := strings.CutPrefix(hr.URL.String(), f.primary)
	if !ok {
		return false
	}
	u, err := url.Parse(f.backup + rest)
	if err != nil {
		return false
	}
	hr.URL, hr.Host = u, u.Host
	return true
}

// onBackup reports whether u is on the backup host (same scheme, host and
// port): a download_url in an answer of the backup may name it.
func (f *failover) onBackup(u *url.URL) bool {
	return f != nil && f.backupURL != nil && strings.EqualFold(u.Scheme, f.backupURL.Scheme) && strings.EqualFold(u.Host, f.backupURL.Host)
}

// waitBefore is the wait before the next attempt: none before a call's
// first move (the other host has not failed), else d.
func (f *failover) waitBefore(call *callState, d time.Duration) time.Duration {
	if call.fo.active && call.fo.move && call.fo.moves == 0 {
		return 0
	}
	return d
}

// reach is what an attempt tells about its host.
type reach int

const (
	reachUnknown reach = iota // no verdict: the caller's context ended, a transport without traces, a certificate refused
	reachNone                 // no connection was had: nothing was written (DNS, dial, TLS handshake)
	reachSome                 // a connection was had: the request may have reached the gateway
)

// connTrace records, for one attempt, whether net/http looked for a
// connection (GetConn) and whether it got one (GotConn). net/http calls
// GotConn before writing a byte of the request, over HTTP/1 and HTTP/2, so
// GetConn without GotConn means nothing was written, even when net/http
// tried several connections itself.
type connTrace struct {
	get, got atomic.Bool
	late     atomic.Bool           // the connect budget ended the attempt
	trace    httptrace.ClientTrace // its hooks, allocated with it
}

func (t *connTrace) getConn(string)                { t.get.Store(true) }
func (t *connTrace) gotConn(httptrace.GotConnInfo) { t.got.Store(true) }

// verdict is what an attempt's outcome says about its host.
func (t *connTrace) verdict(ctx context.Context, resp *http.Response, err error) reach {
	switch {
	case resp != nil || t.got.Load():
		return reachSome
	case ctx.Err() != nil || !t.get.Load() || !retryableError(err):
		return reachUnknown
	}
	return reachNone
}

// failoverConnectTimeout bounds the wait for a connection in an attempt
// that may move (see connectBudget).
const failoverConnectTimeout = 10 * time.Second

// connectBudget is how long an attempt waits for a connection:
// failoverConnectTimeout, or what is left before ctx's deadline (half of
// it when another attempt may follow on the other host: the other half is
// its), whichever is shorter.
func connectBudget(ctx context.Context, half bool) time.Duration {
	d := failoverConnectTimeout
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		if half {
			left /= 2
		}
		d = min(d, left)
	}
	return max(d, 0)
}

// noConnectionError is an attempt that had no connection within its
// connect budget.
type noConnectionError struct {
	host  string
	after time.Duration
}

func (e *noConnectionError) Error() string {
	return "no connection to " + e.host + " within " + e.after.String()
}

// Timeout reports true, as a net.Error does for a dial that timed out.
func (e *noConnectionError) Timeout() bool { return true }

// Temporary reports true (net.Error).
func (e *noConnectionError) Temporary() bool { return true }

// failoverTransport wraps the client's transport (a copy's: the caller's
// http.Client is untouched) to learn, for each attempt of a call that may
// move, whether a connection was had, and so whether the next attempt may
// go to the other host.
type failoverTransport struct {
	next http.RoundTripper
	f    *failover
}

func (t *failoverTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	call := callOf(req.Context())
	if call == nil || !call.fo.active {
		return t.next.RoundTrip(req)
	}
	parent := req.Context()
	fc := &call.fo
	// Another attempt may follow on the other host: this one gets half the
	// time left for a connection, the other host the rest. The last
	// attempt, or one after a move, may wait for all of it.
	budget := connectBudget(parent, fc.moves == 0 && fc.attempts <= t.f.retryLimit(call.req))
	ct := new(connTrace)
	ct.trace.GetConn, ct.trace.GotConn = ct.getConn, ct.gotConn
	ctx, cancel := context.WithCancel(httptrace.WithClientTrace(parent, &ct.trace))
	// A dial that hangs (a host that drops packets) would take the dialer's
	// timeout, often the whole call: after connectBudget without a
	// connection the attempt ends (nothing has been written: GotConn comes
	// first) and may move. Only where net/http reports GetConn.
	timer := time.AfterFunc(budget, func() {
		if ct.get.Load() && !ct.got.Load() {
			ct.late.Store(true)
			cancel()
		}
	})
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	timer.Stop()
	if err != nil {
		cancel()
		if ct.late.Load() && !ct.got.Load() {
			err = &noConnectionError{host: req.URL.Host, after: budget}
		}
	} else {
		resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel} // the attempt's context ends with its answer
	}
	v := ct.verdict(parent, resp, err)
	counted := v
	if v == reachNone && ct.late.Load() && budget < failoverConnectTimeout {
		// Cut short by the caller's deadline, not by the host: a slow
		// but working primary is not counted unreachable for everyone.
		counted = reachUnknown
	}
	t.f.record(fc.backup, fc.probe, counted)
	fc.probe = false
	if v == reachSome {
		fc.reached = true
	}
	// The next attempt (if the retry rules allow one) goes to the other
	// host when nothing reached this one; a request that may have reached
	// the gateway moves only if it is safe to repeat anyway.
	if err != nil && (v == reachNone && (!fc.reached || safeToRepeat(req.Method)) ||
		v == reachSome && safeToRepeat(req.Method) && retryableError(err)) {
		fc.move, fc.cause = true, unwrapURLError(err)
	}
	return resp, err
}

// CloseIdleConnections passes http.Client.CloseIdleConnections on.
func (t *failoverTransport) CloseIdleConnections() {
	if ci, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// record counts an attempt's verdict on the primary (the backup's do not
// change the choice): failoverAfter in a row without a connection make
// calls start on the backup; a connection had, answer or not, ends that.
func (f *failover) record(onBackup, probe bool, v reach) {
	if onBackup {
		return
	}
	var msg string
	var attrs []slog.Attr
	f.mu.Lock()
	switch v {
	case reachSome:
		f.failures = 0
		if f.preferring {
			f.preferring, f.probing = false, false
			msg = "wechatpay failover: the primary host is reachable again; calls start there"
			attrs = []slog.Attr{slog.String("primary", f.primary), slog.String("backup", f.backup)}
		}
	case reachNone:
		f.failures++
		switch {
		case probe:
			f.until, f.probing = time.Now().Add(failoverCoolDown), false
		case !f.preferring && f.failures >= failoverAfter:
			f.preferring, f.until = true, time.Now().Add(failoverCoolDown)
			msg = "wechatpay failover: the primary host is unreachable; calls start on the backup host"
			attrs = []slog.Attr{slog.String("primary", f.primary), slog.String("backup", f.backup),
				slog.Int("failures", f.failures), slog.Duration("for", failoverCoolDown)}
		}
	default:
		if probe {
			f.probing = false
		}
	}
	f.mu.Unlock()
	if msg != "" && f.logger != nil {
		f.logger.LogAttrs(context.Background(), slog.LevelWarn, msg, attrs...)
	}
}

// logMove logs, at Warn, an attempt that goes to the other host: method,
// template, attempt, hosts and why (the connection error, which names a
// host and never a path).
func (f *failover) logMove(call *callState, attempt int) {
	if f.logger == nil {
		return
	}
	from, to := f.primary, f.backup
	if !call.fo.backup {
		from, to = to, from
	}
	attrs := []slog.Attr{
		slog.String("method", call.req.method), slog.String("template", call.req.template),
		slog.Int("attempt", attempt), slog.String("from", from), slog.String("to", to),
	}
	if cause := call.fo.cause; cause != nil {
		attrs = append(attrs, slog.String("error", cause.Error()))
	}
	f.logger.LogAttrs(call.ctx, slog.LevelWarn, "wechatpay failover: attempt sent to the other host", attrs...)
}
