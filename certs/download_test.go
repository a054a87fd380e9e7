package certs_test

import (
	"context"
	"crypto/rsa"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/certs"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// TestDownloadBootstrap: a client that trusts no key downloads the list,
// which is signed by a certificate it carries; the certificates then verify
// answers and notifications.
func TestDownloadBootstrap(t *testing.T) {
	t.Parallel()
	s := newServer(t, wechatpaytest.WithCertificateMode())
	c := newClient(t, s, nil)
	list, err := certs.Update(context.Background(), c)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if len(list) != 1 {
		t.Fatalf("got %d certificates, want 1", len(list))
	}
	got := list[0]
	if got.Serial != s.PlatformSerial {
		t.Errorf("Serial = %q, want %q", got.Serial, s.PlatformSerial)
	}
	if !got.Certificate.Equal(s.PlatformCertificate) || !got.PublicKey.Equal(&s.PlatformKey.PublicKey) {
		t.Error("downloaded certificate differs from the server's")
	}
	if !got.ExpireTime.Equal(s.PlatformCertificate.NotAfter) || !got.EffectiveTime.Equal(s.PlatformCertificate.NotBefore) {
		t.Errorf("times = %v..%v, want %v..%v", got.EffectiveTime, got.ExpireTime, s.PlatformCertificate.NotBefore, s.PlatformCertificate.NotAfter)
	}
	if !strings.HasPrefix(string(got.PEM), "-----BEGIN CERTIFICATE-----") {
		t.Errorf("PEM = %.40q", got.PEM)
	}
	if diff := cmp.Diff([]string{s.PlatformSerial}, c.KeyStore().Serials()); diff != "" {
		t.Errorf("store serials (-want +got):\n%s", diff)
	}
	// The store now verifies ordinary answers and notifications.
	if _, err := c.Chain("v3/certificates").Get(context.Background(), nil); err != nil {
		t.Errorf("verified call after bootstrap: %v", err)
	}
	h, body := notification(t, s)
	if _, err := parserFor(t, c, s).ParseRaw(h, body); err != nil {
		t.Errorf("notification after bootstrap: %v", err)
	}
}

// TestDownloadTrusted: a store that already knows the signer verifies the
// list through the client as any answer.
func TestDownloadTrusted(t *testing.T) {
	t.Parallel()
	s := newServer(t, wechatpaytest.WithCertificateMode())
	c := newClient(t, s, s.PlatformKeys())
	list, err := certs.Download(context.Background(), c)
	if err != nil {
		t.Fatalf("Download: %v", err)
	}
	if len(list) != 1 || list[0].Serial != s.PlatformSerial {
		t.Errorf("Download = %+v", list)
	}
}

// TestDownloadRefused: everything that must not be accepted, and the store
// is left exactly as it was.
func TestDownloadRefused(t *testing.T) {
	t.Parallel()
	now := time.Now()
	foreign := makeCert(t, testkeys.RSA(0), now.Add(-time.Hour), now.Add(24*time.Hour))
	tests := []struct {
		name  string
		setup func(s *wechatpaytest.Server)
		keys  func(s *wechatpaytest.Server) map[string]*rsa.PublicKey
		key   func(s *wechatpaytest.Server) string
		want  []error
	}{
		{
			name: "list not signed by a carried certificate",
			setup: func(s *wechatpaytest.Server) {
				body := listBody(t, s.APIv3Key, listEntry{cert: foreign, effective: now.Add(-time.Hour), expire: now.Add(24 * time.Hour)})
				s.Handle("GET", "/v3/certificates", func(*wechatpaytest.Request) (int, any) { return 200, body })
			},
			want: []error{certs.ErrBootstrap, signer.ErrUnknownSerial},
		},
		{
			name: "unknown serial not carried either",
			setup: func(s *wechatpaytest.Server) {
				s.Inject(wechatpaytest.Fault{Route: "/v3/certificates", UnknownSerial: true})
			},
			want: []error{certs.ErrBootstrap, signer.ErrUnknownSerial},
		},
		{
			name:  "tampered list (bootstrap)",
			setup: func(s *wechatpaytest.Server) { s.Inject(wechatpaytest.Fault{Route: "/v3/certificates", Tamper: true}) },
			want:  []error{signer.ErrBadSignature},
		},
		{
			name:  "tampered list (trusted store)",
			setup: func(s *wechatpaytest.Server) { s.Inject(wechatpaytest.Fault{Route: "/v3/certificates", Tamper: true}) },
			keys:  func(s *wechatpaytest.Server) map[string]*rsa.PublicKey { return s.PlatformKeys() },
			want:  []error{signer.ErrBadSignature},
		},
		{
			name: "stale timestamp",
			setup: func(s *wechatpaytest.Server) {
				s.Inject(wechatpaytest.Fault{Route: "/v3/certificates", StaleTimestamp: true})
			},
			want: []error{signer.ErrTimestampSkew},
		},
		{
			name: "probe",
			setup: func(s *wechatpaytest.Server) {
				s.Inject(wechatpaytest.Fault{Route: "/v3/certificates", ProbeSignature: true})
			},
			want: []error{signer.ErrProbeSignature},
		},
		{
			name: "unsigned",
			setup: func(s *wechatpaytest.Server) {
				s.Inject(wechatpaytest.Fault{Route: "/v3/certificates", Unsigned: true})
			},
			want: []error{signer.ErrMissingHeader},
		},
		{
			name: "wrong APIv3 key",
			key:  func(*wechatpaytest.Server) string { return "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ" },
			want: []error{signer.ErrAPIv3Key},
		},
		{
			name: "serial_no does not match the certificate",
			setup: func(s *wechatpaytest.Server) {
				body := listBody(t, s.APIv3Key, listEntry{cert: s.PlatformCertificate, serial: signer.SerialOf(foreign),
					effective: s.PlatformCertificate.NotBefore, expire: s.PlatformCertificate.NotAfter})
				s.Handle("GET", "/v3/certificates", func(*wechatpaytest.Request) (int, any) { return 200, body })
			},
			keys: func(s *wechatpaytest.Server) map[string]*rsa.PublicKey { return s.PlatformKeys() },
			want: []error{certs.ErrInvalidCertificate},
		},
		{
			name: "server error",
			setup: func(s *wechatpaytest.Server) {
				s.Inject(wechatpaytest.Fault{Route: "/v3/certificates", Status: 500})
			},
			keys: func(s *wechatpaytest.Server) map[string]*rsa.PublicKey { return s.PlatformKeys() },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, wechatpaytest.WithCertificateMode())
			if tt.setup != nil {
				tt.setup(s)
			}
			var keys map[string]*rsa.PublicKey
			if tt.keys != nil {
				keys = tt.keys(s)
			}
			apiv3 := s.APIv3Key
			if tt.key != nil {
				apiv3 = tt.key(s)
			}
			c := newClientWithKey(t, s, keys, apiv3)
			before := c.KeyStore().Serials()
			list, err := certs.Update(context.Background(), c)
			if err == nil {
				t.Fatalf("Update accepted: %+v", list)
			}
			for _, want := range tt.want {
				if !errors.Is(err, want) {
					t.Errorf("error %v does not match %v", err, want)
				}
			}
			t.Logf("error: %v", err)
			if !strings.HasPrefix(err.Error(), "certs: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if strings.Contains(err.Error(), apiv3) {
				t.Errorf("error leaks the APIv3 key: %v", err)
			}
			if diff := cmp.Diff(before, c.KeyStore().Serials()); diff != "" {
				t.Errorf("store changed (-before +after):\n%s", diff)
			}
		})
	}
}

