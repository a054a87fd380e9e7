package signer_test

import (
	"crypto/rsa"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay/internal/gateway"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/google/go-cmp/cmp"
)

func TestVerifyFailures(t *testing.T) {
	t.Parallel()
	f := setup(t)
	body := []byte(`{"transaction_id":"4200000000","amount":{"total":100}}`)
	tests := []struct {
		name    string
		mutate  func(h http.Header, v *signer.Verifier) []byte // returns the body to verify
		wantErr error
		wantMsg string
	}{
		{"valid", func(http.Header, *signer.Verifier) []byte { return body }, nil, ""},
		{"valid, 300 s late", func(h http.Header, v *signer.Verifier) []byte { v.Now = fixedClock(f.now + 300); return body }, nil, ""},
		{"valid, 300 s early", func(h http.Header, v *signer.Verifier) []byte { v.Now = fixedClock(f.now - 300); return body }, nil, ""},
		{"no signature type header", func(h http.Header, _ *signer.Verifier) []byte { h.Del(signer.HeaderSignatureType); return body }, nil, ""},
		{"lower-case serial header value", func(h http.Header, _ *signer.Verifier) []byte {
			h.Set(signer.HeaderSerial, strings.ToLower(f.platformSerial))
			return body
		}, nil, ""},
		{"missing timestamp", func(h http.Header, _ *signer.Verifier) []byte { h.Del(signer.HeaderTimestamp); return body }, signer.ErrMissingHeader, "Wechatpay-Timestamp absent"},
		{"missing nonce", func(h http.Header, _ *signer.Verifier) []byte { h.Del(signer.HeaderNonce); return body }, signer.ErrMissingHeader, "Wechatpay-Nonce absent"},
		{"missing signature", func(h http.Header, _ *signer.Verifier) []byte { h.Del(signer.HeaderSignature); return body }, signer.ErrMissingHeader, "Wechatpay-Signature absent"},
		{"missing serial", func(h http.Header, _ *signer.Verifier) []byte { h.Del(signer.HeaderSerial); return body }, signer.ErrMissingHeader, "Wechatpay-Serial absent"},
		{"all missing", func(h http.Header, _ *signer.Verifier) []byte { clear(h); return body }, signer.ErrMissingHeader,
			"Wechatpay-Timestamp, Wechatpay-Nonce, Wechatpay-Signature, Wechatpay-Serial absent"},
		{"301 s late", func(h http.Header, v *signer.Verifier) []byte { v.Now = fixedClock(f.now + 301); return body }, signer.ErrTimestampSkew, "301 s behind the local clock, window is 5m0s"},
		{"301 s early", func(h http.Header, v *signer.Verifier) []byte { v.Now = fixedClock(f.now - 301); return body }, signer.ErrTimestampSkew, "301 s ahead of the local clock"},
		{"custom window", func(h http.Header, v *signer.Verifier) []byte {
			v.Now, v.Window = fixedClock(f.now+61), time.Minute
			return body
		}, signer.ErrTimestampSkew, "window is 1m0s"},
		{"custom window, inside", func(h http.Header, v *signer.Verifier) []byte {
			v.Now, v.Window = fixedClock(f.now+600), 10*time.Minute
			return body
		}, nil, ""},
		{"milliseconds", func(h http.Header, _ *signer.Verifier) []byte {
			h.Set(signer.HeaderTimestamp, strconv.FormatInt(f.now*1000, 10))
			return body
		}, signer.ErrTimestampSkew, "milliseconds?"},
		{"timestamp not a number", func(h http.Header, _ *signer.Verifier) []byte { h.Set(signer.HeaderTimestamp, "12a"); return body }, signer.ErrTimestampSkew, "not Unix seconds"},
		{"huge timestamp", func(h http.Header, _ *signer.Verifier) []byte {
			h.Set(signer.HeaderTimestamp, "999999999999999999")
			return body
		}, signer.ErrTimestampSkew, "ahead of"},
		{"too many digits", func(h http.Header, _ *signer.Verifier) []byte {
			h.Set(signer.HeaderTimestamp, "9999999999999999999")
			return body
		}, signer.ErrTimestampSkew, "not Unix seconds"},
		{"negative timestamp", func(h http.Header, _ *signer.Verifier) []byte { h.Set(signer.HeaderTimestamp, "-1"); return body }, signer.ErrTimestampSkew, "not Unix seconds"},
		{"unknown serial", func(h http.Header, _ *signer.Verifier) []byte { h.Set(signer.HeaderSerial, "DEADBEEF"); return body }, signer.ErrUnknownSerial,
			"known serials: PUB_KEY_ID_0114232134912410000000000000"},
		{"empty store", func(h http.Header, v *signer.Verifier) []byte { v.Keys = signer.NewKeyStore(nil); return body }, signer.ErrUnknownSerial, "no verification keys"},
		{"nil store", func(h http.Header, v *signer.Verifier) []byte { v.Keys = nil; return body }, signer.ErrUnknownSerial, "no verification keys"},
		{"probe", func(h http.Header, _ *signer.Verifier) []byte {
			h.Set(signer.HeaderSignature, "WECHATPAY/SIGNTEST/"+h.Get(signer.HeaderSignature))
			return body
		}, signer.ErrProbeSignature, "probe"},
		{"tampered body", func(http.Header, *signer.Verifier) []byte {
			return []byte(strings.Replace(string(body), "100", "1", 1))
		}, signer.ErrBadSignature, "RSA-SHA256 verification failed"},
		{"re-serialised body", func(http.Header, *signer.Verifier) []byte { return append([]byte(" "), body...) }, signer.ErrBadSignature, "raw bytes"},
		{"tampered nonce", func(h http.Header, _ *signer.Verifier) []byte {
			n := h.Get(signer.HeaderNonce)
			first := "X"
			if n[0] == 'X' { // a random nonce starts with X one time in 62
				first = "Y"
			}
			h.Set(signer.HeaderNonce, first+n[1:])
			return body
		}, signer.ErrBadSignature, ""},
		{"tampered timestamp", func(h http.Header, _ *signer.Verifier) []byte {
			h.Set(signer.HeaderTimestamp, strconv.FormatInt(f.now+1, 10))
			return body
		}, signer.ErrBadSignature, ""},
		{"signature not base64", func(h http.Header, _ *signer.Verifier) []byte { h.Set(signer.HeaderSignature, "!!!"); return body }, signer.ErrBadSignature, "not base64"},
		{"signed by another key", func(h http.Header, v *signer.Verifier) []byte {
			v.Keys = signer.NewKeyStore(map[string]*rsa.PublicKey{f.platformSerial: &other.PublicKey})
			return body
		}, signer.ErrBadSignature, ""},
		{"wrong signature type", func(h http.Header, _ *signer.Verifier) []byte {
			h.Set(signer.HeaderSignatureType, "WECHATPAY2-SM2-WITH-SM3")
			return body
		}, signer.ErrBadSignature, "Wechatpay-Signature-Type"},
		{"empty signature type", func(h http.Header, _ *signer.Verifier) []byte { h.Set(signer.HeaderSignatureType, ""); return body }, signer.ErrBadSignature, "Wechatpay-Signature-Type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := f.signed(t, body)
			sig := h.Get(signer.HeaderSignature)
			v := *f.verifier
			b := tt.mutate(h, &v)
			err := v.Verify(h, b)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			var ve *signer.SignatureError
			if !errors.As(err, &ve) || ve.Err != tt.wantErr || !errors.Is(err, tt.wantErr) {
				t.Fatalf("Verify = %v, want a *SignatureError with %v", err, tt.wantErr)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("message %q lacks %q", msg, tt.wantMsg)
			}
			for _, want := range []string{"timestamp=", "nonce=", "serial="} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
			if h.Get(signer.HeaderNonce) != "" && !strings.Contains(msg, h.Get(signer.HeaderNonce)) {
				t.Errorf("message %q does not give the nonce", msg)
			}
			if strings.Contains(msg, sig) || (len(sig) > 40 && strings.Contains(msg, sig[:40])) {
				t.Errorf("message echoes the signature: %q", msg)
			}
			for _, other := range []error{signer.ErrMissingHeader, signer.ErrTimestampSkew, signer.ErrUnknownSerial, signer.ErrProbeSignature, signer.ErrBadSignature} {
				if other != tt.wantErr && errors.Is(err, other) {
					t.Errorf("error also matches %v", other)
				}
			}
		})
	}
}

