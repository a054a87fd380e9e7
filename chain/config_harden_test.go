package chain_test

import (
	"crypto/rsa"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/signer"
)

// TestNewClientRefusesHostileConfig: what the adversarial review got past
// NewClient (issue 16 points 3 and 6): a BaseURL ending in "/?" (the server
// saw /?/v3/…), a MchID with control or full-width characters, platform keys
// under 2048 bits, with E=1 or with a nil modulus.
func TestNewClientRefusesHostileConfig(t *testing.T) {
	t.Parallel()
	testKeys(t)
	rs, _ := signer.NewRSASigner(merchantKey)
	const serial = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
	good := &platformKey.PublicKey
	small := &rsa.PublicKey{N: new(big.Int).Rsh(good.N, 1024), E: 65537}
	ok := chain.Config{MchID: testMchID, Serial: testMerchantSerial, Signer: rs, PlatformKeys: map[string]*rsa.PublicKey{serial: good}}
	cases := []struct {
		name string
		mut  func(*chain.Config)
		want string
	}{
		{"BaseURL ending in /?", func(o *chain.Config) { o.BaseURL = "https://api.mch.weixin.qq.com/?" }, "Config.BaseURL"},
		{"BaseURL with an empty query after a path", func(o *chain.Config) { o.BaseURL = "https://x.example/proxy/?" }, "Config.BaseURL"},
		{"MchID with a control character", func(o *chain.Config) { o.MchID = "1900\x7f0001" }, "Config.MchID"},
		{"MchID with a NUL", func(o *chain.Config) { o.MchID = "1900\x000001" }, "Config.MchID"},
		{"MchID with full-width digits", func(o *chain.Config) { o.MchID = "１９００００００01" }, "Config.MchID"},
		{"platform key of 1024 bits", func(o *chain.Config) { o.PlatformKeys = map[string]*rsa.PublicKey{serial: small} }, "2048"},
		{"platform key with E=1", func(o *chain.Config) { o.PlatformKeys = map[string]*rsa.PublicKey{serial: {N: good.N, E: 1}} }, "exponent"},
		{"platform key with an even E", func(o *chain.Config) { o.PlatformKeys = map[string]*rsa.PublicKey{serial: {N: good.N, E: 65536}} }, "exponent"},
		{"platform key with a nil modulus", func(o *chain.Config) { o.PlatformKeys = map[string]*rsa.PublicKey{serial: {E: 65537}} }, "modulus"},
	}
	for _, tc := range cases {
		o := ok
		tc.mut(&o)
		_, err := chain.NewClient(o)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want mention of %s", tc.name, err, tc.want)
		}
		if strings.Contains(tc.name, "platform key") && err != nil && !strings.Contains(err.Error(), "Config.PlatformKeys["+`"`+serial) {
			t.Errorf("%s: err = %v does not name the key", tc.name, err)
		}
		if strings.Contains(tc.name, "bits") && !errors.Is(err, signer.ErrKeyTooSmall) {
			t.Errorf("%s: err = %v, want errors.Is ErrKeyTooSmall", tc.name, err)
		}
	}
	if _, err := chain.NewClient(ok); err != nil {
		t.Fatalf("the good config: %v", err)
	}
}
