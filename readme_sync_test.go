package wechatpay_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestREADMECodeIsTested checks that the README's runnable sections are the
// code that tests run: the simulator test function, the callback handler and
// the files example each stand verbatim (up to white space) in a test file.
func TestREADMECodeIsTested(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	space := regexp.MustCompile(`\s+`)
	norm := func(s string) string { return space.ReplaceAllString(strings.TrimSpace(s), " ") }
	for _, tc := range []struct {
		file, marker string // marker picks the README block
	}{
		{"wechatpaytest/readme_test.go", "func TestPayscoreSyncWithSimulator"},
		{"notify/readme_test.go", "func PaymentHandler"},
		{"chain/readme_files_test.go", "client.DownloadBillToFile(ctx, bill, path,"},
	} {
		src, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, b := range blocks {
			if !strings.Contains(b[1], tc.marker) {
				continue
			}
			found = true
			code := b[1]
			if i := strings.Index(code, "func "); strings.HasPrefix(code, "package ") && i >= 0 {
				code = code[i:] // the README shows package and imports for copying; compare from the function on
			}
			if !strings.Contains(norm(string(src)), norm(code)) {
				t.Errorf("README block with %q is not verbatim in %s: update one from the other", tc.marker, tc.file)
			}
		}
		if !found {
			t.Errorf("README has no code block with %q", tc.marker)
		}
	}
}