// TestDownloadPublicKeyMerchant: 404 RESOURCE_NOT_EXISTS and an empty list
// both say public-key mode; the PUB_KEY_ID key keeps working.
func TestDownloadPublicKeyMerchant(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(s *wechatpaytest.Server)
	}{
		{"404 RESOURCE_NOT_EXISTS", func(*wechatpaytest.Server) {}},
		{"empty data", func(s *wechatpaytest.Server) {
			s.Handle("GET", "/v3/certificates", func(*wechatpaytest.Request) (int, any) { return 200, map[string]any{"data": []any{}} })
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t) // public-key mode
			tt.setup(s)
			c := newClient(t, s, s.PlatformKeys())
			_, err := certs.Update(context.Background(), c)
			t.Logf("error: %v", err)
			if !errors.Is(err, certs.ErrNoCertificates) {
				t.Fatalf("error = %v, want ErrNoCertificates", err)
			}
			for _, want := range []string{"public-key mode", "PUB_KEY_ID_", s.MchID} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
			if diff := cmp.Diff([]string{s.PlatformSerial}, c.KeyStore().Serials()); diff != "" {
				t.Errorf("store (-want +got):\n%s", diff)
			}
			h, body := notification(t, s)
			if _, err := parserFor(t, c, s).ParseRaw(h, body); err != nil {
				t.Errorf("the public key stopped working: %v", err)
			}
		})
	}
}

func TestDownloadRefusesBadArguments(t *testing.T) {
	t.Parallel()
	if _, err := certs.Download(context.Background(), nil); err == nil {
		t.Error("nil client accepted")
	}
	s := newServer(t, wechatpaytest.WithCertificateMode())
	// A short APIv3 key never reaches certs: the client refuses it.
	if _, err := chain.NewClient(chain.Config{MchID: s.MchID, Serial: s.MerchantSerial, PrivateKey: s.MerchantKey,
		APIv3Key: "short", BaseURL: s.URL, HTTPClient: s.HTTPClient()}); !errors.Is(err, signer.ErrAPIv3KeyLength) || !strings.Contains(err.Error(), "Config.APIv3Key") {
		t.Errorf("short key: error = %v", err)
	}
	// A client with platform keys and no APIv3 key cannot download certificates.
	_, err := certs.Download(context.Background(), newClientWithKey(t, s, map[string]*rsa.PublicKey{s.PlatformSerial: &s.PlatformKey.PublicKey}, ""))
	if !errors.Is(err, signer.ErrAPIv3KeyLength) || !strings.Contains(err.Error(), "Config.APIv3Key") {
		t.Errorf("no APIv3 key: error = %v", err)
	}
	if n := certificateRequests(s); n != 0 {
		t.Errorf("%d requests went out for a refused call", n)
	}
}
