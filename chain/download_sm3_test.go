package chain

import (
	"bytes"
	"encoding/hex"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"
)

// TestSM3Vectors checks the two examples of GB/T 32905-2016 (appendix A),
// plus padding edge cases cross-checked with OpenSSL 3 (`openssl dgst -sm3`).
func TestSM3Vectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"GB/T 32905 A.1 abc", []byte("abc"), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"},
		{"GB/T 32905 A.2 abcd×16", bytes.Repeat([]byte("abcd"), 16), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"},
		// Cross-checked with `printf … | openssl dgst -sm3`.
		{"empty", nil, "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"},
		{"55 bytes", bytes.Repeat([]byte("a"), 55), "288337eef51eec62e7544d7270424c8dbe656254c99852870a73b2453a6a7fb1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newSM3()
			h.Write(tt.in)
			if got := hex.EncodeToString(h.Sum(nil)); got != tt.want {
				t.Errorf("SM3(%q) = %s, want %s", clip(tt.in), got, tt.want)
			}
		})
	}
}

func clip(b []byte) string {
	if len(b) > 16 {
		return string(b[:16]) + "…"
	}
	return string(b)
}

// TestSM3AgainstOpenSSL compares random inputs of every length around the
// block and padding boundaries with OpenSSL, when an openssl with SM3 is on
// PATH (skipped otherwise), and checks that split writes give the same sum.
func TestSM3AgainstOpenSSL(t *testing.T) {
	t.Parallel()
	if out, err := exec.Command("openssl", "dgst", "-sm3", "/dev/null").CombinedOutput(); err != nil || !strings.Contains(string(out), "1ab21d8355cfa17f") {
		t.Skip("no openssl with SM3 on PATH")
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4096 + 17} {
		in := make([]byte, n)
		for i := range in {
			in[i] = byte(r.Uint32())
		}
		cmd := exec.Command("openssl", "dgst", "-sm3", "-r")
		cmd.Stdin = bytes.NewReader(in)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("openssl: %v", err)
		}
		want := strings.Fields(string(out))[0]
		h := newSM3()
		h.Write(in)
		if got := hex.EncodeToString(h.Sum(nil)); got != want {
			t.Errorf("len %d: SM3 = %s, openssl says %s", n, got, want)
		}
		h.Reset()
		for i := 0; i < n; i += 7 {
			h.Write(in[i:min(i+7, n)])
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != want {
			t.Errorf("len %d in 7-byte writes: SM3 = %s, openssl says %s", n, got, want)
		}
	}
}
