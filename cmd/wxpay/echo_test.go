package main

import (
	"strings"
	"testing"
)

// TestNoEchoOfMisplacedSecret: an APIv3 key given by mistake to
// --platform-certs, --serial or --public-key-id is refused without being
// repeated in the error (issue 16 point 6). The flag is named instead.
func TestNoEchoOfMisplacedSecret(t *testing.T) {
	t.Parallel()
	const secret = "Zq8xW3vN7mK2pL9sT4yB6cR1dF5gH0jA" // 32 bytes, like an APIv3 key
	for _, args := range [][]string{
		{"--platform-certs", secret},
		{"--platform-certs", "/tmp/," + secret},
		{"--serial", secret},
		{"--public-key-id", secret},
	} {
		h := setupSim(t)
		r := h.run("", append(args, "get", "v3/certificates")...)
		if r.Code == exitOK {
			t.Errorf("%v: exit 0", args)
			continue
		}
		if strings.Contains(r.Stderr+r.Stdout, secret) || strings.Contains(r.Stderr, secret[:12]) {
			t.Errorf("%v: the value is echoed:\n%s", args, r.Stderr)
		}
		if !strings.Contains(r.Stderr, strings.TrimPrefix(args[0], "--")) && !strings.Contains(r.Stderr, "PlatformKeys") {
			t.Errorf("%v: the error does not name the setting:\n%s", args, r.Stderr)
		}
	}
}
