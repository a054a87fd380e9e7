package signer_test

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/google/go-cmp/cmp"
)

// pemBody returns the base64 lines of a PEM text (the key material).
func pemBody(p string) string {
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(p), "\n") {
		if !strings.HasPrefix(l, "-----") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// assertNoKeyMaterial fails when err's message holds any line of the PEM body.
func assertNoKeyMaterial(t *testing.T, err error, pemText string) {
	t.Helper()
	if err == nil {
		return
	}
	for _, l := range strings.Split(pemBody(pemText), "\n") {
		if len(l) >= 16 && strings.Contains(err.Error(), l) {
			t.Fatalf("error echoes key material %q: %v", l, err)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestLoadPrivateKey(t *testing.T) {
	t.Parallel()
	keys(t)
	p1 := pkcs1PEM(merchantKey)
	p8 := testkeys.PrivatePEM(t, merchantKey)
	der8, _ := x509.MarshalPKCS8PrivateKey(merchantKey)
	small := testkeys.PrivatePEM(t, smallKey)
	ec := testkeys.PrivatePEM(t, ecKey)
	ecDER, _ := x509.MarshalECPrivateKey(ecKey)
	sec1 := testkeys.PEM("EC PRIVATE KEY", ecDER)
	oneLineEC := base64.StdEncoding.EncodeToString(must(x509.MarshalPKCS8PrivateKey(ecKey)))
	path := writeFile(t, "apiclient_key.pem", p8)
	derPath := writeFile(t, "apiclient_key.der", string(der8))
	tests := []struct {
		name    string
		src     string
		wantErr error  // nil: success
		wantMsg string // substring of the error
		secret  string // PEM text that must not appear in the error
	}{
		{name: "PKCS#1 PEM", src: p1},
		{name: "PKCS#8 PEM", src: p8},
		{name: "PKCS#8 PEM with surrounding space", src: "\n  " + p8 + "\n"},
		{name: "PEM with escaped line breaks (env var, JSON)", src: strings.ReplaceAll(p8, "\n", `\n`)},
		{name: "PEM with escaped CRLF", src: strings.ReplaceAll(p1, "\n", `\r\n`)},
		{name: "PEM with CRLF", src: strings.ReplaceAll(p1, "\n", "\r\n")},
		{name: "PEM on one line with spaces", src: strings.ReplaceAll(p8, "\n", " "), wantErr: signer.ErrNoKey, wantMsg: "line breaks", secret: p8},
		{name: "certificate then key", src: certPEM(t, &merchantKey.PublicKey, merchantKey, big.NewInt(7)) + p8},
		{name: "file path", src: path},
		{name: "file URL is not a path", src: "file://" + path, wantErr: os.ErrNotExist, wantMsg: "file://"},
		{name: "DER file", src: derPath},
		{name: "PKCS#1 DER file", src: writeFile(t, "k1.der", string(x509.MarshalPKCS1PrivateKey(merchantKey)))},
		{name: "garbage DER file", src: writeFile(t, "junk.der", "\x30\x03\x02\x01\x01"), wantErr: signer.ErrNoKey, wantMsg: "DER as PKCS#8: malformed ASN.1; DER as PKCS#1"},
		{name: "EC DER file", src: writeFile(t, "ec.der", string(must(x509.MarshalPKCS8PrivateKey(ecKey)))), wantErr: signer.ErrNotRSA},
		{name: "too large file", src: writeFile(t, "big.pem", strings.Repeat("A", 1<<20+1)), wantErr: nil, wantMsg: "larger than"},
		{name: "control characters are not a path", src: "abc\x01def", wantErr: signer.ErrNoKey, wantMsg: "not shown"},
		{name: "garbage", src: "not a key at all", wantErr: signer.ErrNoKey, wantMsg: "no such file"},
		{name: "garbage PEM", src: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", wantErr: signer.ErrNoKey, wantMsg: "as PKCS#8"},
		{name: "PKCS#8 labelled as PKCS#1", src: strings.ReplaceAll(p8, "PRIVATE KEY", "RSA PRIVATE KEY"), wantErr: signer.ErrNoKey, wantMsg: "as PKCS#1", secret: p8},
		{name: "public key given", src: testkeys.PublicPEM(t, &merchantKey.PublicKey), wantErr: signer.ErrNoKey, wantMsg: "not a private key block"},
		{name: "empty", src: "  ", wantErr: signer.ErrNoKey, wantMsg: "empty"},
		{name: "missing file", src: "/nonexistent/apiclient_key.pem", wantErr: os.ErrNotExist, wantMsg: "/nonexistent/apiclient_key.pem"},
		{name: "bare base64 body is not echoed", src: pemBody(p8), wantErr: signer.ErrNoKey, wantMsg: "not shown", secret: p8},
		// One line of base64 short enough to pass for a path: a bare EC key, an APIv3 key.
		{name: "one-line base64 EC key is not echoed", src: oneLineEC, wantErr: signer.ErrNoKey, wantMsg: "not shown", secret: oneLineEC},
		{name: "APIv3 key given as key is not echoed", src: "0123456789abcdefghijABCDEFGHIJ01", wantErr: signer.ErrNoKey, wantMsg: "not shown",
			secret: "0123456789abcdefghijABCDEFGHIJ01"},
		{name: "EC PKCS#8", src: ec, wantErr: signer.ErrNotRSA, wantMsg: "EC key", secret: ec},
		{name: "EC SEC1", src: sec1, wantErr: signer.ErrNotRSA, secret: sec1},
		{name: "1024-bit", src: small, wantErr: signer.ErrKeyTooSmall, wantMsg: "1024 bits", secret: small},
		{name: "encrypted", src: testkeys.PEM("ENCRYPTED PRIVATE KEY", []byte("xx")), wantErr: signer.ErrNoKey, wantMsg: "decrypt it first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// PEM text goes to ParsePrivateKey, anything else is a file path for LoadPrivateKey.
			var k *rsa.PrivateKey
			var err error
			if strings.Contains(tt.src, "-----BEGIN") {
				k, err = signer.ParsePrivateKey([]byte(tt.src))
			} else {
				k, err = signer.LoadPrivateKey(tt.src)
			}
			if tt.wantErr == nil && tt.wantMsg != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantMsg) {
					t.Fatalf("err = %v, want %q", err, tt.wantMsg)
				}
				return
			}
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("LoadPrivateKey: %v", err)
				}
				if !k.Equal(merchantKey) {
					t.Fatal("loaded a different key")
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if !strings.HasPrefix(err.Error(), "signer: ") || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("err = %q, want prefix \"signer: \" and %q", err, tt.wantMsg)
			}
			assertNoKeyMaterial(t, err, tt.secret)
		})
	}
}

// TestLoadRefusesPEMText checks that the Load functions take a file path only and do not
// echo PEM text given to them by mistake.
func TestLoadRefusesPEMText(t *testing.T) {
	t.Parallel()
	keys(t)
	p8 := testkeys.PrivatePEM(t, merchantKey)
	for name, load := range map[string]func(string) error{
		"LoadPrivateKey":  func(s string) error { _, err := signer.LoadPrivateKey(s); return err },
		"LoadPublicKey":   func(s string) error { _, err := signer.LoadPublicKey(s); return err },
		"LoadCertificate": func(s string) error { _, err := signer.LoadCertificate(s); return err },
	} {
		err := load(p8)
		if !errors.Is(err, signer.ErrNoKey) || !strings.Contains(err.Error(), "not shown") || !strings.Contains(err.Error(), "use Parse") {
			t.Errorf("%s(PEM text) = %v, want ErrNoKey naming the Parse form", name, err)
		}
		assertNoKeyMaterial(t, err, p8)
	}
}

func TestLoadPublicKey(t *testing.T) {
	t.Parallel()
	keys(t)
	spki := testkeys.PublicPEM(t, &platformKey.PublicKey)
	pkcs1 := testkeys.PEM("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&platformKey.PublicKey))
	cert := certPEM(t, &platformKey.PublicKey, platformKey, big.NewInt(42))
	spkiDER, _ := x509.MarshalPKIXPublicKey(&platformKey.PublicKey)
	path := writeFile(t, "pub_key.pem", spki)
	certPath := writeFile(t, "wechatpay_cert.pem", cert)
	ecPub := testkeys.PublicPEM(t, &ecKey.PublicKey)
	ecCert := certPEM(t, &ecKey.PublicKey, ecKey, big.NewInt(43))
	smallPub := testkeys.PublicPEM(t, &smallKey.PublicKey)
	tests := []struct {
		name    string
		src     string
		wantErr error
		wantMsg string
	}{
		{name: "SPKI PEM", src: spki},
		{name: "RSA PUBLIC KEY PEM", src: pkcs1},
		{name: "certificate PEM", src: cert},
		{name: "file path", src: path},
		{name: "file URL is not a path", src: "file://" + certPath, wantErr: os.ErrNotExist},
		{name: "DER SPKI file", src: writeFile(t, "pub.der", string(spkiDER))},
		{name: "garbage", src: "garbage", wantErr: signer.ErrNoKey},
		{name: "garbage file", src: writeFile(t, "junk.pem", "hello"), wantErr: signer.ErrNoKey, wantMsg: "DER as SPKI: malformed ASN.1; DER as PKCS#1: malformed ASN.1; DER as certificate"},
		{name: "private key given", src: testkeys.PrivatePEM(t, platformKey), wantErr: signer.ErrNoKey, wantMsg: "this is a private key"},
		{name: "EC SPKI", src: ecPub, wantErr: signer.ErrNotRSA},
		{name: "EC certificate", src: ecCert, wantErr: signer.ErrNotRSA},
		{name: "1024-bit", src: smallPub, wantErr: signer.ErrKeyTooSmall},
		{name: "bad SPKI", src: testkeys.PEM("PUBLIC KEY", []byte{1, 2, 3}), wantErr: signer.ErrNoKey, wantMsg: "as SPKI"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// PEM text goes to ParsePublicKey, anything else is a file path for LoadPublicKey.
			var k *rsa.PublicKey
			var err error
			if strings.Contains(tt.src, "-----BEGIN") {
				k, err = signer.ParsePublicKey([]byte(tt.src))
			} else {
				k, err = signer.LoadPublicKey(tt.src)
			}
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("LoadPublicKey: %v", err)
				}
				if !k.Equal(&platformKey.PublicKey) {
					t.Fatal("loaded a different key")
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("err = %v, want %v containing %q", err, tt.wantErr, tt.wantMsg)
			}
			if strings.Contains(tt.src, "-----BEGIN") {
				assertNoKeyMaterial(t, err, tt.src)
			}
		})
	}
}

