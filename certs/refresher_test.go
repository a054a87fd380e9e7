package certs_test

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/certs"
	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// run starts r.Run and stops it with the test.
func run(t *testing.T, r *certs.Refresher) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run returned %v, want context.Canceled", err)
		}
	})
}

// TestRefresherRotationOverlap walks a whole rotation on the simulator: a new
// certificate appears next to the old one, the gateway switches to it, the
// old one leaves the list; the old key keeps verifying throughout, because
// it has not expired.
func TestRefresherRotationOverlap(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newServer(t, wechatpaytest.WithCertificateMode())
	c := newClient(t, s, nil)
	p := parserFor(t, c, s)
	r := certs.NewRefresher(certs.RefresherConfig{})
	if err := r.Add(c); err != nil {
		t.Fatal(err)
	}
	old := s.PlatformSerial

	res, err := r.Refresh(ctx, s.MchID)
	if err != nil {
		t.Fatalf("first refresh: %v", err)
	}
	if diff := cmp.Diff([]string{old}, res.Added); diff != "" {
		t.Errorf("first refresh added (-want +got):\n%s", diff)
	}
	hOld, bodyOld := notification(t, s) // signed by the old certificate

	// A new certificate appears; answers are still signed by the old one.
	next, err := s.AddPlatformKey()
	if err != nil {
		t.Fatal(err)
	}
	if res, err = r.Refresh(ctx, s.MchID); err != nil {
		t.Fatalf("refresh with both: %v", err)
	}
	want := []string{old, next}
	if old > next {
		want = []string{next, old}
	}
	if diff := cmp.Diff(want, c.KeyStore().Serials()); diff != "" {
		t.Errorf("store with both (-want +got):\n%s", diff)
	}

	// The gateway switches to the new certificate, then drops the old one.
	if err := s.UsePlatformKey(next); err != nil {
		t.Fatal(err)
	}
	hNew, bodyNew := notification(t, s)
	if err := s.RemovePlatformKey(old); err != nil {
		t.Fatal(err)
	}
	if res, err = r.Refresh(ctx, s.MchID); err != nil {
		t.Fatalf("refresh after the switch: %v", err)
	}
	if len(res.Certificates) != 1 || res.Certificates[0].Serial != next || len(res.Removed) != 0 {
		t.Errorf("refresh after the switch = %+v", res)
	}
	if diff := cmp.Diff(want, c.KeyStore().Serials()); diff != "" {
		t.Errorf("the old, unexpired certificate was dropped (-want +got):\n%s", diff)
	}
	for name, n := range map[string]struct {
		h    map[string][]string
		body []byte
	}{"old": {hOld, bodyOld}, "new": {hNew, bodyNew}} {
		if _, err := p.ParseRaw(n.h, n.body); err != nil {
			t.Errorf("notification signed by the %s certificate: %v", name, err)
		}
	}
	st, ok := r.Status(s.MchID)
	if !ok || st.LastErr != nil || st.LastSuccess.IsZero() || st.Next.IsZero() {
		t.Errorf("Status = %+v, %v", st, ok)
	}
	if diff := cmp.Diff(want, st.Serials); diff != "" {
		t.Errorf("Status.Serials (-want +got):\n%s", diff)
	}
}

