package gateway

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"fmt"

	"github.com/chainpay-go/wechatpay/signer"
)

// EncryptAESGCM is the inverse of signer.DecryptAESGCM: it encrypts
// plaintext with the 32-byte APIv3 key, a 12-byte nonce and the associated
// data (AEAD_AES_256_GCM) and returns base64 of ciphertext‖tag. A key that
// is not 32 bytes wraps signer.ErrAPIv3KeyLength.
func EncryptAESGCM(apiv3Key, nonce, associatedData string, plaintext []byte) (string, error) {
	if len(apiv3Key) != 32 {
		return "", fmt.Errorf("gateway: %w, got %d bytes", signer.ErrAPIv3KeyLength, len(apiv3Key))
	}
	if len(nonce) != 12 {
		return "", fmt.Errorf("gateway: AES-GCM nonce must be 12 bytes, got %d", len(nonce))
	}
	block, err := aes.NewCipher([]byte(apiv3Key))
	if err != nil {
		return "", fmt.Errorf("gateway: AES-GCM: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return "", fmt.Errorf("gateway: AES-GCM: %w", err)
	}
	return base64.StdEncoding.EncodeToString(aead.Seal(nil, []byte(nonce), plaintext, []byte(associatedData))), nil
}

// NewAESGCMNonce returns a fresh 12-character [0-9A-Za-z] nonce for EncryptAESGCM.
func NewAESGCMNonce() (string, error) {
	n, err := signer.NewNonce()
	if err != nil {
		return "", err
	}
	return n[:12], nil
}
