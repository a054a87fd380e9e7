package wechatpay

import (
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/chainpay-go/wechatpay/internal/keysrc"
	"github.com/chainpay-go/wechatpay/signer"
)

// The WECHATPAY_* variables ConfigFromEnv reads.
const (
	EnvMchID         = "WECHATPAY_MCHID"          // merchant id (required)
	EnvSerial        = "WECHATPAY_SERIAL"         // merchant API certificate serial, hex (required)
	EnvPrivateKey    = "WECHATPAY_PRIVATE_KEY"    // merchant API private key: a file path, file:// URL or PEM text (required)
	EnvPublicKeyID   = "WECHATPAY_PUBLIC_KEY_ID"  // WeChat Pay public key id, PUB_KEY_ID_… (with EnvPublicKey)
	EnvPublicKey     = "WECHATPAY_PUBLIC_KEY"     // WeChat Pay public key: path or PEM (with EnvPublicKeyID)
	EnvPlatformCerts = "WECHATPAY_PLATFORM_CERTS" // platform certificates: a folder, files separated by commas or the OS list separator, or PEM text
	EnvAPIv3Key      = "WECHATPAY_APIV3_KEY"      // APIv3 key, 32 bytes (optional: notifications, certificate download)
	EnvBaseURL       = "WECHATPAY_BASE_URL"       // API base URL (optional; default chain.DefaultBaseURL)
	EnvAPIv2Key      = "WECHATPAY_APIV2_KEY"      // APIv2 key, 32 characters (optional: APIv2 XML calls)
	EnvClientCert    = "WECHATPAY_CLIENT_CERT"    // merchant API certificate for mutual TLS: apiclient_cert.pem (with EnvClientKey) or apiclient_cert.p12 (password: the merchant id) (optional)
	EnvClientKey     = "WECHATPAY_CLIENT_KEY"     // apiclient_key.pem, with a PEM EnvClientCert
)

// EnvVars returns the names of every variable ConfigFromEnv reads, in the
// order above.
func EnvVars() []string {
	return []string{EnvMchID, EnvSerial, EnvPrivateKey, EnvPublicKeyID, EnvPublicKey, EnvPlatformCerts, EnvAPIv3Key, EnvBaseURL,
		EnvAPIv2Key, EnvClientCert, EnvClientKey}
}

// ErrMissingEnv is matched (errors.Is) by an *EnvError that lists a
// variable that is not set.
var ErrMissingEnv = errors.New("wechatpay: environment variable not set")

// EnvError lists every missing or malformed WECHATPAY_* variable, each
// problem naming its variable. It never holds key material. It unwraps to
// the problems, so errors.Is(err, ErrMissingEnv) works.
type EnvError struct {
	Problems []error
}

// Error gives all problems on one line.
func (e *EnvError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Error()
	}
	return "wechatpay: WECHATPAY_* variables: " + strings.Join(msgs, "; ")
}

// Unwrap returns the individual problems.
func (e *EnvError) Unwrap() []error { return e.Problems }

// EnvProblem is one problem of an EnvError about a malformed variable:
// Var names the variable, so a program that layers its own sources over
// the environment (wxpay's flags and profiles) can name where it came from.
type EnvProblem struct {
	Var string
	Err error
}

func (e *EnvProblem) Error() string { return e.Var + ": " + e.Err.Error() }

// Unwrap returns the problem's cause.
func (e *EnvProblem) Unwrap() error { return e.Err }

// missingEnv is one problem of an EnvError about a variable not set.
type missingEnv struct{ msg string }

func (e *missingEnv) Error() string        { return e.msg }
func (e *missingEnv) Is(target error) bool { return target == ErrMissingEnv }

// ConfigFromEnv reads the WECHATPAY_* variables (see EnvMchID and the
// constants after it) and returns a Config for New. At least one of the
// public-key pair (EnvPublicKeyID and EnvPublicKey) or EnvPlatformCerts
// must be set (both during a migration from certificates to the public
// key). Every missing or malformed variable is named in one *EnvError.
func ConfigFromEnv() (Config, error) { return ConfigFromLookup(os.Getenv) }