func TestLoadCertificate(t *testing.T) {
	t.Parallel()
	keys(t)
	cert := certPEM(t, &merchantKey.PublicKey, merchantKey, big.NewInt(0x1234))
	c, err := signer.LoadCertificate(writeFile(t, "apiclient_cert.pem", cert))
	if err != nil {
		t.Fatal(err)
	}
	if !c.PublicKey.(*rsa.PublicKey).Equal(&merchantKey.PublicKey) {
		t.Fatal("wrong key")
	}
	if _, err := signer.ParseCertificate([]byte(testkeys.PublicPEM(t, &merchantKey.PublicKey))); !errors.Is(err, signer.ErrNoKey) || !strings.Contains(err.Error(), `not a "CERTIFICATE" block`) {
		t.Fatalf("public key as certificate: %v", err)
	}
	if _, err := signer.ParseCertificate([]byte(certPEM(t, &smallKey.PublicKey, smallKey, big.NewInt(1)))); !errors.Is(err, signer.ErrKeyTooSmall) {
		t.Fatalf("1024-bit certificate: %v", err)
	}
	if _, err := signer.ParseCertificate([]byte(certPEM(t, &ecKey.PublicKey, ecKey, big.NewInt(1)))); !errors.Is(err, signer.ErrNotRSA) {
		t.Fatalf("EC certificate: %v", err)
	}
	if _, err := signer.ParseCertificate([]byte(testkeys.PEM("CERTIFICATE", []byte{0x30, 0}))); !errors.Is(err, signer.ErrNoKey) || !strings.Contains(err.Error(), "as X.509") {
		t.Fatalf("broken certificate: %v", err)
	}
	der, _ := pem.Decode([]byte(cert))
	c, err = signer.LoadCertificate(writeFile(t, "cert.der", string(der.Bytes)))
	if err != nil || signer.SerialOf(c) != "1234" {
		t.Fatalf("DER certificate file: %v", err)
	}
	if _, err := signer.LoadCertificate(writeFile(t, "junk.der", "junk")); !errors.Is(err, signer.ErrNoKey) || !strings.Contains(err.Error(), "DER as X.509") {
		t.Fatalf("junk DER certificate: %v", err)
	}
	if _, err := signer.CertificateSerial("/nonexistent/cert.pem"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("CertificateSerial of a missing file: %v", err)
	}
}

