package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

func TestCertificatesDownload(t *testing.T) {
	t.Parallel()
	h := setupSim(t, wechatpaytest.WithCertificateMode())
	dir := filepath.Join(h.dir, "certs")

	// Without keys, a plain call cannot be verified: configuration error.
	if r := h.run("", "get", "v3/certificates"); r.Code != exitUsage {
		t.Errorf("call without verification keys: exit %d, stderr %s", r.Code, r.Stderr)
	}

	r := h.run("", "certificates", "download", "-o", dir)
	if r.Code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", r.Code, r.Stderr)
	}
	var got []certSummary
	if err := json.Unmarshal([]byte(r.Stdout), &got); err != nil {
		t.Fatalf("stdout %q: %v", r.Stdout, err)
	}
	if len(got) == 0 {
		t.Fatal("no certificate")
	}
	path := filepath.Join(dir, "wechatpay_"+h.srv.PlatformSerial+".pem")
	found := false
	for _, c := range got {
		found = found || (c.SerialNo == h.srv.PlatformSerial && c.Path == path && !c.Expired)
	}
	if !found {
		t.Errorf("summary %+v lacks %s at %s", got, h.srv.PlatformSerial, path)
	}
	serial, err := signer.CertificateSerial(path)
	if err != nil || serial != h.srv.PlatformSerial {
		t.Errorf("%s holds serial %q (%v), want %s", path, serial, err, h.srv.PlatformSerial)
	}
	if strings.Contains(r.Stderr+r.Stdout, h.srv.APIv3Key) {
		t.Error("the APIv3 key is printed")
	}

	// The folder then verifies calls.
	h.env["WECHATPAY_PLATFORM_CERTS"] = dir
	if r := h.run("", "get", "v3/certificates"); r.Code != exitOK {
		t.Errorf("call verified by the downloaded certificates: exit %d, stderr %s", r.Code, r.Stderr)
	}
	// So does the list form of --platform-certs.
	delete(h.env, "WECHATPAY_PLATFORM_CERTS")
	if r := h.run("", "get", "v3/certificates", "--platform-certs", path); r.Code != exitOK {
		t.Errorf("--platform-certs FILE: exit %d, stderr %s", r.Code, r.Stderr)
	}
}

func TestCertificatesDownloadErrors(t *testing.T) {
	t.Parallel()
	t.Run("public-key mode", func(t *testing.T) {
		t.Parallel()
		h := setupSim(t)
		dir := filepath.Join(h.dir, "certs")
		r := h.run("", "certificates", "download", "-o", dir)
		if r.Code != exitClientError || !strings.Contains(r.Stderr, "public-key mode") {
			t.Errorf("exit %d, stderr %q; want 4 and a public-key-mode message", r.Code, r.Stderr)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Error("folder created although nothing was downloaded")
		}
	})
	t.Run("no -o", func(t *testing.T) {
		t.Parallel()
		h := setupSim(t, wechatpaytest.WithCertificateMode())
		r := h.run("", "certificates", "download")
		if r.Code != exitUsage || !strings.Contains(r.Stderr, "missing -o DIR") {
			t.Errorf("exit %d, stderr %q", r.Code, r.Stderr)
		}
	})
	t.Run("no APIv3 key", func(t *testing.T) {
		t.Parallel()
		h := setupSim(t, wechatpaytest.WithCertificateMode())
		delete(h.env, "WECHATPAY_APIV3_KEY")
		r := h.run("", "certificates", "download", "-o", h.dir)
		if r.Code != exitUsage || !strings.Contains(r.Stderr, "set --apiv3-key or WECHATPAY_APIV3_KEY") {
			t.Errorf("exit %d, stderr %q", r.Code, r.Stderr)
		}
	})
	t.Run("wrong APIv3 key", func(t *testing.T) {
		t.Parallel()
		h := setupSim(t, wechatpaytest.WithCertificateMode())
		r := h.run("", "certificates", "download", "-o", h.dir, "--apiv3-key", strings.Repeat("x", 32))
		if r.Code != exitError || strings.Contains(r.Stderr, strings.Repeat("x", 32)) {
			t.Errorf("exit %d, stderr %q", r.Code, r.Stderr)
		}
	})
}
