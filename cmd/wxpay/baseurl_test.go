package main

import (
	"strings"
	"testing"
)

// TestBaseURLForceQueryRefused: --base-url ending in "/?" is refused before
// anything is sent (the server saw /?/v3/…) (issue 16 point 3).
func TestBaseURLForceQueryRefused(t *testing.T) {
	t.Parallel()
	h := setupSim(t)
	n := len(h.srv.Requests())
	r := h.run("", "--base-url", h.srv.URL+"/?", "get", "v3/certificates")
	if r.Code == exitOK || !strings.Contains(r.Stderr, "BaseURL") {
		t.Errorf("exit %d, stderr %q: want a refusal naming BaseURL", r.Code, r.Stderr)
	}
	if got := len(h.srv.Requests()); got != n {
		t.Errorf("%d requests sent, want none", got-n)
	}
}
