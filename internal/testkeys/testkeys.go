// Package testkeys gives tests generated keys and their PEM encodings.
//
// Generating an RSA key is slow, so each key is made once per test binary,
// on first use, and shared by every test that asks for it. No key is ever
// stored in the repository. Only _test.go files import this package.
package testkeys

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"sync"
	"testing"
)

var (
	mu   sync.Mutex
	keys = map[int]func() *rsa.PrivateKey{}

	small = sync.OnceValue(func() *rsa.PrivateKey { return generate(1024) })
)

// RSA returns the test binary's n-th 2048-bit RSA key: the same key for the
// same n on every call, a different key for a different n. It is generated
// on first use; different n may be generated concurrently.
func RSA(n int) *rsa.PrivateKey {
	mu.Lock()
	k, ok := keys[n]
	if !ok {
		k = sync.OnceValue(func() *rsa.PrivateKey { return generate(2048) })
		keys[n] = k
	}
	mu.Unlock()
	return k()
}

// Small returns the test binary's 1024-bit RSA key, for tests of the
// refusal of keys shorter than 2048 bits.
func Small() *rsa.PrivateKey { return small() }

// generate makes an RSA key of the given size; it panics if it cannot (key
// generation fails only for sizes no test asks for).
func generate(bits int) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		panic(fmt.Sprintf("testkeys: generate %d-bit key: %v", bits, err))
	}
	return k
}

// PrivatePEM returns key (RSA, ECDSA, …) as a PKCS #8 "PRIVATE KEY" PEM block.
func PrivatePEM(tb testing.TB, key any) string {
	tb.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		tb.Fatal(err)
	}
	return PEM("PRIVATE KEY", der)
}

// PublicPEM returns pub (*rsa.PublicKey, …) as a PKIX "PUBLIC KEY" PEM block.
func PublicPEM(tb testing.TB, pub any) string {
	tb.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		tb.Fatal(err)
	}
	return PEM("PUBLIC KEY", der)
}

// PEM returns der as a PEM block of the given type.
func PEM(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}
