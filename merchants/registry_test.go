package merchants_test

import (
	"context"
	"crypto/rsa"
	"errors"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/merchants"
)

func TestPutClientRemove(t *testing.T) {
	t.Parallel()
	a, b := newServer(t, 1, false), newServer(t, 2, false)
	tr := &countingTransport{base: http.DefaultTransport.(*http.Transport).Clone()}
	reg := merchants.New(merchants.Config{Transport: tr})
	for _, srv := range []interface{ Config() chain.Config }{a, b} {
		cfg := srv.Config()
		cfg.HTTPClient = &http.Client{} // ignored: the registry's transport serves all
		if err := reg.Put(cfg); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff([]string{mchidOf(1), mchidOf(2)}, reg.Merchants()); diff != "" {
		t.Errorf("Merchants (-want +got):\n%s", diff)
	}
	ctx := context.Background()
	for _, id := range []string{mchidOf(1), mchidOf(2), mchidOf(1), mchidOf(2)} {
		resp, err := query(ctx, reg, id)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if got := resp.Get("mchid").String(); got != id {
			t.Errorf("merchant %s got the order of %s", id, got)
		}
	}
	if got := tr.requests.Load(); got != 4 {
		t.Errorf("the shared transport carried %d requests, want 4", got)
	}
	if !reg.Remove(mchidOf(1)) || reg.Remove(mchidOf(1)) {
		t.Error("Remove: want true, then false")
	}
	if _, err := reg.Client(ctx, mchidOf(1)); !errors.Is(err, merchants.ErrUnknownMerchant) {
		t.Errorf("after Remove: %v, want ErrUnknownMerchant", err)
	}
	if reg.Len() != 1 {
		t.Errorf("Len = %d, want 1", reg.Len())
	}
}

func TestPutRefusesABadConfig(t *testing.T) {
	t.Parallel()
	reg := merchants.New(merchants.Config{})
	err := reg.Put(chain.Config{MchID: "1900000001"})
	if err == nil || !strings.HasPrefix(err.Error(), "merchants: chain: Config.Serial") {
		t.Errorf("got %v, want an error naming Config.Serial", err)
	}
	if reg.Len() != 0 {
		t.Error("a refused config was registered")
	}
}

// Adding many merchants fetches nothing: certificates are loaded on first
// use, one merchant at a time.
func TestPutFetchesNothing(t *testing.T) {
	t.Parallel()
	srv := newServer(t, 3, true)
	reg := merchants.New(merchants.Config{})
	base := configOf(srv)
	const n = 10000
	for i := range n {
		cfg := base
		if i > 0 {
			cfg.MchID = mchidOf(100000 + i)
		}
		if err := reg.Put(cfg); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(srv.Requests()); got != 0 {
		t.Fatalf("adding %d merchants sent %d requests", n, got)
	}
	ctx := context.Background()
	if _, err := query(ctx, reg, srv.MchID); err != nil {
		t.Fatal(err)
	}
	if _, err := query(ctx, reg, srv.MchID); err != nil {
		t.Fatal(err)
	}
	if got := countCertificates(srv); got != 1 {
		t.Errorf("certificate downloads = %d, want 1 (the first use)", got)
	}
}

func TestRefreshIsLazyAndStopsOnRemove(t *testing.T) {
	t.Parallel()
	srv := newServer(t, 4, true)
	clock := newClock()
	reg := merchants.New(merchants.Config{RefreshInterval: time.Hour, Jitter: -1, Now: clock.Now})
	if err := reg.Put(configOf(srv)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := query(ctx, reg, srv.MchID); err != nil {
		t.Fatal(err)
	}
	clock.Advance(30 * time.Minute)
	if _, err := query(ctx, reg, srv.MchID); err != nil {
		t.Fatal(err)
	}
	if got := countCertificates(srv); got != 1 {
		t.Fatalf("downloads before the interval: %d, want 1", got)
	}
	clock.Advance(31 * time.Minute) // the certificates are older than the interval
	if _, err := reg.Client(ctx, srv.MchID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return countCertificates(srv) == 2 })
	reg.Remove(srv.MchID)
	clock.Advance(2 * time.Hour)
	if _, err := reg.Client(ctx, srv.MchID); !errors.Is(err, merchants.ErrUnknownMerchant) {
		t.Errorf("after Remove: %v", err)
	}
	if got := countCertificates(srv); got != 2 {
		t.Errorf("downloads after Remove: %d, want 2", got)
	}
}

// clock is a settable clock for the refresh schedule.
type clock struct{ offset atomic.Int64 }

func newClock() *clock                   { return &clock{} }
func (c *clock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *clock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// waitFor polls cond for at most 5 s (a background goroutine's result).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met within 5 s")
}

// Platform keys rotate while 64 goroutines call: each rotation publishes
// the new key (Put with both), then the gateway switches to it, then the old
// key goes (Put with the new one only). Every call succeeds and is verified
// by the configuration it started with.
func TestRotationUnderLoad(t *testing.T) {
	t.Parallel()
	srv := newServer(t, 5, false)
	reg := merchants.New(merchants.Config{})
	if err := reg.Put(srv.Config()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// gate keeps the gateway's switch of signing key out of the calls that
	// started before the new key was published (WeChat Pay publishes a key
	// before it signs with it).
	var gate sync.RWMutex
	var calls, failures atomic.Int64
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				gate.RLock()
				resp, err := query(context.Background(), reg, srv.MchID)
				gate.RUnlock()
				calls.Add(1)
				if err != nil || !resp.Verified || resp.Get("mchid").String() != srv.MchID {
					failures.Add(1)
					t.Errorf("call: %v", err)
					return
				}
			}
		}()
	}
	for range 5 {
		serial, err := srv.AddPlatformKey()
		if err != nil {
			t.Fatal(err)
		}
		cfg := srv.Config() // every key the server knows: old and new
		if err := reg.Put(cfg); err != nil {
			t.Fatal(err)
		}
		gate.Lock()
		err = srv.UsePlatformKey(serial)
		gate.Unlock()
		if err != nil {
			t.Fatal(err)
		}
		cfg.PlatformKeys = map[string]*rsa.PublicKey{serial: cfg.PlatformKeys[serial]}
		if err := reg.Put(cfg); err != nil {
			t.Fatal(err)
		}
		// Let every goroutine call with this configuration.
		seen := calls.Load()
		waitFor(t, func() bool { return calls.Load() >= seen+64 || failures.Load() > 0 })
	}
	cancel()
	wg.Wait()
	if calls.Load() < 64 || failures.Load() != 0 {
		t.Errorf("%d calls, %d failures", calls.Load(), failures.Load())
	}
}

// BenchmarkMemoryPerMerchant registers b.N merchants and reports the heap
// they keep, per merchant.
func BenchmarkMemoryPerMerchant(b *testing.B) {
	srv := newServer(b, 6, false)
	base := srv.Config()
	reg := merchants.New(merchants.Config{})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		cfg := base
		cfg.MchID = mchidOf(200000 + i)
		if err := reg.Put(cfg); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(b.N), "heap-B/merchant")
	runtime.KeepAlive(reg)
}