// TestRefresherExpiry: certificates leave the store when their expire_time
// passes, and only then; other keys (a PUB_KEY_ID, the configured platform
// key) never leave; a list whose certificates all expired changes nothing.
func TestRefresherExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t0 := time.Now().Truncate(time.Second)
	s := newServer(t, wechatpaytest.WithCertificateMode())
	key := testkeys.RSA(0)
	x := makeCert(t, key, t0.Add(-time.Hour), t0.Add(10*365*24*time.Hour))
	y := makeCert(t, key, t0.Add(-time.Hour), t0.Add(10*365*24*time.Hour))
	xExpire, yExpire := t0.Add(24*time.Hour), t0.Add(48*time.Hour)
	body := listBody(t, s.APIv3Key,
		listEntry{cert: x, effective: t0.Add(-time.Hour), expire: xExpire},
		listEntry{cert: y, effective: t0.Add(-time.Hour), expire: yExpire})
	s.Handle("GET", "/v3/certificates", func(*wechatpaytest.Request) (int, any) { return 200, body })

	const pubID = "PUB_KEY_ID_0114232134912410000000000000"
	keys := s.PlatformKeys() // the gateway's signing certificate, configured by hand
	keys[pubID] = &key.PublicKey
	c := newClient(t, s, keys)
	var now atomic.Int64
	now.Store(t0.UnixNano())
	r := certs.NewRefresher(certs.RefresherConfig{Now: func() time.Time { return time.Unix(0, now.Load()) }})
	if err := r.Add(c); err != nil {
		t.Fatal(err)
	}
	sx, sy := signer.SerialOf(x), signer.SerialOf(y)
	sorted := func(ss ...string) []string { return sortedCopy(ss) }

	steps := []struct {
		name        string
		at          time.Time
		wantStore   []string
		wantRemoved []string
		wantErr     error
	}{
		{"both valid", t0, sorted(s.PlatformSerial, pubID, sx, sy), nil, nil},
		{"x expired", xExpire.Add(time.Second), sorted(s.PlatformSerial, pubID, sy), []string{sx}, nil},
		{"all expired", yExpire.Add(time.Second), sorted(s.PlatformSerial, pubID, sy), nil, certs.ErrAllExpired},
	}
	for _, st := range steps {
		now.Store(st.at.UnixNano())
		res, err := r.Refresh(ctx, s.MchID)
		if !errors.Is(err, st.wantErr) {
			t.Fatalf("%s: error = %v, want %v", st.name, err, st.wantErr)
		}
		if diff := cmp.Diff(st.wantRemoved, res.Removed); diff != "" {
			t.Errorf("%s: removed (-want +got):\n%s", st.name, diff)
		}
		if diff := cmp.Diff(st.wantStore, c.KeyStore().Serials()); diff != "" {
			t.Errorf("%s: store (-want +got):\n%s", st.name, diff)
		}
	}
}

func sortedCopy(ss []string) []string {
	out := append([]string(nil), ss...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestRefresherUnknownSerialHook: a notification signed by a certificate the
// store does not know yet triggers a refresh through notify's hook; WeChat
// Pay's next delivery then verifies.
func TestRefresherUnknownSerialHook(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newServer(t, wechatpaytest.WithCertificateMode())
	c := newClient(t, s, nil)
	r := certs.NewRefresher(certs.RefresherConfig{Interval: time.Hour, MinGap: 50 * time.Millisecond})
	if err := r.Add(c); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Refresh(ctx, s.MchID); err != nil {
		t.Fatal(err)
	}
	run(t, r)
	p := parserFor(t, c, s, notify.WithUnknownSerial(r.OnUnknownSerial(s.MchID)))

	next, err := s.AddPlatformKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UsePlatformKey(next); err != nil {
		t.Fatal(err)
	}
	h, body := notification(t, s)
	if _, err := p.ParseRaw(h, body); !errors.Is(err, signer.ErrUnknownSerial) {
		t.Fatalf("first delivery: error = %v, want ErrUnknownSerial", err)
	}
	waitFor(t, "the new certificate", func() bool { _, ok := c.KeyStore().Lookup(next); return ok })
	if _, err := p.ParseRaw(h, body); err != nil {
		t.Errorf("redelivery: %v", err)
	}
	if r.TriggerOn(s.MchID, errors.New("other")) || r.TriggerOn(s.MchID, nil) {
		t.Error("TriggerOn fired for an error that is not ErrUnknownSerial")
	}
	if !r.TriggerOn(s.MchID, fmt.Errorf("wrapped: %w", signer.ErrUnknownSerial)) {
		t.Error("TriggerOn did not fire for ErrUnknownSerial")
	}
	if r.Trigger("no-such-merchant") {
		t.Error("Trigger of an unknown merchant reported true")
	}
}

// TestRefresherRateLimit: a burst of triggers causes one refresh, not one
// per trigger; a trigger inside MinGap is served at the end of the gap.
func TestRefresherRateLimit(t *testing.T) {
	t.Parallel()
	s := newServer(t, wechatpaytest.WithCertificateMode())
	c := newClient(t, s, nil)
	const gap = 300 * time.Millisecond
	var attempts atomic.Int32
	r := certs.NewRefresher(certs.RefresherConfig{Interval: time.Hour, MinGap: gap,
		OnRefresh: func(string, certs.Result) { attempts.Add(1) }})
	if err := r.Add(c); err != nil {
		t.Fatal(err)
	}
	run(t, r)
	waitFor(t, "the first refresh", func() bool { return attempts.Load() == 1 })
	st1, _ := r.Status(s.MchID)
	for range 100 {
		if !r.Trigger(s.MchID) {
			t.Fatal("Trigger reported an unknown merchant")
		}
	}
	waitFor(t, "the triggered refresh", func() bool { return attempts.Load() == 2 })
	// The triggers came right after a refresh: the triggered one must start
	// at least MinGap after the start of the previous one.
	st2, _ := r.Status(s.MchID)
	if d := st2.LastAttempt.Sub(st1.LastAttempt); d < gap {
		t.Errorf("triggered refresh started %v after the previous one, inside MinGap %v", d, gap)
	}
	time.Sleep(2 * gap)
	if n := attempts.Load(); n != 2 {
		t.Errorf("%d refreshes after a burst of 100 triggers, want 2 in all", n)
	}
	if n := certificateRequests(s); n != 2 {
		t.Errorf("%d downloads, want 2", n)
	}
}

// TestRefresherManyMerchants: one Refresher serves many merchants on an
// interval with a single goroutine. Not parallel: it counts the goroutines
// running Refresher code in the whole process.
func TestRefresherManyMerchants(t *testing.T) {
	const merchants = 12
	const interval = 150 * time.Millisecond
	var servers []*wechatpaytest.Server
	r := certs.NewRefresher(certs.RefresherConfig{Interval: interval})
	for i := range merchants {
		s := newServer(t, wechatpaytest.WithCertificateMode(), wechatpaytest.WithMchID(fmt.Sprintf("19000%05d", i)), wechatpaytest.WithoutFixtures())
		servers = append(servers, s)
		if err := r.Add(newClient(t, s, nil)); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(r.Merchants()); got != merchants {
		t.Fatalf("Merchants() has %d, want %d", got, merchants)
	}
	run(t, r)
	deadline := time.Now().Add(20 * interval)
	maxRefresherGoroutines := 0
	for time.Now().Before(deadline) {
		if n := goroutinesIn("certs.(*Refresher)"); n > maxRefresherGoroutines {
			maxRefresherGoroutines = n
		}
		time.Sleep(interval / 5)
	}
	if maxRefresherGoroutines > 1 {
		t.Errorf("saw %d goroutines running Refresher code, want 1", maxRefresherGoroutines)
	}
	for i, s := range servers {
		if n := certificateRequests(s); n < 3 {
			t.Errorf("merchant %d: %d downloads in %v with interval %v, want at least 3", i, n, 20*interval, interval)
		}
		st, ok := r.Status(s.MchID)
		if !ok || st.LastErr != nil || len(st.Serials) != 1 {
			t.Errorf("merchant %d: status %+v", i, st)
		}
	}
	r.Remove(servers[0].MchID)
	if _, ok := r.Status(servers[0].MchID); ok || len(r.Merchants()) != merchants-1 {
		t.Error("Remove did not remove the merchant")
	}
}

// goroutinesIn counts goroutines whose stack mentions fn.
func goroutinesIn(fn string) int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	count := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, fn) {
			count++
		}
	}
	return count
}

