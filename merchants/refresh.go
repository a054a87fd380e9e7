package merchants

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/chainpay-go/wechatpay/certs"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/signer"
)

// pollEvery is how often an instance that did not get the refresh lock
// looks for the list the lock holder writes.
const pollEvery = 50 * time.Millisecond

// refresh brings e's platform certificates up to date: a fresh, verified
// snapshot from the Store if there is one; else, under the Store's lock,
// a download that is written back to the Store. An instance that does not
// get the lock waits (at most LockTTL, within ctx) for the holder's list.
// Any Store failure is logged and the refresh goes on alone.
func (r *Registry) refresh(ctx context.Context, e *entry) error {
	e.loading.Lock()
	defer e.loading.Unlock()
	if due := e.due.Load(); due != 0 && r.cfg.Now().UnixNano() < due {
		return nil // refreshed meanwhile by another caller
	}
	c := e.cur.Load()
	store, alone := r.cfg.Store, false
	seen := int64(0)
	if snap, err := store.Load(ctx, e.mchid); err != nil {
		r.warnStore(e, "reading", err)
		alone = true
	} else if snap != nil {
		list, ts, err := r.verify(c, snap)
		switch {
		case err != nil:
			r.cfg.Logger.Warn("merchants: the store holds a certificate list that does not verify; ignored", "mchid", e.mchid, "err", err)
		case r.fresh(ts):
			return r.use(e, list)
		default:
			seen = ts
		}
	}
	if !alone {
		release, ok, err := store.Lock(ctx, e.mchid, r.cfg.LockTTL)
		switch {
		case err != nil:
			r.warnStore(e, "locking", err)
			alone = true
		case !ok:
			if list, err := r.await(ctx, e, c, seen); err == nil {
				return r.use(e, list)
			}
			// The holder wrote nothing in time: go on alone.
			alone = true
		default:
			defer release()
		}
	}
	snap, err := download(ctx, c)
	if errors.Is(err, certs.ErrNoCertificates) {
		e.mu.Lock()
		e.certMode = false // public-key mode: nothing to refresh
		e.mu.Unlock()
		e.due.Store(r.cfg.Now().Add(r.cfg.RefreshInterval).UnixNano())
		return nil
	}
	if err != nil {
		r.schedule(e, false)
		return err
	}
	list, _, err := r.verify(c, snap)
	if err != nil {
		r.schedule(e, false)
		return err
	}
	if !alone {
		if err := store.Save(ctx, e.mchid, snap); err != nil {
			r.warnStore(e, "writing", err)
		}
	}
	return r.use(e, list)
}

// await polls the Store for a verified list newer than seen (a signed
// timestamp), until LockTTL passes or ctx ends.
func (r *Registry) await(ctx context.Context, e *entry, c *chain.Client, seen int64) ([]certs.Certificate, error) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.LockTTL)
	defer cancel()
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
		snap, err := r.cfg.Store.Load(ctx, e.mchid)
		if err != nil {
			r.warnStore(e, "reading", err)
			return nil, err
		}
		if snap == nil {
			continue
		}
		list, ts, err := r.verify(c, snap)
		if err == nil && ts > seen && r.fresh(ts) {
			return list, nil
		}
	}
}

// use installs list into e's current client and schedules the next
// refresh.
func (r *Registry) use(e *entry, list []certs.Certificate) error {
	e.mu.Lock()
	e.list = list
	r.install(e, e.cur.Load(), list)
	e.mu.Unlock()
	r.schedule(e, true)
	return nil
}

func (r *Registry) warnStore(e *entry, what string, err error) {
	r.cfg.Logger.Warn("merchants: certificate store unavailable ("+what+"); this instance goes on alone", "mchid", e.mchid, "err", err)
}

// fresh reports whether a list signed at ts (unix seconds) is younger than
// the refresh interval.
func (r *Registry) fresh(ts int64) bool {
	return r.cfg.Now().Sub(time.Unix(ts, 0)) < r.cfg.RefreshInterval
}

// verify checks a snapshot, whoever wrote it: every certificate must
// decrypt with c's APIv3 key, and the answer must be signed by a key c
// trusts or by one of its own unexpired certificates. The signed timestamp
// may be old (that is the list's age) but not in the future. It returns the
// list and the signed timestamp.
func (r *Registry) verify(c *chain.Client, s *Snapshot) ([]certs.Certificate, int64, error) {
	now := r.cfg.Now()
	list, err := certs.Parse(s.Body, c.APIv3Key())
	if err != nil {
		return nil, 0, err
	}
	ts, err := strconv.ParseInt(s.Timestamp, 10, 64)
	if err != nil {
		return nil, 0, fmt.Errorf("merchants: certificate list: Wechatpay-Timestamp is not a number: %w", signer.ErrBadSignature)
	}
	if time.Unix(ts, 0).After(now.Add(signer.DefaultWindow)) {
		return nil, 0, fmt.Errorf("merchants: certificate list signed in the future: %w", signer.ErrTimestampSkew)
	}
	trusted := c.KeyStore().Keys()
	if trusted == nil {
		trusted = map[string]*rsa.PublicKey{}
	}
	for _, cert := range list {
		if !cert.Expired(now) {
			trusted[cert.Serial] = cert.PublicKey
		}
	}
	v := &signer.Verifier{Keys: signer.NewKeyStore(trusted), Now: func() time.Time { return time.Unix(ts, 0) }}
	if err := v.Verify(s.Header(), s.Body); err != nil {
		return nil, 0, fmt.Errorf("merchants: certificate list: %w", err)
	}
	return list, ts, nil
}

// download sends GET /v3/certificates through c and returns the answer as
// a snapshot, verified or not (verify decides). A merchant in public-key
// mode gets certs.ErrNoCertificates.
func download(ctx context.Context, c *chain.Client) (*Snapshot, error) {
	resp, err := c.Chain(certs.Path).Get(ctx, nil)
	if err != nil {
		var ve *chain.VerifyError
		var ae *chain.APIError
		switch {
		case errors.As(err, &ve) && errors.Is(ve.Err, signer.ErrUnknownSerial) && ve.Response != nil:
			resp = ve.Response // signed by a certificate of this very list
		case errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound && ae.Code == "RESOURCE_NOT_EXISTS":
			return nil, fmt.Errorf("%w (mchid %s)", certs.ErrNoCertificates, c.MchID())
		default:
			return nil, fmt.Errorf("merchants: downloading platform certificates: %w", err)
		}
	}
	return snapshotOf(resp.Header, resp.Body), nil
}
