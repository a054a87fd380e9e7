package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

const testBill = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态\n" +
	"`2026-11-27 10:00:00,`wxd678efh567hg6787,`1900000001,`0,`,`4200000001202611270000000001,`1217752501201407033233368018,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`SUCCESS\n"

func TestDownloadBill(t *testing.T) {
	t.Parallel()
	h := setupSim(t)
	h.srv.SetBill("2026-11-27", []byte(testBill))

	t.Run("to a file", func(t *testing.T) {
		out := filepath.Join(h.dir, "bill.csv")
		r := h.run("", "download", "bill", "--date", "2026-11-27", "-o", out)
		if r.Code != exitOK {
			t.Fatalf("exit %d; stderr %s", r.Code, r.Stderr)
		}
		got, err := os.ReadFile(out)
		if err != nil || string(got) != testBill {
			t.Errorf("file = %q (%v)", got, err)
		}
		if fi, _ := os.Stat(out); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %o, want 600", fi.Mode().Perm())
		}
		if !strings.Contains(r.Stderr, "HTTP 200 OK  Request-ID: ") || !strings.Contains(r.Stderr, "SHA1") {
			t.Errorf("stderr %q", r.Stderr)
		}
		if strings.Contains(r.Stderr, "[") {
			t.Errorf("progress bar drawn although stderr is not a terminal: %q", r.Stderr)
		}
	})
	t.Run("to stdout with a progress bar", func(t *testing.T) {
		r := h.run("", "download", "bill", "--date", "2026-11-27", "--progress", "always")
		if r.Code != exitOK || r.Stdout != testBill {
			t.Fatalf("exit %d, stdout %q; stderr %s", r.Code, r.Stdout, r.Stderr)
		}
		if !strings.Contains(r.Stderr, "\r") || !strings.Contains(r.Stderr, "B") {
			t.Errorf("no progress in stderr %q", r.Stderr)
		}
	})
	t.Run("gzip, decompressed", func(t *testing.T) {
		r := h.run("", "download", "bill", "--date", "2026-11-27", "--tar-type", "GZIP")
		if r.Code != exitOK || r.Stdout != testBill {
			t.Errorf("exit %d, stdout %q; stderr %s", r.Code, r.Stdout, r.Stderr)
		}
	})
	t.Run("gzip, kept", func(t *testing.T) {
		out := filepath.Join(h.dir, "bill.csv.gz")
		r := h.run("", "download", "bill", "--date", "2026-11-27", "--tar-type", "GZIP", "--keep-compressed", "-o", out)
		if r.Code != exitOK {
			t.Fatalf("exit %d; stderr %s", r.Code, r.Stderr)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("not gzip: %v", err)
		}
		got, _ := io.ReadAll(zr)
		if string(got) != testBill {
			t.Errorf("content %q", got)
		}
	})
}

func TestDownloadBillErrors(t *testing.T) {
	t.Parallel()
	t.Run("tampered file: exit 3, nothing written", func(t *testing.T) {
		t.Parallel()
		h := setupSim(t)
		h.srv.SetBill("2026-11-27", []byte(testBill))
		h.srv.Inject(wechatpaytest.Fault{Route: "GET /v3/billdownload/file", Tamper: true, Times: -1})
		out := filepath.Join(h.dir, "bill.csv")
		r := h.run("", "download", "bill", "--date", "2026-11-27", "-o", out)
		if r.Code != exitVerify || !strings.Contains(r.Stderr, "corrupt or incomplete") {
			t.Errorf("exit %d, stderr %q", r.Code, r.Stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Error("a bill that failed its hash was left at -o")
		}
	})
	t.Run("tampered file to stdout: exit 3, nothing printed", func(t *testing.T) {
		t.Parallel()
		h := setupSim(t)
		h.srv.SetBill("2026-11-27", []byte(testBill))
		h.srv.Inject(wechatpaytest.Fault{Route: "GET /v3/billdownload/file", Tamper: true, Times: -1})
		r := h.run("", "download", "bill", "--date", "2026-11-27")
		if r.Code != exitVerify || r.Stdout != "" {
			t.Errorf("exit %d, stdout %q, stderr %q; want 3 and nothing on stdout", r.Code, r.Stdout, r.Stderr)
		}
	})
	t.Run("no bill: exit 4 with the error body", func(t *testing.T) {
		t.Parallel()
		h := setupSim(t)
		r := h.run("", "download", "bill", "--date", "2001-01-01")
		if r.Code != exitClientError || !strings.Contains(r.Stdout, "NO_STATEMENT_EXIST") {
			t.Errorf("exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
		}
	})
	t.Run("5xx", func(t *testing.T) {
		t.Parallel()
		h := setupSim(t)
		h.srv.Inject(wechatpaytest.Fault{Route: "GET /v3/bill/tradebill", Status: 503, Times: -1})
		r := h.run("", "download", "bill", "--date", "2026-11-27")
		if r.Code != exitServerError {
			t.Errorf("exit %d, stderr %q", r.Code, r.Stderr)
		}
	})
	usage := []struct {
		args []string
		want string
	}{
		{[]string{"download", "bill"}, "missing --date"},
		{[]string{"download", "bill", "--date", "27/11/2026"}, "want YYYY-MM-DD"},
		{[]string{"download", "bill", "--date", "2026-11-27", "--type", "other"}, `--type "other": want trade, fund, or an encrypted bill: sub-merchant, ecommerce, payscore`},
		{[]string{"download", "bill", "--date", "2026-11-27", "--account-type", "BASIC"}, "--account-type is for --type fund"},
		{[]string{"download", "bill", "--date", "2026-11-27", "--keep-compressed"}, "--keep-compressed needs --tar-type GZIP"},
		{[]string{"download", "bill", "--date", "2026-11-27", "--progress", "sometimes"}, "want auto, always or never"},
	}
	for _, u := range usage {
		h := setup(t)
		r := h.run("", u.args...)
		if r.Code != exitUsage || !strings.Contains(r.Stderr, u.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", u.args, r.Code, r.Stderr, u.want)
		}
	}
}

func TestByteSize(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 1536: "1.5 KiB", 5 << 20: "5.0 MiB"} {
		if got := byteSize(n); got != want {
			t.Errorf("byteSize(%d) = %q, want %q", n, got, want)
		}
	}
	var b bytes.Buffer
	p := &progressBar{w: &b}
	p.update(50, 100)
	p.finish()
	if !strings.Contains(b.String(), "50%") || !strings.HasSuffix(b.String(), "\n") {
		t.Errorf("bar %q", b.String())
	}
}

// screen plays text with carriage returns the way a terminal shows it.
func screen(s string) string {
	var lines []string
	for _, line := range strings.Split(s, "\n") {
		var cur []rune
		for _, part := range strings.Split(line, "\r") {
			r := []rune(part)
			if len(r) >= len(cur) {
				cur = r
			} else {
				copy(cur, r)
			}
		}
		lines = append(lines, string(cur))
	}
	return strings.Join(lines, "\n")
}

// TestProgressBarShrinkingText: a redraw shorter than the one before
// (1023.9 KiB → 1.0 MiB) leaves no stale characters on the line.
func TestProgressBarShrinkingText(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	p := &progressBar{w: &b}
	p.update(1023*1024+900, -1)
	p.last = time.Time{} // allow the next redraw at once
	p.update(1024*1024, -1)
	p.finish()
	if got := strings.TrimRight(screen(b.String()), " \n"); got != "1.0 MiB" {
		t.Errorf("terminal shows %q (written %q), want \"1.0 MiB\"", got, b.String())
	}
}
