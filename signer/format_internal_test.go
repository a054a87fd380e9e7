package signer

import (
	"math"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAuthorizationMatchesFormat: Authorize's header (nonce array,
// int64 timestamp) has FormatAuthorization's bytes, and its message
// BuildMessage's.
func TestAuthorizationMatchesFormat(t *testing.T) {
	t.Parallel()
	var nonce [nonceLen]byte
	copy(nonce[:], "593BEC0C930BF1AFEB40B4A08C8FB242")
	for _, ts := range []int64{0, 1554208460, -5, math.MaxInt64, math.MinInt64} {
		want := FormatAuthorization("1900009191", string(nonce[:]), "c2ln+/==", strconv.FormatInt(ts, 10), "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C")
		got := authorization("1900009191", &nonce, "c2ln+/==", ts, "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C")
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("timestamp %d: (-want +got):\n%s", ts, diff)
		}
		wantMsg := BuildMessage("POST", "/v3/x?a=1", ts, string(nonce[:]), []byte(`{"a":1}`))
		gotMsg := appendMessage(nil, "POST", "/v3/x?a=1", ts, nonce[:], []byte(`{"a":1}`))
		if diff := cmp.Diff(string(wantMsg), string(gotMsg)); diff != "" {
			t.Errorf("timestamp %d: message (-want +got):\n%s", ts, diff)
		}
	}
}
