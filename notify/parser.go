package notify

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/chainpay-go/wechatpay/signer"
)

// Parser verifies and decrypts notifications. It is safe for concurrent use.
type Parser struct {
	verifier *signer.Verifier
	apiv3Key string
	opts     options
}

// NewParser returns a Parser verifying with a fixed set of platform keys,
// serial (certificate serial or PUB_KEY_ID_…) → public key, and decrypting
// with apiv3Key (32 bytes). The map is copied.
func NewParser(keys map[string]*rsa.PublicKey, apiv3Key string, opts ...Option) (*Parser, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: keys is empty", ErrNoKeys)
	}
	for serial, k := range keys {
		if k == nil {
			return nil, fmt.Errorf("notify: keys[%q] is nil", serial)
		}
	}
	return NewParserWithStore(signer.NewKeyStore(keys), apiv3Key, opts...)
}

// KeySource is what NewParserFromClient needs from a client: its live key store and
// its APIv3 key. *chain.Client satisfies it; notify does not import chain.
type KeySource interface {
	KeyStore() *signer.KeyStore
	APIv3Key() string
}

// NewParserFromClient returns a Parser that verifies with the client's live key
// store and decrypts with the client's APIv3 key (Config.APIv3Key), so the key is
// not passed again. It is NewParserWithStore(c.KeyStore(), c.APIv3Key(), opts...).
func NewParserFromClient(c KeySource, opts ...Option) (*Parser, error) {
	if c == nil {
		return nil, fmt.Errorf("%w: client is nil", ErrNoKeys)
	}
	return NewParserWithStore(c.KeyStore(), c.APIv3Key(), opts...)
}

// NewParserWithStore returns a Parser verifying with store, usually the
// client's live store (chain.Client.KeyStore()), so that keys added or
// removed by certificate rotation apply to the parser at once.
func NewParserWithStore(store *signer.KeyStore, apiv3Key string, opts ...Option) (*Parser, error) {
	if store == nil {
		return nil, fmt.Errorf("%w: store is nil", ErrNoKeys)
	}
	if len(apiv3Key) != 32 {
		return nil, fmt.Errorf("notify: %w, got %d", signer.ErrAPIv3KeyLength, len(apiv3Key))
	}
	o := options{maxBody: DefaultMaxBodySize, window: signer.DefaultWindow}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.maxBody <= 0 {
		return nil, fmt.Errorf("notify: max body size must be positive, got %d", o.maxBody)
	}
	if o.window <= 0 {
		return nil, fmt.Errorf("notify: timestamp window must be positive, got %s", o.window)
	}
	return &Parser{
		verifier: &signer.Verifier{Keys: store, Window: o.window, Now: o.now},
		apiv3Key: apiv3Key,
		opts:     o,
	}, nil
}

// KeyStore returns the store the parser verifies with.
func (p *Parser) KeyStore() *signer.KeyStore { return p.verifier.Keys }

// Parse reads r's raw body (at most the parser's limit, else ErrBodyTooLarge),
// verifies r's Wechatpay-* headers over exactly those bytes, then decodes the
// envelope and decrypts its resource. Parse consumes r.Body; it does not close
// it (the http.Server does).
func (p *Parser) Parse(r *http.Request) (*Notification, error) {
	body, err := readBody(r, p.opts.maxBody)
	if err != nil {
		return nil, err
	}
	return p.ParseRaw(r.Header, body)
}

// readBody reads r's body, at most limit bytes (else ErrBodyTooLarge).
func readBody(r *http.Request, limit int64) ([]byte, error) {
	if r == nil || r.Body == nil {
		return nil, fmt.Errorf("%w: no request body", ErrMalformed)
	}
	if r.ContentLength > limit {
		return nil, fmt.Errorf("%w: Content-Length %d exceeds %d bytes", ErrBodyTooLarge, r.ContentLength, limit)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, fmt.Errorf("%w: %w", ErrBodyTooLarge, err)
		}
		return nil, fmt.Errorf("notify: reading body: %w", err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, limit)
	}
	return body, nil
}

// ParseRaw verifies header and the raw body bytes, then decodes and decrypts
// the notification. Use it when the body was already read (a captured
// callback, a framework that hands out bytes); pass the bytes exactly as
// received, never re-serialised JSON. ParseRaw applies the body size limit
// too.
func (p *Parser) ParseRaw(header http.Header, body []byte) (*Notification, error) {
	if int64(len(body)) > p.opts.maxBody {
		return nil, fmt.Errorf("%w: %d bytes exceeds %d", ErrBodyTooLarge, len(body), p.opts.maxBody)
	}
	if header == nil {
		header = http.Header{}
	}
	if err := p.verifier.Verify(header, body); err != nil {
		if p.opts.unknownSerial != nil && errors.Is(err, signer.ErrUnknownSerial) {
			p.opts.unknownSerial(header.Get(signer.HeaderSerial))
		}
		return nil, fmt.Errorf("notify: %w", err)
	}
	n, err := decode(p.apiv3Key, body)
	if err != nil {
		return nil, err
	}
	n.Serial = header.Get(signer.HeaderSerial)
	n.Verified = true
	return n, nil
}

// DecryptUnverified decodes body and decrypts its resource WITHOUT verifying
// any signature. Use it only for a body whose origin you checked otherwise
// (for example a captured callback you already verified, or an inspection
// tool); a server must use Parser.Parse. The result has Verified false.
func DecryptUnverified(apiv3Key string, body []byte) (*Notification, error) {
	if len(apiv3Key) != 32 {
		return nil, fmt.Errorf("notify: %w, got %d", signer.ErrAPIv3KeyLength, len(apiv3Key))
	}
	return decode(apiv3Key, body)
}