func TestSignatureErrorZero(t *testing.T) {
	t.Parallel()
	e := &signer.SignatureError{Serial: "S"}
	if diff := cmp.Diff(`signer: verification failed (timestamp="" nonce="" serial="S")`, e.Error()); diff != "" {
		t.Errorf("Error (-want +got):\n%s", diff)
	}
}

func TestVerifySignatureDirect(t *testing.T) {
	t.Parallel()
	f := setup(t)
	msg := []byte("1\nn\nbody\n")
	sig, err := f.platform.Sign(f.ctx, msg)
	if err != nil {
		t.Fatal(err)
	}
	if err := signer.VerifySignature(&platformKey.PublicKey, msg, sig); err != nil {
		t.Fatal(err)
	}
	if err := signer.VerifySignature(nil, msg, sig); !errors.Is(err, signer.ErrBadSignature) {
		t.Fatalf("nil key: %v", err)
	}
	if err := signer.VerifySignature(&platformKey.PublicKey, msg, signer.ProbePrefix+"abc"); !errors.Is(err, signer.ErrProbeSignature) {
		t.Fatalf("probe: %v", err)
	}
	if err := signer.VerifySignature(&platformKey.PublicKey, msg, sig[:len(sig)-4]); !errors.Is(err, signer.ErrBadSignature) {
		t.Fatalf("truncated: %v", err)
	}
}

