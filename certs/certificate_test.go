package certs_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/certs"
	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/signer"
)

const testAPIv3Key = "0123456789abcdefghijABCDEFGHIJ01"

func TestParse(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	rsaKey := testkeys.RSA(0)
	a := makeCert(t, rsaKey, now.Add(-time.Hour), now.Add(365*24*time.Hour))
	b := makeCert(t, rsaKey, now.Add(-time.Hour), now.Add(365*24*time.Hour))
	good := listEntry{cert: a, effective: now.Add(-time.Hour), expire: now.Add(30 * 24 * time.Hour)}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecTmpl := &x509.Certificate{SerialNumber: big.NewInt(0xABCDEF), NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)}
	ecDER, err := x509.CreateCertificate(rand.Reader, ecTmpl, ecTmpl, &ecKey.PublicKey, ecKey)
	if err != nil {
		t.Fatal(err)
	}
	ecCert, _ := x509.ParseCertificate(ecDER)

	encode := func(v any) []byte {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	with := func(mod func(e *listEntry)) []byte {
		e := good
		mod(&e)
		return encode(listBody(t, testAPIv3Key, e))
	}
	withRaw := func(field, value string) []byte {
		body := listBody(t, testAPIv3Key, good)
		body["data"].([]map[string]any)[0][field] = value
		return encode(body)
	}
	tests := []struct {
		name string
		body []byte
		key  string
		want error  // nil → success
		msg  string // in the error message
	}{
		{name: "two certificates", body: encode(listBody(t, testAPIv3Key, good, listEntry{cert: b, effective: now, expire: now.Add(time.Hour)}))},
		{name: "not JSON", body: []byte(`<html>`), msg: "not JSON"},
		{name: "empty data", body: []byte(`{"data":[]}`), want: certs.ErrNoCertificates},
		{name: "no data", body: []byte(`{}`), want: certs.ErrNoCertificates},
		{name: "serial not hex", body: with(func(e *listEntry) { e.serial = "XYZ" }), want: certs.ErrInvalidCertificate, msg: "serial_no is not a hex serial"},
		{name: "serial mismatch", body: with(func(e *listEntry) { e.serial = signer.SerialOf(b) }), want: certs.ErrInvalidCertificate, msg: "does not match"},
		{name: "bad effective_time", body: withRaw("effective_time", "2026-11-28 12:00:00"), want: certs.ErrInvalidCertificate, msg: "effective_time"},
		{name: "bad expire_time", body: withRaw("expire_time", ""), want: certs.ErrInvalidCertificate, msg: "expire_time"},
		{name: "expire before effective", body: with(func(e *listEntry) { e.expire = e.effective.Add(-time.Second) }), want: certs.ErrInvalidCertificate, msg: "not after effective_time"},
		{name: "unknown algorithm", body: with(func(e *listEntry) { e.algorithm = "AEAD_SM4_GCM" }), want: certs.ErrInvalidCertificate, msg: "AEAD_SM4_GCM"},
		{name: "unknown algorithm matches the signer sentinel", body: with(func(e *listEntry) { e.algorithm = "AEAD_SM4_GCM" }), want: signer.ErrUnknownAlgorithm, msg: "AEAD_SM4_GCM"},
		{name: "not PEM", body: with(func(e *listEntry) { e.plain = []byte("hello") }), want: certs.ErrInvalidCertificate, msg: "not a PEM certificate"},
		{name: "bad DER", body: with(func(e *listEntry) {
			e.plain = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1, 2, 3}})
		}), want: certs.ErrInvalidCertificate, msg: "parsing certificate"},
		{name: "not RSA", body: with(func(e *listEntry) { e.cert = ecCert }), want: signer.ErrNotRSA},
		{name: "wrong APIv3 key", body: encode(listBody(t, testAPIv3Key, good)), key: "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", want: signer.ErrAPIv3Key},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			key := testAPIv3Key
			if tt.key != "" {
				key = tt.key
			}
			list, err := certs.Parse(tt.body, key)
			if tt.want == nil && tt.msg == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				got := []string{list[0].Serial, list[1].Serial}
				if diff := cmp.Diff([]string{signer.SerialOf(a), signer.SerialOf(b)}, got); diff != "" {
					t.Errorf("serials (-want +got):\n%s", diff)
				}
				if !list[0].ExpireTime.Equal(good.expire) || !list[0].PublicKey.Equal(&rsaKey.PublicKey) {
					t.Errorf("first certificate = %+v", list[0])
				}
				return
			}
			if err == nil {
				t.Fatal("Parse accepted the list")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want errors.Is %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), "certs: ") || strings.Count(err.Error(), "certs: ") > 1 {
				t.Errorf("error = %q, want one prefix and %q", err, tt.msg)
			}
		})
	}
}

func TestInstall(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	key := &testkeys.RSA(0).PublicKey
	cert := makeCert(t, testkeys.RSA(0), now.Add(-48*time.Hour), now.Add(10*365*24*time.Hour))
	c := func(serial string, expire time.Time) certs.Certificate {
		return certs.Certificate{Serial: serial, ExpireTime: expire, EffectiveTime: now.Add(-24 * time.Hour), PublicKey: key, Certificate: cert}
	}
	const pub = "PUB_KEY_ID_0114232134912410000000000000"
	past, future := now.Add(-time.Minute), now.Add(time.Hour)
	tests := []struct {
		name                string
		store               []string
		list                []certs.Certificate
		known               map[string]time.Time
		wantAdded, wantGone []string
		wantStore           []string
		wantErr             error
	}{
		{
			name:      "adds new, keeps old (overlap) and the public key",
			store:     []string{"AAAA", pub},
			list:      []certs.Certificate{c("BBBB", future)},
			known:     map[string]time.Time{"AAAA": future, "BBBB": future},
			wantAdded: []string{"BBBB"},
			wantStore: []string{"AAAA", "BBBB", pub},
		},
		{
			name:      "removes only expired known certificates",
			store:     []string{"AAAA", "CCCC", pub},
			list:      []certs.Certificate{c("BBBB", future)},
			known:     map[string]time.Time{"AAAA": past, "BBBB": future},
			wantAdded: []string{"BBBB"},
			wantGone:  []string{"AAAA"},
			wantStore: []string{"BBBB", "CCCC", pub},
		},
		{
			name:      "expired entry of the list is not added and is removed",
			store:     []string{"AAAA"},
			list:      []certs.Certificate{c("AAAA", past), c("BBBB", future)},
			known:     map[string]time.Time{"AAAA": past, "BBBB": future},
			wantAdded: []string{"BBBB"},
			wantGone:  []string{"AAAA"},
			wantStore: []string{"BBBB"},
		},
		{
			name:      "never removes the last key",
			store:     []string{"AAAA"},
			list:      nil,
			known:     map[string]time.Time{"AAAA": past},
			wantStore: []string{"AAAA"},
		},
		{
			name:      "all downloaded expired: nothing changes",
			store:     []string{"AAAA", pub},
			list:      []certs.Certificate{c("AAAA", past)},
			known:     map[string]time.Time{"AAAA": past},
			wantStore: []string{"AAAA", pub},
			wantErr:   certs.ErrAllExpired,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := map[string]*rsa.PublicKey{}
			for _, s := range tt.store {
				m[s] = key
			}
			store := signer.NewKeyStore(m)
			added, removed, err := certs.Install(store, tt.list, tt.known, now)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.wantAdded, added); diff != "" {
				t.Errorf("added (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantGone, removed); diff != "" {
				t.Errorf("removed (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantStore, store.Serials()); diff != "" {
				t.Errorf("store (-want +got):\n%s", diff)
			}
		})
	}
}
