package wechatpay

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/signer"
)

// Config describes one merchant. MchID, Serial, one of PrivateKey or Signer,
// and PlatformKeys are required; everything else has a default.
type Config struct {
	MchID        string                    // merchant ID
	Serial       string                    // merchant API certificate serial (hex, as in the certificate; case and spaces do not matter)
	PrivateKey   *rsa.PrivateKey           // merchant API private key; or Signer
	Signer       signer.Signer             // optional: remote/HSM signing instead of PrivateKey
	PlatformKeys map[string]*rsa.PublicKey // serial or PUB_KEY_ID_… → key that signs WeChat Pay's answers
	APIv3Key     string                    // optional: notifications, certificate download (32 bytes)
	BaseURL      string                    // default https://api.mch.weixin.qq.com/
	HTTPClient   *http.Client              // optional; copied, never mutated

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
	// certs.Refresher.OnUnknownSerial(mchid). It must not block.
	OnUnknownSerial func(serial string)
}

// New checks cfg and returns a client. Errors name the Config field at fault
// and never include key material.
//
// PlatformKeys may be empty only when APIv3Key is set: that is the bootstrap
// of a merchant that still uses platform certificates. The certificates are
// then downloaded (package certs) and added to the client's KeyStore; until
// then every answer fails verification with signer.ErrUnknownSerial (as a
// *chain.VerifyError that still carries the answer).
func New(cfg Config) (*chain.Client, error) {
	mchID := strings.TrimSpace(cfg.MchID)
	if mchID == "" {
		return nil, errors.New("wechatpay: Config.MchID is empty")
	}
	if strings.ContainsAny(mchID, "\",= \t\r\n") {
		return nil, fmt.Errorf("wechatpay: Config.MchID %q contains characters that cannot go into the Authorization header", mchID)
	}
	if strings.TrimSpace(cfg.Serial) == "" {
		return nil, errors.New("wechatpay: Config.Serial is empty: give the merchant API certificate serial in hex")
	}
	serial, err := signer.NormalizeSerial(cfg.Serial)
	if err != nil {
		return nil, fmt.Errorf("wechatpay: Config.Serial: %w", err)
	}

	var sg signer.Signer
	switch {
	case cfg.PrivateKey != nil && cfg.Signer != nil:
		return nil, errors.New("wechatpay: Config.PrivateKey and Config.Signer are both set: give exactly one")
	case cfg.PrivateKey != nil:
		rs, err := signer.NewRSASigner(cfg.PrivateKey)
		if err != nil {
			return nil, fmt.Errorf("wechatpay: Config.PrivateKey: %w", err)
		}
		sg = rs
	case cfg.Signer != nil:
		sg = cfg.Signer
	default:
		return nil, errors.New("wechatpay: Config.PrivateKey and Config.Signer are both empty: give the merchant API private key (or a Signer)")
	}

	if cfg.APIv3Key != "" && len(cfg.APIv3Key) != 32 {
		return nil, fmt.Errorf("wechatpay: Config.APIv3Key must be 32 bytes, got %d", len(cfg.APIv3Key))
	}
	keys := make(map[string]*rsa.PublicKey, len(cfg.PlatformKeys))
	for id, k := range cfg.PlatformKeys {
		if k == nil {
			return nil, fmt.Errorf("wechatpay: Config.PlatformKeys[%q] is nil", id)
		}
		norm := strings.TrimSpace(id)
		if !strings.HasPrefix(norm, "PUB_KEY_ID_") {
			if norm, err = signer.NormalizeSerial(id); err != nil {
				return nil, fmt.Errorf("wechatpay: Config.PlatformKeys[%q]: want a certificate serial in hex or a PUB_KEY_ID_…: %w", id, err)
			}
		}
		if prev, dup := keys[norm]; dup && !prev.Equal(k) {
			return nil, fmt.Errorf("wechatpay: Config.PlatformKeys holds two different keys for the serial %s (written in different cases or with spaces)", norm)
		}
		keys[norm] = k
	}
	if len(keys) == 0 && cfg.APIv3Key == "" {
		return nil, errors.New("wechatpay: Config.PlatformKeys is empty: give WeChat Pay's public key (PUB_KEY_ID_…) or platform certificates, " +
			"or set Config.APIv3Key to download the certificates (package certs)")
	}
	if err := signer.CheckMerchantSerial(serial, keys); err != nil {
		return nil, fmt.Errorf("wechatpay: Config.Serial: %w", err)
	}
	if _, err := chain.ParseBaseURL(cfg.BaseURL); err != nil {
		return nil, fmt.Errorf("wechatpay: Config.BaseURL: %w", err)
	}
	if cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("wechatpay: Config.MaxRetries is negative (%d): use DisableRetries for no retries", cfg.MaxRetries)
	}
	if strings.IndexFunc(cfg.UserAgent, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) >= 0 {
		return nil, fmt.Errorf("wechatpay: Config.UserAgent %q contains a line break or another control character", cfg.UserAgent)
	}
	return chain.NewClient(chain.Options{
		MchID:           mchID,
		Serial:          serial,
		Signer:          sg,
		KeyStore:        signer.NewKeyStore(keys),
		APIv3Key:        cfg.APIv3Key,
		BaseURL:         cfg.BaseURL,
		HTTPClient:      cfg.HTTPClient,
		Timeout:         cfg.Timeout,
		MaxRetries:      cfg.MaxRetries,
		DisableRetries:  cfg.DisableRetries,
		RetryWait:       cfg.RetryWait,
		RetryMaxWait:    cfg.RetryMaxWait,
		Logger:          cfg.Logger,
		LogBodies:       cfg.LogBodies,
		Now:             cfg.Now,
		UserAgent:       cfg.UserAgent,
		OnUnknownSerial: cfg.OnUnknownSerial,
	})
}
