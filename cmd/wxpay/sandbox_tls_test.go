package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// TestSandboxTLS runs the sandbox with --tls and calls it with the files it
// wrote: ca.pem to trust it, the merchant certificate for mutual TLS.
func TestSandboxTLS(t *testing.T) {
	t.Parallel()
	h := setup(t)
	dir := filepath.Join(h.dir, "sb")
	stop := startSandbox(t, h, dir, "--tls")
	defer stop()
	data, err := os.ReadFile(filepath.Join(dir, sandboxEnv))
	if err != nil {
		t.Fatal(err)
	}
	env := parseEnvFile(string(data))
	if !strings.HasPrefix(env[wechatpay.EnvBaseURL], "https://") || env["SSL_CERT_FILE"] != filepath.Join(dir, sandboxCA) ||
		env[wechatpay.EnvClientCert] == "" || len(env[wechatpay.EnvAPIv2Key]) != 32 {
		t.Fatalf("sandbox.env: %v", env)
	}
	caPEM, err := os.ReadFile(env["SSL_CERT_FILE"])
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		t.Fatal("ca.pem holds no certificate")
	}
	cfg, err := wechatpay.ConfigFromLookup(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: roots}
	cfg.HTTPClient = &http.Client{Transport: tr}
	c, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Chain("v2/pay/micropay").Post(ctx, chain.O{"xml": chain.O{"appid": "wx1", "body": "b", "out_trade_no": "SBTLS",
		"total_fee": 2, "spbill_create_ip": "1.1.1.1", "auth_code": "134567890123456789"}}); err != nil {
		t.Fatal(err)
	}
	resp, err := c.Chain("v2/secapi/pay/refund").Post(ctx, chain.O{"xml": chain.O{"appid": "wx1", "out_trade_no": "SBTLS",
		"out_refund_no": "SBTLS-1", "total_fee": 2, "refund_fee": 1}})
	if err != nil || resp.Get("refund_fee").String() != "1" {
		t.Fatalf("refund over mutual TLS: %v", err)
	}
	// The USERPAYING path of the sandbox, as its help describes it.
	_, err = c.Chain("v2/pay/micropay").Post(ctx, chain.O{"xml": chain.O{"appid": "wx1", "body": "b", "out_trade_no": "SBPAY",
		"total_fee": 1, "spbill_create_ip": "1.1.1.1", "auth_code": wechatpaytest.V2AuthCodeUserPaying}})
	var ae *chain.APIError
	if !errors.As(err, &ae) || ae.Code != "USERPAYING" {
		t.Errorf("USERPAYING: %v", err)
	}

	// Without the certificate the sandbox refuses the operation.
	plain := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	r, err := plain.Post(env[wechatpay.EnvBaseURL]+"/secapi/pay/refund", "text/xml", strings.NewReader("<xml><appid>wx1</appid></xml>"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if !strings.Contains(string(body), "FAIL") || !strings.Contains(string(body), "certificate") {
		t.Errorf("refund without a client certificate: %s", body)
	}
}
