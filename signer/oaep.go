package signer

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
)

// Algorithm names accepted by Encrypt.
const (
	// AlgorithmOAEP is RSA-OAEP with SHA-1 and MGF1-SHA-1, what APIv3 uses.
	AlgorithmOAEP = "RSA-OAEP"
)

// EncryptOAEP encrypts a sensitive field (name, ID number, phone...) for WeChat Pay
// with RSA-OAEP, SHA-1 and MGF1-SHA-1 under the platform public key, and returns base64.
// The request must then carry Wechatpay-Serial naming that key. A key under 2048 bits
// (or a zero key) is refused with ErrKeyTooSmall. There is deliberately no PKCS#1 v1.5
// encryption in this package.
func EncryptOAEP(pub *rsa.PublicKey, plaintext string) (string, error) {
	if pub == nil {
		return "", errors.New("signer: EncryptOAEP: public key is nil")
	}
	if _, err := checkRSAPublic(pub); err != nil {
		return "", rewrap("EncryptOAEP", err)
	}
	if max := pub.Size() - 2*sha1.Size - 2; len(plaintext) > max {
		return "", fmt.Errorf("signer: EncryptOAEP: plaintext is %d bytes, at most %d fit in one RSA-OAEP block with this key", len(plaintext), max)
	}
	ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, pub, []byte(plaintext), nil)
	if err != nil {
		return "", fmt.Errorf("signer: EncryptOAEP: %w", err)
	}
	return base64.StdEncoding.EncodeToString(ct), nil
}

// DecryptOAEP decrypts a base64 RSA-OAEP (SHA-1, MGF1-SHA-1) field that WeChat Pay
// encrypted under the merchant key.
func DecryptOAEP(priv *rsa.PrivateKey, ciphertextB64 string) (string, error) {
	if priv == nil {
		return "", errors.New("signer: DecryptOAEP: private key is nil")
	}
	ct, err := base64.StdEncoding.DecodeString(ciphertextB64)
	if err != nil {
		return "", errors.New("signer: DecryptOAEP: ciphertext is not base64")
	}
	pt, err := rsa.DecryptOAEP(sha1.New(), nil, priv, ct, nil)
	if err != nil {
		return "", fmt.Errorf("signer: DecryptOAEP: %w (wrong key, or not RSA-OAEP SHA-1)", err)
	}
	return string(pt), nil
}
