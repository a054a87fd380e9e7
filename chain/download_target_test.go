//go:build unix

package chain_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/chainpay-go/wechatpay/chain"
)

// TestDownloadBillToFileTarget: DownloadBillToFile writes only over a
// regular file or where nothing exists; a FIFO, a device, a directory or a
// symlink (even to a regular file) is refused before the download, and left
// as it was (issue 16 point 4).
func TestDownloadBillToFileTarget(t *testing.T) {
	t.Parallel()
	srv, c, _ := setupDownload(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	regular := filepath.Join(dir, "regular.csv")
	if err := os.WriteFile(regular, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.csv")
	if err := os.Symlink(regular, link); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "dangling.csv")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), dangling); err != nil {
		t.Fatal(err)
	}
	// A device node of our own (as root), never a system one such as
	// /dev/null: before the fix, the test would have replaced it.
	device := filepath.Join(dir, "null")
	if err := syscall.Mknod(device, syscall.S_IFCHR|0o600, 1<<8|3); err != nil {
		device = "" // not root: that case is skipped
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		mode       os.FileMode // the type the entry must still have afterwards
		want       string
	}{
		{"fifo", fifo, os.ModeNamedPipe, "is a named pipe"},
		{"device", device, os.ModeDevice | os.ModeCharDevice, "is a device"},
		{"symlink to a regular file", link, os.ModeSymlink, "is a symbolic link"},
		{"dangling symlink", dangling, os.ModeSymlink, "is a symbolic link"},
		{"directory", sub, os.ModeDir, "is a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.path == "" {
				t.Skip("mknod needs root")
			}
			bill := requestBill(t, c, false)
			n := len(srv.Requests())
			_, err := c.DownloadBillToFile(context.Background(), bill, tt.path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, chain.ErrInvalidOptions) {
				t.Fatalf("err = %v, want ErrInvalidOptions containing %q", err, tt.want)
			}
			if got := len(srv.Requests()); got != n {
				t.Errorf("%d requests sent, want none", got-n)
			}
			fi, err := os.Lstat(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Type(); got != tt.mode.Type() {
				t.Errorf("%s is now %v, want %v (left as it was)", tt.path, got, tt.mode.Type())
			}
		})
	}
	if got, _ := os.ReadFile(regular); string(got) != "old" {
		t.Errorf("the symlink's target was changed: %q", got)
	}
}
