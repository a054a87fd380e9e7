package wechatpay

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/internal/keysrc"
	"github.com/chainpay-go/wechatpay/signer"
)

// The WECHATPAY_* variables ConfigFromEnv reads.
const (
	EnvMchID         = "WECHATPAY_MCHID"           // merchant id (required)
	EnvSerial        = "WECHATPAY_SERIAL"          // merchant API certificate serial, hex (required)
	EnvPrivateKey    = "WECHATPAY_PRIVATE_KEY"     // merchant API private key: a file path, file:// URL or PEM text (required)
	EnvPublicKeyID   = "WECHATPAY_PUBLIC_KEY_ID"   // WeChat Pay public key id, PUB_KEY_ID_… (with EnvPublicKey)
	EnvPublicKey     = "WECHATPAY_PUBLIC_KEY"      // WeChat Pay public key: path or PEM (with EnvPublicKeyID)
	EnvPlatformCerts = "WECHATPAY_PLATFORM_CERTS"  // platform certificates: a folder, files separated by commas or the OS list separator, or PEM text
	EnvAPIv3Key      = "WECHATPAY_APIV3_KEY"       // APIv3 key, 32 bytes (optional: notifications, certificate download)
	EnvBaseURL       = "WECHATPAY_BASE_URL"        // API base URL (optional; default chain.DefaultBaseURL)
	EnvBackupBaseURL = "WECHATPAY_BACKUP_BASE_URL" // backup host (optional; default chain.DefaultBackupBaseURL with the default base URL; "-" for none)
	EnvAPIv2Key      = "WECHATPAY_APIV2_KEY"       // APIv2 key, 32 characters (optional: APIv2 XML calls)
	EnvClientCert    = "WECHATPAY_CLIENT_CERT"     // merchant API certificate for mutual TLS: apiclient_cert.pem (with EnvClientKey) or apiclient_cert.p12 (password: the merchant id) (optional)
	EnvClientKey     = "WECHATPAY_CLIENT_KEY"      // apiclient_key.pem, with a PEM EnvClientCert
)

// EnvVars returns the names of every variable ConfigFromEnv reads, in the
// order above.
func EnvVars() []string {
	return []string{EnvMchID, EnvSerial, EnvPrivateKey, EnvPublicKeyID, EnvPublicKey, EnvPlatformCerts, EnvAPIv3Key, EnvBaseURL,
		EnvBackupBaseURL, EnvAPIv2Key, EnvClientCert, EnvClientKey}
}

// ErrMissingEnv is matched (errors.Is) by an *EnvError that lists a
// variable that is not set.
var ErrMissingEnv = errors.New("wechatpay: environment variable not set")

// EnvError lists every missing or malformed WECHATPAY_* variable, each
// problem an *EnvProblem naming its variable. It never holds key material.
// It unwraps to the problems, so errors.Is(err, ErrMissingEnv) works.
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

// EnvProblem is one problem of an EnvError. Var names the variable, so a
// program that layers its own sources over the environment (wxpay's flags
// and profiles) can say where the value came from. A problem about a
// variable that is not set matches ErrMissingEnv (errors.Is); Var is then
// the variable to set: of a pair (EnvPublicKeyID and EnvPublicKey,
// EnvClientCert and EnvClientKey), the one missing; when no WeChat Pay key
// is given at all, EnvPlatformCerts. Err never holds the value.
type EnvProblem struct {
	Var string
	Err error
}

// Error names the variable: "VAR: cause", or for a variable not set the
// sentence saying so ("WECHATPAY_MCHID is not set").
func (e *EnvProblem) Error() string {
	var m *missingEnv
	if errors.As(e.Err, &m) {
		return m.msg
	}
	return e.Var + ": " + e.Err.Error()
}

// Unwrap returns the problem's cause.
func (e *EnvProblem) Unwrap() error { return e.Err }

// missingEnv is the cause of an EnvProblem about a variable not set.
type missingEnv struct{ msg string }

func (e *missingEnv) Error() string        { return e.msg }
func (e *missingEnv) Is(target error) bool { return target == ErrMissingEnv }

