package signer

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// MinRSABits is the smallest RSA modulus this package accepts.
const MinRSABits = 2048

// maxKeyFile bounds how much of a key file is read.
const maxKeyFile = 1 << 20

// LoadPrivateKey reads the file at path and parses it as an RSA private key (the
// merchant API key, apiclient_key.pem); see ParsePrivateKey for the accepted forms. Files
// may also hold DER. Errors name the file; they never contain key material.
func LoadPrivateKey(path string) (*rsa.PrivateKey, error) {
	return load("LoadPrivateKey", path, parsePrivateKey)
}

// LoadPublicKey reads the file at path and parses it as an RSA public key; see
// ParsePublicKey for the accepted forms. Files may also hold DER.
func LoadPublicKey(path string) (*rsa.PublicKey, error) {
	return load("LoadPublicKey", path, parsePublicKey)
}

// LoadCertificate reads the file at path (PEM or DER) and parses it as an X.509
// certificate; see ParseCertificate.
func LoadCertificate(path string) (*x509.Certificate, error) {
	return load("LoadCertificate", path, parseCertificate)
}

// ParsePrivateKey parses an RSA private key from PEM (PKCS#1 "RSA PRIVATE KEY" or PKCS#8
// "PRIVATE KEY"; line breaks escaped as \n, as in environment variables and JSON, are
// accepted) or DER. Non-RSA keys (ErrNotRSA) and keys under 2048 bits (ErrKeyTooSmall)
// are refused. Errors list the forms that were tried and why each failed; they never
// contain key material.
func ParsePrivateKey(pem []byte) (*rsa.PrivateKey, error) {
	return parse("ParsePrivateKey", pem, parsePrivateKey)
}

// ParsePublicKey parses an RSA public key from PEM holding an SPKI "PUBLIC KEY" (the
// WeChat Pay public key, pub_key.pem), a PKCS#1 "RSA PUBLIC KEY", or an X.509
// "CERTIFICATE" (a platform certificate), or from DER of one of those. Non-RSA keys and
// keys under 2048 bits are refused.
func ParsePublicKey(pem []byte) (*rsa.PublicKey, error) {
	return parse("ParsePublicKey", pem, parsePublicKey)
}

// ParseCertificate parses an X.509 certificate from PEM or DER. The certificate must
// carry an RSA key of at least 2048 bits.
func ParseCertificate(pem []byte) (*x509.Certificate, error) {
	return parse("ParseCertificate", pem, parseCertificate)
}

// CertificateSerial loads the certificate file at path (see LoadCertificate) and returns
// its serial number as WeChat Pay prints it: upper-case hex (see SerialOf).
func CertificateSerial(path string) (string, error) {
	cert, err := LoadCertificate(path)
	if err != nil {
		return "", err
	}
	return SerialOf(cert), nil
}

// load reads the file at path (see readFile) and parses it; errors name fn and the file.
func load[T any](fn, path string, parse func([]byte) (T, error)) (T, error) {
	var zero T
	data, err := readFile(fn, path)
	if err != nil {
		return zero, err
	}
	v, err := parse(data)
	if err != nil {
		return zero, rewrap(fmt.Sprintf("%s from file %q", fn, path), err)
	}
	return v, nil
}

// parse parses data with parseFn after tidying PEM text (surrounding space, line breaks
// escaped as \n: a backslash never occurs in PEM); errors name fn.
func parse[T any](fn string, data []byte, parseFn func([]byte) (T, error)) (T, error) {
	var zero T
	if len(bytes.TrimSpace(data)) == 0 {
		return zero, fmt.Errorf("signer: %s: empty input: %w", fn, ErrNoKey)
	}
	if bytes.Contains(data, []byte("-----BEGIN")) {
		// PEM text (DER is left as is: its bytes may look like space). Surrounding space
		// goes; line breaks escaped as \n (an environment variable, a JSON or YAML string)
		// become line breaks again.
		data = bytes.TrimSpace(data)
		if bytes.Contains(data, []byte(`\n`)) {
			data = []byte(strings.NewReplacer(`\r\n`, "\n", `\n`, "\n").Replace(string(data)))
		}
	}
	v, err := parseFn(data)
	if err != nil {
		return zero, rewrap(fn, err)
	}
	return v, nil
}

