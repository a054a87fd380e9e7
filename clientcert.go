package wechatpay

import (
	"crypto"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"strings"

	"software.sslmate.com/src/go-pkcs12"
)

// LoadClientCertificate loads the merchant API certificate for mutual TLS
// (Config.ClientCertificate), as the merchant platform hands it out:
// apiclient_cert.pem with apiclient_key.pem, or apiclient_cert.p12 alone.
// For a .p12 (or .pfx) file keyPath is ignored and the password is the
// merchant id, as WeChat Pay sets it; use ParseClientCertificatePKCS12 for
// another password. Errors name the file, never key material.
func LoadClientCertificate(certPath, keyPath, mchID string) (*tls.Certificate, error) {
	if ext := strings.ToLower(certPath); strings.HasSuffix(ext, ".p12") || strings.HasSuffix(ext, ".pfx") {
		data, err := os.ReadFile(certPath)
		if err != nil {
			return nil, fmt.Errorf("wechatpay: client certificate: %w", err)
		}
		c, err := ParseClientCertificatePKCS12(data, mchID)
		if err != nil {
			return nil, fmt.Errorf("%w (%s)", err, certPath)
		}
		return c, nil
	}
	if keyPath == "" {
		return nil, fmt.Errorf("wechatpay: client certificate %s: give the private key file (apiclient_key.pem) too", certPath)
	}
	c, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil {
		return nil, fmt.Errorf("wechatpay: client certificate %s with key %s: %w", certPath, keyPath, err)
	}
	return &c, nil
}

// ParseClientCertificatePKCS12 decodes an apiclient_cert.p12 (whose
// password is the merchant id) into a client certificate for mutual TLS.
// It uses software.sslmate.com/src/go-pkcs12, a maintained decoder that
// reads the legacy encryption of the files WeChat Pay issues.
func ParseClientCertificatePKCS12(data []byte, password string) (*tls.Certificate, error) {
	key, cert, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		if errors.Is(err, pkcs12.ErrIncorrectPassword) {
			return nil, errors.New("wechatpay: client certificate: wrong PKCS#12 password (WeChat Pay sets the merchant id)")
		}
		return nil, fmt.Errorf("wechatpay: client certificate: PKCS#12: %w", err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("wechatpay: client certificate: PKCS#12 key of type %T cannot sign", key)
	}
	if !publicKeysEqual(signer.Public(), cert.PublicKey) {
		return nil, errors.New("wechatpay: client certificate: the PKCS#12 key does not belong to its certificate")
	}
	c := &tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key, Leaf: cert}
	for _, ca := range chain {
		c.Certificate = append(c.Certificate, ca.Raw)
	}
	return c, nil
}

func publicKeysEqual(a, b crypto.PublicKey) bool {
	ea, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && ea.Equal(b)
}