// ConfigFromEnv reads the WECHATPAY_* variables (see EnvMchID and the
// constants after it) and returns a Config for New. At least one of the
// public-key pair (EnvPublicKeyID and EnvPublicKey) or EnvPlatformCerts
// must be set (both during a migration from certificates to the public
// key). Every missing or malformed variable is named in one *EnvError.
//
// EnvPlatformCerts is a list of entries separated by commas, the OS list
// separator or line breaks; each entry is a certificate file, a folder
// (standing for its .pem, .crt and .cer files, in name order) or PEM text
// holding one or more certificates (its line breaks may be escaped as \n).
//
// With an *EnvError, the Config returned holds every value that could be
// read: a program that needs only some settings (a signing tool needs the
// private key alone) may drop the problems about the variables it does not
// need. New refuses such a Config when something it requires is missing.
func ConfigFromEnv() (Config, error) { return ConfigFromLookup(os.Getenv) }

// ConfigFromLookup is ConfigFromEnv reading the variables with getenv
// instead of os.Getenv: a map in a test, a secrets store, a program's own
// layering of flags over the environment.
func ConfigFromLookup(getenv func(string) string) (Config, error) {
	get := func(n string) string { return strings.TrimSpace(getenv(n)) }
	var probs []error
	missing := func(name, format string, args ...any) {
		probs = append(probs, &EnvProblem{Var: name, Err: &missingEnv{msg: fmt.Sprintf(format, args...)}})
	}
	bad := func(name string, err error) { probs = append(probs, &EnvProblem{Var: name, Err: err}) }

	cfg := Config{MchID: get(EnvMchID), Serial: get(EnvSerial), APIv3Key: get(EnvAPIv3Key), BaseURL: get(EnvBaseURL),
		BackupBaseURL: get(EnvBackupBaseURL)}
	switch {
	case cfg.MchID == "":
		missing(EnvMchID, "%s is not set", EnvMchID)
	case strings.ContainsAny(cfg.MchID, "\",= \t\r\n"):
		bad(EnvMchID, errors.New("contains characters that cannot go into the Authorization header"))
	}
	if cfg.Serial == "" {
		missing(EnvSerial, "%s is not set", EnvSerial)
	} else if err := checkSerial(cfg.Serial); err != nil {
		bad(EnvSerial, err)
	}
	if v := get(EnvPrivateKey); v == "" {
		missing(EnvPrivateKey, "%s is not set", EnvPrivateKey)
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
		missing(EnvPublicKey, "%s is set but %s is not", EnvPublicKeyID, EnvPublicKey)
	case id == "" && pub != "":
		missing(EnvPublicKeyID, "%s is set but %s is not", EnvPublicKey, EnvPublicKeyID)
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
		missing(EnvPlatformCerts, "no WeChat Pay key: set %s and %s, or %s", EnvPublicKeyID, EnvPublicKey, EnvPlatformCerts)
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
		missing(EnvClientCert, "%s is set but %s is not", EnvClientKey, EnvClientCert)
	case cert != "":
		if err := checkFile(cert); err != nil {
			bad(EnvClientCert, err)
		} else if err := checkFile(key); key != "" && err != nil {
			bad(EnvClientKey, err)
		} else if cc, err := LoadClientCertificate(cert, key, cfg.MchID); err != nil {
			bad(EnvClientCert, err)
		} else {
			cfg.ClientCertificate = cc
		}
	}
	if cfg.BaseURL != "" {
		if !absoluteHTTPURL(cfg.BaseURL) {
			bad(EnvBaseURL, errors.New("want an absolute http(s) URL such as https://api.mch.weixin.qq.com/"))
		}
	}
	if b := cfg.BackupBaseURL; b != "" && b != chain.NoBackupBaseURL {
		if !absoluteHTTPURL(b) {
			bad(EnvBackupBaseURL, errors.New(`want an absolute http(s) URL such as https://api2.wechatpay.cn/, or "-" for no backup`))
		}
	}
	if len(probs) > 0 {
		return cfg, &EnvError{Problems: probs}
	}
	return cfg, nil
}

// checkFile checks that the file named by a variable can be opened. The
// error does not quote the name: LoadClientCertificate would, and a value
// that is no file may be a secret given to the wrong variable.
func checkFile(name string) error {
	f, err := os.Open(name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("cannot open the file (%d characters; the name is not shown): %w", len(name), err)
	}
	return f.Close()
}

