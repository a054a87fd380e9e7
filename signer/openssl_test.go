package signer_test

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/signer"
)

// opensslBin returns the openssl binary or skips the test.
func opensslBin(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed")
	}
	return p
}

func runOpenSSL(t *testing.T, bin string, stdin []byte, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// TestOpenSSLSignatures: openssl signs and we verify; we sign and openssl verifies.
func TestOpenSSLSignatures(t *testing.T) {
	t.Parallel()
	bin := opensslBin(t)
	f := setup(t)
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "key.pem")
	pubPath := filepath.Join(dir, "pub.pem")
	if err := os.WriteFile(keyPath, []byte(testkeys.PrivatePEM(t, platformKey)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pubPath, []byte(testkeys.PublicPEM(t, &platformKey.PublicKey)), 0o600); err != nil {
		t.Fatal(err)
	}

	// openssl signs a response message; Verifier accepts it.
	body := []byte(`{"out_trade_no":"1217752501201407033233368018","trade_state":"SUCCESS"}`)
	ts, nonce := "1732780800", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS"
	sig := runOpenSSL(t, bin, signer.BuildVerifyMessage(ts, nonce, body), "dgst", "-sha256", "-sign", keyPath)
	h := map[string][]string{
		signer.HeaderTimestamp: {ts}, signer.HeaderNonce: {nonce}, signer.HeaderSerial: {f.platformSerial},
		signer.HeaderSignature: {base64.StdEncoding.EncodeToString(sig)}, signer.HeaderSignatureType: {signer.Scheme},
	}
	if err := f.verifier.Verify(h, body); err != nil {
		t.Fatalf("Verify of an openssl signature: %v", err)
	}
	if err := f.verifier.Verify(h, append(body, ' ')); err == nil {
		t.Fatal("openssl signature accepted for another body")
	}

	// We sign a request message; openssl verifies it.
	msg := signer.BuildMessage("POST", "/v3/pay/transactions/native", 1732780800, nonce, body)
	ours, err := f.platform.Sign(f.ctx, msg)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(ours)
	sigPath := filepath.Join(dir, "sig.bin")
	if err := os.WriteFile(sigPath, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	out := runOpenSSL(t, bin, msg, "dgst", "-sha256", "-verify", pubPath, "-signature", sigPath)
	if !strings.Contains(string(out), "Verified OK") {
		t.Fatalf("openssl: %s", out)
	}
	// openssl must reject it for another message (sanity check of the harness).
	cmd := exec.Command(bin, "dgst", "-sha256", "-verify", pubPath, "-signature", sigPath)
	cmd.Stdin = bytes.NewReader(append(msg, 'x'))
	if err := cmd.Run(); err == nil {
		t.Fatal("openssl verified a changed message")
	}
}

// TestOpenSSLKeys: keys written by openssl load; keys converted by openssl match.
func TestOpenSSLKeys(t *testing.T) {
	t.Parallel()
	bin := opensslBin(t)
	keys(t)
	dir := t.TempDir()
	p8 := filepath.Join(dir, "apiclient_key.pem")
	if err := os.WriteFile(p8, []byte(testkeys.PrivatePEM(t, merchantKey)), 0o600); err != nil {
		t.Fatal(err)
	}
	// openssl -traditional writes PKCS#1 "RSA PRIVATE KEY".
	trad := runOpenSSL(t, bin, nil, "rsa", "-in", p8, "-traditional")
	if !bytes.Contains(trad, []byte("BEGIN RSA PRIVATE KEY")) {
		t.Fatalf("openssl did not write PKCS#1: %.40s", trad)
	}
	k, err := signer.ParsePrivateKey(trad)
	if err != nil || !k.Equal(merchantKey) {
		t.Fatalf("ParsePrivateKey(openssl PKCS#1): %v", err)
	}
	pub := runOpenSSL(t, bin, nil, "rsa", "-in", p8, "-pubout")
	pk, err := signer.ParsePublicKey(pub)
	if err != nil || !pk.Equal(&merchantKey.PublicKey) {
		t.Fatalf("ParsePublicKey(openssl -pubout): %v", err)
	}
	rsaPub := runOpenSSL(t, bin, nil, "rsa", "-in", p8, "-RSAPublicKey_out")
	pk, err = signer.ParsePublicKey(rsaPub)
	if err != nil || !pk.Equal(&merchantKey.PublicKey) {
		t.Fatalf("ParsePublicKey(openssl -RSAPublicKey_out): %v", err)
	}
	// A self-signed certificate made by openssl, with a serial that starts with a zero digit.
	certPath := filepath.Join(dir, "cert.pem")
	runOpenSSL(t, bin, nil, "req", "-new", "-x509", "-key", p8, "-out", certPath, "-days", "1",
		"-subj", "/CN=1900009191/O=test", "-set_serial", "0x0A57F09EFDC096DE15EBE81A47057A7232F1B8E1")
	serial, err := signer.CertificateSerial(certPath)
	if err != nil || serial != "0A57F09EFDC096DE15EBE81A47057A7232F1B8E1" {
		t.Fatalf("CertificateSerial(openssl cert) = %q, %v", serial, err)
	}
	// An EC key made by openssl is refused.
	ec := runOpenSSL(t, bin, nil, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256")
	if _, err := signer.ParsePrivateKey(ec); err == nil || !strings.Contains(err.Error(), "not RSA") {
		t.Fatalf("openssl EC key: %v", err)
	}
}

// TestOpenSSLOAEP: openssl decrypts what EncryptOAEP produced and vice versa.
func TestOpenSSLOAEP(t *testing.T) {
	t.Parallel()
	bin := opensslBin(t)
	keys(t)
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "key.pem")
	pubPath := filepath.Join(dir, "pub.pem")
	der, _ := x509.MarshalPKCS8PrivateKey(platformKey)
	if err := os.WriteFile(keyPath, []byte(testkeys.PEM("PRIVATE KEY", der)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pubPath, []byte(testkeys.PublicPEM(t, &platformKey.PublicKey)), 0o600); err != nil {
		t.Fatal(err)
	}
	const secret = "13800138000"
	ct, err := signer.EncryptOAEP(&platformKey.PublicKey, secret)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(ct)
	pt := runOpenSSL(t, bin, raw, "pkeyutl", "-decrypt", "-inkey", keyPath,
		"-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha1", "-pkeyopt", "rsa_mgf1_md:sha1")
	if string(pt) != secret {
		t.Fatalf("openssl decrypted %q", pt)
	}
	enc := runOpenSSL(t, bin, []byte(secret), "pkeyutl", "-encrypt", "-pubin", "-inkey", pubPath,
		"-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha1", "-pkeyopt", "rsa_mgf1_md:sha1")
	got, err := signer.DecryptOAEP(platformKey, base64.StdEncoding.EncodeToString(enc))
	if err != nil || got != secret {
		t.Fatalf("DecryptOAEP(openssl) = %q, %v", got, err)
	}
}
