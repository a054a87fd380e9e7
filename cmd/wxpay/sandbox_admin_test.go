package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// TestSandboxAdminAPI: wxpay sandbox serves the admin API on its address
// (WECHATPAY_BASE_URL + AdminPrefix), names it at start, and needs no token
// on loopback.
func TestSandboxAdminAPI(t *testing.T) {
	t.Parallel()
	h := setup(t)
	dir := filepath.Join(h.dir, "sb")
	stop := startSandbox(t, h, dir)
	data, err := os.ReadFile(filepath.Join(dir, sandboxEnv))
	if err != nil {
		t.Fatal(err)
	}
	env := parseEnvFile(string(data))
	adminURL := env["WECHATPAY_BASE_URL"] + wechatpaytest.AdminPrefix
	if _, ok := env[envSandboxToken]; ok {
		t.Errorf("a loopback sandbox wrote %s", envSandboxToken)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, adminURL+"clock/advance", strings.NewReader(`{"duration":"24h"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || gjson.GetBytes(b, "offset").String() != "24h0m0s" {
		t.Errorf("POST clock/advance: %d %s", resp.StatusCode, b)
	}
	// The outcome header from the CLI, as an httpie-style header item: the
	// refund is refused, signed, and not made.
	client := setup(t)
	for k, v := range env {
		client.env[k] = v
	}
	r := client.run("", "post", "v3/refund/domestic/refunds", "out_trade_no="+wechatpaytest.DemoOutTradeNo, "out_refund_no=R-cli",
		"amount.refund:=1", "amount.total:=100", "amount.currency=CNY", wechatpaytest.OutcomeHeader+":code=NOT_ENOUGH")
	if r.Code != exitClientError || !strings.Contains(r.Stderr, "NOT_ENOUGH") || gjson.Get(r.Stdout, "code").String() != "NOT_ENOUGH" {
		t.Errorf("refund with the outcome header: exit %d, stdout %s, stderr %s", r.Code, r.Stdout, r.Stderr)
	}
	sr := stop()
	if want := "The admin JSON API (records, notifications, outcome rules, clock, reset, faults, trigger) is at " + adminURL; !strings.Contains(sr.Stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, sr.Stderr)
	}
}
