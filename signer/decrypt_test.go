package signer_test

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/signer"
)

// TestRSASignerDecryptOAEP: the signing key opens what EncryptOAEP sealed
// under its public key; another key, a canceled ctx or a nil signer fail
// without showing the plaintext.
func TestRSASignerDecryptOAEP(t *testing.T) {
	t.Parallel()
	key, other := testkeys.RSA(90), testkeys.RSA(91) // two distinct test keys
	s, err := signer.NewRSASigner(key)
	if err != nil {
		t.Fatal(err)
	}
	var _ signer.Decrypter = s
	const secret = "0123456789abcdef0123456789abcdef"
	b64, err := signer.EncryptOAEP(&key.PublicKey, secret)
	if err != nil {
		t.Fatal(err)
	}
	ct, _ := base64.StdEncoding.DecodeString(b64)
	pt, err := s.DecryptOAEP(context.Background(), ct)
	if err != nil || string(pt) != secret {
		t.Fatalf("DecryptOAEP = %q, %v", pt, err)
	}
	wrong, _ := signer.EncryptOAEP(&other.PublicKey, secret)
	wct, _ := base64.StdEncoding.DecodeString(wrong)
	if _, err := s.DecryptOAEP(context.Background(), wct); err == nil || strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "wrong key") {
		t.Errorf("another key: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.DecryptOAEP(ctx, ct); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v, want context.Canceled", err)
	}
	var nilSigner *signer.RSASigner
	if _, err := nilSigner.DecryptOAEP(context.Background(), ct); err == nil {
		t.Error("nil signer: no error")
	}
}
