package testkeys_test

import (
	"crypto/x509"
	"encoding/pem"
	"testing"

	"github.com/chainpay-go/wechatpay/internal/testkeys"
)

func TestRSA(t *testing.T) {
	t.Parallel()
	a, b := testkeys.RSA(0), testkeys.RSA(1)
	if a != testkeys.RSA(0) || b != testkeys.RSA(1) {
		t.Error("a second call returned another key")
	}
	if a.Equal(b) {
		t.Error("RSA(0) and RSA(1) are the same key")
	}
	if n := a.N.BitLen(); n != 2048 {
		t.Errorf("RSA(0) has %d bits, want 2048", n)
	}
	if n := testkeys.Small().N.BitLen(); n != 1024 {
		t.Errorf("Small() has %d bits, want 1024", n)
	}
}

func TestPEM(t *testing.T) {
	t.Parallel()
	k := testkeys.RSA(0)
	block, rest := pem.Decode([]byte(testkeys.PrivatePEM(t, k)))
	if block == nil || block.Type != "PRIVATE KEY" || len(rest) != 0 {
		t.Fatalf("PrivatePEM: block %v, rest %q", block, rest)
	}
	priv, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil || !k.Equal(priv) {
		t.Errorf("PrivatePEM does not hold the key: %v", err)
	}
	block, rest = pem.Decode([]byte(testkeys.PublicPEM(t, &k.PublicKey)))
	if block == nil || block.Type != "PUBLIC KEY" || len(rest) != 0 {
		t.Fatalf("PublicPEM: block %v, rest %q", block, rest)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil || !k.PublicKey.Equal(pub) {
		t.Errorf("PublicPEM does not hold the public key: %v", err)
	}
}
