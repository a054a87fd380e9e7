package signer_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/chainpay-go/wechatpay/internal/gateway"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/google/go-cmp/cmp"
)

func TestBuildMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, method, target string
		ts                   int64
		nonce                string
		body                 []byte
		want                 string
	}{
		{"GET without body", "GET", "/v3/certificates", 1554208460, "593BEC0C930BF1AFEB40B4A08C8FB242", nil,
			"GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n"},
		{"GET with query", "GET", "/v3/pay/transactions/id/4200000000?mchid=1230000109", 1700000000, "N", nil,
			"GET\n/v3/pay/transactions/id/4200000000?mchid=1230000109\n1700000000\nN\n\n"},
		{"POST JSON", "POST", "/v3/pay/transactions/jsapi", 1700000001, "abc", []byte(`{"a":1}`),
			"POST\n/v3/pay/transactions/jsapi\n1700000001\nabc\n{\"a\":1}\n"},
		{"body ending in newline keeps it", "POST", "/x", 1, "n", []byte("line\n"), "POST\n/x\n1\nn\nline\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := signer.BuildMessage(tt.method, tt.target, tt.ts, tt.nonce, tt.body)
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("BuildMessage (-want +got):\n%s", diff)
			}
		})
	}
	if diff := cmp.Diff("1700000000\nNONCE\n{}\n", string(signer.BuildVerifyMessage("1700000000", "NONCE", []byte("{}")))); diff != "" {
		t.Errorf("BuildVerifyMessage (-want +got):\n%s", diff)
	}
}

// signPKCS1 signs message independently of the package, with crypto/rsa.
func signPKCS1(t testing.TB, k *rsa.PrivateKey, message []byte) string {
	t.Helper()
	sum := sha256.Sum256(message)
	sig, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

func TestAuthorizeExactHeader(t *testing.T) {
	t.Parallel()
	f := setup(t)
	// Random bytes 0..61 map straight onto the alphabet; 248..255 must be skipped.
	var rnd []byte
	for i := range 32 {
		rnd = append(rnd, 255, 248, byte(i)) // two rejected bytes before every accepted one
	}
	rnd = append(rnd, make([]byte, 64)...)
	a := &signer.Authorizer{MchID: "1900009191", Serial: "408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB", Signer: f.merchant,
		Now: fixedClock(1554208460), Rand: bytes.NewReader(rnd)}
	body := []byte(`{"appid":"wxd678efh567hg6787"}`)
	got, err := a.Authorize(f.ctx, "POST", "/v3/pay/transactions/jsapi", body)
	if err != nil {
		t.Fatal(err)
	}
	nonce := "0123456789ABCDEFGHIJKLMNOPQRSTUV"
	msg := "POST\n/v3/pay/transactions/jsapi\n1554208460\n" + nonce + "\n" + string(body) + "\n"
	want := `WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="` + nonce + `",signature="` + signPKCS1(t, merchantKey, []byte(msg)) +
		`",timestamp="1554208460",serial_no="408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB"`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Authorize (-want +got):\n%s", diff)
	}
}

func TestAuthorizeFreshNonce(t *testing.T) {
	t.Parallel()
	f := setup(t)
	a := &signer.Authorizer{MchID: "1900009191", Serial: "ABC", Signer: f.merchant}
	seen := map[string]bool{}
	for range 20 {
		h, err := a.Authorize(f.ctx, "GET", "/v3/certificates", nil)
		if err != nil {
			t.Fatal(err)
		}
		p, err := gateway.ParseAuthorization(h)
		if err != nil {
			t.Fatal(err)
		}
		if seen[p.Nonce] {
			t.Fatalf("nonce %q reused", p.Nonce)
		}
		seen[p.Nonce] = true
		if err := signer.VerifySignature(&merchantKey.PublicKey, p.Message("GET", "/v3/certificates", nil), p.Signature); err != nil {
			t.Fatal(err)
		}
	}
}

type signerFunc func(ctx context.Context, m []byte) (string, error)

func (f signerFunc) Sign(ctx context.Context, m []byte) (string, error) { return f(ctx, m) }

