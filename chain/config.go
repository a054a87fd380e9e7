package chain

import (
	"crypto/rsa"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/chainpay-go/wechatpay/catalog"
	"github.com/chainpay-go/wechatpay/signer"
)

// Config describes one merchant: it is what a Client is made from
// (wechatpay.Config is the same type). MchID, Serial, one of PrivateKey or
// Signer, and PlatformKeys are required; everything else has a default.
type Config struct {
	MchID        string                    // merchant ID
	Serial       string                    // merchant API certificate serial (hex, as in the certificate; case and spaces do not matter)
	PrivateKey   *rsa.PrivateKey           // merchant API private key; or Signer
	Signer       signer.Signer             // optional: remote/HSM signing instead of PrivateKey
	PlatformKeys map[string]*rsa.PublicKey // serial or PUB_KEY_ID_… → key that signs WeChat Pay's answers
	APIv3Key     string                    // optional: notifications, certificate download (32 bytes); kept by the client (Client.APIv3Key)
	// APIv2Key is the 32-character APIv2 key that signs XML calls (the
	// "xml" option, templates v2/…) and their answers; optional.
	APIv2Key string
	// ClientCertificate is the merchant API certificate with its private
	// key (apiclient_cert.pem with apiclient_key.pem, or apiclient_cert.p12:
	// see wechatpay.LoadClientCertificate), presented for mutual TLS. The
	// APIv2 operations the catalogue marks x-api-cert-required are refused
	// before sending without it. Optional.
	ClientCertificate *tls.Certificate
	BaseURL           string       // default DefaultBaseURL
	HTTPClient        *http.Client // optional; copied, never mutated

	// BackupBaseURL is where an attempt that could not reach BaseURL (DNS,
	// connection refused or timed out, TLS handshake) goes next. Empty: the default,
	// DefaultBackupBaseURL when BaseURL is DefaultBaseURL (or empty), no
	// backup for any other BaseURL. NoBackupBaseURL ("-"): no backup. See
	// "Failover" in the package doc.
	BackupBaseURL string

	// Timeout bounds a whole call, retries included (default 30 s; negative: none).
	Timeout time.Duration
	// MaxRetries is how many times a 5xx, 429 or connection error is retried
	// (default 2, WeChat Pay's advice). Every retry is signed afresh.
	MaxRetries int
	// DisableRetries makes every call a single attempt.
	DisableRetries bool
	// RetryWait is the first backoff step (default 200 ms; it doubles, with jitter).
	RetryWait time.Duration
	// RetryMaxWait caps one wait (default 10 s). A Retry-After longer than
	// this ends the retries and returns the answer.
	RetryMaxWait time.Duration
	// Logger, if set, gets one record per attempt: method, path template,
	// status, Request-ID, attempt and duration. Never headers or signatures.
	Logger *slog.Logger
	// LogBodies also logs request and answer bodies, at debug level. They may
	// hold personal data: enable it only where the logs are protected.
	LogBodies bool
	// Now is the clock for signing and verifying (default time.Now).
	Now func() time.Time
	// UserAgent is appended to the library's User-Agent, e.g. "myshop/1.2".
	UserAgent string
	// OnUnknownSerial is called with the serial of an answer signed by a key
	// not in PlatformKeys (a rotated certificate): pass
	// certs.Refresher.OnUnknownSerial(mchid). It runs on the calling
	// goroutine and must not block.
	OnUnknownSerial func(serial string)
	// Validation is how each call is checked against the API catalogue
	// (package catalog) before it is signed. Warn, the zero value, logs
	// each finding once per method and template through Logger and sends
	// the call anyway (the catalogue can be stale: the gateway decides).
	// Strict refuses a call with findings: one *OptionsError listing every
	// one, matching ErrInvalidOptions. Off skips the check. One call can
	// override it with the "validation" option: chain.O{"validation": catalog.Off}.
	Validation catalog.Mode

	// Middleware wraps every call made through a Chain (Do, Get, Post …
	// and their Async forms; not downloads), outermost first, before the
	// client fills Defaults, checks the options and the catalogue, and
	// signs. See Middleware.
	Middleware []Middleware
	// AttemptObservers see every attempt once it has ended (inside the retry
	// loop, after signing), in order. See AttemptObserver.
	AttemptObservers []AttemptObserver
	// Defaults are filled into a call whose catalogue operation has the
	// field and whose caller left it out; never over a value given.
	Defaults Defaults
}

// checked is a Config after NewClient's checks: the normalised parts.
type checked struct {
	mchID  string
	serial string // upper-case hex
	signer signer.Signer
	keys   map[string]*rsa.PublicKey // by normalised serial or PUB_KEY_ID_…
	base   string                    // absolute, ends in "/"
	backup string                    // BackupBaseURL checked; "" for none
}

