package signer

import (
	"context"
	"crypto/rsa"
	"crypto/sha1"
	"errors"
	"fmt"
)

// Decrypter decrypts what WeChat Pay encrypted under the merchant's public
// key with RSA-OAEP (SHA-1, MGF1-SHA-1, no label), such as the encrypt_key
// of an encrypted bill's part. ciphertext is the raw RSA block (the field
// decoded from base64). A Signer that holds the merchant key elsewhere (KMS,
// HSM) can implement it too, and is then used for decryption as well;
// *RSASigner does. Implementations must be safe for concurrent use. The
// method is not called Decrypt, so that a type can also be a
// crypto.Decrypter.
type Decrypter interface {
	DecryptOAEP(ctx context.Context, ciphertext []byte) ([]byte, error)
}

// DecryptOAEP implements Decrypter with the signing key. Errors never
// include the key, the ciphertext or the plaintext.
func (s *RSASigner) DecryptOAEP(ctx context.Context, ciphertext []byte) ([]byte, error) {
	if s == nil || s.key == nil {
		return nil, errors.New("signer: DecryptOAEP: private key is nil")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("signer: DecryptOAEP: %w", err)
	}
	pt, err := rsa.DecryptOAEP(sha1.New(), nil, s.key, ciphertext, nil)
	if err != nil {
		return nil, fmt.Errorf("signer: DecryptOAEP: %w (wrong key, or not RSA-OAEP SHA-1)", err)
	}
	return pt, nil
}