// checkSerial checks the merchant certificate serial without quoting it: a
// secret pasted into the wrong variable must not be printed back. A decimal
// serial keeps signer's hint (its hex form): 41 digits or more are no key.
func checkSerial(v string) error {
	_, err := signer.NormalizeSerial(v)
	if err == nil || errors.Is(err, signer.ErrDecimalSerial) {
		return err
	}
	return fmt.Errorf("%w: must be the certificate serial in hex (%d characters; the value is not shown)", signer.ErrInvalidSerial, len(v))
}

// addCertificates adds the keys of the platform certificates in v (see
// ConfigFromEnv: files, folders and PEM text) to keys, by certificate serial.
func addCertificates(keys map[string]*rsa.PublicKey, v string) error {
	blocks, paths, err := splitPEM(v)
	if err != nil {
		return err
	}
	var certs []*x509.Certificate
	for _, b := range blocks {
		cert, err := signer.ParseCertificate(pem.EncodeToMemory(b))
		if err != nil {
			return err
		}
		certs = append(certs, cert)
	}
	if len(keysrc.SplitList(paths)) > 0 || len(blocks) == 0 {
		files, err := certFiles(paths)
		if err != nil {
			return err
		}
		for _, f := range files {
			cert, err := keysrc.Certificate(f)
			if err != nil {
				return err
			}
			certs = append(certs, cert)
		}
	}
	for _, cert := range certs {
		pk, ok := cert.PublicKey.(*rsa.PublicKey)
		if !ok {
			return fmt.Errorf("the certificate %s does not hold an RSA key", signer.SerialOf(cert))
		}
		keys[signer.SerialOf(cert)] = pk
	}
	return nil
}

// splitPEM takes the PEM blocks out of v and returns them and the text
// around them (the file and folder entries). A block whose line breaks are
// escaped as \n (an env file, JSON) is unescaped first.
func splitPEM(v string) (blocks []*pem.Block, rest string, err error) {
	const begin, end, dashes = "-----BEGIN", "-----END", "-----"
	var paths strings.Builder
	for {
		i := strings.Index(v, begin)
		if i < 0 {
			paths.WriteString(v)
			return blocks, paths.String(), nil
		}
		paths.WriteString(v[:i])
		paths.WriteByte('\n')
		v = v[i:]
		n := len(v)
		if j := strings.Index(v, end); j >= 0 {
			if k := strings.Index(v[j+len(end):], dashes); k >= 0 {
				n = j + len(end) + k + len(dashes)
			}
		}
		text := v[:n]
		v = v[n:]
		if !strings.Contains(text, "\n") {
			text = strings.ReplaceAll(strings.ReplaceAll(text, `\r\n`, "\n"), `\n`, "\n")
		}
		b, _ := pem.Decode([]byte(text))
		if b == nil {
			return nil, "", errors.New("holds no PEM certificate that can be decoded (were its line breaks lost?)")
		}
		blocks = append(blocks, b)
	}
}

// certFiles expands the file and folder entries of EnvPlatformCerts: a
// folder stands for its .pem, .crt and .cer files (in name order). An entry
// that cannot be opened is returned as it is: keysrc.Certificate reports it
// without echoing a value that may be a misplaced secret.
func certFiles(v string) ([]string, error) {
	var out []string
	for _, e := range keysrc.SplitList(v) {
		dir, err := keysrc.Path(e)
		if err != nil {
			return nil, err
		}
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			out = append(out, e)
			continue
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		n := len(out)
		for _, d := range entries {
			switch strings.ToLower(filepath.Ext(d.Name())) {
			case ".pem", ".crt", ".cer":
				if !d.IsDir() {
					out = append(out, filepath.Join(dir, d.Name()))
				}
			}
		}
		if len(out) == n {
			return nil, fmt.Errorf("folder %s holds no .pem, .crt or .cer file", e)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no certificate file given")
	}
	return out, nil
}

// absoluteHTTPURL reports whether s is an absolute http or https URL with a
// host (Config.check says the rest of what is wrong with a base URL).
func absoluteHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
