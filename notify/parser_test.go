package notify_test

import (
	"bytes"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/signer"
)

func TestParseGood(t *testing.T) {
	t.Parallel()
	f := setup(t)
	body := f.body(t, note{})
	n, err := f.parser.Parse(request(t, f.sign(t, body, testSerial, testNow), body))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := &notify.Notification{
		ID:             "EV-2018022511223320873",
		EventType:      "TRANSACTION.SUCCESS",
		CreateTime:     time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC),
		CreateTimeRaw:  "2026-11-28T20:00:00+08:00",
		ResourceType:   "encrypt-resource",
		Summary:        "支付成功",
		OriginalType:   "transaction",
		AssociatedData: "transaction",
		Plaintext:      []byte(testPlain),
		Body:           body,
		Serial:         testSerial,
		Verified:       true,
	}
	if diff := cmp.Diff(want, n); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
	if got := n.Get("amount.total").Int(); got != 100 {
		t.Errorf("Get(amount.total) = %d, want 100", got)
	}
	if got := n.Get("transaction_id").String(); got != "1217752501201407033233368018" {
		t.Errorf("Get(transaction_id) = %q", got)
	}
}

// TestParseRefused covers every failure: each must be refused with its
// sentinel.
func TestParseRefused(t *testing.T) {
	t.Parallel()
	f := setup(t)
	good := f.body(t, note{})
	goodHeader := f.sign(t, good, testSerial, testNow)

	// A re-serialised body: what a framework that parses then re-marshals
	// hands over. Same content, different bytes.
	var parsed map[string]any
	if err := json.Unmarshal(good, &parsed); err != nil {
		t.Fatal(err)
	}
	reserialised, err := json.Marshal(parsed)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(reserialised, good) {
		t.Fatal("test setup: re-serialised body equals the original")
	}

	tampered := bytes.Replace(good, []byte(`"TRANSACTION.SUCCESS"`), []byte(`"REFUND.SUCCESS"`), 1)
	probe := f.sign(t, good, testSerial, testNow)
	probe.Set(signer.HeaderSignature, "WECHATPAY/SIGNTEST/"+probe.Get(signer.HeaderSignature))
	missing := f.sign(t, good, testSerial, testNow)
	missing.Del(signer.HeaderNonce)
	wrongKeyBody := f.body(t, note{apiv3Key: "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"})
	sm4 := f.body(t, note{algorithm: "AEAD_SM4_GCM"})
	malformed := []byte(`{"id":"EV-1","event_type":"TRANSACTION.SUCCESS","resource":{`)
	noResource := []byte(`{"id":"EV-1","event_type":"TRANSACTION.SUCCESS"}`)
	noCiphertext := []byte(`{"id":"EV-1","event_type":"TRANSACTION.SUCCESS","resource":{"algorithm":"AEAD_AES_256_GCM","nonce":"fdasflkja484"}}`)
	noID := []byte(`{"event_type":"TRANSACTION.SUCCESS","resource":{"algorithm":"AEAD_AES_256_GCM","nonce":"n","ciphertext":"c"}}`)
	badBase64 := []byte(`{"id":"EV-1","event_type":"TRANSACTION.SUCCESS","resource":{"algorithm":"AEAD_AES_256_GCM","nonce":"fdasflkja484","ciphertext":"%%%"}}`)
	array := []byte(`[1,2,3]`)

	tests := []struct {
		name   string
		header http.Header
		body   []byte
		want   error
	}{
		{"tampered body", goodHeader, tampered, signer.ErrBadSignature},
		{"re-serialised body", goodHeader, reserialised, signer.ErrBadSignature},
		{"stale timestamp", f.sign(t, good, testSerial, testNow.Add(-6*time.Minute)), good, signer.ErrTimestampSkew},
		{"future timestamp", f.sign(t, good, testSerial, testNow.Add(6*time.Minute)), good, signer.ErrTimestampSkew},
		{"unknown serial", f.sign(t, good, "PUB_KEY_ID_0999999999999999999999999999", testNow), good, signer.ErrUnknownSerial},
		{"probe", probe, good, signer.ErrProbeSignature},
		{"missing header", missing, good, signer.ErrMissingHeader},
		{"no headers", http.Header{}, good, signer.ErrMissingHeader},
		{"wrong APIv3 key", f.sign(t, wrongKeyBody, testSerial, testNow), wrongKeyBody, signer.ErrAPIv3Key},
		{"unknown algorithm", f.sign(t, sm4, testSerial, testNow), sm4, signer.ErrUnknownAlgorithm},
		{"malformed JSON", f.sign(t, malformed, testSerial, testNow), malformed, notify.ErrMalformed},
		{"JSON array", f.sign(t, array, testSerial, testNow), array, notify.ErrMalformed},
		{"missing resource", f.sign(t, noResource, testSerial, testNow), noResource, notify.ErrMalformed},
		{"missing ciphertext", f.sign(t, noCiphertext, testSerial, testNow), noCiphertext, notify.ErrMalformed},
		{"missing id", f.sign(t, noID, testSerial, testNow), noID, notify.ErrMalformed},
		{"ciphertext not base64", f.sign(t, badBase64, testSerial, testNow), badBase64, notify.ErrMalformed},
		{"empty body", f.sign(t, nil, testSerial, testNow), nil, notify.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n, err := f.parser.Parse(request(t, tt.header, tt.body))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse error = %v, want errors.Is %v", err, tt.want)
			}
			if n != nil {
				t.Errorf("Parse returned a notification with error %v", err)
			}
			if !strings.HasPrefix(err.Error(), "notify: ") {
				t.Errorf("error %q does not start with the package name", err)
			}
			// No secret in any error: the APIv3 key, the signature.
			if msg := err.Error(); strings.Contains(msg, testAPIv3Key) || (tt.header.Get(signer.HeaderSignature) != "" && strings.Contains(msg, tt.header.Get(signer.HeaderSignature)[:24])) {
				t.Errorf("error leaks a secret: %q", msg)
			}
		})
	}
}

