package signer_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay/internal/gateway"
	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Keys are generated once per test binary: RSA generation is slow.
var (
	keyOnce                         sync.Once
	merchantKey, platformKey, other *rsa.PrivateKey
	smallKey                        *rsa.PrivateKey
	ecKey                           *ecdsa.PrivateKey
)

func keys(t testing.TB) {
	t.Helper()
	keyOnce.Do(func() {
		var wg sync.WaitGroup // generated in parallel
		wg.Go(func() { merchantKey = testkeys.RSA(0) })
		wg.Go(func() { platformKey = testkeys.RSA(1) })
		wg.Go(func() { other = testkeys.RSA(2) })
		wg.Go(func() { smallKey = testkeys.Small() })
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic(err)
		}
		ecKey = k
		wg.Wait()
	})
}

func pkcs1PEM(k *rsa.PrivateKey) string {
	return testkeys.PEM("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(k))
}

// certPEM returns a self-signed certificate for key (RSA or EC) with the given serial.
func certPEM(t testing.TB, pub any, priv any, serial *big.Int) string {
	t.Helper()
	tpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "test merchant", Organization: []string{"chainpay test"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, pub, priv)
	if err != nil {
		t.Fatal(err)
	}
	return testkeys.PEM("CERTIFICATE", der)
}

// writeFile writes data into t.TempDir and returns the path.
func writeFile(t testing.TB, name, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// fixedClock returns a clock stuck at Unix second sec.
func fixedClock(sec int64) func() time.Time {
	return func() time.Time { return time.Unix(sec, 0) }
}

// fixture is the common test state built by setup.
type fixture struct {
	ctx            context.Context
	merchant       *signer.RSASigner
	platform       *signer.RSASigner
	platformSerial string
	store          *signer.KeyStore
	verifier       *signer.Verifier
	now            int64
}

// setup returns a fixture: a merchant and platform signer, a store holding the
// platform key and a Verifier with a fixed clock.
func setup(t testing.TB) *fixture {
	t.Helper()
	keys(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	m, err := signer.NewRSASigner(merchantKey)
	if err != nil {
		t.Fatal(err)
	}
	p, err := signer.NewRSASigner(platformKey)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{ctx: ctx, merchant: m, platform: p, platformSerial: "PUB_KEY_ID_0114232134912410000000000000", now: 1732780800}
	f.store = signer.NewKeyStore(map[string]*rsa.PublicKey{f.platformSerial: &platformKey.PublicKey})
	f.verifier = &signer.Verifier{Keys: f.store, Now: fixedClock(f.now)}
	return f
}

// signed returns headers for body signed by the platform key at the fixture's time.
func (f *fixture) signed(t testing.TB, body []byte) http.Header {
	t.Helper()
	h, err := gateway.SignHeaders(f.ctx, f.platform, f.platformSerial, body, time.Unix(f.now, 0))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// cmpSorted compares string slices ignoring order.
var cmpSorted = cmpopts.SortSlices(func(a, b string) bool { return a < b })