// ConfigFromLookup is ConfigFromEnv reading the variables with getenv
// instead of os.Getenv: a map in a test, a secrets store, a program's own
// layering of flags over the environment.
func ConfigFromLookup(getenv func(string) string) (Config, error) {
	get := func(n string) string { return strings.TrimSpace(getenv(n)) }
	var probs []error
	missing := func(format string, args ...any) {
		probs = append(probs, &missingEnv{msg: fmt.Sprintf(format, args...)})
	}
	bad := func(name string, err error) { probs = append(probs, &EnvProblem{Var: name, Err: err}) }

	cfg := Config{MchID: get(EnvMchID), Serial: get(EnvSerial), APIv3Key: get(EnvAPIv3Key), BaseURL: get(EnvBaseURL)}
	switch {
	case cfg.MchID == "":
		missing("%s is not set", EnvMchID)
	case strings.ContainsAny(cfg.MchID, "\",= \t\r\n"):
		bad(EnvMchID, errors.New("contains characters that cannot go into the Authorization header"))
	}
	if cfg.Serial == "" {
		missing("%s is not set", EnvSerial)
	} else if _, err := signer.NormalizeSerial(cfg.Serial); err != nil {
		bad(EnvSerial, err)
	}
	if v := get(EnvPrivateKey); v == "" {
		missing("%s is not set", EnvPrivateKey)
	} else if key, err := keysrc.PrivateKey(v); err != nil {
		bad(EnvPrivateKey, err)
	} else {
		cfg.PrivateKey = key
	}

	cfg.PlatformKeys = map[string]*rsa.PublicKey{}
	keyProblems := len(probs)
	id, pub := get(EnvPublicKeyID), get(EnvPublicKey)
	switch {
	case id != "" && pub == "":
		missing("%s is set but %s is not", EnvPublicKeyID, EnvPublicKey)
	case id == "" && pub != "":
		missing("%s is set but %s is not", EnvPublicKey, EnvPublicKeyID)
	case id != "":
		if !strings.HasPrefix(id, signer.PublicKeyIDPrefix) {
			bad(EnvPublicKeyID, fmt.Errorf("must start with %s", signer.PublicKeyIDPrefix))
		}
		if k, err := keysrc.PublicKey(pub); err != nil {
			bad(EnvPublicKey, err)
		} else if strings.HasPrefix(id, signer.PublicKeyIDPrefix) {
			cfg.PlatformKeys[id] = k
		}
	}
	if certs := get(EnvPlatformCerts); certs != "" {
		if err := addCertificates(cfg.PlatformKeys, certs); err != nil {
			bad(EnvPlatformCerts, err)
		}
	}
	if len(cfg.PlatformKeys) == 0 && len(probs) == keyProblems {
		missing("no WeChat Pay key: set %s and %s, or %s", EnvPublicKeyID, EnvPublicKey, EnvPlatformCerts)
	}

	if cfg.APIv3Key != "" && len(cfg.APIv3Key) != 32 {
		bad(EnvAPIv3Key, fmt.Errorf("must be 32 bytes, got %d", len(cfg.APIv3Key)))
	}
	if cfg.APIv2Key = get(EnvAPIv2Key); cfg.APIv2Key != "" {
		if err := signer.CheckAPIv2Key(cfg.APIv2Key); err != nil {
			bad(EnvAPIv2Key, fmt.Errorf("%w (got %d)", err, len(cfg.APIv2Key)))
		}
	}
	switch cert, key := get(EnvClientCert), get(EnvClientKey); {
	case cert == "" && key != "":
		missing("%s is set but %s is not", EnvClientKey, EnvClientCert)
	case cert != "":
		cc, err := LoadClientCertificate(cert, key, cfg.MchID)
		if err != nil {
			bad(EnvClientCert, err)
		}
		cfg.ClientCertificate = cc
	}
	if cfg.BaseURL != "" {
		if u, err := url.Parse(cfg.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			bad(EnvBaseURL, errors.New("want an absolute http(s) URL such as https://api.mch.weixin.qq.com/"))
		}
	}
	if len(probs) > 0 {
		return Config{}, &EnvError{Problems: probs}
	}
	return cfg, nil
}

// addCertificates adds the keys of the platform certificates in v (PEM
// text, a folder or a list of files) to keys, by certificate serial.
func addCertificates(keys map[string]*rsa.PublicKey, v string) error {
	if strings.Contains(v, "-----BEGIN") {
		// PEM text, one or more certificates. A value from an env file or
		// JSON may carry its line breaks escaped as \n.
		if !strings.Contains(v, "\n") {
			v = strings.ReplaceAll(strings.ReplaceAll(v, `\r\n`, "\n"), `\n`, "\n")
		}
		rest := []byte(v)
		found := 0
		for {
			var block *pem.Block
			block, rest = pem.Decode(rest)
			if block == nil {
				break
			}
			cert, err := keysrc.Certificate(string(pem.EncodeToMemory(block)))
			if err != nil {
				return err
			}
			pk, ok := cert.PublicKey.(*rsa.PublicKey)
			if !ok {
				return errors.New("a certificate does not hold an RSA key")
			}
			keys[signer.SerialOf(cert)] = pk
			found++
		}
		if found == 0 {
			return errors.New("holds no PEM certificate that can be decoded (were its line breaks lost?)")
		}
		return nil
	}
	files, err := certFiles(v)
	if err != nil {
		return err
	}
	for _, f := range files {
		cert, err := keysrc.Certificate(f)
		if err != nil {
			return err
		}
		pk, ok := cert.PublicKey.(*rsa.PublicKey)
		if !ok {
			return fmt.Errorf("%s does not hold an RSA key", f)
		}
		keys[signer.SerialOf(cert)] = pk
	}
	return nil
}

// certFiles expands EnvPlatformCerts: a folder or a list of files.
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
