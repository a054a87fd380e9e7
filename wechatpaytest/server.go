package wechatpaytest

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/chainpay-go/wechatpay/signer"
)

// DefaultMchID is the merchant id a server expects unless WithMchID is given.
const DefaultMchID = "1900000001"

// DefaultRecordLimit is how many requests Requests keeps unless WithRecordLimit is given.
const DefaultRecordLimit = 1000

// Server is a running loopback WeChat Pay gateway. Its exported fields are
// set by NewServer and must not be changed.
type Server struct {
	// URL is the base URL, http://127.0.0.1:port with no trailing slash
	// (https with WithTLS; the listener's address with WithListener/WithAddr).
	URL string
	// MchID is the merchant id requests must carry.
	MchID string
	// MerchantSerial is the merchant certificate serial (upper-case hex) requests must carry.
	MerchantSerial string
	// MerchantKey is the merchant private key requests are signed with.
	MerchantKey *rsa.PrivateKey
	// MerchantCertificate is the merchant certificate (nil when WithMerchantKey gave a serial).
	MerchantCertificate *x509.Certificate
	// PlatformKey is the private key the server first signs answers with.
	PlatformKey *rsa.PrivateKey
	// PlatformSerial names PlatformKey in Wechatpay-Serial: a PUB_KEY_ID_… in
	// public-key mode, the platform certificate serial in certificate mode.
	PlatformSerial string
	// PlatformCertificate is the certificate of PlatformKey (served in certificate mode).
	PlatformCertificate *x509.Certificate
	// APIv3Key is the 32-character key notifications and certificates are encrypted with.
	APIv3Key string
	// APIv2Key is the 32-character key APIv2 (XML) calls and answers are signed with.
	APIv2Key string

	v2 *v2Sim // the APIv2 side (v2.go)

	ts           *httptest.Server
	now          func() time.Time
	certMode     bool
	control      bool         // WithControlRoutes
	notifyClient *http.Client // deliveries (deliver.go)
	fixtures     bool         // the demo fixtures are loaded (not WithoutFixtures)
	admin        bool         // WithAdmin: the admin API on the gateway's address
	adminToken   string
	adminHandler http.Handler
	limits       Limits
	closing      chan struct{} // closed by Close: injected delays end at once
	closeOnce    sync.Once

	mu        sync.Mutex
	platforms []*platformEntry // every platform key the server knows, in order of addition
	signing   *platformEntry   // the one answers are signed with
	routes    []*route         // in order of addition: the scenarios', then the user's
	faults    []*faultEntry
	nonces    nonceCache
	records   recordRing
	recordSeq uint64 // the last RecordedRequest.Seq

	sb       sandboxState // outcome rules, clock, deliveries (sandbox_*.go)
	chmu     sync.Mutex   // guards changed and revision (sandbox_changes.go)
	changed  chan struct{}
	revision uint64

	// The scenarios, set once by NewServer; each guards its own state.
	scenarios []scenario
	named     []namedScenario // what Reset knows by name (sandbox_reset.go)
	payscore  *payscoreScenario
	trades    *tradeScenario
	refunds   *refundScenario
	partner   *partnerScenario
	combine   *combineScenario
	transfers *transferScenario
	media     *mediaScenario
	bills     *billScenario
	encBills  *encBillScenario
}

// platformEntry is one platform key.
type platformEntry struct {
	serial string
	key    *rsa.PrivateKey
	cert   *x509.Certificate // nil in public-key mode unless one was made
	signer signer.Signer
}

// NewServer starts a gateway on 127.0.0.1. It panics when keys cannot be
// made, as httptest.NewServer does when it cannot listen.
func NewServer(opts ...Option) *Server {
	s, err := newServer(opts...)
	if err != nil {
		panic(err)
	}
	return s
}

