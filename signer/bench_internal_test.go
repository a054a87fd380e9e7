package signer

import (
	"context"
	"crypto/rsa"
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
	h, err := SignHeaders(context.Background(), s, "PUB_KEY_ID_0114232134912410000000000000", body, now)
	if err != nil {
		b.Fatal(err)
	}
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