// readFile reads the key file at path, at most maxKeyFile bytes. Errors name the file
// unless the path looks like key material or a secret given by mistake.
func readFile(fn, path string) ([]byte, error) {
	if strings.TrimSpace(path) == "" {
		return nil, fmt.Errorf("signer: %s: empty file path: %w", fn, ErrNoKey)
	}
	if strings.Contains(path, "-----BEGIN") || !looksLikePath(path) {
		// Do not echo: this may well be key material.
		return nil, fmt.Errorf("signer: %s: the value (not shown, it may be key material) is not a file path; use %s for PEM bytes: %w", fn, strings.Replace(fn, "Load", "Parse", 1), ErrNoKey)
	}
	f, err := os.Open(path)
	if err != nil {
		if mayBeSecret(path) {
			// A one-line base64 or alphanumeric value (a bare key, an APIv3 key) that is
			// not an existing file: do not echo it.
			return nil, rewrap(fn, fmt.Errorf("%w: the file name (not shown: it looks like base64 key material or a secret, not a path) cannot be opened: %w",
				ErrNoKey, unwrapPathError(err)))
		}
		return nil, rewrap(fn, fmt.Errorf("%w: %w", ErrNoKey, describeFileError(path, err)))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("signer: %s: reading file %q: %w", fn, path, err)
	}
	if len(data) > maxKeyFile {
		return nil, fmt.Errorf("signer: %s: file %q is larger than %d bytes; not a key file", fn, path, maxKeyFile)
	}
	return data, nil
}

// looksLikePath reports whether s can be echoed in an error as a path: short, one line,
// printable.
func looksLikePath(s string) bool {
	if len(s) == 0 || len(s) > 512 {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// mayBeSecret reports whether s, which failed to open as a file, looks like base64 key
// material or a secret (an APIv3 key) rather than a path: 32 characters or more, all of
// the base64 alphabet (no ".", "_", "-", "\\" or ":" as file names usually have).
func mayBeSecret(s string) bool {
	if len(s) < 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return true
}

// unwrapPathError drops the file name from an *os.PathError.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func describeFileError(path string, err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("open %q: %w", path, pe.Err)
	}
	return err
}

// pemBlocks decodes every PEM block in data. rest reports whether non-PEM bytes were seen
// and nothing decoded.
func pemBlocks(data []byte) []*pem.Block {
	var blocks []*pem.Block
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return blocks
		}
		blocks = append(blocks, b)
	}
}

// armourError is the error for data that has a -----BEGIN line but no decodable PEM
// block, or nil for other data.
func armourError(data []byte, what string) error {
	if !bytes.Contains(data, []byte("-----BEGIN")) {
		return nil
	}
	return fmt.Errorf("%w: no %s found: the text has a -----BEGIN line but no PEM block could be decoded; "+
		"the -----BEGIN …----- and -----END …----- lines must each be on a line of their own (were the line breaks lost or replaced by spaces?)", ErrNoKey, what)
}

// attempts collects, per tried form, why it failed.
type attempts []string

func (a *attempts) add(form string, err error) {
	msg := err.Error()
	if strings.HasPrefix(msg, "asn1: ") {
		// encoding/asn1 messages dump parser internals; the form name says enough.
		msg = "malformed ASN.1"
	}
	*a = append(*a, form+": "+msg)
}

func (a attempts) err(what string) error {
	if len(a) == 0 {
		return fmt.Errorf("%w: no %s found", ErrNoKey, what)
	}
	return fmt.Errorf("%w: no %s found; tried %s", ErrNoKey, what, strings.Join(a, "; "))
}

func checkRSAPublic(pub any) (*rsa.PublicKey, error) {
	k, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%w (got %s)", ErrNotRSA, keyKind(pub))
	}
	if k.N == nil || k.N.BitLen() < MinRSABits {
		bits := 0
		if k.N != nil {
			bits = k.N.BitLen()
		}
		return nil, fmt.Errorf("%w (got %d bits)", ErrKeyTooSmall, bits)
	}
	return k, nil
}

func checkRSAPrivate(priv any) (*rsa.PrivateKey, error) {
	k, ok := priv.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%w (got %s)", ErrNotRSA, keyKind(priv))
	}
	if _, err := checkRSAPublic(&k.PublicKey); err != nil {
		return nil, err
	}
	return k, nil
}

func keyKind(k any) string {
	t := fmt.Sprintf("%T", k)
	switch {
	case strings.Contains(t, "ecdsa"), strings.Contains(t, "ecdh"):
		return "an EC key"
	case strings.Contains(t, "ed25519"):
		return "an Ed25519 key"
	case strings.Contains(t, "dsa"):
		return "a DSA key"
	}
	return "a " + t
}