func TestVerifyResponse(t *testing.T) {
	t.Parallel()
	f := setup(t)
	file := []byte("statement file bytes\n")
	sum := sha1.Sum(file)
	sha := hex.EncodeToString(sum[:])
	statementHeaders := func(sha string) http.Header {
		h := f.signed(t, []byte(`{"sha1":"`+sha+`"}`))
		h.Set(signer.HeaderStatementSHA1, sha)
		return h
	}
	json := []byte(`{"code_url":"weixin://wxpay/bizpayurl?pr=p4lpSuKzz"}`)
	tests := []struct {
		name         string
		method, path string
		h            http.Header
		body         []byte
		wantErr      error
	}{
		{"JSON", "POST", "/v3/pay/transactions/native", f.signed(t, json), json, nil},
		{"JSON tampered", "POST", "/v3/pay/transactions/native", f.signed(t, json), []byte(`{}`), signer.ErrBadSignature},
		{"unsigned JSON rejected", "GET", "/v3/pay/transactions/id/1", http.Header{}, json, signer.ErrMissingHeader},
		{"bill download needs nothing", "GET", "/v3/billdownload/file?token=abc", http.Header{}, []byte("bill"), nil},
		{"bill lookalike verified", "GET", "/v3/billdownload/file-evil", http.Header{}, []byte("bill"), signer.ErrMissingHeader},
		{"statement", "GET", "/v3/statements?date=2024-01-01", statementHeaders(sha), file, nil},
		{"statement upper-case sha", "GET", "/hk/v3/statements", statementHeaders(strings.ToUpper(sha)), file, nil},
		{"statement, other body", "GET", "/v3/global/statements", statementHeaders(sha), []byte("forged"), signer.ErrBadSignature},
		{"statement, no sha header, body signed", "GET", "/v3/statements", f.signed(t, json), json, nil},
		{"statement, no sha header, other body", "GET", "/v3/statements", f.signed(t, json), file, signer.ErrBadSignature},
		{"statement, no headers at all", "GET", "/v3/statements", http.Header{}, file, signer.ErrMissingHeader},
		{"statement, sha not hex", "GET", "/v3/statements", statementHeaders(`x","a":"b`), file, signer.ErrBadSignature},
		{"statement, header sha swapped", "GET", "/v3/statements", func() http.Header {
			h := statementHeaders(sha)
			other := sha1.Sum([]byte("forged"))
			h.Set(signer.HeaderStatementSHA1, hex.EncodeToString(other[:]))
			return h
		}(), []byte("forged"), signer.ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := f.verifier.VerifyResponse(tt.method, tt.path, tt.h, tt.body)
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("VerifyResponse = %v, want %v", err, tt.wantErr)
			}
		})
	}
	got, err := f.verifier.VerifyStatement(statementHeaders(sha))
	if err != nil || got != sha {
		t.Fatalf("VerifyStatement = %q, %v", got, err)
	}
	if _, err := f.verifier.VerifyStatement(f.signed(t, file)); !errors.Is(err, signer.ErrMissingHeader) || !strings.Contains(err.Error(), signer.HeaderStatementSHA1) {
		t.Fatalf("VerifyStatement without %s: %v", signer.HeaderStatementSHA1, err)
	}
}