// TestRefreshRacesVerification: notifications are verified continuously
// while the refresher rotates certificates; run with -race. Every
// notification signed by a certificate that was valid before a refresh
// keeps verifying after it.
func TestRefreshRacesVerification(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newServer(t, wechatpaytest.WithCertificateMode())
	c := newClient(t, s, nil)
	r := certs.NewRefresher(certs.RefresherConfig{Interval: 5 * time.Millisecond, MinGap: time.Millisecond})
	if err := r.Add(c); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Refresh(ctx, s.MchID); err != nil {
		t.Fatal(err)
	}
	p := parserFor(t, c, s)
	h, body := notification(t, s)
	run(t, r)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var verified, failed atomic.Int64
	var firstErr atomic.Value
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := p.ParseRaw(h, body); err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
				} else {
					verified.Add(1)
				}
				r.Trigger(s.MchID)
			}
		}()
	}
	// Rotate on the gateway meanwhile.
	next, err := s.AddPlatformKey()
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the new certificate", func() bool { _, ok := c.KeyStore().Lookup(next); return ok })
	if err := s.UsePlatformKey(next); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	close(stop)
	wg.Wait()
	if failed.Load() != 0 {
		t.Errorf("%d of %d verifications failed during refreshes; first: %v", failed.Load(), failed.Load()+verified.Load(), firstErr.Load())
	}
	if verified.Load() == 0 {
		t.Error("no verification ran")
	}
	hNew, bodyNew := notification(t, s)
	if _, err := p.ParseRaw(hNew, bodyNew); err != nil {
		t.Errorf("notification signed by the new certificate: %v", err)
	}
}

