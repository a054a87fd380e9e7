package signer_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/signer"
)

func TestOAEP(t *testing.T) {
	t.Parallel()
	keys(t)
	const secret = "张三 13800138000"
	ct, err := signer.EncryptOAEP(&platformKey.PublicKey, secret)
	if err != nil {
		t.Fatal(err)
	}
	// Independent decryption with crypto/rsa, SHA-1 + MGF1-SHA-1.
	raw, err := base64.StdEncoding.DecodeString(ct)
	if err != nil {
		t.Fatal(err)
	}
	pt, err := rsa.DecryptOAEP(sha1.New(), nil, platformKey, raw, nil)
	if err != nil || string(pt) != secret {
		t.Fatalf("crypto/rsa DecryptOAEP = %q, %v", pt, err)
	}
	// And the other way.
	enc, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, &merchantKey.PublicKey, []byte(secret), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := signer.DecryptOAEP(merchantKey, base64.StdEncoding.EncodeToString(enc))
	if err != nil || got != secret {
		t.Fatalf("DecryptOAEP = %q, %v", got, err)
	}
	// Fresh randomness per call.
	ct2, _ := signer.EncryptOAEP(&platformKey.PublicKey, secret)
	if ct2 == ct {
		t.Fatal("two encryptions are equal")
	}
	// Failures do not leak the plaintext.
	if _, err := signer.DecryptOAEP(other, ct); err == nil {
		t.Fatal("decrypted with the wrong key")
	}
	if _, err := signer.DecryptOAEP(merchantKey, "%%"); err == nil {
		t.Fatal("bad base64 accepted")
	}
	if _, err := signer.DecryptOAEP(nil, ct); err == nil {
		t.Fatal("nil key accepted")
	}
	if _, err := signer.EncryptOAEP(nil, secret); err == nil {
		t.Fatal("nil key accepted")
	}
	// A zero or weak key is an error, not a panic or a weak ciphertext.
	if _, err := signer.EncryptOAEP(&rsa.PublicKey{}, secret); !errors.Is(err, signer.ErrKeyTooSmall) {
		t.Fatalf("zero key: %v, want ErrKeyTooSmall", err)
	}
	if _, err := signer.EncryptOAEP(&smallKey.PublicKey, secret); !errors.Is(err, signer.ErrKeyTooSmall) || strings.Contains(err.Error(), secret) {
		t.Fatalf("1024-bit key: %v, want ErrKeyTooSmall", err)
	}
	long := strings.Repeat("x", 215)
	if _, err := signer.EncryptOAEP(&platformKey.PublicKey, long); err == nil || strings.Contains(err.Error(), long) || !strings.Contains(err.Error(), "at most 214") {
		t.Fatalf("too long: %v", err)
	}
}