func newServer(opts ...Option) (*Server, error) {
	o := options{mchID: DefaultMchID, recordLimit: DefaultRecordLimit}
	for _, opt := range opts {
		opt(&o)
	}
	if o.now == nil {
		o.now = time.Now
	}
	if o.recordLimit <= 0 {
		o.recordLimit = DefaultRecordLimit
	}
	s := &Server{MchID: o.mchID, now: o.now, certMode: o.certMode, control: o.control, limits: o.limits.withDefaults(), closing: make(chan struct{})}
	s.notifyClient = o.notifyClient
	s.sb.stop, s.sb.closeAttempts = context.WithCancel(context.Background())
	if s.notifyClient == nil {
		s.notifyClient = defaultNotifyClient()
	}

	// Merchant identity.
	if o.merchantKey != nil {
		s.MerchantKey = o.merchantKey
		if o.merchantSerial != "" {
			serial, err := signer.NormalizeSerial(o.merchantSerial)
			if err != nil {
				return nil, fmt.Errorf("wechatpaytest: merchant serial: %w", err)
			}
			s.MerchantSerial = serial
		} else {
			cert, err := selfSign(o.merchantKey, "WeChat Pay test merchant", time.Now(), nil)
			if err != nil {
				return nil, err
			}
			s.MerchantCertificate, s.MerchantSerial = cert, serialHex(cert.SerialNumber)
		}
	} else {
		id, err := merchantIdentity()
		if err != nil {
			return nil, err
		}
		s.MerchantKey, s.MerchantCertificate, s.MerchantSerial = id.key, id.cert, id.serial
	}

	// Platform identity.
	var first *platformEntry
	if o.platformKey != nil {
		e := &platformEntry{key: o.platformKey, serial: o.platformSerial}
		if o.certMode || e.serial == "" {
			var want *big.Int
			if o.certMode && e.serial != "" {
				n, ok := new(big.Int).SetString(e.serial, 16)
				if !ok || n.Sign() <= 0 {
					return nil, fmt.Errorf("wechatpaytest: WithPlatformKey: serial %q is not a hex certificate serial (certificate mode)", e.serial)
				}
				want = n
				e.serial = serialHex(n)
			}
			cert, err := selfSign(o.platformKey, "WeChat Pay test platform", time.Now(), want)
			if err != nil {
				return nil, err
			}
			e.cert = cert
			if e.serial == "" {
				if o.certMode {
					e.serial = serialHex(cert.SerialNumber)
				} else {
					e.serial = "PUB_KEY_ID_0" + randomString(27, digits)
				}
			}
		}
		first = e
	} else {
		id, err := platformIdentity(0)
		if err != nil {
			return nil, err
		}
		first = entryFor(id, o.certMode)
	}
	if err := first.init(); err != nil {
		return nil, err
	}
	s.platforms = []*platformEntry{first}
	s.signing = first
	s.PlatformKey, s.PlatformSerial, s.PlatformCertificate = first.key, first.serial, first.cert
	if err := s.initV2(o.apiv2Key, o.clientCert); err != nil {
		return nil, err
	}

	s.APIv3Key = o.apiv3Key
	if s.APIv3Key == "" {
		s.APIv3Key = processAPIv3Key()
	}
	if len(s.APIv3Key) != 32 {
		return nil, fmt.Errorf("wechatpaytest: the APIv3 key must be 32 bytes, got %d", len(s.APIv3Key))
	}

	s.records.limit, s.records.maxBytes, s.records.maxAge = o.recordLimit, s.limits.MaxRecordedBytes, s.limits.MaxRecordAge
	s.registerScenarios()
	s.fixtures = !o.noFixtures
	if s.fixtures {
		s.loadFixtures()
	}

	l := o.listener
	if l == nil && o.addr != "" {
		var err error
		if l, err = net.Listen("tcp", o.addr); err != nil {
			return nil, fmt.Errorf("wechatpaytest: listen on %s: %w", o.addr, err)
		}
	}
	s.ts = httptest.NewUnstartedServer(s.rootHandler())
	// Slow or idle connections are closed: no client can hold the server's
	// connections (or its goroutines) for as long as it likes.
	s.ts.Config.ReadHeaderTimeout = s.limits.ReadHeaderTimeout
	s.ts.Config.ReadTimeout = s.limits.ReadTimeout
	s.ts.Config.IdleTimeout = s.limits.IdleTimeout
	s.ts.Config.MaxHeaderBytes = s.limits.MaxHeaderBytes
	if l != nil {
		_ = s.ts.Listener.Close()
		s.ts.Listener = l
	}
	// URL is set before the server starts: with WithListener a client may
	// already be waiting, and its request (a bill's download_url) reads it.
	scheme := "http://"
	if o.tls {
		scheme = "https://"
	}
	s.URL = scheme + s.ts.Listener.Addr().String()
	s.admin = o.admin
	s.initAdmin(&o, s.ts.Listener.Addr()) // admin.go
	if o.tls {
		s.ts.TLS = s.mutualTLS()
		s.ts.StartTLS()
	} else {
		s.ts.Start()
	}
	if s.URL != s.ts.URL {
		s.ts.Close()
		return nil, fmt.Errorf("wechatpaytest: internal error: URL %s, httptest says %s", s.URL, s.ts.URL)
	}
	if err := s.checkClient(); err != nil {
		s.ts.Close()
		return nil, err
	}
	return s, nil
}

