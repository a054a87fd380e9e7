package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// encBill stores a generated fund bill as every encrypted bill kind of
// srv, in three parts, and returns its bytes.
func encBill(t *testing.T, srv *wechatpaytest.Server) []byte {
	t.Helper()
	src := wechatpaytest.GeneratedBill(wechatpaytest.BillFund, 100) // 16,334 bytes
	srv.SetSubMerchantBill("1900000109", "OPERATION", "2026-11-27", src)
	srv.SetSubMerchantBill("", "ALL", "2026-11-27", src)
	srv.SetPayscoreBill("500001", "2026-11-27", src)
	srv.SetBillPartSize(6000)
	b, err := io.ReadAll(src.Open())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDownloadEncryptedBill(t *testing.T) {
	t.Parallel()
	h := setupSim(t)
	content := encBill(t, h.srv)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"sub-merchant", []string{"--type", "sub-merchant", "--sub-mchid", "1900000109", "--account-type", "OPERATION"}},
		{"ecommerce gzip", []string{"--type", "ecommerce", "--tar-type", "GZIP"}},
		{"payscore", []string{"--type", "payscore", "--service-id", "500001"}},
	} {
		t.Run(tc.name+" to a file", func(t *testing.T) {
			out := filepath.Join(h.dir, strings.ReplaceAll(tc.name, " ", "-")+".csv")
			r := h.run("", append([]string{"download", "bill", "--date", "2026-11-27", "-o", out}, tc.args...)...)
			if r.Code != exitOK {
				t.Fatalf("exit %d; stderr %s", r.Code, r.Stderr)
			}
			got, err := os.ReadFile(out)
			if err != nil || !bytes.Equal(got, content) {
				t.Errorf("file: %d bytes (%v), want the bill's %d", len(got), err, len(content))
			}
			if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
				t.Errorf("mode %o, want 600", fi.Mode().Perm())
			}
			want := "3 parts decrypted, 16334 bytes to " + out + ", SHA1 of every part matches"
			if !strings.Contains(r.Stderr, "HTTP 200 OK  Request-ID: ") || !strings.Contains(r.Stderr, want) {
				t.Errorf("stderr %q, want %q", r.Stderr, want)
			}
		})
		t.Run(tc.name+" to stdout", func(t *testing.T) {
			r := h.run("", append([]string{"download", "bill", "--date", "2026-11-27", "--progress", "always"}, tc.args...)...)
			if r.Code != exitOK || r.Stdout != string(content) {
				t.Fatalf("exit %d, %d bytes on stdout; stderr %s", r.Code, len(r.Stdout), r.Stderr)
			}
			if !strings.Contains(r.Stderr, "\r") || !strings.Contains(r.Stderr, "KiB") {
				t.Errorf("no progress in stderr %q", r.Stderr)
			}
		})
	}
	t.Run("gzip kept", func(t *testing.T) {
		out := filepath.Join(h.dir, "sub.csv.gz")
		r := h.run("", "download", "bill", "--date", "2026-11-27", "--type", "payscore", "--service-id", "500001", "--tar-type", "GZIP", "--keep-compressed", "-o", out)
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
		if got, _ := io.ReadAll(zr); !bytes.Equal(got, content) {
			t.Errorf("the gzip file holds %d bytes, want the bill's %d", len(got), len(content))
		}
	})
}

func TestDownloadEncryptedBillErrors(t *testing.T) {
	t.Parallel()
	for _, to := range []string{"file", "stdout"} {
		t.Run("tampered part to "+to+": exit 3, nothing written", func(t *testing.T) {
			t.Parallel()
			h := setupSim(t)
			encBill(t, h.srv)
			h.srv.Inject(wechatpaytest.Fault{Route: "GET /v3/payscore/bill/downloadurl", Tamper: true, Times: -1})
			out := filepath.Join(h.dir, "bill.csv")
			args := []string{"download", "bill", "--date", "2026-11-27", "--type", "payscore", "--service-id", "500001"}
			if to == "file" {
				args = append(args, "-o", out)
			}
			r := h.run("", args...)
			if r.Code != exitVerify || !strings.Contains(r.Stderr, "encrypted bill part 1 of 3") || !strings.Contains(r.Stderr, "tag mismatch") || r.Stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("a bill that failed its tag was left at -o")
			}
		})
	}
	t.Run("no bill: exit 4 with the error body", func(t *testing.T) {
		t.Parallel()
		h := setupSim(t)
		r := h.run("", "download", "bill", "--date", "2001-01-01", "--type", "ecommerce")
		if r.Code != exitClientError || !strings.Contains(r.Stdout, "NO_STATEMENT_EXIST") {
			t.Errorf("exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
		}
	})
	usage := []struct {
		args []string
		want string
	}{
		{[]string{"--type", "sub-merchant"}, "--type sub-merchant needs --sub-mchid"},
		{[]string{"--type", "payscore"}, "--type payscore needs --service-id"},
		{[]string{"--type", "payscore", "--service-id", "1", "--account-type", "BASIC"}, "--account-type is for --type fund, sub-merchant or ecommerce"},
		{[]string{"--type", "ecommerce", "--sub-mchid", "1"}, "--sub-mchid is for --type sub-merchant"},
		{[]string{"--type", "ecommerce", "--service-id", "1"}, "--service-id is for --type payscore"},
		{[]string{"--type", "ecommerce", "--bill-type", "ALL"}, "--bill-type is for --type trade"},
		{[]string{"--type", "ecommerce", "--format", "csv"}, "--format and --summary are for --type trade and fund"},
		{[]string{"--sub-mchid", "1"}, "--sub-mchid and --service-id are for --type sub-merchant and payscore"},
		{[]string{"--type", "ecommerce", "--keep-compressed"}, "--keep-compressed needs --tar-type GZIP"},
		{[]string{"--type", "ecommerce", "-o", "."}, "is a directory"},
	}
	for _, u := range usage {
		h := setup(t)
		r := h.run("", append([]string{"download", "bill", "--date", "2026-11-27"}, u.args...)...)
		if r.Code != exitUsage || !strings.Contains(r.Stderr, u.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", u.args, r.Code, r.Stderr, u.want)
		}
	}
}
