package certs

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/signer"
)

// Path is the chain path of the platform certificate list.
const Path = "v3/certificates"

// Option configures Download and Update.
type Option func(*dlOptions)

type dlOptions struct {
	now func() time.Time
}

// WithNow sets the clock used to check the answer's timestamp during the
// bootstrap verification and to tell expired certificates (default
// time.Now).
func WithNow(now func() time.Time) Option {
	return func(o *dlOptions) { o.now = now }
}

func buildOptions(opts []Option) dlOptions {
	o := dlOptions{now: time.Now}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.now == nil {
		o.now = time.Now
	}
	return o
}

// Download sends GET /v3/certificates through c, verifies the answer (by a
// key c already trusts, or else by the bootstrap rule: one of the carried
// certificates must have signed it), then decrypts every certificate with the
// client's APIv3 key (c.APIv3Key(), from Config.APIv3Key) and checks it. It
// does not change any key store; Update does.
//
// A merchant in public-key mode gets ErrNoCertificates.
func Download(ctx context.Context, c *chain.Client, opts ...Option) ([]Certificate, error) {
	if c == nil {
		return nil, errors.New("certs: client is nil")
	}
	apiv3Key := c.APIv3Key()
	if len(apiv3Key) != 32 {
		return nil, fmt.Errorf("certs: the client's APIv3 key (Config.APIv3Key): %w, got %d", signer.ErrAPIv3KeyLength, len(apiv3Key))
	}
	o := buildOptions(opts)

	resp, err := c.Chain(Path).Get(ctx, nil)
	bootstrap := false
	if err != nil {
		var ve *chain.VerifyError
		var ae *chain.APIError
		switch {
		case errors.As(err, &ve) && errors.Is(ve.Err, signer.ErrUnknownSerial) && ve.Response != nil:
			// The signing certificate is not trusted yet: it must be one of
			// the certificates in this very answer.
			resp, bootstrap = ve.Response, true
		case errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound && ae.Code == "RESOURCE_NOT_EXISTS":
			return nil, fmt.Errorf("%w (mchid %s, %v)", ErrNoCertificates, c.MchID(), err)
		default:
			return nil, fmt.Errorf("certs: downloading platform certificates: %w", err)
		}
	} else if !resp.Verified {
		// The client did not verify (it should for this path): apply the
		// bootstrap rule ourselves.
		bootstrap = true
	}

	list, err := Parse(resp.Body, apiv3Key)
	if err != nil {
		if errors.Is(err, ErrNoCertificates) {
			return nil, fmt.Errorf("%w (mchid %s: empty data)", ErrNoCertificates, c.MchID())
		}
		return nil, err
	}
	if bootstrap {
		if err := verifyBootstrap(resp, list, o.now); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// verifyBootstrap checks that the answer is signed by one of the
// (unexpired) certificates it carries.
func verifyBootstrap(resp *chain.Response, list []Certificate, now func() time.Time) error {
	carried := make(map[string]*rsa.PublicKey, len(list))
	for _, c := range list {
		if !c.Expired(now()) {
			carried[c.Serial] = c.PublicKey
		}
	}
	if len(carried) == 0 {
		return ErrAllExpired
	}
	v := &signer.Verifier{Keys: signer.NewKeyStore(carried), Now: now}
	if err := v.Verify(resp.Header, resp.Body); err != nil {
		rid := ""
		if resp.RequestID != "" {
			rid = " (Request-ID " + resp.RequestID + ")"
		}
		return fmt.Errorf("%w%s: %w", ErrBootstrap, rid, err)
	}
	return nil
}

// Update downloads the platform certificates (see Download) and installs them
// into c.KeyStore() (see Install): every unexpired one is added; expired
// certificates of the list that the store still holds are removed, but never
// the last key. Keys already in the store stay: rotation overlaps. It returns
// the whole list.
func Update(ctx context.Context, c *chain.Client, opts ...Option) ([]Certificate, error) {
	list, err := Download(ctx, c, opts...)
	if err != nil {
		return nil, err
	}
	o := buildOptions(opts)
	known := make(map[string]time.Time, len(list))
	for _, cert := range list {
		known[cert.Serial] = cert.ExpireTime
	}
	if _, _, err := Install(c.KeyStore(), list, known, o.now()); err != nil {
		return list, err
	}
	return list, nil
}

// Install puts list into store at time now: it first adds every unexpired
// certificate, then removes the serials of known (serial → expire_time, e.g.
// certificates seen in earlier downloads) whose expire_time has passed and
// that are in the store, keeping at least one key. Other keys (PUB_KEY_ID_…,
// configured keys) are never removed. It returns the serials added and
// removed; it fails with ErrAllExpired, changing nothing, when no
// certificate of list is valid.
func Install(store *signer.KeyStore, list []Certificate, known map[string]time.Time, now time.Time) (added, removed []string, err error) {
	if store == nil {
		return nil, nil, errors.New("certs: key store is nil")
	}
	fresh := make(map[string]*rsa.PublicKey, len(list))
	for _, c := range list {
		if !c.Expired(now) {
			fresh[c.Serial] = c.PublicKey
			added = append(added, c.Serial)
		}
	}
	if len(fresh) == 0 && len(list) > 0 {
		return nil, nil, ErrAllExpired
	}
	store.Add(fresh)
	for serial, expire := range known {
		if now.Before(expire) {
			continue
		}
		if _, ok := fresh[serial]; ok {
			continue
		}
		if _, ok := store.Lookup(serial); ok {
			removed = append(removed, serial)
		}
	}
	slices.Sort(added)
	slices.Sort(removed)
	if len(removed) > 0 && store.Len()-len(removed) >= 1 {
		store.Remove(removed...)
	} else {
		removed = nil
	}
	return added, removed, nil
}