// check validates cfg. Errors name the Config field at fault and never
// include key material.
func (cfg *Config) check() (*checked, error) {
	mchID := strings.TrimSpace(cfg.MchID)
	if mchID == "" {
		return nil, errors.New("chain: Config.MchID is empty")
	}
	if !validMchID(mchID) {
		return nil, fmt.Errorf("chain: Config.MchID %q contains characters that cannot go into the Authorization header (want printable ASCII such as 1900000001)", mchID)
	}
	if strings.TrimSpace(cfg.Serial) == "" {
		return nil, errors.New("chain: Config.Serial is empty: give the merchant API certificate serial in hex")
	}
	serial, err := signer.NormalizeSerial(cfg.Serial)
	if err != nil {
		return nil, fmt.Errorf("chain: Config.Serial: %w", err)
	}

	var sg signer.Signer
	switch {
	case cfg.PrivateKey != nil && cfg.Signer != nil:
		return nil, errors.New("chain: Config.PrivateKey and Config.Signer are both set: give exactly one")
	case cfg.PrivateKey != nil:
		rs, err := signer.NewRSASigner(cfg.PrivateKey)
		if err != nil {
			return nil, fmt.Errorf("chain: Config.PrivateKey: %w", err)
		}
		sg = rs
	case cfg.Signer != nil:
		sg = cfg.Signer
	default:
		return nil, errors.New("chain: Config.PrivateKey and Config.Signer are both empty: give the merchant API private key (or a Signer)")
	}

	if cfg.APIv3Key != "" && len(cfg.APIv3Key) != 32 {
		return nil, fmt.Errorf("chain: Config.APIv3Key must be 32 bytes, got %d: %w", len(cfg.APIv3Key), signer.ErrAPIv3KeyLength)
	}
	keys := make(map[string]*rsa.PublicKey, len(cfg.PlatformKeys))
	for id, k := range cfg.PlatformKeys {
		if k == nil {
			return nil, fmt.Errorf("chain: Config.PlatformKeys[%q] is nil", id)
		}
		if err := checkPlatformKey(k); err != nil {
			return nil, fmt.Errorf("chain: Config.PlatformKeys[%q]: %w", id, err)
		}
		norm := strings.TrimSpace(id)
		if !strings.HasPrefix(norm, signer.PublicKeyIDPrefix) {
			if norm, err = signer.NormalizeSerial(id); err != nil {
				return nil, fmt.Errorf("chain: Config.PlatformKeys[%q]: want a certificate serial in hex or a %s…: %w", id, signer.PublicKeyIDPrefix, err)
			}
		}
		if prev, dup := keys[norm]; dup && !prev.Equal(k) {
			return nil, fmt.Errorf("chain: Config.PlatformKeys holds two different keys for the serial %s (written in different cases or with spaces)", norm)
		}
		keys[norm] = k
	}
	if len(keys) == 0 && cfg.APIv3Key == "" {
		return nil, errors.New("chain: Config.PlatformKeys is empty: give WeChat Pay's public key (PUB_KEY_ID_…) or platform certificates, " +
			"or set Config.APIv3Key to download the certificates (package certs)")
	}
	if err := signer.CheckMerchantSerial(serial, keys); err != nil {
		return nil, fmt.Errorf("chain: Config.Serial: %w", err)
	}
	if err := cfg.checkV2(); err != nil {
		return nil, err
	}
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("chain: Config.BaseURL: %w", err)
	}
	backup, err := backupBaseURL(base, cfg.BackupBaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("chain: Config.MaxRetries is negative (%d): use DisableRetries for no retries", cfg.MaxRetries)
	}
	if cfg.Validation < catalog.Warn || cfg.Validation > catalog.Off {
		return nil, fmt.Errorf("chain: Config.Validation is %v: want catalog.Warn, catalog.Strict or catalog.Off", cfg.Validation)
	}
	if !validHeaderValue(cfg.UserAgent) {
		return nil, fmt.Errorf("chain: Config.UserAgent %q contains a line break or another control character", cfg.UserAgent)
	}
	return &checked{mchID: mchID, serial: serial, signer: sg, keys: keys, base: base, backup: backup}, nil
}

// parseBaseURL checks an API base URL and returns it with a trailing "/";
// "" gives DefaultBaseURL. A path such as /v3/ is refused: the template
// starts with v3/, and the call would go to …/v3/v3/….
func parseBaseURL(s string) (string, error) {
	if s == "" {
		return DefaultBaseURL, nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("%q: %w", s, err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("%q: want an absolute http(s) URL such as %s", s, DefaultBaseURL)
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(s, "#") {
		return "", fmt.Errorf("%q: must not carry user info, a query or a fragment", s)
	}
	if p := strings.TrimSuffix(u.Path, "/"); strings.HasSuffix(p, "/v3") || p == "v3" {
		return "", fmt.Errorf("%q ends in /v3: templates start with v3/ themselves (the call would go to …/v3/v3/…): drop it", s)
	}
	out := u.String()
	if !strings.HasSuffix(out, "/") {
		out += "/"
	}
	return out, nil
}