// entryFor makes a platform entry from a pooled identity for the given mode.
func entryFor(id *identity, certMode bool) *platformEntry {
	e := &platformEntry{key: id.key, cert: id.cert, serial: id.pubID}
	if certMode {
		e.serial = id.serial
	}
	return e
}

func (e *platformEntry) init() error {
	sg, err := signer.NewRSASigner(e.key)
	if err != nil {
		return fmt.Errorf("wechatpaytest: platform key: %w", err)
	}
	e.signer = sg
	return nil
}

// Close shuts the server down and blocks until all requests are done. A
// request waiting in an injected Delay is not waited for: its connection is
// dropped at once. Pending deliveries make no more attempts.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.sb.mu.Lock()
	s.sb.closed = true // pending attempts do nothing when their timers fire
	s.sb.mu.Unlock()
	s.sb.closeAttempts() // and those in flight end
	s.ts.Close()
}

// HTTPClient returns an *http.Client that reaches the server (trusting its
// certificate with WithTLS).
func (s *Server) HTTPClient() *http.Client { return s.ts.Client() }

// CertificateMode reports whether the server runs in platform-certificate mode.
func (s *Server) CertificateMode() bool { return s.certMode }

// Now returns the server clock's time: request timestamps are checked, and
// answers and notifications signed, on it. Business time (BusinessTime)
// runs ahead of it by what Advance added.
func (s *Server) Now() time.Time { return s.now() }

// PlatformKeys returns every platform public key the server may sign with,
// by serial: what a client's verification store must hold.
func (s *Server) PlatformKeys() map[string]*rsa.PublicKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := make(map[string]*rsa.PublicKey, len(s.platforms))
	for _, e := range s.platforms {
		m[e.serial] = &e.key.PublicKey
	}
	return m
}

// SigningSerial returns the serial answers are currently signed with.
func (s *Server) SigningSerial() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.signing.serial
}

// AddPlatformKey adds another platform key (the next of the process-wide
// pool, so no key is generated twice) with a certificate in certificate
// mode, and returns its serial. Answers stay signed by the current key until
// UsePlatformKey switches; /v3/certificates lists both: this is how a
// rotation with overlap looks.
func (s *Server) AddPlatformKey() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; ; i++ {
		// Generating a key may take a while: not under s.mu. Another
		// AddPlatformKey may meanwhile take identity i, so whether it is in
		// use is decided after relocking.
		s.mu.Unlock()
		id, err := platformIdentity(i)
		s.mu.Lock()
		if err != nil {
			return "", err
		}
		if s.usesKey(id.key) {
			continue
		}
		e := entryFor(id, s.certMode)
		if err := e.init(); err != nil {
			return "", err
		}
		s.platforms = append(s.platforms, e)
		return e.serial, nil
	}
}

// usesKey reports whether key is one of the platform keys. Called with s.mu held.
func (s *Server) usesKey(key *rsa.PrivateKey) bool {
	for _, e := range s.platforms {
		if e.key == key {
			return true
		}
	}
	return false
}

// UsePlatformKey makes the server sign its answers (and notifications) with
// the platform key named serial.
func (s *Server) UsePlatformKey(serial string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.platforms {
		if e.serial == serial {
			s.signing = e
			return nil
		}
	}
	return fmt.Errorf("wechatpaytest: no platform key with serial %q", serial)
}

// RemovePlatformKey drops the platform key named serial (the end of a
// rotation). The key answers are signed with cannot be removed.
func (s *Server) RemovePlatformKey(serial string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.signing.serial == serial {
		return fmt.Errorf("wechatpaytest: platform key %q signs the answers; switch with UsePlatformKey first", serial)
	}
	for i, e := range s.platforms {
		if e.serial == serial {
			s.platforms = append(s.platforms[:i:i], s.platforms[i+1:]...)
			return nil
		}
	}
	return fmt.Errorf("wechatpaytest: no platform key with serial %q", serial)
}

// signingEntry returns the current signing key.
func (s *Server) signingEntry() *platformEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.signing
}