func parsePrivateKey(data []byte) (*rsa.PrivateKey, error) {
	var tried attempts
	blocks := pemBlocks(data)
	if len(blocks) == 0 {
		if err := armourError(data, "RSA private key"); err != nil {
			return nil, err
		}
		// DER from a file: PKCS#8, then PKCS#1.
		return parsePrivateDER(data, "DER", &tried)
	}
	for i, b := range blocks {
		label := fmt.Sprintf("PEM block %d %q", i+1, b.Type)
		switch b.Type {
		case "RSA PRIVATE KEY":
			if _, ok := b.Headers["DEK-Info"]; ok {
				tried.add(label, errors.New("encrypted PEM keys are not supported; decrypt it first (openssl rsa -in key.pem -out plain.pem)"))
				continue
			}
			k, err := x509.ParsePKCS1PrivateKey(b.Bytes)
			if err != nil {
				tried.add(label+" as PKCS#1", err)
				continue
			}
			return checkRSAPrivate(k)
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
			if err != nil {
				tried.add(label+" as PKCS#8", err)
				continue
			}
			return checkRSAPrivate(k)
		case "ENCRYPTED PRIVATE KEY":
			tried.add(label, errors.New("encrypted PKCS#8 keys are not supported; decrypt it first (openssl pkcs8 -in key.pem -nocrypt -out plain.pem)"))
		case "EC PRIVATE KEY":
			tried.add(label, ErrNotRSA)
			return nil, fmt.Errorf("%w (got an EC key in %s)", ErrNotRSA, label)
		default:
			tried.add(label, errors.New("not a private key block (want \"PRIVATE KEY\" or \"RSA PRIVATE KEY\")"))
		}
	}
	return nil, tried.err("RSA private key (PKCS#1 or PKCS#8)")
}

func parsePrivateDER(der []byte, label string, tried *attempts) (*rsa.PrivateKey, error) {
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return checkRSAPrivate(k)
	} else {
		tried.add(label+" as PKCS#8", err)
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return checkRSAPrivate(k)
	} else {
		tried.add(label+" as PKCS#1", err)
	}
	return nil, tried.err("RSA private key in DER (no PEM block either)")
}

func parsePublicKey(data []byte) (*rsa.PublicKey, error) {
	var tried attempts
	blocks := pemBlocks(data)
	if len(blocks) == 0 {
		if err := armourError(data, "RSA public key"); err != nil {
			return nil, err
		}
		if k, err := x509.ParsePKIXPublicKey(data); err == nil {
			return checkRSAPublic(k)
		} else {
			tried.add("DER as SPKI", err)
		}
		if k, err := x509.ParsePKCS1PublicKey(data); err == nil {
			return checkRSAPublic(k)
		} else {
			tried.add("DER as PKCS#1", err)
		}
		if c, err := x509.ParseCertificate(data); err == nil {
			return checkRSAPublic(c.PublicKey)
		} else {
			tried.add("DER as certificate", err)
		}
		return nil, tried.err("RSA public key in DER (no PEM block either)")
	}
	for i, b := range blocks {
		label := fmt.Sprintf("PEM block %d %q", i+1, b.Type)
		switch b.Type {
		case "PUBLIC KEY":
			k, err := x509.ParsePKIXPublicKey(b.Bytes)
			if err != nil {
				tried.add(label+" as SPKI", err)
				continue
			}
			return checkRSAPublic(k)
		case "RSA PUBLIC KEY":
			k, err := x509.ParsePKCS1PublicKey(b.Bytes)
			if err != nil {
				tried.add(label+" as PKCS#1", err)
				continue
			}
			return checkRSAPublic(k)
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				tried.add(label+" as X.509", err)
				continue
			}
			return checkRSAPublic(c.PublicKey)
		case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY":
			tried.add(label, errors.New("this is a private key; give the public key or the certificate"))
		default:
			tried.add(label, errors.New("not a public key block (want \"PUBLIC KEY\", \"RSA PUBLIC KEY\" or \"CERTIFICATE\")"))
		}
	}
	return nil, tried.err("RSA public key (SPKI, PKCS#1 or certificate)")
}

func parseCertificate(data []byte) (*x509.Certificate, error) {
	var tried attempts
	blocks := pemBlocks(data)
	if len(blocks) == 0 {
		if err := armourError(data, "certificate"); err != nil {
			return nil, err
		}
		c, err := x509.ParseCertificate(data)
		if err != nil {
			tried.add("DER as X.509", err)
			return nil, tried.err("certificate in DER (no PEM block either)")
		}
		if _, err := checkRSAPublic(c.PublicKey); err != nil {
			return nil, err
		}
		return c, nil
	}
	for i, b := range blocks {
		label := fmt.Sprintf("PEM block %d %q", i+1, b.Type)
		if b.Type != "CERTIFICATE" {
			tried.add(label, errors.New("not a \"CERTIFICATE\" block"))
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			tried.add(label+" as X.509", err)
			continue
		}
		if _, err := checkRSAPublic(c.PublicKey); err != nil {
			return nil, err
		}
		return c, nil
	}
	return nil, tried.err("certificate")
}

// prefixedError is err with a different message: "signer: <context>: <err without its
// own "signer: " prefix>". errors.Is/As see err.
type prefixedError struct {
	msg string
	err error
}

func (e *prefixedError) Error() string { return e.msg }
func (e *prefixedError) Unwrap() error { return e.err }

func rewrap(context string, err error) error {
	return &prefixedError{msg: "signer: " + context + ": " + strings.TrimPrefix(err.Error(), "signer: "), err: err}
}
