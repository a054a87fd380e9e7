package merchants

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chainpay-go/wechatpay/certs"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/signer"
)

// Defaults used when the matching Config field is zero.
const (
	DefaultRefreshInterval = certs.DefaultInterval // age after which certificates are refreshed
	DefaultJitter          = 0.2                   // fraction of the interval taken off at random
	DefaultLockTTL         = 30 * time.Second      // expiry of the Store's refresh lock
	DefaultRefreshTimeout  = certs.DefaultTimeout  // bound of one refresh
)

// ErrUnknownMerchant means the registry holds no merchant with that id.
var ErrUnknownMerchant = errors.New("merchants: unknown merchant")

// Config configures a Registry. Every field is optional.
type Config struct {
	// Transport is shared by every merchant's client: one connection pool
	// for all. Default: a clone of http.DefaultTransport.
	Transport http.RoundTripper
	// Store holds platform certificates shared with other instances
	// (default NewMemoryStore(): this process only).
	Store Store
	// Limiter, if set, is waited on before every attempt of every call.
	Limiter Limiter
	// LimitPerOperation keys the limiter by "mchid METHOD template"
	// instead of by mchid alone.
	LimitPerOperation bool
	// RefreshInterval is the age after which a merchant's platform
	// certificates are refreshed (DefaultRefreshInterval).
	RefreshInterval time.Duration
	// Jitter in [0, 1) takes a random part of RefreshInterval off each
	// merchant's next refresh (DefaultJitter; negative: none).
	Jitter float64
	// LockTTL is the expiry of the Store's refresh lock (DefaultLockTTL).
	LockTTL time.Duration
	// RefreshTimeout bounds one background refresh (DefaultRefreshTimeout).
	RefreshTimeout time.Duration
	// Logger gets the warnings (Store failures, refresh failures). Never
	// keys, bodies or certificates.
	Logger *slog.Logger
	// Now is the clock for certificate expiry and the refresh schedule
	// (time.Now).
	Now func() time.Time
}

// Registry holds one client per merchant. It is safe for concurrent use.
type Registry struct {
	cfg       Config
	transport http.RoundTripper

	mu        sync.RWMutex
	merchants map[string]*entry
}

// entry is one registered merchant.
type entry struct {
	mchid  string
	ctx    context.Context // cancelled by Remove
	cancel context.CancelFunc

	cur        atomic.Pointer[chain.Client]
	refreshing atomic.Bool
	due        atomic.Int64 // unix nanoseconds of the next refresh; 0: certificates never loaded

	loading  sync.Mutex          // serialises refreshes
	mu       sync.Mutex          // serialises installs and replacements
	certMode bool                // guarded by mu: the merchant's certificates are refreshed here
	list     []certs.Certificate // guarded by mu: the last verified certificate list
}

// New returns an empty Registry.
func New(cfg Config) *Registry {
	if cfg.Transport == nil {
		cfg.Transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	if cfg.Store == nil {
		cfg.Store = NewMemoryStore()
	}
	if cfg.RefreshInterval <= 0 {
		cfg.RefreshInterval = DefaultRefreshInterval
	}
	if cfg.Jitter == 0 {
		cfg.Jitter = DefaultJitter
	}
	if cfg.Jitter < 0 || cfg.Jitter >= 1 {
		cfg.Jitter = 0
	}
	if cfg.LockTTL <= 0 {
		cfg.LockTTL = DefaultLockTTL
	}
	if cfg.RefreshTimeout <= 0 {
		cfg.RefreshTimeout = DefaultRefreshTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Registry{cfg: cfg, transport: cfg.Transport, merchants: map[string]*entry{}}
}

// Put adds the merchant cfg describes, or replaces it when its MchID is
// registered: calls already holding the previous client finish with it.
// cfg.HTTPClient is ignored (every merchant uses the registry's transport);
// the other fields are checked by chain.NewClient. Platform certificates
// loaded for the merchant carry over to the new client. Put makes no
// network call.
func (r *Registry) Put(cfg chain.Config) error {
	cfg.MchID = strings.TrimSpace(cfg.MchID)
	cfg.HTTPClient = &http.Client{Transport: r.roundTripper(cfg.MchID)}
	certMode := cfg.APIv3Key != "" && !hasPublicKeyID(cfg.PlatformKeys)
	if certMode {
		prev := cfg.OnUnknownSerial
		id := cfg.MchID
		cfg.OnUnknownSerial = func(serial string) {
			r.trigger(id)
			if prev != nil {
				prev(serial)
			}
		}
	}
	c, err := chain.NewClient(cfg)
	if err != nil {
		return fmt.Errorf("merchants: %w", err)
	}
	r.mu.Lock()
	e, ok := r.merchants[c.MchID()]
	if !ok {
		ctx, cancel := context.WithCancel(context.Background())
		e = &entry{mchid: c.MchID(), ctx: ctx, cancel: cancel}
		r.merchants[e.mchid] = e
	}
	r.mu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	e.certMode = certMode
	if certMode && len(e.list) > 0 {
		r.install(e, c, e.list)
	}
	e.cur.Store(c)
	return nil
}

// Remove drops mchid, cancels a certificate refresh in flight and reports
// whether it was registered. Calls already holding its client finish.
func (r *Registry) Remove(mchid string) bool {
	r.mu.Lock()
	e, ok := r.merchants[mchid]
	delete(r.merchants, mchid)
	r.mu.Unlock()
	if ok {
		e.cancel()
	}
	return ok
}

// Merchants returns the registered merchant ids, sorted.
func (r *Registry) Merchants() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return slices.Sorted(maps.Keys(r.merchants))
}

// Len returns the number of registered merchants.
func (r *Registry) Len() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.merchants)
}

