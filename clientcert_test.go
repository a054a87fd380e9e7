package wechatpay_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/internal/testkeys"
)

func TestLoadClientCertificate(t *testing.T) {
	t.Parallel()
	key := testkeys.RSA(0)
	cert := testkeys.Certificate(t, key, 42, "1900000001")
	der := cert.Raw
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	certPEM := write("apiclient_cert.pem", []byte(testkeys.PEM("CERTIFICATE", der)))
	keyPEM := write("apiclient_key.pem", []byte(testkeys.PrivatePEM(t, key)))
	otherKey := write("other_key.pem", []byte(testkeys.PrivatePEM(t, testkeys.RSA(1))))
	for _, enc := range []struct {
		name string
		e    *pkcs12.Encoder
	}{{"legacy RC2 (as WeChat Pay issues them)", pkcs12.LegacyRC2}, {"legacy DES", pkcs12.LegacyDES}, {"modern", pkcs12.Modern}} {
		pfx, err := enc.e.Encode(key, cert, nil, "1900000001")
		if err != nil {
			t.Fatal(err)
		}
		p := write("apiclient_cert.p12", pfx)
		got, err := wechatpay.LoadClientCertificate(p, "", "1900000001")
		if err != nil || got.Leaf == nil || !got.Leaf.Equal(cert) {
			t.Errorf("%s: %v", enc.name, err)
		}
		if _, err := wechatpay.LoadClientCertificate(p, "", "1900000002"); err == nil || !strings.Contains(err.Error(), "password") {
			t.Errorf("%s, wrong password: %v", enc.name, err)
		}
	}
	got, err := wechatpay.LoadClientCertificate(certPEM, keyPEM, "")
	if err != nil || len(got.Certificate) != 1 {
		t.Errorf("PEM pair: %v", err)
	}
	for name, args := range map[string][2]string{"no key": {certPEM, ""}, "wrong key": {certPEM, otherKey}, "no file": {filepath.Join(dir, "none.pem"), keyPEM}} {
		if _, err := wechatpay.LoadClientCertificate(args[0], args[1], ""); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// The environment: a key without its certificate is named.
	_, err = wechatpay.ConfigFromLookup(func(n string) string {
		return map[string]string{wechatpay.EnvClientKey: keyPEM}[n]
	})
	if !errors.Is(err, wechatpay.ErrMissingEnv) || !strings.Contains(err.Error(), wechatpay.EnvClientCert) {
		t.Errorf("client key alone: %v", err)
	}
}