// TestRefresherPublicKeyMerchant: a public-key merchant gets
// ErrNoCertificates and keeps its key; a mixed store keeps working.
func TestRefresherPublicKeyMerchant(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := newClient(t, s, s.PlatformKeys())
	var got atomic.Value
	r := certs.NewRefresher(certs.RefresherConfig{OnRefresh: func(_ string, res certs.Result) { got.Store(res) }})
	if err := r.Add(c); err != nil {
		t.Fatal(err)
	}
	_, err := r.Refresh(context.Background(), s.MchID)
	if !errors.Is(err, certs.ErrNoCertificates) {
		t.Fatalf("error = %v, want ErrNoCertificates", err)
	}
	if res, _ := got.Load().(certs.Result); !errors.Is(res.Err, certs.ErrNoCertificates) {
		t.Errorf("OnRefresh got %+v", res)
	}
	st, _ := r.Status(s.MchID)
	if !errors.Is(st.LastErr, certs.ErrNoCertificates) || time.Until(st.Next) < 11*time.Hour {
		t.Errorf("status %+v: want ErrNoCertificates and the next try after the full interval", st)
	}
	if diff := cmp.Diff([]string{s.PlatformSerial}, c.KeyStore().Serials()); diff != "" {
		t.Errorf("store (-want +got):\n%s", diff)
	}
	h, body := notification(t, s)
	if _, err := parserFor(t, c, s).ParseRaw(h, body); err != nil {
		t.Errorf("public key stopped working: %v", err)
	}
}

func TestRefresherMisuse(t *testing.T) {
	t.Parallel()
	s := newServer(t, wechatpaytest.WithCertificateMode())
	r := certs.NewRefresher(certs.RefresherConfig{})
	if err := r.Add(nil); err == nil {
		t.Error("Add(nil) accepted")
	}
	if err := r.Add(newClientWithKey(t, s, map[string]*rsa.PublicKey{s.PlatformSerial: &s.PlatformKey.PublicKey}, "")); !errors.Is(err, signer.ErrAPIv3KeyLength) {
		t.Errorf("Add with no APIv3 key: %v", err)
	}
	if _, err := r.Refresh(context.Background(), "nobody"); !errors.Is(err, certs.ErrUnknownMerchant) {
		t.Errorf("Refresh of an unknown merchant: %v", err)
	}
	// Two Runs at once: exactly one serves, the other is refused at once.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	results := make(chan error, 2)
	for range 2 {
		go func() { results <- r.Run(ctx) }()
	}
	var refused, served int
	for range 2 {
		err := <-results
		switch {
		case err != nil && strings.Contains(err.Error(), "already running"):
			refused++
		case errors.Is(err, context.DeadlineExceeded):
			served++
		default:
			t.Errorf("Run returned %v", err)
		}
	}
	if refused != 1 || served != 1 {
		t.Errorf("%d Runs refused and %d served, want 1 and 1", refused, served)
	}
}

// TestRefresherTriggerOnChainAnswer: an API answer signed by a rotated
// certificate fails with ErrUnknownSerial; TriggerOn fetches it.
func TestRefresherTriggerOnChainAnswer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newServer(t, wechatpaytest.WithCertificateMode())
	s.Handle("GET", "/v3/ping", func(*wechatpaytest.Request) (int, any) { return 200, map[string]string{"pong": "1"} })
	c := newClient(t, s, s.PlatformKeys())
	r := certs.NewRefresher(certs.RefresherConfig{Interval: time.Hour, MinGap: 10 * time.Millisecond})
	if err := r.Add(c); err != nil {
		t.Fatal(err)
	}
	run(t, r)
	waitFor(t, "the first refresh", func() bool { st, _ := r.Status(s.MchID); return !st.LastSuccess.IsZero() })
	next, err := s.AddPlatformKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UsePlatformKey(next); err != nil {
		t.Fatal(err)
	}
	_, err = c.Chain("v3/ping").Get(ctx, nil)
	if !errors.Is(err, signer.ErrUnknownSerial) {
		t.Fatalf("answer signed by the new certificate: error = %v, want ErrUnknownSerial", err)
	}
	if !r.TriggerOn(s.MchID, err) {
		t.Fatal("TriggerOn did not trigger")
	}
	waitFor(t, "the new certificate", func() bool { _, ok := c.KeyStore().Lookup(next); return ok })
	if resp, err := c.Chain("v3/ping").Get(ctx, nil); err != nil || resp.Get("pong").String() != "1" {
		t.Errorf("after the refresh: %v", err)
	}
}
