//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
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
