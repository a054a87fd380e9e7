package certs

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/signer"
)

// Refresher defaults.
const (
	DefaultInterval = 12 * time.Hour
	DefaultMinGap   = time.Minute
	DefaultTimeout  = 30 * time.Second
)

// RefresherConfig configures a Refresher. Zero fields take the defaults.
type RefresherConfig struct {
	// Interval between two scheduled refreshes of one merchant
	// (DefaultInterval).
	Interval time.Duration
	// MinGap is the least time between two refreshes of one merchant that
	// Trigger can cause (DefaultMinGap): triggers inside the gap coalesce
	// into one refresh at its end. A failed refresh is retried after MinGap,
	// doubling up to Interval.
	MinGap time.Duration
	// Timeout bounds one download (DefaultTimeout).
	Timeout time.Duration
	// Now is the clock for certificate expiry and the bootstrap timestamp
	// check (time.Now). Scheduling always uses the real monotonic clock.
	Now func() time.Time
	// OnRefresh, if set, is called after every refresh attempt (on the
	// refreshing goroutine; keep it fast). Result.Err is nil on success,
	// ErrNoCertificates for a public-key merchant.
	OnRefresh func(mchid string, res Result)
}

// Result is the outcome of one refresh of one merchant.
type Result struct {
	Certificates []Certificate // the downloaded list (nil on error)
	Added        []string      // serials added to (or renewed in) the store
	Removed      []string      // expired serials removed from the store
	Err          error
}

// Status describes one merchant served by a Refresher.
type Status struct {
	MchID       string
	LastAttempt time.Time // zero before the first attempt
	LastSuccess time.Time
	LastErr     error     // error of the last attempt, nil if it succeeded
	Next        time.Time // next scheduled refresh (zero while refreshing)
	Serials     []string  // certificate serials this refresher loaded and that have not expired
}

// Refresher keeps the platform certificates of many merchants fresh with ONE
// goroutine (Run) and one timer: merchants wait in a heap ordered by next due
// time. It is safe for concurrent use.
type Refresher struct {
	cfg     RefresherConfig
	running atomic.Bool
	wake    chan struct{}

	mu        sync.Mutex
	merchants map[string]*merchant
	queue     queue
}

type merchant struct {
	mchid string

	// guarded by Refresher.mu
	client      *chain.Client
	due         time.Time
	index       int // position in the heap, -1 while not queued
	lastAttempt time.Time
	lastSuccess time.Time
	lastErr     error
	failures    int
	triggered   bool // Trigger arrived while refreshing
	serials     []string

	busy  sync.Mutex           // serialises refreshes of this merchant
	known map[string]time.Time // guarded by busy: serial → expire_time of loaded certificates
}

// NewRefresher returns a Refresher; call Add for each merchant and run Run
// in one goroutine.
func NewRefresher(cfg RefresherConfig) *Refresher {
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.MinGap <= 0 {
		cfg.MinGap = DefaultMinGap
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Refresher{cfg: cfg, wake: make(chan struct{}, 1), merchants: map[string]*merchant{}}
}

// Add registers the merchant of c (c.MchID()) for refreshing into
// c.KeyStore(), due at once; the certificates are decrypted with the client's
// APIv3 key (c.APIv3Key()). Adding a merchant again replaces its client but
// keeps its schedule.
func (r *Refresher) Add(c *chain.Client) error {
	if c == nil {
		return errors.New("certs: client is nil")
	}
	if n := len(c.APIv3Key()); n != 32 {
		return fmt.Errorf("certs: the client's APIv3 key (Config.APIv3Key): %w, got %d", signer.ErrAPIv3KeyLength, n)
	}
	id := c.MchID()
	if id == "" {
		return errors.New("certs: client has no mchid")
	}
	r.mu.Lock()
	if m, ok := r.merchants[id]; ok {
		m.client = c
		r.mu.Unlock()
		return nil
	}
	m := &merchant{mchid: id, client: c, due: time.Now(), index: -1, known: map[string]time.Time{}}
	r.merchants[id] = m
	heap.Push(&r.queue, m)
	r.mu.Unlock()
	r.signal()
	return nil
}

// Remove stops serving mchid. Keys already loaded stay in its store.
func (r *Refresher) Remove(mchid string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m, ok := r.merchants[mchid]
	if !ok {
		return
	}
	delete(r.merchants, mchid)
	if m.index >= 0 {
		heap.Remove(&r.queue, m.index)
	}
}

// Merchants returns the served merchant ids, sorted.
func (r *Refresher) Merchants() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Sorted(maps.Keys(r.merchants))
}

