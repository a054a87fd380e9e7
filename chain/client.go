package chain

import (
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/chainpay-go/wechatpay/signer"
)

// Version is this library's version, sent in the User-Agent header.
const Version = "0.1.0"

// DefaultBaseURL is WeChat Pay's primary API host.
const DefaultBaseURL = "https://api.mch.weixin.qq.com/"

// Defaults used when the matching Config field is zero.
const (
	DefaultTimeout      = 30 * time.Second       // whole call, retries included
	DefaultMaxRetries   = 2                      // WeChat Pay's advice for 5xx
	DefaultRetryWait    = 200 * time.Millisecond // first backoff step
	DefaultRetryMaxWait = 10 * time.Second       // longest single wait, Retry-After included
)

// maxBody bounds a JSON answer read into memory (downloads stream instead).
const maxBody = 64 << 20

// Client sends signed requests to WeChat Pay and verifies the answers. It is
// safe for concurrent use; make one per merchant and share it.
type Client struct {
	mchID        string
	serial       string // merchant API certificate serial, upper-case hex
	apiv3Key     string
	apiv2Key     string
	clientCert   bool // Config.ClientCertificate is set (the transport presents it)
	auth         *signer.Authorizer
	keys         *signer.KeyStore
	verifier     *signer.Verifier
	baseURL      string // absolute, ends in "/"
	rc           *resty.Client
	timeout      time.Duration
	maxRetries   int
	retryWait    time.Duration
	retryMaxWait time.Duration
	logger       *slog.Logger
	logBodies    bool
	userAgent    string
	headers      callHeaders // shared read-only header sets of plain calls (headers.go)
	onUnknown    func(serial string)
	validation   validation
	middleware   []Middleware      // Config.Middleware (see middleware.go)
	handler      Handler           // middleware composed; nil without
	observers    []AttemptObserver // Config.AttemptObservers; nil without
	defaults     *defaults         // Config.Defaults; nil when none is set
	fo           *failover         // the backup host (failover.go); nil without
}

// NewClient checks cfg and returns a client; wechatpay.New is the same
// function. Errors name the Config field at fault and never include key
// material.
//
// PlatformKeys may be empty only when APIv3Key is set: that is the bootstrap
// of a merchant that still uses platform certificates. The certificates are
// then downloaded (package certs) and added to the client's KeyStore; until
// then every answer fails verification with signer.ErrUnknownSerial (as a
// *VerifyError that still carries the answer).
func NewClient(cfg Config) (*Client, error) {
	ok, err := cfg.check()
	if err != nil {
		return nil, err
	}
	o := cfg
	keys := signer.NewKeyStore(ok.keys)
	c := &Client{
		mchID:        ok.mchID,
		serial:       ok.serial,
		apiv3Key:     o.APIv3Key,
		apiv2Key:     o.APIv2Key,
		clientCert:   o.ClientCertificate != nil,
		auth:         &signer.Authorizer{MchID: ok.mchID, Serial: ok.serial, Signer: ok.signer, Now: o.Now},
		keys:         keys,
		verifier:     &signer.Verifier{Keys: keys, Now: o.Now},
		baseURL:      ok.base,
		timeout:      o.Timeout,
		maxRetries:   o.MaxRetries,
		retryWait:    o.RetryWait,
		retryMaxWait: o.RetryMaxWait,
		logger:       o.Logger,
		logBodies:    o.LogBodies,
		userAgent:    userAgent(o.UserAgent),
		onUnknown:    o.OnUnknownSerial,
		validation:   validation{mode: o.Validation},
	}
	c.headers = newCallHeaders(c.userAgent)
	c.middleware = slices.Clone(o.Middleware)
	c.handler = c.compose(c.middleware)
	if len(o.AttemptObservers) > 0 {
		c.observers = slices.Clone(o.AttemptObservers)
	}
	c.defaults = newDefaults(o.Defaults)
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	if c.maxRetries == 0 {
		c.maxRetries = DefaultMaxRetries
	}
	if o.DisableRetries {
		c.maxRetries = 0
	}
	if c.retryWait <= 0 {
		c.retryWait = DefaultRetryWait
	}
	if c.retryMaxWait <= 0 {
		c.retryMaxWait = DefaultRetryMaxWait
	}

	// Copy the caller's client: we change CheckRedirect, and resty may set a
	// Transport on it.
	var hc http.Client
	if o.HTTPClient != nil {
		hc = *o.HTTPClient
	}
	// A redirect would replay the Authorization header against another target:
	// never follow one, hand the 3xx back as an APIError.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if err := presentCertificate(&hc, o.ClientCertificate); err != nil {
		return nil, err
	}
	c.rc = resty.NewWithClient(&hc)
	c.fo = newFailover(ok.base, ok.backup, c.retryLimit, o.Logger, &hc)
	c.rc.SetLogger(discardLogger{})
	c.rc.SetDisableWarn(true)
	// Signing is the last step before the wire: resty calls this hook after
	// it has built the final *http.Request, on every attempt.
	c.rc.SetPreRequestHook(c.signHook)
	c.rc.OnBeforeRequest(c.bodyHook) // a fresh body reader per attempt (pipeline.go)
	// Retries are resty's, decided and timed by this package's rules: one
	// condition (it replaces resty's default), Retry-After or the backoff,
	// and no retry that a deadline or RetryMaxWait would cut short.
	c.rc.SetRetryCount(max(c.maxRetries, MaxCallRetries)) // the per-call limit is retryWithin's
	c.rc.SetRetryWaitTime(0)
	c.rc.SetRetryMaxWaitTime(c.retryMaxWait)
	c.rc.AddRetryCondition(c.retryWithin)
	c.rc.SetRetryAfter(c.retryAfter)
	return c, nil
}

// KeyStore returns the live store of keys that verify WeChat Pay's answers.
// Add or replace keys in it to rotate certificates; the client sees changes at
// once. A nil client has none (nil).
func (c *Client) KeyStore() *signer.KeyStore {
	if c == nil {
		return nil
	}
	return c.keys
}

// APIv3Key returns the APIv3 key the client was configured with ("" if none,
// or for a nil client), so that certs and notify can be built from the
// client without passing it again.
func (c *Client) APIv3Key() string {
	if c == nil {
		return ""
	}
	return c.apiv3Key
}

// MchID returns the merchant ID the client signs for.
func (c *Client) MchID() string { return c.mchID }

// Serial returns the merchant API certificate serial the client signs with
// (upper-case hex), as sent in every Authorization header.
func (c *Client) Serial() string { return c.serial }

// BaseURL returns the API base URL, ending in "/".
func (c *Client) BaseURL() string { return c.baseURL }

// Verifier returns a copy of the verifier the client checks answers with; it
// shares the live KeyStore (e.g. for notifications). Changing the copy does
// not affect the client.
func (c *Client) Verifier() *signer.Verifier {
	v := *c.verifier
	return &v
}

func userAgent(extra string) string {
	ua := "wechatpay-go/" + Version + " (" + runtime.GOOS + "/" + runtime.GOARCH + ") go/" + strings.TrimPrefix(runtime.Version(), "go")
	if extra = strings.TrimSpace(extra); extra != "" {
		ua += " " + extra
	}
	return ua
}

// discardLogger silences resty's own logger: all logging goes through slog.
type discardLogger struct{}

func (discardLogger) Errorf(string, ...any) {}
func (discardLogger) Warnf(string, ...any)  {}
func (discardLogger) Debugf(string, ...any) {}
