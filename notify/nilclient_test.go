package notify_test

import (
	"errors"
	"testing"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/notify"
)

// A nil *chain.Client (a typed nil in the interface) is an error, not a
// panic.
func TestParserFromNilClient(t *testing.T) {
	t.Parallel()
	var c *chain.Client
	if _, err := notify.NewParserFromClient(c); !errors.Is(err, notify.ErrNoKeys) {
		t.Errorf("NewParserFromClient(nil *chain.Client) = %v, want ErrNoKeys", err)
	}
	if _, err := notify.NewV2ParserFromClient(c); err == nil {
		t.Error("NewV2ParserFromClient(nil *chain.Client): no error")
	}
}
