package signer

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"fmt"
)

const (
	apiv3KeyLen = 32
	gcmNonceLen = 12
	gcmTagLen   = 16
)

func newGCM(apiv3Key, nonce string) (cipher.AEAD, error) {
	if len(apiv3Key) != apiv3KeyLen {
		return nil, fmt.Errorf("%w, got %d bytes (it is the 32-character APIv3 key set in the merchant platform, not the APIv2 key or the merchant ID)", ErrAPIv3KeyLength, len(apiv3Key))
	}
	if len(nonce) != gcmNonceLen {
		return nil, fmt.Errorf("signer: AES-GCM nonce must be %d bytes, got %d", gcmNonceLen, len(nonce))
	}
	block, err := aes.NewCipher([]byte(apiv3Key))
	if err != nil {
		return nil, fmt.Errorf("signer: AES-GCM: %w", err)
	}
	return cipher.NewGCM(block)
}

// DecryptAESGCM decrypts an AEAD_AES_256_GCM resource (notifications, platform
// certificates): key = the APIv3 key's 32 bytes, nonce = the 12-byte nonce string,
// associatedData = associated_data (may be empty), ciphertextB64 = base64 of
// ciphertext‖tag. A failed authentication wraps ErrAPIv3Key; a key that is not 32
// bytes wraps ErrAPIv3KeyLength. Errors never contain the key or plaintext.
func DecryptAESGCM(apiv3Key, nonce, associatedData, ciphertextB64 string) ([]byte, error) {
	aead, err := newGCM(apiv3Key, nonce)
	if err != nil {
		return nil, err
	}
	ct, err := base64.StdEncoding.DecodeString(ciphertextB64)
	if err != nil {
		return nil, fmt.Errorf("signer: AES-GCM ciphertext is not base64: %w", err)
	}
	if len(ct) < gcmTagLen {
		return nil, fmt.Errorf("signer: AES-GCM ciphertext is %d bytes, shorter than the %d-byte tag: truncated", len(ct), gcmTagLen)
	}
	pt, err := aead.Open(nil, []byte(nonce), ct, []byte(associatedData))
	if err != nil {
		return nil, fmt.Errorf("%w (or the ciphertext, nonce or associated_data %q was altered)", ErrAPIv3Key, clip(associatedData))
	}
	return pt, nil
}
