package signer_test

import (
	"context"
	"crypto/rsa"
	"errors"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay/internal/gateway"
	"github.com/chainpay-go/wechatpay/signer"
)

func TestSmokeSignVerify(t *testing.T) {
	t.Parallel()
	keys(t)
	ctx := context.Background()
	s, err := signer.NewRSASigner(platformKey)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"ok":true}`)
	now := time.Unix(1700000000, 0)
	h, err := gateway.SignHeaders(ctx, s, "ABC123", body, now)
	if err != nil {
		t.Fatal(err)
	}
	v := &signer.Verifier{Keys: signer.NewKeyStore(map[string]*rsa.PublicKey{"abc123": &platformKey.PublicKey}), Now: fixedClock(now.Unix())}
	if err := v.Verify(h, body); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if err := v.Verify(h, []byte(`{"ok":false}`)); !errors.Is(err, signer.ErrBadSignature) {
		t.Fatalf("tampered body: got %v, want ErrBadSignature", err)
	}
	var ve *signer.SignatureError
	if !errors.As(v.Verify(http.Header{}, body), &ve) || ve.Err != signer.ErrMissingHeader {
		t.Fatalf("empty headers: got %v", ve)
	}

	a := &signer.Authorizer{MchID: "1900000001", Serial: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1", Signer: s, Now: fixedClock(now.Unix())}
	hdr, err := a.Authorize(ctx, "GET", "/v3/certificates", nil)
	if err != nil {
		t.Fatal(err)
	}
	auth, err := gateway.ParseAuthorization(hdr)
	if err != nil {
		t.Fatalf("ParseAuthorization(%q): %v", hdr, err)
	}
	if err := signer.VerifySignature(&platformKey.PublicKey, auth.Message("GET", "/v3/certificates", nil), auth.Signature); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hdr, signer.Scheme+` mchid="1900000001",nonce_str="`) {
		t.Fatalf("header %q", hdr)
	}

	cert, err := signer.ParseCertificate([]byte(certPEM(t, &merchantKey.PublicKey, merchantKey, big.NewInt(0xABCDEF))))
	if serial := signer.SerialOf(cert); err != nil || serial != "ABCDEF" {
		t.Fatalf("CertificateSerial = %q, %v", serial, err)
	}
}