// Status reports on mchid.
func (r *Refresher) Status(mchid string) (Status, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m, ok := r.merchants[mchid]
	if !ok {
		return Status{}, false
	}
	s := Status{MchID: mchid, LastAttempt: m.lastAttempt, LastSuccess: m.lastSuccess, LastErr: m.lastErr, Serials: slices.Clone(m.serials)}
	if m.index >= 0 {
		s.Next = m.due
	}
	return s, true
}

// Trigger asks for a refresh of mchid as soon as the rate limit allows (at
// once, or MinGap after the previous attempt; triggers in between coalesce).
// Run performs it; Trigger never blocks on the network. It reports whether
// mchid is served.
func (r *Refresher) Trigger(mchid string) bool {
	r.mu.Lock()
	m, ok := r.merchants[mchid]
	if !ok {
		r.mu.Unlock()
		return false
	}
	due := time.Now()
	if earliest := m.lastAttempt.Add(r.cfg.MinGap); !m.lastAttempt.IsZero() && earliest.After(due) {
		due = earliest
	}
	if m.index < 0 {
		m.triggered = true // refreshing now: reschedule when done
	} else if due.Before(m.due) {
		m.due = due
		heap.Fix(&r.queue, m.index)
	}
	r.mu.Unlock()
	r.signal()
	return true
}

// OnUnknownSerial returns a hook that triggers a refresh of mchid, for
// notify.WithUnknownSerial or any code that meets an unknown
// Wechatpay-Serial (errors.Is(err, signer.ErrUnknownSerial)).
func (r *Refresher) OnUnknownSerial(mchid string) func(serial string) {
	return func(string) { r.Trigger(mchid) }
}

// TriggerOn triggers a refresh of mchid when err (from any chain call or
// notify parse) wraps signer.ErrUnknownSerial, and reports whether it did:
//
//	resp, err := client.Chain("v3/pay/transactions/id/{transaction_id}").Get(ctx, opts)
//	refresher.TriggerOn(client.MchID(), err)
func (r *Refresher) TriggerOn(mchid string, err error) bool {
	if err == nil || !errors.Is(err, signer.ErrUnknownSerial) {
		return false
	}
	return r.Trigger(mchid)
}

// Refresh downloads mchid's certificates now, waiting for the result (no rate
// limit), and reschedules the merchant. Use it at start-up to load the
// certificates before serving.
func (r *Refresher) Refresh(ctx context.Context, mchid string) (Result, error) {
	r.mu.Lock()
	m, ok := r.merchants[mchid]
	r.mu.Unlock()
	if !ok {
		return Result{}, fmt.Errorf("%w: %s", ErrUnknownMerchant, mchid)
	}
	res := r.refresh(ctx, m, false)
	return res, res.Err
}

// Run serves every merchant until ctx ends, on the calling goroutine (the
// only goroutine the Refresher uses), and returns ctx.Err(). Only one Run may
// be active at a time.
func (r *Refresher) Run(ctx context.Context) error {
	if !r.running.CompareAndSwap(false, true) {
		return errors.New("certs: refresher is already running")
	}
	defer r.running.Store(false)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var next *merchant
		wait := time.Duration(-1)
		r.mu.Lock()
		if len(r.queue) > 0 {
			if d := time.Until(r.queue[0].due); d <= 0 {
				next = heap.Pop(&r.queue).(*merchant)
			} else {
				wait = d
			}
		}
		r.mu.Unlock()
		if next != nil {
			r.refresh(ctx, next, true)
			continue
		}
		var tick <-chan time.Time
		if wait >= 0 {
			timer.Reset(wait)
			tick = timer.C
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-r.wake:
		case <-tick:
		}
		timer.Stop()
	}
}