func TestSignHeaders(t *testing.T) {
	t.Parallel()
	f := setup(t)
	h := f.signed(t, []byte("{}"))
	want := []string{"Wechatpay-Nonce", "Wechatpay-Serial", "Wechatpay-Signature", "Wechatpay-Signature-Type", "Wechatpay-Timestamp"}
	var got []string
	for k := range h {
		got = append(got, k)
	}
	if diff := cmp.Diff(want, got, cmpSorted); diff != "" {
		t.Errorf("header names (-want +got):\n%s", diff)
	}
	if h.Get(signer.HeaderTimestamp) != strconv.FormatInt(f.now, 10) || h.Get(signer.HeaderSignatureType) != signer.Scheme || h.Get(signer.HeaderSerial) != f.platformSerial {
		t.Errorf("headers %v", h)
	}
	if _, err := gateway.SignHeaders(f.ctx, nil, "S", nil, time.Now()); err == nil {
		t.Error("nil signer accepted")
	}
	if _, err := gateway.SignHeaders(f.ctx, f.platform, "", nil, time.Now()); err == nil {
		t.Error("empty serial accepted")
	}
}

func TestKeyStore(t *testing.T) {
	t.Parallel()
	keys(t)
	a, b, c := &platformKey.PublicKey, &other.PublicKey, &merchantKey.PublicKey
	src := map[string]*rsa.PublicKey{"5157f09efdc096de15ebe81a47057a7232f1b8e1": a, " PUB_KEY_ID_01 ": b, "NIL": nil}
	s := signer.NewKeyStore(src)
	src["EXTRA"] = c // the store holds a copy
	if diff := cmp.Diff([]string{"5157F09EFDC096DE15EBE81A47057A7232F1B8E1", "PUB_KEY_ID_01"}, s.Serials()); diff != "" {
		t.Errorf("Serials (-want +got):\n%s", diff)
	}
	if k, ok := s.Lookup("5157F09EFDC096DE15EBE81A47057A7232F1B8E1"); !ok || k != a {
		t.Error("Lookup upper-case failed")
	}
	if k, ok := s.Lookup("5157f09efdc096de15ebe81a47057a7232f1b8e1"); !ok || k != a {
		t.Error("Lookup lower-case failed")
	}
	s.Add(map[string]*rsa.PublicKey{"NEW": c, "PUB_KEY_ID_01": a})
	if s.Len() != 3 {
		t.Errorf("Len = %d after Add", s.Len())
	}
	if k, _ := s.Lookup("PUB_KEY_ID_01"); k != a {
		t.Error("Add did not overwrite")
	}
	s.Remove("new", "absent")
	if _, ok := s.Lookup("NEW"); ok || s.Len() != 2 {
		t.Error("Remove failed")
	}
	s.Replace(map[string]*rsa.PublicKey{"ONLY": c})
	if diff := cmp.Diff([]string{"ONLY"}, s.Serials()); diff != "" {
		t.Errorf("after Replace (-want +got):\n%s", diff)
	}
	m := s.Keys()
	delete(m, "ONLY")
	if s.Len() != 1 {
		t.Error("Keys returned the live map")
	}
	var zero signer.KeyStore
	if zero.Len() != 0 || len(zero.Serials()) != 0 {
		t.Error("zero KeyStore not empty")
	}
	zero.Add(map[string]*rsa.PublicKey{"X": a})
	if _, ok := zero.Lookup("x"); !ok {
		t.Error("zero KeyStore Add failed")
	}
}

