package wechatpaytest

import (
	"fmt"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/catalog"
	"github.com/chainpay-go/wechatpay/chain"
)

// Config returns a configuration for wechatpay.New that talks to this
// server: MchID, Serial, PrivateKey, PlatformKeys (every platform key the
// server knows now), APIv3Key, BaseURL, HTTPClient, Now (the server clock)
// and Validation catalog.Strict: a test's call that the API catalogue does
// not describe fails before it is sent (chain.O{"validation": catalog.Off}
// lets one through, for a route of the test's own). Change fields before calling wechatpay.New to test other
// setups (e.g. Now to simulate clock skew, or PlatformKeys = nil in
// certificate mode to test the certificate download).
func (s *Server) Config() wechatpay.Config {
	return wechatpay.Config{
		MchID:        s.MchID,
		Serial:       s.MerchantSerial,
		PrivateKey:   s.MerchantKey,
		PlatformKeys: s.PlatformKeys(),
		APIv3Key:     s.APIv3Key,
		BaseURL:      s.URL,
		HTTPClient:   s.HTTPClient(),
		Now:          s.now,
		Validation:   catalog.Strict, // a test's call that the catalogue does not know fails before sending
	}
}

// Client returns a new client made by wechatpay.New(s.Config()). NewServer
// checks that this works, so Client panics only on a bug.
func (s *Server) Client() *chain.Client {
	c, err := wechatpay.New(s.Config())
	if err != nil {
		panic(fmt.Sprintf("wechatpaytest: wechatpay.New(s.Config()): %v", err))
	}
	return c
}

// checkClient makes sure Config is accepted by wechatpay.New.
func (s *Server) checkClient() error {
	if _, err := wechatpay.New(s.Config()); err != nil {
		return fmt.Errorf("wechatpaytest: the server's Config is refused by wechatpay.New: %w", err)
	}
	return nil
}