func TestParseBodyTooLarge(t *testing.T) {
	t.Parallel()
	f := setup(t, notify.WithMaxBodySize(512))
	body := f.body(t, note{plaintext: `{"pad":"` + strings.Repeat("x", 600) + `"}`})
	h := f.sign(t, body, testSerial, testNow)

	tests := []struct {
		name string
		req  func() *http.Request
	}{
		{"Content-Length", func() *http.Request { return request(t, h, body) }},
		{"chunked (no length)", func() *http.Request {
			r := request(t, h, body)
			r.ContentLength = -1
			return r
		}},
		{"MaxBytesReader", func() *http.Request {
			r := request(t, h, body)
			r.ContentLength = -1
			r.Body = http.MaxBytesReader(nil, r.Body, 100)
			return r
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := f.parser.Parse(tt.req()); !errors.Is(err, notify.ErrBodyTooLarge) {
				t.Errorf("Parse error = %v, want ErrBodyTooLarge", err)
			}
		})
	}
	if _, err := f.parser.ParseRaw(h, body); !errors.Is(err, notify.ErrBodyTooLarge) {
		t.Errorf("ParseRaw error = %v, want ErrBodyTooLarge", err)
	}
	// Exactly at the limit is fine.
	small := setup(t, notify.WithMaxBodySize(int64(len(body))))
	if _, err := small.parser.Parse(request(t, h, body)); err != nil {
		t.Errorf("Parse at the limit: %v", err)
	}
}

func TestParseTimestampWindow(t *testing.T) {
	t.Parallel()
	f := setup(t, notify.WithTimestampWindow(30*time.Second))
	body := f.body(t, note{})
	if _, err := f.parser.ParseRaw(f.sign(t, body, testSerial, testNow.Add(-20*time.Second)), body); err != nil {
		t.Errorf("20 s old, window 30 s: %v", err)
	}
	if _, err := f.parser.ParseRaw(f.sign(t, body, testSerial, testNow.Add(-40*time.Second)), body); !errors.Is(err, signer.ErrTimestampSkew) {
		t.Errorf("40 s old, window 30 s: error = %v, want ErrTimestampSkew", err)
	}
}

func TestUnknownSerialHook(t *testing.T) {
	t.Parallel()
	var got []string
	f := setup(t, notify.WithUnknownSerial(func(serial string) { got = append(got, serial) }))
	body := f.body(t, note{})
	const other = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
	if _, err := f.parser.ParseRaw(f.sign(t, body, other, testNow), body); !errors.Is(err, signer.ErrUnknownSerial) {
		t.Fatalf("error = %v, want ErrUnknownSerial", err)
	}
	if _, err := f.parser.ParseRaw(f.sign(t, body, testSerial, testNow), body); err != nil {
		t.Fatalf("good: %v", err)
	}
	if diff := cmp.Diff([]string{other}, got); diff != "" {
		t.Errorf("hook calls (-want +got):\n%s", diff)
	}
}