func (r *Registry) lookup(mchid string) (*entry, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	e, ok := r.merchants[mchid]
	return e, ok
}

// Client returns mchid's current client; the error matches
// ErrUnknownMerchant for an id not registered. For a merchant whose
// platform certificates are refreshed here, the first call loads them
// (within ctx); later calls only start a background refresh when they are
// due, and never wait for it.
func (r *Registry) Client(ctx context.Context, mchid string) (*chain.Client, error) {
	e, ok := r.lookup(mchid)
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownMerchant, clip(mchid))
	}
	c := e.cur.Load()
	due := e.due.Load()
	if due == 0 {
		e.mu.Lock()
		certMode := e.certMode
		e.mu.Unlock()
		if !certMode {
			return c, nil
		}
		// The first use: answers cannot verify without the certificates.
		if err := r.refresh(ctx, e); err != nil && c.KeyStore().Len() == 0 {
			return nil, fmt.Errorf("merchants: loading the platform certificates of %s: %w", e.mchid, err)
		}
		return e.cur.Load(), nil
	}
	if r.cfg.Now().UnixNano() >= due {
		r.background(e)
	}
	return c, nil
}

// trigger starts a background refresh of mchid (an answer or notification
// named a serial nobody knows).
func (r *Registry) trigger(mchid string) {
	if e, ok := r.lookup(mchid); ok && e.due.Load() != 0 {
		r.background(e)
	}
}

// background refreshes e on its own goroutine unless a refresh runs.
func (r *Registry) background(e *entry) {
	if !e.refreshing.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer e.refreshing.Store(false)
		ctx, cancel := context.WithTimeout(e.ctx, r.cfg.RefreshTimeout)
		defer cancel()
		if err := r.refresh(ctx, e); err != nil && e.ctx.Err() == nil {
			r.cfg.Logger.Warn("merchants: refreshing platform certificates failed", "mchid", e.mchid, "err", err)
		}
	}()
}

// schedule sets e's next refresh: the interval less a random jitter, or
// retry after a minute when ok is false.
func (r *Registry) schedule(e *entry, ok bool) {
	d := r.cfg.RefreshInterval
	if r.cfg.Jitter > 0 {
		d -= time.Duration(rand.Float64() * r.cfg.Jitter * float64(d))
	}
	if !ok {
		d = min(d, certs.DefaultMinGap)
	}
	e.due.Store(r.cfg.Now().Add(d).UnixNano())
}

// install puts list into c's key store; called with e.mu held.
func (r *Registry) install(e *entry, c *chain.Client, list []certs.Certificate) {
	known := make(map[string]time.Time, len(list))
	for _, cert := range list {
		known[cert.Serial] = cert.ExpireTime
	}
	if _, _, err := certs.Install(c.KeyStore(), list, known, r.cfg.Now()); err != nil {
		r.cfg.Logger.Warn("merchants: installing platform certificates failed", "mchid", e.mchid, "err", err)
	}
}

func hasPublicKeyID(keys map[string]*rsa.PublicKey) bool {
	for id := range keys {
		if strings.HasPrefix(strings.TrimSpace(id), signer.PublicKeyIDPrefix) {
			return true
		}
	}
	return false
}

func clip(s string) string {
	if len(s) > 32 {
		return s[:32] + "…"
	}
	return s
}
