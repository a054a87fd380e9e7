package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/wechatpaytest"
	"github.com/chainpay-go/wechatpay/wechatpaytest/console"
)

func TestSandboxConsole(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	url, stop, err := startConsole(srv)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.HasSuffix(url, "/console/") {
		t.Errorf("console URL %q, want loopback /console/", url)
	}
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Security-Policy") != console.ContentSecurityPolicy {
		t.Errorf("console page: status %d, CSP %q", res.StatusCode, res.Header.Get("Content-Security-Policy"))
	}
	if _, err := srv.Client().Chain("v3/certificates").Get(t.Context(), nil); err != nil {
		t.Logf("certificates call: %v", err) // the record is what matters here
	}
	res, err = http.Get(url + "api/requests")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var p console.Page
	if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	if p.Total != 1 || len(p.Records) != 1 || p.Records[0].Method != "GET" {
		t.Errorf("console records %+v, want the one GET", p)
	}
}
