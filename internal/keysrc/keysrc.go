// Package keysrc reads a key setting as the WECHATPAY_* variables and the wxpay
// configuration write it: PEM text, a file path or a file:// URL. The library's
// signer.Load… functions take a file path only and signer.Parse… take bytes; this
// package is the one place where a setting's form is recognised.
package keysrc

import (
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"net/url"
	"strings"

	"github.com/chainpay-go/wechatpay/signer"
)

// PrivateKey reads the merchant private key from v (PEM text, a path or a file:// URL).
func PrivateKey(v string) (*rsa.PrivateKey, error) {
	return read(v, signer.ParsePrivateKey, signer.LoadPrivateKey)
}

// PublicKey reads an RSA public key (or a certificate's key) from v.
func PublicKey(v string) (*rsa.PublicKey, error) {
	return read(v, signer.ParsePublicKey, signer.LoadPublicKey)
}

// Certificate reads an X.509 certificate from v.
func Certificate(v string) (*x509.Certificate, error) {
	return read(v, signer.ParseCertificate, signer.LoadCertificate)
}

func read[T any](v string, parse func([]byte) (T, error), load func(string) (T, error)) (T, error) {
	v = strings.TrimSpace(v)
	if strings.Contains(v, "-----BEGIN") {
		return parse([]byte(v))
	}
	path, err := Path(v)
	if err != nil {
		var zero T
		return zero, err
	}
	return load(path)
}

// Path turns a file:// URL into a path; anything else is returned as is.
func Path(v string) (string, error) {
	if !strings.HasPrefix(strings.ToLower(v), "file://") {
		return v, nil
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "file" {
		return "", fmt.Errorf("keysrc: not a valid file:// URL: %w", signer.ErrNoKey)
	}
	switch u.Host {
	case "", "localhost":
		return u.Path, nil
	default: // file://relative/path
		return u.Host + u.Path, nil
	}
}
