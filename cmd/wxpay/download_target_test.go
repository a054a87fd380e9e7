//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// TestDownloadBillOutput: -o - and -o /dev/stdout mean standard output; a
// FIFO or a symlink given to -o is refused and left as it was (issue 16
// point 4).
func TestDownloadBillOutput(t *testing.T) {
	t.Parallel()
	h := setupSim(t)
	h.srv.SetBill("2026-11-27", []byte(testBill))

	for _, out := range []string{"-", "/dev/stdout"} {
		r := h.run("", "download", "bill", "--date", "2026-11-27", "-o", out)
		if r.Code != exitOK || r.Stdout != testBill {
			t.Errorf("-o %s: exit %d, stdout %q; stderr %s", out, r.Code, r.Stdout, r.Stderr)
		}
		if !strings.Contains(r.Stderr, "bytes to stdout") {
			t.Errorf("-o %s: stderr %q", out, r.Stderr)
		}
	}

	fifo := filepath.Join(h.dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	link := filepath.Join(h.dir, "link.csv")
	if err := os.Symlink(filepath.Join(h.dir, "target.csv"), link); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path, want string
		mode       os.FileMode
	}{
		{fifo, "is a named pipe", os.ModeNamedPipe},
		{link, "is a symbolic link", os.ModeSymlink},
	} {
		r := h.run("", "download", "bill", "--date", "2026-11-27", "-o", tt.path)
		if r.Code == exitOK || !strings.Contains(r.Stderr, tt.want) {
			t.Errorf("-o %s: exit %d, stderr %q, want a refusal containing %q", tt.path, r.Code, r.Stderr, tt.want)
		}
		if fi, err := os.Lstat(tt.path); err != nil || fi.Mode().Type() != tt.mode {
			t.Errorf("-o %s: now %v (%v), want it left as it was", tt.path, fi.Mode().Type(), err)
		}
	}
}

// TestDownloadBillFormatOutput: the --format path (bill records) keeps the
// same -o rules: /dev/stdout is standard output, a FIFO is refused before
// anything is sent and left as it was (issue 16 point 4).
func TestDownloadBillFormatOutput(t *testing.T) {
	t.Parallel()
	h := setupSim(t)
	h.srv.SetBillSourceFor(wechatpaytest.BillTradeAll, "2026-11-27", wechatpaytest.GeneratedBill(wechatpaytest.BillTradeAll, 3))
	args := []string{"download", "bill", "--date", "2026-11-27", "--bill-type", "ALL", "--format", "csv", "-o"}

	r := h.run("", append(args, "/dev/stdout")...)
	if r.Code != exitOK || !strings.HasPrefix(r.Stdout, "交易时间,") {
		t.Errorf("-o /dev/stdout: exit %d, stdout %q; stderr %s", r.Code, r.Stdout, r.Stderr)
	}

	fifo := filepath.Join(h.dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	n := len(h.srv.Requests())
	r = h.run("", append(args, fifo)...)
	if r.Code == exitOK || !strings.Contains(r.Stderr, "is a named pipe") {
		t.Errorf("-o fifo: exit %d, stderr %q, want a refusal", r.Code, r.Stderr)
	}
	if got := len(h.srv.Requests()); got != n {
		t.Errorf("-o fifo: %d requests sent, want none", got-n)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode().Type() != os.ModeNamedPipe {
		t.Errorf("-o fifo: now %v (%v), want it left as it was", fi.Mode().Type(), err)
	}
}