// TestKeyStoreNeverEmpty rotates keys while readers verify: no reader may ever see an
// empty store or lose a key that every generation holds, and concurrent Adds are not lost.
func TestKeyStoreNeverEmpty(t *testing.T) {
	t.Parallel()
	keys(t)
	const stable = "STABLE"
	s := signer.NewKeyStore(map[string]*rsa.PublicKey{stable: &platformKey.PublicKey})
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for !stop.Load() {
				if s.Len() == 0 {
					t.Error("store seen empty")
					return
				}
				if _, ok := s.Lookup(stable); !ok {
					t.Error("stable key missing mid-update")
					return
				}
			}
		})
	}
	var writers sync.WaitGroup
	for w := range 4 {
		writers.Go(func() {
			for i := range 200 {
				serial := "W" + strconv.Itoa(w) + "_" + strconv.Itoa(i)
				switch i % 3 {
				case 0:
					s.Replace(map[string]*rsa.PublicKey{stable: &platformKey.PublicKey, serial: &other.PublicKey})
				case 1:
					s.Add(map[string]*rsa.PublicKey{serial: &other.PublicKey})
				case 2:
					s.Remove("W" + strconv.Itoa(w) + "_" + strconv.Itoa(i-1))
				}
			}
		})
	}
	writers.Wait()
	stop.Store(true)
	wg.Wait()
	// Concurrent Adds alone must all land (compare-and-swap, no lost update).
	s2 := signer.NewKeyStore(nil)
	var adders sync.WaitGroup
	for w := range 8 {
		adders.Go(func() {
			for i := range 50 {
				s2.Add(map[string]*rsa.PublicKey{strconv.Itoa(w*1000 + i): &other.PublicKey})
			}
		})
	}
	adders.Wait()
	if s2.Len() != 400 {
		t.Fatalf("concurrent Add lost updates: %d keys, want 400", s2.Len())
	}
}

// TestVerifyRefusesLineBreakInNonce: the signed message is "TS\nNONCE\nBODY\n",
// so a nonce holding "\n" could move the start of the body. A genuine signature
// over body "A\nB" must not verify nonce+"\nA" with body "B".
func TestVerifyRefusesLineBreakInNonce(t *testing.T) {
	t.Parallel()
	f := setup(t)
	h := f.signed(t, []byte("{\"amount\":1}\n{\"amount\":100}"))
	if err := f.verifier.Verify(h, []byte("{\"amount\":1}\n{\"amount\":100}")); err != nil {
		t.Fatalf("genuine answer: %v", err)
	}
	for _, nonce := range []string{h.Get(signer.HeaderNonce) + "\n{\"amount\":1}", h.Get(signer.HeaderNonce) + "\r"} {
		h2 := h.Clone()
		h2[signer.HeaderNonce] = []string{nonce} // as a captured or hand-built header could hold it
		body := []byte("{\"amount\":100}")
		if strings.HasSuffix(nonce, "\r") {
			body = []byte("{\"amount\":1}\n{\"amount\":100}")
		}
		err := f.verifier.Verify(h2, body)
		var ve *signer.SignatureError
		if !errors.As(err, &ve) || ve.Err != signer.ErrBadSignature || !strings.Contains(err.Error(), "Wechatpay-Nonce") {
			t.Errorf("nonce %q: Verify = %v, want ErrBadSignature naming Wechatpay-Nonce", nonce, err)
		}
	}
}
