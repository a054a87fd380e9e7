// Package envconfig builds a wechatpay.Config from WECHATPAY_* environment
// variables, for the commands in cmd/ (cmd/example, cmd/wxpay).
//
// Variables:
//
//	WECHATPAY_MCHID           merchant id (required)
//	WECHATPAY_SERIAL          merchant API certificate serial, hex (required)
//	WECHATPAY_PRIVATE_KEY     merchant API private key: a file path, file:// URL or PEM text (required)
//	WECHATPAY_PUBLIC_KEY_ID   WeChat Pay public key id, PUB_KEY_ID_… (with WECHATPAY_PUBLIC_KEY)
//	WECHATPAY_PUBLIC_KEY      WeChat Pay public key: path or PEM (with WECHATPAY_PUBLIC_KEY_ID)
//	WECHATPAY_PLATFORM_CERTS  platform certificates: a folder (*.pem, *.crt, *.cer), files
//	                          separated by commas or the OS list separator, or PEM text
//	                          (one or more certificates; line breaks may be escaped as \n)
//	WECHATPAY_APIV3_KEY       APIv3 key, 32 bytes (optional; needed for notifications and certificate download)
//	WECHATPAY_BASE_URL        API base URL (optional; default https://api.mch.weixin.qq.com/)
//
// At least one of the public key pair or WECHATPAY_PLATFORM_CERTS must be
// given (both during a migration from certificates to the public key).
package envconfig

import (
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/internal/keysrc"
	"github.com/chainpay-go/wechatpay/signer"
)

// Variable names.
const (
	MchID         = "WECHATPAY_MCHID"
	Serial        = "WECHATPAY_SERIAL"
	PrivateKey    = "WECHATPAY_PRIVATE_KEY"
	PublicKeyID   = "WECHATPAY_PUBLIC_KEY_ID"
	PublicKey     = "WECHATPAY_PUBLIC_KEY"
	PlatformCerts = "WECHATPAY_PLATFORM_CERTS"
	APIv3Key      = "WECHATPAY_APIV3_KEY"
	BaseURL       = "WECHATPAY_BASE_URL"
)

// Names lists every variable Load reads.
var Names = []string{MchID, Serial, PrivateKey, PublicKeyID, PublicKey, PlatformCerts, APIv3Key, BaseURL}

// ErrMissing is matched (errors.Is) by every error about a variable that is not set.
var ErrMissing = errors.New("envconfig: variable not set")

// missingError names the variable that is not set and what to do.
type missingError struct{ msg string }

func (e *missingError) Error() string        { return "envconfig: " + e.msg }
func (e *missingError) Is(target error) bool { return target == ErrMissing }

func missing(format string, args ...any) error {
	return &missingError{msg: fmt.Sprintf(format, args...)}
}

// Present reports whether any of the variables is set (non-blank).
// getenv is os.Getenv or a stand-in for tests.
func Present(getenv func(string) string) bool {
	for _, n := range Names {
		if strings.TrimSpace(getenv(n)) != "" {
			return true
		}
	}
	return false
}

// Load reads the variables with getenv and returns a Config for
// wechatpay.New. Errors name the variable at fault and never hold key
// material.
func Load(getenv func(string) string) (wechatpay.Config, error) {
	get := func(n string) string { return strings.TrimSpace(getenv(n)) }
	var cfg wechatpay.Config
	for _, n := range []string{MchID, Serial, PrivateKey} {
		if get(n) == "" {
			return cfg, missing("%s is not set", n)
		}
	}
	cfg.MchID, cfg.Serial = get(MchID), get(Serial)
	key, err := keysrc.PrivateKey(get(PrivateKey))
	if err != nil {
		return cfg, fmt.Errorf("envconfig: %s: %w", PrivateKey, err)
	}
	cfg.PrivateKey = key
	cfg.PlatformKeys = map[string]*rsa.PublicKey{}

	id, pub := get(PublicKeyID), get(PublicKey)
	switch {
	case id != "" && pub == "":
		return cfg, missing("%s is set but %s is not", PublicKeyID, PublicKey)
	case id == "" && pub != "":
		return cfg, missing("%s is set but %s is not", PublicKey, PublicKeyID)
	case id != "":
		if !strings.HasPrefix(id, signer.PublicKeyIDPrefix) {
			return cfg, fmt.Errorf("envconfig: %s must start with %s", PublicKeyID, signer.PublicKeyIDPrefix)
		}
		k, err := keysrc.PublicKey(pub)
		if err != nil {
			return cfg, fmt.Errorf("envconfig: %s: %w", PublicKey, err)
		}
		cfg.PlatformKeys[id] = k
	}
	if certs := get(PlatformCerts); strings.Contains(certs, "-----BEGIN") {
		// PEM text, one or more certificates. A value from an env file or
		// JSON may carry its line breaks escaped as \n.
		if !strings.Contains(certs, "\n") {
			certs = strings.ReplaceAll(strings.ReplaceAll(certs, `\r\n`, "\n"), `\n`, "\n")
		}
		rest := []byte(certs)
		found := 0
		for {
			var block *pem.Block
			block, rest = pem.Decode(rest)
			if block == nil {
				break
			}
			cert, err := keysrc.Certificate(string(pem.EncodeToMemory(block)))
			if err != nil {
				return cfg, fmt.Errorf("envconfig: %s: %w", PlatformCerts, err)
			}
			pk, ok := cert.PublicKey.(*rsa.PublicKey)
			if !ok {
				return cfg, fmt.Errorf("envconfig: %s: a certificate does not hold an RSA key", PlatformCerts)
			}
			cfg.PlatformKeys[signer.SerialOf(cert)] = pk
			found++
		}
		if found == 0 {
			return cfg, fmt.Errorf("envconfig: %s holds no PEM certificate that can be decoded (were its line breaks lost?)", PlatformCerts)
		}
	} else if certs != "" {
		files, err := certFiles(certs)
		if err != nil {
			return cfg, fmt.Errorf("envconfig: %s: %w", PlatformCerts, err)
		}
		for _, f := range files {
			cert, err := keysrc.Certificate(f)
			if err != nil {
				return cfg, fmt.Errorf("envconfig: %s: %w", PlatformCerts, err)
			}
			pk, ok := cert.PublicKey.(*rsa.PublicKey)
			if !ok {
				return cfg, fmt.Errorf("envconfig: %s: %s does not hold an RSA key", PlatformCerts, f)
			}
			cfg.PlatformKeys[signer.SerialOf(cert)] = pk
		}
	}
	if len(cfg.PlatformKeys) == 0 {
		return cfg, missing("no WeChat Pay key: set %s and %s, or %s", PublicKeyID, PublicKey, PlatformCerts)
	}
	cfg.APIv3Key = get(APIv3Key)
	cfg.BaseURL = get(BaseURL)
	return cfg, nil
}

// certFiles expands WECHATPAY_PLATFORM_CERTS: a folder or a list of files.
func certFiles(v string) ([]string, error) {
	if fi, err := os.Stat(v); err == nil && fi.IsDir() {
		entries, err := os.ReadDir(v)
		if err != nil {
			return nil, err
		}
		var out []string
		for _, e := range entries {
			switch strings.ToLower(filepath.Ext(e.Name())) {
			case ".pem", ".crt", ".cer":
				if !e.IsDir() {
					out = append(out, filepath.Join(v, e.Name()))
				}
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("folder %s holds no .pem, .crt or .cer file", v)
		}
		return out, nil
	}
	var out []string
	for _, p := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == os.PathListSeparator }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no certificate file given")
	}
	return out, nil
}
