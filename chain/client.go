package chain

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/chainpay-go/wechatpay/signer"
)

// Version is this library's version, sent in the User-Agent header.
const Version = "0.1.0"

// DefaultBaseURL is WeChat Pay's primary API host.
const DefaultBaseURL = "https://api.mch.weixin.qq.com/"

// Defaults used when the matching Options field is zero.
const (
	DefaultTimeout      = 30 * time.Second       // whole call, retries included
	DefaultMaxRetries   = 2                      // WeChat Pay's advice for 5xx
	DefaultRetryWait    = 200 * time.Millisecond // first backoff step
	DefaultRetryMaxWait = 10 * time.Second       // longest single wait, Retry-After included
)

// maxBody bounds a JSON answer read into memory (downloads stream instead).
const maxBody = 64 << 20

// Options is what a Client is made from. The root package's wechatpay.New
// validates a wechatpay.Config and fills this in; NewClient only checks that
// the required parts are present.
type Options struct {
	MchID    string           // merchant ID, sent in every Authorization header
	Serial   string           // merchant API certificate serial, upper-case hex
	Signer   signer.Signer    // signs requests
	KeyStore *signer.KeyStore // verification keys; nil → an empty store (fill it before calling)
	APIv3Key string           // APIv3 key for notifications and certificate download; may be empty

	BaseURL    string       // default DefaultBaseURL
	HTTPClient *http.Client // copied, never mutated; nil → a fresh client

	Timeout        time.Duration // whole-call timeout; 0 → DefaultTimeout, < 0 → none
	MaxRetries     int           // retries after the first attempt; 0 → DefaultMaxRetries
	DisableRetries bool          // exactly one attempt per call
	RetryWait      time.Duration // base of the exponential backoff; 0 → DefaultRetryWait
	RetryMaxWait   time.Duration // cap of one wait; a longer Retry-After ends the retries; 0 → DefaultRetryMaxWait

	Logger    *slog.Logger     // nil → no logging
	LogBodies bool             // also log request and answer bodies (never headers)
	Now       func() time.Time // clock for signing and verifying; nil → time.Now
	UserAgent string           // appended to the library's User-Agent, e.g. "myshop/1.2"

	// OnUnknownSerial, if set, is called with the Wechatpay-Serial of an
	// answer signed by a key the KeyStore does not hold (e.g. a rotated
	// platform certificate), e.g. certs.Refresher.OnUnknownSerial(mchid). It
	// runs on the calling goroutine and must not block.
	OnUnknownSerial func(serial string)
}

// Client sends signed requests to WeChat Pay and verifies the answers. It is
// safe for concurrent use; make one per merchant and share it.
type Client struct {
	mchID        string
	auth         *signer.Authorizer
	keys         *signer.KeyStore
	apiv3Key     string
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
	onUnknown    func(serial string)
}

// NewClient makes a Client from already validated parts. Most programs call
// wechatpay.New instead, which validates keys and serials first.
func NewClient(o Options) (*Client, error) {
	if o.MchID == "" {
		return nil, errors.New("chain: Options.MchID is empty")
	}
	if o.Serial == "" {
		return nil, errors.New("chain: Options.Serial is empty")
	}
	if o.Signer == nil {
		return nil, errors.New("chain: Options.Signer is nil")
	}
	base, err := ParseBaseURL(o.BaseURL)
	if err != nil {
		return nil, err
	}
	keys := o.KeyStore
	if keys == nil {
		keys = signer.NewKeyStore(nil)
	}
	if o.MaxRetries < 0 {
		return nil, fmt.Errorf("chain: Options.MaxRetries is negative (%d); use DisableRetries", o.MaxRetries)
	}
	if !validHeaderValue(o.UserAgent) {
		return nil, fmt.Errorf("chain: Options.UserAgent %q contains a line break or another control character", o.UserAgent)
	}
	c := &Client{
		mchID:        o.MchID,
		auth:         &signer.Authorizer{MchID: o.MchID, Serial: o.Serial, Signer: o.Signer, Now: o.Now},
		keys:         keys,
		apiv3Key:     o.APIv3Key,
		verifier:     &signer.Verifier{Keys: keys, Now: o.Now},
		baseURL:      base,
		timeout:      o.Timeout,
		maxRetries:   o.MaxRetries,
		retryWait:    o.RetryWait,
		retryMaxWait: o.RetryMaxWait,
		logger:       o.Logger,
		logBodies:    o.LogBodies,
		userAgent:    userAgent(o.UserAgent),
		onUnknown:    o.OnUnknownSerial,
	}
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
	c.rc = resty.NewWithClient(&hc)
	c.rc.SetLogger(discardLogger{})
	c.rc.SetDisableWarn(true)
	// Signing is the last step before the wire: resty calls this hook after
	// it has built the final *http.Request, on every attempt.
	c.rc.SetPreRequestHook(c.signHook)
	return c, nil
}

// ParseBaseURL checks an API base URL and returns it with a trailing "/";
// "" gives DefaultBaseURL.
func ParseBaseURL(s string) (string, error) {
	if s == "" {
		return DefaultBaseURL, nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("chain: BaseURL %q: %w", s, err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("chain: BaseURL %q: want an absolute http(s) URL such as %s", s, DefaultBaseURL)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("chain: BaseURL %q: must not carry user info, a query or a fragment", s)
	}
	out := u.String()
	if !strings.HasSuffix(out, "/") {
		out += "/"
	}
	return out, nil
}

// KeyStore returns the live store of keys that verify WeChat Pay's answers.
// Add or replace keys in it to rotate certificates; the client sees changes at
// once.
func (c *Client) KeyStore() *signer.KeyStore { return c.keys }

// APIv3Key returns the APIv3 key the client was configured with ("" if none), so that
// certs and notify can be built from the client without passing it again.
func (c *Client) APIv3Key() string { return c.apiv3Key }

// MchID returns the merchant ID the client signs for.
func (c *Client) MchID() string { return c.mchID }

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
