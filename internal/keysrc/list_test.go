package keysrc_test

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/internal/keysrc"
)

func TestSplitList(t *testing.T) {
	t.Parallel()
	sep := string(os.PathListSeparator)
	tests := []struct {
		name string
		v    string
		want []string
	}{
		{"empty", "", nil},
		{"separators only", " , ,\n" + sep, nil},
		{"commas", "/a.pem, /b.pem ,", []string{"/a.pem", "/b.pem"}},
		{"OS separator", "/a.pem" + sep + "/b", []string{"/a.pem", "/b"}},
		{"line breaks", "/a\r\n/b\n\n/c", []string{"/a", "/b", "/c"}},
		{"file URLs", "file:///certs,file://localhost/x.pem", []string{"file:///certs", "file://localhost/x.pem"}},
		{"spaces inside a path", "/Users/Jo Doe/certs", []string{"/Users/Jo Doe/certs"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, keysrc.SplitList(tt.v)); diff != "" {
				t.Errorf("SplitList(%q) (-want +got):\n%s", tt.v, diff)
			}
		})
	}
}

func FuzzSplitList(f *testing.F) {
	f.Add("/a.pem,/b.pem")
	f.Add("file:///a:/b\n,c")
	f.Fuzz(func(t *testing.T, v string) {
		for _, e := range keysrc.SplitList(v) {
			if e == "" || e != strings.TrimSpace(e) || strings.ContainsAny(e, ",\n\r") {
				t.Errorf("SplitList(%q) gave %q", v, e)
			}
		}
	})
}
