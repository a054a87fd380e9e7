package wechatpaytest_test

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"sort"
	"sync"
	"testing"

	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"
)

// certSerials decrypts a /v3/certificates answer and returns the serials of
// the certificates it carries, checking each against its serial_no.
func certSerials(t *testing.T, srv *wechatpaytest.Server, body []byte) []string {
	t.Helper()
	var serials []string
	for _, d := range gjson.GetBytes(body, "data").Array() {
		ec := d.Get("encrypt_certificate")
		if ec.Get("algorithm").String() != "AEAD_AES_256_GCM" || ec.Get("associated_data").String() != "certificate" || len(ec.Get("nonce").String()) != 12 {
			t.Errorf("encrypt_certificate %s", ec.Raw)
		}
		pemText, err := signer.DecryptAESGCM(srv.APIv3Key, ec.Get("nonce").String(), ec.Get("associated_data").String(), ec.Get("ciphertext").String())
		if err != nil {
			t.Fatalf("decrypt: %v", err)
		}
		block, _ := pem.Decode(pemText)
		if block == nil {
			t.Fatalf("not PEM: %q", pemText)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if got := signer.SerialOf(cert); got != d.Get("serial_no").String() {
			t.Errorf("serial_no %s, certificate serial %s", d.Get("serial_no"), got)
		}
		if d.Get("effective_time").String() == "" || d.Get("expire_time").String() == "" {
			t.Errorf("times missing: %s", d.Raw)
		}
		serials = append(serials, signer.SerialOf(cert))
	}
	sort.Strings(serials)
	return serials
}

func TestCertificatesPublicKeyMode(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := e.do("GET", "/v3/certificates", "")
	if a.Status != 404 || a.get("code") != "RESOURCE_NOT_EXISTS" {
		t.Errorf("public-key mode: %d %s", a.Status, a.Body)
	}
	if len(e.srv.PlatformSerial) != len("PUB_KEY_ID_0114232134912410000000000000") || e.srv.PlatformSerial[:11] != "PUB_KEY_ID_" {
		t.Errorf("PlatformSerial = %q", e.srv.PlatformSerial)
	}
	if len(e.srv.MerchantSerial) != 40 {
		t.Errorf("MerchantSerial = %q, want 40 hex digits", e.srv.MerchantSerial)
	}
}

func TestCertificateModeAndRotation(t *testing.T) {
	t.Parallel()
	e := setup(t, wechatpaytest.WithCertificateMode())
	old := e.srv.PlatformSerial
	if len(old) != 40 || old != signer.SerialOf(e.srv.PlatformCertificate) {
		t.Fatalf("PlatformSerial %q vs certificate %q", old, signer.SerialOf(e.srv.PlatformCertificate))
	}
	a := e.do("GET", "/v3/certificates", "")
	if a.Status != 200 || a.Header.Get(signer.HeaderSerial) != old {
		t.Fatalf("certificates: %d serial %q", a.Status, a.Header.Get(signer.HeaderSerial))
	}
	if err := e.verify(a); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{old}, certSerials(t, e.srv, a.Body)); diff != "" {
		t.Errorf("certificates (-want +got):\n%s", diff)
	}

	// Rotation with overlap: add, both listed, still signed by the old one.
	next, err := e.srv.AddPlatformKey()
	if err != nil {
		t.Fatal(err)
	}
	a = e.do("GET", "/v3/certificates", "")
	want := []string{old, next}
	sort.Strings(want)
	if diff := cmp.Diff(want, certSerials(t, e.srv, a.Body)); diff != "" {
		t.Errorf("during overlap (-want +got):\n%s", diff)
	}
	if a.Header.Get(signer.HeaderSerial) != old {
		t.Errorf("signed by %q before the switch", a.Header.Get(signer.HeaderSerial))
	}
	// Switch: answers are signed by the new key, unknown to the old store.
	if err := e.srv.UsePlatformKey(next); err != nil {
		t.Fatal(err)
	}
	a = e.do("GET", "/v3/certificates", "")
	if a.Header.Get(signer.HeaderSerial) != next || e.srv.SigningSerial() != next {
		t.Errorf("signed by %q after the switch", a.Header.Get(signer.HeaderSerial))
	}
	if err := e.ver.Verify(a.Header, a.Body); !errors.Is(err, signer.ErrUnknownSerial) {
		t.Errorf("old store: %v, want ErrUnknownSerial", err)
	}
	e.ver.Keys.Replace(e.srv.PlatformKeys())
	if err := e.ver.Verify(a.Header, a.Body); err != nil {
		t.Errorf("new store: %v", err)
	}
	if err := e.srv.RemovePlatformKey(next); err == nil {
		t.Errorf("removing the signing key succeeded")
	}
	if err := e.srv.RemovePlatformKey(old); err != nil {
		t.Fatal(err)
	}
	a = e.do("GET", "/v3/certificates", "")
	if diff := cmp.Diff([]string{next}, certSerials(t, e.srv, a.Body)); diff != "" {
		t.Errorf("after removal (-want +got):\n%s", diff)
	}
	if err := e.srv.UsePlatformKey("NOPE"); err == nil {
		t.Errorf("UsePlatformKey of an unknown serial succeeded")
	}
}

func TestGivenKeysAndIdentity(t *testing.T) {
	t.Parallel()
	base := wechatpaytest.NewServer()
	base.Close()
	const serial = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
	const apiv3 = "0123456789abcdef0123456789abcdef"
	e := setup(t,
		wechatpaytest.WithMchID("1230000109"),
		wechatpaytest.WithMerchantKey(base.PlatformKey, ""),
		wechatpaytest.WithPlatformKey(base.MerchantKey, serial),
		wechatpaytest.WithCertificateMode(),
		wechatpaytest.WithAPIv3Key(apiv3),
		wechatpaytest.WithoutFixtures(),
	)
	got := []string{e.srv.MchID, e.srv.PlatformSerial, signer.SerialOf(e.srv.PlatformCertificate), e.srv.APIv3Key}
	if diff := cmp.Diff([]string{"1230000109", serial, serial, apiv3}, got); diff != "" {
		t.Errorf("identity (-want +got):\n%s", diff)
	}
	if e.srv.MerchantKey != base.PlatformKey || signer.SerialOf(e.srv.MerchantCertificate) != e.srv.MerchantSerial {
		t.Errorf("merchant key or certificate not the given one")
	}
	a := e.do("GET", "/v3/certificates", "")
	if diff := cmp.Diff([]string{serial}, certSerials(t, e.srv, a.Body)); diff != "" {
		t.Errorf("certificates (-want +got):\n%s", diff)
	}
	if a := e.do("POST", seedTarget, seedBody); a.Status != 404 || a.get("code") != "ORDER_NOT_EXIST" {
		t.Errorf("without fixtures: %d %s", a.Status, a.Body)
	}
}

// TestConcurrentAddPlatformKey: keys added at the same time are distinct
// (each call used to pick from a snapshot of the keys in use, so two calls
// could add the same pooled key twice under one serial).
func TestConcurrentAddPlatformKey(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer(wechatpaytest.WithCertificateMode())
	t.Cleanup(srv.Close)
	const n = 4
	serials := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			serials[i], errs[i] = srv.AddPlatformKey()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{srv.PlatformSerial: true}
	for _, s := range serials {
		if seen[s] {
			t.Errorf("AddPlatformKey returned serial %s twice (or the first key's)", s)
		}
		seen[s] = true
	}
	if got := len(srv.PlatformKeys()); got != n+1 {
		t.Errorf("PlatformKeys has %d keys, want %d", got, n+1)
	}
}