// TestCertificateSerial checks that serials keep the octets the certificate encodes:
// leading zero digits stay, the DER sign octet goes.
func TestCertificateSerial(t *testing.T) {
	t.Parallel()
	keys(t)
	hexSerial := func(s string) *big.Int {
		n, ok := new(big.Int).SetString(s, 16)
		if !ok {
			t.Fatalf("bad hex %q", s)
		}
		return n
	}
	tests := []struct {
		name   string
		serial *big.Int
		want   string
	}{
		{"WeChat-style 40 hex", hexSerial("5157F09EFDC096DE15EBE81A47057A7232F1B8E1"), "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"},
		{"leading zero digit kept", hexSerial("0A57F09EFDC096DE15EBE81A47057A7232F1B8E1"), "0A57F09EFDC096DE15EBE81A47057A7232F1B8E1"},
		{"high bit: DER sign octet dropped", hexSerial("8157F09EFDC096DE15EBE81A47057A7232F1B8E1"), "8157F09EFDC096DE15EBE81A47057A7232F1B8E1"},
		{"small", big.NewInt(0xABC), "0ABC"},
		{"one", big.NewInt(1), "01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := certPEM(t, &merchantKey.PublicKey, merchantKey, tt.serial)
			got, err := signer.CertificateSerial(writeFile(t, "apiclient_cert.pem", p))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("CertificateSerial (-want +got):\n%s", diff)
			}
			if strings.TrimLeft(got, "0") != strings.ToUpper(tt.serial.Text(16)) {
				t.Errorf("serial %s does not match the number %X", got, tt.serial)
			}
			if n, err := signer.NormalizeSerial(got); err != nil || n != got {
				t.Errorf("NormalizeSerial(%q) = %q, %v", got, n, err)
			}
			openssl, err := exec.LookPath("openssl")
			if err != nil {
				return
			}
			out, err := exec.Command(openssl, "x509", "-noout", "-serial", "-in", writeFile(t, "c.pem", p)).Output()
			if err != nil {
				t.Fatalf("openssl x509: %v", err)
			}
			if diff := cmp.Diff("serial="+tt.want, strings.TrimSpace(string(out))); diff != "" {
				t.Errorf("openssl serial (-want +got):\n%s", diff)
			}
		})
	}
	if got := signer.SerialOf(nil); got != "" {
		t.Errorf("SerialOf(nil) = %q", got)
	}
}
