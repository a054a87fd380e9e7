package chain_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/chain"
)

// TestMethodWithLineBreakRefused: a method such as "GET\r\nX: y" is refused
// at once, with nothing on the wire, instead of being retried as a
// connection error (issue 16 point 6).
func TestMethodWithLineBreakRefused(t *testing.T) {
	t.Parallel()
	for _, m := range []string{"GET\r\nX: y", "GET X", "G\x00T", "ＧＥＴ"} {
		g, c := setup(t, nil)
		_, err := c.Chain("v3/x").Do(context.Background(), m, nil)
		if !errors.Is(err, chain.ErrInvalidOptions) {
			t.Errorf("%q: err = %v, want ErrInvalidOptions", m, err)
		}
		if err != nil && strings.Contains(err.Error(), "X: y") {
			t.Errorf("%q: err = %v repeats the method", m, err)
		}
		if n := g.hits.Load(); n != 0 {
			t.Errorf("%q: %d requests reached the gateway", m, n)
		}
	}
}
