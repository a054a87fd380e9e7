package merchants

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"golang.org/x/time/rate"

	"github.com/chainpay-go/wechatpay/catalog"
	"github.com/chainpay-go/wechatpay/chain"
)

// Limiter decides when a call may go out. Wait blocks until the call keyed
// by key may be sent, or returns an error (ctx ended, or the limit cannot be
// met before ctx's deadline); the attempt then fails with that error and is
// not sent, nor retried (it wraps chain.ErrNotSent). Implementations are
// safe for concurrent use.
type Limiter interface {
	Wait(ctx context.Context, key string) error
}

// Limit is a rate: Rate events per second with bursts of Burst.
type Limit struct {
	Rate  float64
	Burst int
}

// LocalLimiter is the in-process Limiter: one token bucket
// (golang.org/x/time/rate) per key, made on first use.
type LocalLimiter struct {
	def Limit
	per map[string]Limit // key (or mchid) → its own limit

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

// NewLocalLimiter returns a LocalLimiter giving every key def; per
// overrides it for some keys: a full key ("mchid METHOD template") or a
// mchid alone, which then covers all its operations.
func NewLocalLimiter(def Limit, per map[string]Limit) *LocalLimiter {
	m := make(map[string]Limit, len(per))
	for k, v := range per {
		m[k] = v
	}
	return &LocalLimiter{def: def, per: m, buckets: map[string]*rate.Limiter{}}
}

// Wait implements Limiter.
func (l *LocalLimiter) Wait(ctx context.Context, key string) error {
	l.mu.Lock()
	b, ok := l.buckets[key]
	if !ok {
		lim := l.LimitOf(key)
		b = rate.NewLimiter(rate.Limit(lim.Rate), max(lim.Burst, 1))
		l.buckets[key] = b
	}
	l.mu.Unlock()
	if err := b.Wait(ctx); err != nil {
		return fmt.Errorf("merchants: rate limit %s: %w", key, err)
	}
	return nil
}

// LimitOf returns the limit of key: its own in per, else its mchid's (the
// key up to the first space), else the default.
func (l *LocalLimiter) LimitOf(key string) Limit {
	if lim, ok := l.per[key]; ok {
		return lim
	}
	mchid, _, _ := strings.Cut(key, " ")
	if lim, ok := l.per[mchid]; ok {
		return lim
	}
	return l.def
}

// Forget drops the buckets of mchid (a removed merchant).
func (l *LocalLimiter) Forget(mchid string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k := range l.buckets {
		if k == mchid || strings.HasPrefix(k, mchid+" ") {
			delete(l.buckets, k)
		}
	}
}

// LimitKey returns the limiter key of a call: mchid, or with perOperation
// "mchid METHOD template", the template found in the API catalogue for the
// concrete path. A path the catalogue does not know shares the template
// "?": a concrete path holds order numbers and other values that must not
// become keys (a shared limiter would write them out, and their number has
// no bound).
func LimitKey(mchid, method, path string, perOperation bool) string {
	if !perOperation {
		return mchid
	}
	tpl := "?"
	if op, _, ok := catalog.Match(method, strings.TrimPrefix(path, "/")); ok {
		tpl = op.Template
	}
	return mchid + " " + method + " " + tpl
}

// roundTripper is the transport of mchid's client: the registry's shared
// transport, behind the limiter when there is one.
func (r *Registry) roundTripper(mchid string) http.RoundTripper {
	if r.cfg.Limiter == nil {
		return r.transport
	}
	return &limited{base: r.transport, limiter: r.cfg.Limiter, mchid: mchid, perOp: r.cfg.LimitPerOperation}
}

// limited waits on the limiter before each attempt. It runs after signing:
// a wait longer than the signature's validity (minutes) is not expected
// from a limit of a few calls per second.
type limited struct {
	base    http.RoundTripper
	limiter Limiter
	mchid   string
	perOp   bool
}

func (l *limited) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := l.limiter.Wait(req.Context(), LimitKey(l.mchid, req.Method, req.URL.Path, l.perOp)); err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, fmt.Errorf("%w: %w", chain.ErrNotSent, err)
	}
	return l.base.RoundTrip(req)
}