// TestParserSharesStore checks that a parser built on a live store sees keys
// added and removed later (certificate rotation).
func TestParserSharesStore(t *testing.T) {
	t.Parallel()
	f := setup(t)
	store := signer.NewKeyStore(map[string]*rsa.PublicKey{"PUB_KEY_ID_0100000000000000000000000000": &f.key.PublicKey})
	p, err := notify.NewParserWithStore(store, testAPIv3Key, notify.WithNow(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	body := f.body(t, note{})
	h := f.sign(t, body, testSerial, testNow)
	if _, err := p.ParseRaw(h, body); !errors.Is(err, signer.ErrUnknownSerial) {
		t.Fatalf("before Add: error = %v, want ErrUnknownSerial", err)
	}
	store.Add(map[string]*rsa.PublicKey{testSerial: &f.key.PublicKey})
	if _, err := p.ParseRaw(h, body); err != nil {
		t.Fatalf("after Add: %v", err)
	}
	store.Remove(testSerial)
	if _, err := p.ParseRaw(h, body); !errors.Is(err, signer.ErrUnknownSerial) {
		t.Fatalf("after Remove: error = %v, want ErrUnknownSerial", err)
	}
}

func TestNewParserRefuses(t *testing.T) {
	t.Parallel()
	key := &testkeys.RSA(0).PublicKey
	keys := map[string]*rsa.PublicKey{testSerial: key}
	tests := []struct {
		name string
		new  func() (*notify.Parser, error)
		want string
	}{
		{"no keys", func() (*notify.Parser, error) { return notify.NewParser(nil, testAPIv3Key) }, "keys is empty"},
		{"nil key", func() (*notify.Parser, error) {
			return notify.NewParser(map[string]*rsa.PublicKey{testSerial: nil}, testAPIv3Key)
		}, "is nil"},
		{"nil store", func() (*notify.Parser, error) { return notify.NewParserWithStore(nil, testAPIv3Key) }, "store is nil"},
		{"nil client", func() (*notify.Parser, error) { return notify.NewParserFromClient(nil) }, "client is nil"},
		{"short APIv3 key", func() (*notify.Parser, error) { return notify.NewParser(keys, "short") }, "APIv3 key must be 32 bytes, got 5"},
		{"zero body size", func() (*notify.Parser, error) {
			return notify.NewParser(keys, testAPIv3Key, notify.WithMaxBodySize(0))
		}, "max body size"},
		{"negative window", func() (*notify.Parser, error) {
			return notify.NewParser(keys, testAPIv3Key, notify.WithTimestampWindow(-time.Second))
		}, "timestamp window"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := tt.new()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want one containing %q", err, tt.want)
			}
			if p != nil {
				t.Error("parser returned with an error")
			}
		})
	}
}

func TestDecryptUnverified(t *testing.T) {
	t.Parallel()
	f := setup(t)
	body := f.body(t, note{})
	n, err := notify.DecryptUnverified(testAPIv3Key, body)
	if err != nil {
		t.Fatal(err)
	}
	if n.Verified || string(n.Plaintext) != testPlain {
		t.Errorf("DecryptUnverified = verified %v, plaintext %q", n.Verified, n.Plaintext)
	}
	if _, err := notify.DecryptUnverified("ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", body); !errors.Is(err, signer.ErrAPIv3Key) {
		t.Errorf("wrong key: error = %v, want ErrAPIv3Key", err)
	}
}

// TestParseLenientCreateTime: a verified notification whose create_time is
// not RFC 3339 is still delivered (refusing it would make WeChat Pay retry
// a genuine payment for a day); CreateTimeRaw keeps the text.
func TestParseLenientCreateTime(t *testing.T) {
	t.Parallel()
	f := setup(t)
	body := bytes.Replace(f.body(t, note{}), []byte(`"2026-11-28T20:00:00+08:00"`), []byte(`"2026-11-28 20:00:00"`), 1)
	n, err := f.parser.ParseRaw(f.sign(t, body, testSerial, testNow), body)
	if err != nil {
		t.Fatalf("ParseRaw: %v", err)
	}
	if !n.CreateTime.IsZero() || n.CreateTimeRaw != "2026-11-28 20:00:00" {
		t.Errorf("CreateTime = %v, CreateTimeRaw = %q", n.CreateTime, n.CreateTimeRaw)
	}
}

func BenchmarkParseRaw(b *testing.B) {
	f := setup(b)
	body := f.body(b, note{})
	h := f.sign(b, body, testSerial, testNow)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.parser.ParseRaw(h, body); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSignerSentinels: the failures the signer package has sentinels for
// match them too (issue: "errors.Is sentinels from signer").
func TestSignerSentinels(t *testing.T) {
	t.Parallel()
	f := setup(t)
	sm4 := f.body(t, note{algorithm: "AEAD_SM4_GCM"})
	_, err := f.parser.ParseRaw(f.sign(t, sm4, testSerial, testNow), sm4)
	if !errors.Is(err, signer.ErrUnknownAlgorithm) {
		t.Errorf("unknown algorithm: error %v, want signer.ErrUnknownAlgorithm", err)
	}
	if _, err := notify.NewParser(map[string]*rsa.PublicKey{testSerial: &f.key.PublicKey}, "short"); !errors.Is(err, signer.ErrAPIv3KeyLength) {
		t.Errorf("NewParser with a short APIv3 key: error %v, want signer.ErrAPIv3KeyLength", err)
	}
	if _, err := notify.DecryptUnverified("short", sm4); !errors.Is(err, signer.ErrAPIv3KeyLength) {
		t.Errorf("DecryptUnverified with a short APIv3 key: error %v, want signer.ErrAPIv3KeyLength", err)
	}
}
