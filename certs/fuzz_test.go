package certs_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay/certs"
	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/signer"
)

// FuzzParse feeds arbitrary /v3/certificates bodies to Parse: it returns
// checked certificates (serial matching the certificate, an RSA key, expiry
// after effect) or an error with the package prefix, never a panic.
func FuzzParse(f *testing.F) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	cert := makeCert(f, testkeys.RSA(0), now.Add(-time.Hour), now.Add(365*24*time.Hour))
	good, err := json.Marshal(listBody(f, testAPIv3Key, listEntry{cert: cert, effective: now.Add(-time.Hour), expire: now.Add(30 * 24 * time.Hour)}))
	if err != nil {
		f.Fatal(err)
	}
	seeds := []string{
		string(good),
		strings.Replace(string(good), `"AEAD_AES_256_GCM"`, `"AEAD_SM4_GCM"`, 1),
		strings.Replace(string(good), `"serial_no":"`, `"serial_no":"0`, 1),
		`{"data":[]}`,
		`{"data":[{}]}`,
		`{"data":[{"serial_no":"1","effective_time":"2026-01-01T00:00:00+08:00","expire_time":"2027-01-01T00:00:00+08:00","encrypt_certificate":{"algorithm":"AEAD_AES_256_GCM","nonce":"","associated_data":"","ciphertext":""}}]}`,
		`{"code":"RESOURCE_NOT_EXISTS","message":"无可用的平台证书"}`,
		`[`,
		``,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		list, err := certs.Parse(body, testAPIv3Key)
		if err != nil {
			if list != nil {
				t.Fatalf("certificates returned with error %v", err)
			}
			// Any refusal is fine (a sentinel, or a JSON / base64 / nonce
			// size failure) as long as it names the package.
			if !strings.HasPrefix(err.Error(), "certs: ") {
				t.Fatalf("error without the package prefix: %v", err)
			}
			return
		}
		if len(list) == 0 {
			t.Fatal("no error and no certificate")
		}
		for _, c := range list {
			if c.Certificate == nil || c.PublicKey == nil || c.Serial != signer.SerialOf(c.Certificate) {
				t.Fatalf("unchecked certificate %+v", c)
			}
			if !c.ExpireTime.After(c.EffectiveTime) {
				t.Fatalf("expire_time %v not after effective_time %v", c.ExpireTime, c.EffectiveTime)
			}
		}
	})
}
