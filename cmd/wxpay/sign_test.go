package main

import (
	"crypto/rsa"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/signer"
)

// merchantKey is the tests' merchant key (one per test binary) and its
// PKCS #8 PEM.
func merchantKey(t *testing.T) (*rsa.PrivateKey, string) {
	t.Helper()
	k := testkeys.RSA(0)
	return k, testkeys.PrivatePEM(t, k)
}

func TestSign(t *testing.T) {
	t.Parallel()
	key, keyPEM := merchantKey(t)
	h := setup(t)
	path := writeFile(t, h.dir, "apiclient_key.pem", keyPEM, 0o600)
	h.env["WECHATPAY_PRIVATE_KEY"] = path
	h.env["WECHATPAY_MCHID"] = "1900000109"

	t.Run("jsapi", func(t *testing.T) {
		r := h.run("", "sign", "jsapi", "--appid", "wxd678efh567hg6787", "--prepay-id", "wx201410272009395522657a690389285100")
		if r.Code != exitOK {
			t.Fatalf("exit %d: %s", r.Code, r.Stderr)
		}
		var p signer.JSAPIParams
		if err := json.Unmarshal([]byte(r.Stdout), &p); err != nil {
			t.Fatalf("stdout %q: %v", r.Stdout, err)
		}
		want := signer.JSAPIParams{AppID: "wxd678efh567hg6787", TimeStamp: p.TimeStamp, NonceStr: p.NonceStr,
			Package: "prepay_id=wx201410272009395522657a690389285100", SignType: "RSA", PaySign: p.PaySign}
		if diff := cmp.Diff(want, p); diff != "" {
			t.Errorf("params mismatch (-want +got):\n%s", diff)
		}
		msg := p.AppID + "\n" + p.TimeStamp + "\n" + p.NonceStr + "\n" + p.Package + "\n"
		if err := signer.VerifySignature(&key.PublicKey, []byte(msg), p.PaySign); err != nil {
			t.Errorf("paySign does not verify: %v", err)
		}
		if strings.Contains(r.Stdout+r.Stderr, "PRIVATE KEY") {
			t.Error("key material printed")
		}
	})
	t.Run("app", func(t *testing.T) {
		r := h.run("", "sign", "app", "--appid", "wxd678efh567hg6787", "--prepay-id", "wx201410272009395522657a690389285100", "--pretty", "format")
		if r.Code != exitOK {
			t.Fatalf("exit %d: %s", r.Code, r.Stderr)
		}
		var p signer.APPParams
		if err := json.Unmarshal([]byte(r.Stdout), &p); err != nil {
			t.Fatalf("stdout %q: %v", r.Stdout, err)
		}
		if p.PartnerID != "1900000109" || p.PrepayID != "wx201410272009395522657a690389285100" || p.Package != "Sign=WXPay" {
			t.Errorf("params = %+v", p)
		}
		if !strings.Contains(r.Stdout, "\n  \"appid\"") {
			t.Errorf("--pretty format did not indent: %q", r.Stdout)
		}
		msg := p.AppID + "\n" + p.TimeStamp + "\n" + p.NonceStr + "\n" + p.PrepayID + "\n"
		if err := signer.VerifySignature(&key.PublicKey, []byte(msg), p.Sign); err != nil {
			t.Errorf("sign does not verify: %v", err)
		}
	})
	t.Run("flag wins over env", func(t *testing.T) {
		r := h.run("", "sign", "app", "--appid", "wx1", "--prepay-id", "p1", "--mchid", "1230000109")
		var p signer.APPParams
		if err := json.Unmarshal([]byte(r.Stdout), &p); err != nil || p.PartnerID != "1230000109" {
			t.Errorf("partnerid = %q (%v), want the --mchid value; stderr %s", p.PartnerID, err, r.Stderr)
		}
	})
}

func TestSignUsage(t *testing.T) {
	t.Parallel()
	_, keyPEM := merchantKey(t)
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"no appid", nil, []string{"sign", "jsapi", "--prepay-id", "p"}, exitUsage, "wxpay: missing --appid"},
		{"no prepay id", nil, []string{"sign", "jsapi", "--appid", "wx1"}, exitUsage, "wxpay: missing --prepay-id"},
		{"package string", nil, []string{"sign", "jsapi", "--appid", "wx1", "--prepay-id", "prepay_id=wx2014"}, exitUsage,
			"wxpay: --prepay-id: give the bare prepay_id (wx2014), not the package string"},
		{"no key", nil, []string{"sign", "jsapi", "--appid", "wx1", "--prepay-id", "p"}, exitUsage,
			"wxpay: missing merchant API private key (file path or PEM): set --private-key or WECHATPAY_PRIVATE_KEY"},
		{"app without mchid", map[string]string{"WECHATPAY_PRIVATE_KEY": keyPEM}, []string{"sign", "app", "--appid", "wx1", "--prepay-id", "p"}, exitUsage,
			"wxpay: missing merchant ID: set --mchid or WECHATPAY_MCHID"},
		{"bad key file", map[string]string{"WECHATPAY_PRIVATE_KEY": "/nonexistent/key.pem"}, []string{"sign", "jsapi", "--appid", "wx1", "--prepay-id", "p"}, exitUsage,
			"wxpay: merchant private key (from WECHATPAY_PRIVATE_KEY)"},
	}
	for _, tt := range tests {
		h := setup(t)
		for k, v := range tt.env {
			h.env[k] = v
		}
		r := h.run("", tt.args...)
		if r.Code != tt.code || !strings.Contains(r.Stderr, tt.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d and %q", tt.name, r.Code, r.Stderr, tt.code, tt.want)
		}
		if strings.Contains(r.Stderr, "PRIVATE KEY-----") {
			t.Errorf("%s: key material in stderr", tt.name)
		}
	}
}