func (r *Refresher) signal() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// refresh downloads and applies one merchant's certificates, then
// reschedules it.
func (r *Refresher) refresh(ctx context.Context, m *merchant, scheduled bool) Result {
	m.busy.Lock()
	defer m.busy.Unlock()

	r.mu.Lock()
	if scheduled && (m.index >= 0 || r.merchants[m.mchid] != m) {
		// Refreshed and requeued by a concurrent Refresh meanwhile, or
		// removed: nothing to do.
		r.mu.Unlock()
		return Result{}
	}
	m.lastAttempt = time.Now()
	m.triggered = false
	client := m.client
	r.mu.Unlock()

	cctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	res := r.download(cctx, m, client)
	cancel()

	r.mu.Lock()
	now := time.Now()
	m.lastErr = res.Err
	next := now.Add(r.cfg.Interval)
	switch {
	case res.Err == nil:
		m.lastSuccess, m.failures = now, 0
		m.serials = r.validSerials(m)
	case errors.Is(res.Err, ErrNoCertificates):
		m.failures = 0 // public-key mode: nothing to retry soon
	default:
		m.failures++
		backoff := r.cfg.MinGap << min(m.failures-1, 20)
		if backoff > 0 && backoff < r.cfg.Interval {
			next = now.Add(backoff)
		}
	}
	if m.triggered {
		if t := m.lastAttempt.Add(r.cfg.MinGap); t.Before(next) {
			next = t
		}
		m.triggered = false
	}
	if r.merchants[m.mchid] == m {
		m.due = next
		if m.index >= 0 {
			heap.Fix(&r.queue, m.index)
		} else {
			heap.Push(&r.queue, m)
		}
	}
	r.mu.Unlock()
	r.signal()
	if r.cfg.OnRefresh != nil {
		r.cfg.OnRefresh(m.mchid, res)
	}
	return res
}

// download runs under m.busy.
func (r *Refresher) download(ctx context.Context, m *merchant, c *chain.Client) Result {
	list, err := Download(ctx, c, WithNow(r.cfg.Now))
	if err != nil {
		return Result{Err: err}
	}
	now := r.cfg.Now()
	known := maps.Clone(m.known)
	for _, cert := range list {
		known[cert.Serial] = cert.ExpireTime
	}
	added, removed, err := Install(c.KeyStore(), list, known, now)
	if err != nil {
		return Result{Err: err}
	}
	for _, s := range removed {
		delete(known, s)
	}
	// Forget expired certificates the store no longer holds.
	store := c.KeyStore()
	for s, exp := range known {
		if _, ok := store.Lookup(s); !ok && !now.Before(exp) {
			delete(known, s)
		}
	}
	m.known = known
	return Result{Certificates: list, Added: added, Removed: removed}
}

// validSerials lists m's loaded, unexpired serials; called with r.mu held,
// right after download (m.busy held by the caller).
func (r *Refresher) validSerials(m *merchant) []string {
	now := r.cfg.Now()
	var out []string
	for s, exp := range m.known {
		if now.Before(exp) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// queue is a min-heap of merchants by due time.
type queue []*merchant

func (q queue) Len() int           { return len(q) }
func (q queue) Less(i, j int) bool { return q[i].due.Before(q[j].due) }
func (q queue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index = i
	q[j].index = j
}
func (q *queue) Push(x any) {
	m := x.(*merchant)
	m.index = len(*q)
	*q = append(*q, m)
}
func (q *queue) Pop() any {
	old := *q
	m := old[len(old)-1]
	old[len(old)-1] = nil
	m.index = -1
	*q = old[:len(old)-1]
	return m
}
