package certs

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/chainpay-go/wechatpay/signer"
)

// Certificate is one decrypted, checked platform certificate.
type Certificate struct {
	// Serial is the certificate serial in upper-case hex, as Wechatpay-Serial
	// names it.
	Serial string
	// EffectiveTime and ExpireTime are effective_time and expire_time of the
	// list entry.
	EffectiveTime, ExpireTime time.Time
	// Certificate is the parsed X.509 certificate.
	Certificate *x509.Certificate
	// PublicKey is the certificate's RSA key.
	PublicKey *rsa.PublicKey
	// PEM is the decrypted certificate, PEM-encoded.
	PEM []byte
}

// Expired reports whether c is no longer usable at now: its expire_time or
// the certificate's NotAfter has passed.
func (c Certificate) Expired(now time.Time) bool {
	return !now.Before(c.ExpireTime) || (c.Certificate != nil && now.After(c.Certificate.NotAfter))
}

// list is the JSON answer of GET /v3/certificates.
type list struct {
	Data []entry `json:"data"`
}

type entry struct {
	SerialNo           string `json:"serial_no"`
	EffectiveTime      string `json:"effective_time"`
	ExpireTime         string `json:"expire_time"`
	EncryptCertificate *struct {
		Algorithm      string `json:"algorithm"`
		Nonce          string `json:"nonce"`
		AssociatedData string `json:"associated_data"`
		Ciphertext     string `json:"ciphertext"`
	} `json:"encrypt_certificate"`
}

// Parse decodes a /v3/certificates answer body, decrypting and checking every
// entry with apiv3Key. It does not verify any signature (Download does). An empty
// data list gives ErrNoCertificates.
func Parse(body []byte, apiv3Key string) ([]Certificate, error) {
	var l list
	if err := json.Unmarshal(body, &l); err != nil {
		return nil, fmt.Errorf("certs: certificate list is not JSON: %w", err)
	}
	if len(l.Data) == 0 {
		return nil, ErrNoCertificates
	}
	out := make([]Certificate, 0, len(l.Data))
	for i, e := range l.Data {
		c, err := decodeEntry(i, e, apiv3Key)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func decodeEntry(i int, e entry, apiv3Key string) (Certificate, error) {
	where := fmt.Sprintf("data[%d] (serial_no %q)", i, clip(e.SerialNo))
	bad := func(format string, args ...any) (Certificate, error) {
		return Certificate{}, fmt.Errorf("%w: %s: "+format, append([]any{ErrInvalidCertificate, where}, args...)...)
	}
	serial, ok := new(big.Int).SetString(strings.TrimSpace(e.SerialNo), 16)
	if !ok || serial.Sign() <= 0 {
		return bad("serial_no is not a hex serial")
	}
	effective, err := time.Parse(time.RFC3339, e.EffectiveTime)
	if err != nil {
		return bad("effective_time %q is not RFC 3339", clip(e.EffectiveTime))
	}
	expire, err := time.Parse(time.RFC3339, e.ExpireTime)
	if err != nil {
		return bad("expire_time %q is not RFC 3339", clip(e.ExpireTime))
	}
	if !expire.After(effective) {
		return bad("expire_time %s is not after effective_time %s", e.ExpireTime, e.EffectiveTime)
	}
	enc := e.EncryptCertificate
	if enc == nil {
		return bad("missing encrypt_certificate")
	}
	if enc.Algorithm != "AEAD_AES_256_GCM" {
		return Certificate{}, fmt.Errorf("%w: %s: encrypt_certificate.algorithm: %w %q (want AEAD_AES_256_GCM)", ErrInvalidCertificate, where, signer.ErrUnknownAlgorithm, clip(enc.Algorithm))
	}
	plain, err := signer.DecryptAESGCM(apiv3Key, enc.Nonce, enc.AssociatedData, enc.Ciphertext)
	if err != nil {
		return Certificate{}, fmt.Errorf("certs: %s: decrypting encrypt_certificate: %w", where, err)
	}
	block, _ := pem.Decode(plain)
	if block == nil || block.Type != "CERTIFICATE" {
		return bad("decrypted encrypt_certificate is not a PEM certificate")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return bad("parsing certificate: %v", err)
	}
	if cert.SerialNumber.Cmp(serial) != 0 {
		return bad("serial_no does not match the certificate's serial %s", signer.SerialOf(cert))
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return Certificate{}, fmt.Errorf("%w: %s: %w", ErrInvalidCertificate, where, signer.ErrNotRSA)
	}
	return Certificate{
		Serial:        signer.SerialOf(cert),
		EffectiveTime: effective,
		ExpireTime:    expire,
		Certificate:   cert,
		PublicKey:     pub,
		PEM:           pem.EncodeToMemory(block),
	}, nil
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
