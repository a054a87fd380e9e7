package notify_test

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/signer"
)

// FuzzParse feeds arbitrary bodies and Wechatpay-* header values to Parse,
// with the keys and clock fixed. Only the signed body under its own
// timestamp and nonce may pass; everything else is refused with one of the
// signer's sentinels, never a panic. (The fuzz function signs nothing: RSA
// signing is randomised, which would make coverage nondeterministic.)
func FuzzParse(f *testing.F) {
	fx := setup(f)
	good := fx.body(f, note{})
	h := fx.sign(f, good, testSerial, testNow)
	goodTS, goodNonce, sig := h.Get(signer.HeaderTimestamp), h.Get(signer.HeaderNonce), h.Get(signer.HeaderSignature)
	malformed := []byte(`{"id":"EV-1","event_type":`)
	mh := fx.sign(f, malformed, testSerial, testNow)
	// signed holds every (body, timestamp, nonce) the platform key signed:
	// only those may get past verification.
	signed := map[[3]string]bool{
		{string(good), goodTS, goodNonce}:                                               true,
		{string(malformed), mh.Get(signer.HeaderTimestamp), mh.Get(signer.HeaderNonce)}: true,
	}
	seeds := []struct {
		body                         []byte
		ts, nonce, serial, signature string
	}{
		{good, goodTS, goodNonce, testSerial, sig},                                                                          // good callback
		{bytes.Replace(good, []byte("EV-"), []byte("EX-"), 1), goodTS, goodNonce, testSerial, sig},                          // tampered
		{malformed, mh.Get(signer.HeaderTimestamp), mh.Get(signer.HeaderNonce), testSerial, mh.Get(signer.HeaderSignature)}, // malformed JSON, signed
		{good, goodTS, goodNonce, testSerial, "WECHATPAY/SIGNTEST/" + sig},                                                  // probe
		{good, "1", goodNonce, testSerial, sig},                                                                             // stale
		{good, goodTS, goodNonce, "PUB_KEY_ID_0999", sig},                                                                   // unknown serial
		{good, goodTS, goodNonce, strings.ToLower(testSerial), sig},                                                         // serial case
		{good, "", "", "", ""}, // unsigned
		{nil, goodTS, goodNonce, testSerial, "%%%"},
	}
	for _, s := range seeds {
		f.Add(s.body, s.ts, s.nonce, s.serial, s.signature)
	}
	f.Fuzz(func(t *testing.T, body []byte, ts, nonce, serial, signature string) {
		hdr := http.Header{}
		hdr.Set(signer.HeaderTimestamp, ts)
		hdr.Set(signer.HeaderNonce, nonce)
		hdr.Set(signer.HeaderSerial, serial)
		hdr.Set(signer.HeaderSignature, signature)
		n, err := fx.parser.Parse(request(t, hdr, body))
		if err == nil {
			if !bytes.Equal(body, good) || ts != goodTS || nonce != goodNonce {
				t.Fatalf("accepted a callback that was not signed: body %q ts %q nonce %q", body, ts, nonce)
			}
			if !bytes.Equal(n.Body, good) || !n.Verified || string(n.Plaintext) != testPlain {
				t.Fatalf("accepted notification %+v", n)
			}
			return
		}
		if n != nil {
			t.Fatal("notification returned with an error")
		}
		if !strings.HasPrefix(err.Error(), "notify: ") {
			t.Fatalf("error without package prefix: %v", err)
		}
		for _, want := range []error{signer.ErrMissingHeader, signer.ErrTimestampSkew, signer.ErrUnknownSerial,
			signer.ErrProbeSignature, signer.ErrBadSignature} {
			if errors.Is(err, want) {
				return
			}
		}
		if !signed[[3]string{string(body), ts, nonce}] {
			t.Fatalf("a callback that was not signed got past verification: %v", err)
		}
		if !errors.Is(err, notify.ErrMalformed) {
			t.Fatalf("unexpected error %v", err)
		}
	})
}

// FuzzDecryptUnverified feeds arbitrary bodies to the envelope decoder and
// decryption that Parse runs after verification: a notification or one of
// the decoding sentinels, never a panic.
func FuzzDecryptUnverified(f *testing.F) {
	fx := setup(f)
	for _, s := range [][]byte{
		fx.body(f, note{}),
		fx.body(f, note{algorithm: "AEAD_SM4_GCM"}),
		fx.body(f, note{apiv3Key: "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"}),
		fx.body(f, note{associatedData: "x", plaintext: "not json"}),
		[]byte(`{"id":"EV-1","event_type":"X","resource":{"algorithm":"AEAD_AES_256_GCM","nonce":"n","ciphertext":"AAAA"}}`),
		[]byte(`{"id":`),
		[]byte(`[]`),
		[]byte(`null`),
		{},
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		n, err := notify.DecryptUnverified(testAPIv3Key, body)
		if err == nil {
			if n.ID == "" || n.EventType == "" || n.Verified || !bytes.Equal(n.Body, body) {
				t.Fatalf("decoded notification %+v", n)
			}
			return
		}
		if !strings.HasPrefix(err.Error(), "notify: ") {
			t.Fatalf("error without package prefix: %v", err)
		}
		for _, want := range []error{notify.ErrMalformed, signer.ErrUnknownAlgorithm, signer.ErrAPIv3Key} {
			if errors.Is(err, want) {
				return
			}
		}
		t.Fatalf("unexpected error %v", err)
	})
}
