package signer

import (
	"context"
	"crypto/rsa"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay/internal/testkeys"
)

// BenchmarkVerifyOverhead is Verify without base64/SHA-256/RSA: header checks,
// timestamp, key lookup and the message (compare with BenchmarkVerify).
func BenchmarkVerifyOverhead(b *testing.B) {
	key := testkeys.RSA(0)
	s, err := NewRSASigner(key)
	if err != nil {
		b.Fatal(err)
	}
	body := make([]byte, 400)
	now := time.Now()
	// An answer's headers, as the gateway signs them (internal/gateway.SignHeaders,
	// which this package's own tests cannot import).
	ts, nonce := strconv.FormatInt(now.Unix(), 10), "593BEC0C930BF1AFEB40B4A08C8FB242"
	sig, err := s.Sign(context.Background(), BuildVerifyMessage(ts, nonce, body))
	if err != nil {
		b.Fatal(err)
	}
	h := http.Header{}
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderNonce, nonce)
	h.Set(HeaderSignature, sig)
	h.Set(HeaderSerial, "PUB_KEY_ID_0114232134912410000000000000")
	h.Set(HeaderSignatureType, Scheme)
	v := &Verifier{Keys: NewKeyStore(map[string]*rsa.PublicKey{"PUB_KEY_ID_0114232134912410000000000000": &key.PublicKey}),
		Now: func() time.Time { return now }}
	b.ReportAllocs()
	for b.Loop() {
		_, ts, nonce, _, _, err := v.checkHeaders(h)
		if err != nil {
			b.Fatal(err)
		}
		_ = BuildVerifyMessage(ts, nonce, body)
	}
}
