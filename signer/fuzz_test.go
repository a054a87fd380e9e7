package signer_test

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/signer"
)

// FuzzVerify feeds arbitrary headers and bodies to Verifier.Verify. It must never
// panic, must fail only with a *SignatureError holding one of the five sentinels and not
// echoing the signature, and must accept only what crypto/rsa itself verifies with a
// known key inside the window.
func FuzzVerify(f *testing.F) {
	fx := setup(f)
	body := []byte(`{"id":"EV-2018022511223320873","event_type":"TRANSACTION.SUCCESS"}`)
	h := fx.signed(f, body)
	ts, nonce, sig := h.Get(signer.HeaderTimestamp), h.Get(signer.HeaderNonce), h.Get(signer.HeaderSignature)
	f.Add(ts, nonce, sig, fx.platformSerial, signer.Scheme, body)
	f.Add(ts, nonce, sig, strings.ToLower(fx.platformSerial), "", body)
	f.Add(ts, nonce, sig, fx.platformSerial, signer.Scheme, body[:10])
	f.Add(ts, nonce, "WECHATPAY/SIGNTEST/"+sig, fx.platformSerial, signer.Scheme, body)
	f.Add(strconv.FormatInt(fx.now+301, 10), nonce, sig, fx.platformSerial, signer.Scheme, body)
	f.Add("", "", "", "", "", []byte(nil))
	f.Add(ts, nonce, "!!!", "UNKNOWN", "WECHATPAY2-SM2-WITH-SM3", []byte{0, 0xff})
	f.Add(ts+"000", nonce, sig, fx.platformSerial, signer.Scheme, body)

	f.Fuzz(func(t *testing.T, ts, nonce, sig, serial, sigType string, body []byte) {
		h := http.Header{}
		for k, v := range map[string]string{signer.HeaderTimestamp: ts, signer.HeaderNonce: nonce, signer.HeaderSignature: sig, signer.HeaderSerial: serial} {
			if v != "" {
				h.Set(k, v)
			}
		}
		if sigType != "" {
			h.Set(signer.HeaderSignatureType, sigType)
		}
		err := fx.verifier.Verify(h, body)
		if err == nil {
			// Independent check of everything Verify claimed.
			sec, perr := strconv.ParseInt(ts, 10, 64)
			if perr != nil || sec < fx.now-300 || sec > fx.now+300 {
				t.Fatalf("accepted timestamp %q", ts)
			}
			pub, ok := fx.store.Lookup(serial)
			if !ok {
				t.Fatalf("accepted unknown serial %q", serial)
			}
			raw, derr := base64.StdEncoding.DecodeString(sig)
			sum := sha256.Sum256([]byte(ts + "\n" + nonce + "\n" + string(body) + "\n"))
			if derr != nil || rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], raw) != nil {
				t.Fatalf("accepted a signature crypto/rsa rejects")
			}
			if sigType != "" && sigType != signer.Scheme {
				t.Fatalf("accepted signature type %q", sigType)
			}
			return
		}
		var ve *signer.SignatureError
		if !errors.As(err, &ve) {
			t.Fatalf("error is %T, not *SignatureError: %v", err, err)
		}
		switch ve.Err {
		case signer.ErrMissingHeader, signer.ErrTimestampSkew, signer.ErrUnknownSerial, signer.ErrProbeSignature, signer.ErrBadSignature:
		default:
			t.Fatalf("unexpected sentinel %v", ve.Err)
		}
		msg := err.Error()
		if len(sig) >= 24 && !strings.Contains(ts+nonce+serial+sigType+strings.Join(fx.store.Serials(), ""), sig[:24]) && strings.Contains(msg, sig[:24]) {
			t.Fatalf("error echoes the signature: %s", msg)
		}
	})
}

// FuzzNormalizeSerial: results are upper-case hex of at most 64 digits or a
// PUB_KEY_ID_ id, normalising is idempotent, and errors wrap a serial sentinel.
func FuzzNormalizeSerial(f *testing.F) {
	for _, s := range []string{"5157F09EFDC096DE15EBE81A47057A7232F1B8E1", " abc ", "PUB_KEY_ID_0114232134912410000000000000",
		"463503411316297389371048587431917787163208448225", "0x12", "12:34", "", "PUB_KEY_ID_"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := signer.NormalizeSerial(in)
		if err != nil {
			if !errors.Is(err, signer.ErrInvalidSerial) && !errors.Is(err, signer.ErrDecimalSerial) {
				t.Fatalf("error wraps no serial sentinel: %v", err)
			}
			return
		}
		if !strings.HasPrefix(got, signer.PublicKeyIDPrefix) {
			if len(got) == 0 || len(got) > 64 || strings.Trim(got, "0123456789ABCDEF") != "" {
				t.Fatalf("NormalizeSerial(%q) = %q", in, got)
			}
		}
		again, err := signer.NormalizeSerial(got)
		if err != nil || again != got {
			t.Fatalf("not idempotent: %q → %q → %q, %v", in, got, again, err)
		}
	})
}

// FuzzLoadKey: arbitrary PEM-looking text never panics and never comes back in an error.
func FuzzLoadKey(f *testing.F) {
	keys(f)
	f.Add(pkcs1PEM(merchantKey))
	f.Add(testkeys.PrivatePEM(f, ecKey))
	f.Add(testkeys.PublicPEM(f, &platformKey.PublicKey))
	f.Add("-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n")
	f.Add("-----BEGIN CERTIFICATE-----\n\n-----END CERTIFICATE-----")
	f.Fuzz(func(t *testing.T, src string) {
		if !strings.Contains(src, "-----BEGIN") {
			src = "-----BEGIN PRIVATE KEY-----\n" + src + "\n-----END PRIVATE KEY-----\n"
		}
		for _, load := range []func(string) error{
			func(s string) error { _, err := signer.ParsePrivateKey([]byte(s)); return err },
			func(s string) error { _, err := signer.ParsePublicKey([]byte(s)); return err },
			func(s string) error { _, err := signer.ParseCertificate([]byte(s)); return err },
		} {
			err := load(src)
			if err == nil {
				continue
			}
			for _, line := range strings.Split(src, "\n") {
				if len(line) >= 32 && !strings.HasPrefix(line, "-----") && strings.Contains(err.Error(), line) {
					t.Fatalf("error echoes input line %q: %v", line, err)
				}
			}
		}
	})
}
