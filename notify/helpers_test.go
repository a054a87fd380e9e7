package notify_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay/internal/gateway"
	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/signer"
)

const (
	testAPIv3Key = "0123456789abcdefghijABCDEFGHIJ01" // 32 bytes, generated for tests only
	testSerial   = "PUB_KEY_ID_0114232134912410000000000000"
	testPlain    = `{"mchid":"1230000109","appid":"wxd678efh567hg6787","out_trade_no":"1217752501201407033233368018","transaction_id":"1217752501201407033233368018","trade_state":"SUCCESS","amount":{"total":100,"currency":"CNY"}}`
)

// testNow is the fixed clock of the tests.
var testNow = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// fixture holds a parser and what it takes to build notifications for it.
type fixture struct {
	key    *rsa.PrivateKey
	signer signer.Signer
	parser *notify.Parser
}

// setup returns a parser verifying with the test platform key under
// testSerial, decrypting with testAPIv3Key, clock fixed at testNow.
func setup(t testing.TB, opts ...notify.Option) *fixture {
	t.Helper()
	key := testkeys.RSA(0)
	s, err := signer.NewRSASigner(key)
	if err != nil {
		t.Fatalf("NewRSASigner: %v", err)
	}
	opts = append([]notify.Option{notify.WithNow(func() time.Time { return testNow })}, opts...)
	p, err := notify.NewParser(map[string]*rsa.PublicKey{testSerial: &key.PublicKey}, testAPIv3Key, opts...)
	if err != nil {
		t.Fatalf("NewParser: %v", err)
	}
	return &fixture{key: key, signer: s, parser: p}
}

// note describes a notification to build.
type note struct {
	id, eventType, algorithm, apiv3Key, associatedData, nonce string
	plaintext                                                 string
}

func (n note) withDefaults() note {
	if n.id == "" {
		n.id = "EV-2018022511223320873"
	}
	if n.eventType == "" {
		n.eventType = "TRANSACTION.SUCCESS"
	}
	if n.algorithm == "" {
		n.algorithm = notify.AlgorithmAESGCM
	}
	if n.apiv3Key == "" {
		n.apiv3Key = testAPIv3Key
	}
	if n.associatedData == "" {
		n.associatedData = "transaction"
	}
	if n.nonce == "" {
		n.nonce = "fdasflkja484"
	}
	if n.plaintext == "" {
		n.plaintext = testPlain
	}
	return n
}

// body builds the raw envelope, fields in WeChat Pay's order (not sorted, so
// that re-marshalling a parsed copy changes the bytes).
func (f *fixture) body(t testing.TB, n note) []byte {
	t.Helper()
	n = n.withDefaults()
	ct, err := gateway.EncryptAESGCM(n.apiv3Key, n.nonce, n.associatedData, []byte(n.plaintext))
	if err != nil {
		t.Fatalf("EncryptAESGCM: %v", err)
	}
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	return []byte(`{"id":` + q(n.id) + `,"create_time":"2026-11-28T20:00:00+08:00","resource_type":"encrypt-resource","event_type":` + q(n.eventType) +
		`,"summary":"支付成功","resource":{"original_type":"transaction","algorithm":` + q(n.algorithm) +
		`,"ciphertext":` + q(ct) + `,"associated_data":` + q(n.associatedData) + `,"nonce":` + q(n.nonce) + `}}`)
}

// sign returns the Wechatpay-* headers for body, signed at ts under serial.
func (f *fixture) sign(t testing.TB, body []byte, serial string, ts time.Time) http.Header {
	t.Helper()
	h, err := gateway.SignHeaders(context.Background(), f.signer, serial, body, ts)
	if err != nil {
		t.Fatalf("SignHeaders: %v", err)
	}
	return h
}

// request makes a POST carrying body and header.
func request(t testing.TB, header http.Header, body []byte) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, "http://merchant.example/notify", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		r.Header[k] = append([]string(nil), v...)
	}
	r.Header.Set("Content-Type", "application/json")
	return r
}