func TestAuthorizeRefuses(t *testing.T) {
	t.Parallel()
	f := setup(t)
	good := signer.Authorizer{MchID: "1900009191", Serial: "ABC", Signer: f.merchant}
	boom := errors.New("kms unavailable")
	tests := []struct {
		name   string
		mutate func(a *signer.Authorizer)
		method string
		target string
		want   string
	}{
		{"no signer", func(a *signer.Authorizer) { a.Signer = nil }, "GET", "/v3/x", "Signer is nil"},
		{"no mchid", func(a *signer.Authorizer) { a.MchID = "" }, "GET", "/v3/x", "MchID"},
		{"quote in mchid", func(a *signer.Authorizer) { a.MchID = `19",x="` }, "GET", "/v3/x", "MchID"},
		{"no serial", func(a *signer.Authorizer) { a.Serial = "" }, "GET", "/v3/x", "Serial"},
		{"lower-case method", nil, "get", "/v3/x", "upper-case"},
		{"empty method", nil, "", "/v3/x", "method is empty"},
		{"relative target", nil, "GET", "v3/x", "must start with '/'"},
		{"full URL target", nil, "GET", "https://api.mch.weixin.qq.com/v3/x", "must start with '/'"},
		{"space in target", nil, "GET", "/v3/x y", "space or control"},
		{"newline in target", nil, "GET", "/v3/x\nEVIL", "space or control"},
		{"signer error", func(a *signer.Authorizer) {
			a.Signer = signerFunc(func(context.Context, []byte) (string, error) { return "", boom })
		}, "GET", "/v3/x", "kms unavailable"},
		{"signer returns junk", func(a *signer.Authorizer) {
			a.Signer = signerFunc(func(context.Context, []byte) (string, error) { return `a",b="`, nil })
		}, "GET", "/v3/x", "malformed signature"},
		{"rand fails", func(a *signer.Authorizer) { a.Rand = iotest.ErrReader(io.ErrUnexpectedEOF) }, "GET", "/v3/x", "random"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := good
			if tt.mutate != nil {
				tt.mutate(&a)
			}
			h, err := a.Authorize(f.ctx, tt.method, tt.target, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "signer: ") {
				t.Fatalf("Authorize = %q, %v; want error containing %q", h, err, tt.want)
			}
		})
	}
	var nilA *signer.Authorizer
	if _, err := nilA.Authorize(f.ctx, "GET", "/", nil); err == nil {
		t.Fatal("nil Authorizer accepted")
	}
	if _, err := good.Authorize(f.ctx, "GET", "/v3/x", nil); err != nil {
		t.Fatalf("good Authorizer: %v", err)
	}
}

func TestNewNonce(t *testing.T) {
	t.Parallel()
	counts := map[rune]int{}
	const n = 2000
	for range n {
		s, err := signer.NewNonce()
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != 32 {
			t.Fatalf("nonce %q has length %d", s, len(s))
		}
		for _, r := range s {
			if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
				t.Fatalf("nonce %q has %q", s, r)
			}
			counts[r]++
		}
	}
	if len(counts) != 62 {
		t.Fatalf("only %d distinct characters in %d nonces", len(counts), n)
	}
	// 64000 draws over 62 symbols: about 1032 each. A modulo bias (bytes % 62) would
	// give the first 8 symbols ~1.2x the others; 6 sigma is about 190.
	for r, c := range counts {
		if c < 1032-200 || c > 1032+200 {
			t.Errorf("character %q drawn %d times, expected about 1032", r, c)
		}
	}
}

func TestRSASigner(t *testing.T) {
	t.Parallel()
	f := setup(t)
	if _, err := signer.NewRSASigner(nil); err == nil {
		t.Fatal("nil key accepted")
	}
	if _, err := signer.NewRSASigner(smallKey); !errors.Is(err, signer.ErrKeyTooSmall) ||
		err.Error() != "signer: NewRSASigner: RSA key is shorter than 2048 bits (got 1024 bits)" {
		t.Fatalf("1024-bit key: %v", err)
	}
	msg := []byte("GET\n/v3/certificates\n1\nn\n\n")
	got, err := f.merchant.Sign(f.ctx, msg)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(signPKCS1(t, merchantKey, msg), got); diff != "" {
		t.Errorf("Sign differs from crypto/rsa (-want +got):\n%s", diff)
	}
	sig, _ := base64.StdEncoding.DecodeString(got)
	sum := sha256.Sum256(msg)
	if err := rsa.VerifyPKCS1v15(&merchantKey.PublicKey, crypto.SHA256, sum[:], sig); err != nil {
		t.Fatalf("crypto/rsa rejects our signature: %v", err)
	}
	if !f.merchant.Public().Equal(&merchantKey.PublicKey) {
		t.Fatal("Public returns another key")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.merchant.Sign(ctx, msg); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled ctx: %v", err)
	}
	// Concurrent use.
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := f.merchant.Sign(f.ctx, msg); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}
