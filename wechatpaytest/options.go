package wechatpaytest

import (
	"crypto/rsa"
	"crypto/x509"
	"net"
	"net/http"
	"time"
)

// Option configures NewServer.
type Option func(*options)

type options struct {
	mchID          string
	merchantKey    *rsa.PrivateKey
	merchantSerial string
	platformKey    *rsa.PrivateKey
	platformSerial string
	apiv3Key       string
	apiv2Key       string
	clientCert     *x509.Certificate
	certMode       bool
	now            func() time.Time
	recordLimit    int
	noFixtures     bool
	tls            bool
	listener       net.Listener
	addr           string
	limits         Limits
	control        bool
	notifyClient   *http.Client
	admin          bool
	adminToken     string
}

// WithMchID sets the merchant id the server expects (default DefaultMchID).
func WithMchID(mchID string) Option { return func(o *options) { o.mchID = mchID } }

// WithMerchantKey makes the server expect requests signed with key under the
// given merchant serial (upper-case hex). With an empty serial the server
// makes a self-signed certificate for key and uses its serial.
func WithMerchantKey(key *rsa.PrivateKey, serial string) Option {
	return func(o *options) { o.merchantKey, o.merchantSerial = key, serial }
}

// WithPlatformKey makes the server sign its answers with key under serial
// (a PUB_KEY_ID_… in public-key mode, a certificate serial in certificate
// mode). With an empty serial one is made up; in certificate mode a
// self-signed certificate is made for key.
func WithPlatformKey(key *rsa.PrivateKey, serial string) Option {
	return func(o *options) { o.platformKey, o.platformSerial = key, serial }
}

// WithAPIv3Key sets the 32-character APIv3 key (default: one generated per process).
func WithAPIv3Key(key string) Option { return func(o *options) { o.apiv3Key = key } }

// WithCertificateMode runs the server in platform-certificate mode: answers
// are signed by a platform certificate whose serial is in Wechatpay-Serial,
// and GET /v3/certificates serves the certificates encrypted with the APIv3
// key. The default is public-key mode (PUB_KEY_ID_…), where
// /v3/certificates answers 404 RESOURCE_NOT_EXISTS.
func WithCertificateMode() Option { return func(o *options) { o.certMode = true } }

// WithNow sets the server clock used to check request timestamps, to stamp
// answers and notifications, and to expire orders (default time.Now).
func WithNow(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithRecordLimit sets how many requests Requests keeps (default 1000).
func WithRecordLimit(n int) Option { return func(o *options) { o.recordLimit = n } }

// WithoutFixtures starts the server with no demo fixtures.
func WithoutFixtures() Option { return func(o *options) { o.noFixtures = true } }

// WithTLS serves HTTPS (httptest.NewTLSServer); Config's HTTPClient trusts it.
func WithTLS() Option { return func(o *options) { o.tls = true } }

// WithListener serves on l instead of a random 127.0.0.1 port; URL names
// l's address. The server closes l on Close.
func WithListener(l net.Listener) Option { return func(o *options) { o.listener = l } }

// WithAddr listens on addr (e.g. "127.0.0.1:8080") instead of a random
// 127.0.0.1 port. NewServer panics when it cannot listen.
func WithAddr(addr string) Option { return func(o *options) { o.addr = addr } }

// Limits bound what one client can make a server hold: `wxpay sandbox` is a
// server people leave running. A zero field takes its default.
type Limits struct {
	// ReadHeaderTimeout is how long a connection may take to send a
	// request's headers (default 10 s).
	ReadHeaderTimeout time.Duration
	// ReadTimeout is how long a connection may take to send a whole
	// request, body included (default 60 s).
	ReadTimeout time.Duration
	// IdleTimeout is how long a keep-alive connection may wait for its
	// next request (default 120 s).
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds a request's headers (default 64 KiB).
	MaxHeaderBytes int
	// MaxBody bounds a request body (default 8 MiB: the largest real
	// upload is a 5 MB video). A larger declared Content-Length is refused
	// before any of the body is read; a longer body is refused once it
	// passes the limit.
	MaxBody int64
	// MaxRecordedBody is how much of each authenticated request's body
	// Requests keeps (default 4 KiB).
	MaxRecordedBody int
	// MaxRecordedBytes bounds the bodies and headers Requests keeps in
	// total (default 4 MiB); past it the oldest records are dropped.
	MaxRecordedBytes int
	// MaxRecordAge is how long a record is kept (default 24 h).
	MaxRecordAge time.Duration
	// MaxDeliveries bounds how many deliveries Deliveries keeps (default
	// 1000); past it the oldest are forgotten, their pending attempts cancelled.
	MaxDeliveries int
	// MaxDeliveryAge is how long a delivery is kept (default 48 h: the
	// schedule ends after about 21 h).
	MaxDeliveryAge time.Duration
}

// Default limits (see Limits).
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 60 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultMaxHeaderBytes    = 64 << 10
	DefaultMaxBody           = 8 << 20
	DefaultMaxRecordedBody   = 4 << 10
	DefaultMaxRecordedBytes  = 4 << 20
	DefaultMaxRecordAge      = 24 * time.Hour
	DefaultMaxDeliveries     = 1000
	DefaultMaxDeliveryAge    = 48 * time.Hour
)

// withDefaults fills the zero fields of l.
func (l Limits) withDefaults() Limits {
	orDefault(&l.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	orDefault(&l.ReadTimeout, DefaultReadTimeout)
	orDefault(&l.IdleTimeout, DefaultIdleTimeout)
	orDefault(&l.MaxHeaderBytes, DefaultMaxHeaderBytes)
	orDefault(&l.MaxBody, DefaultMaxBody)
	orDefault(&l.MaxRecordedBody, DefaultMaxRecordedBody)
	orDefault(&l.MaxRecordedBytes, DefaultMaxRecordedBytes)
	orDefault(&l.MaxRecordAge, DefaultMaxRecordAge)
	orDefault(&l.MaxDeliveries, DefaultMaxDeliveries)
	orDefault(&l.MaxDeliveryAge, DefaultMaxDeliveryAge)
	return l
}

// orDefault sets *v to def unless it is positive.
func orDefault[T int | int64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// WithLimits sets the server's timeouts and size limits (see Limits).
func WithLimits(l Limits) Option { return func(o *options) { o.limits = l } }
