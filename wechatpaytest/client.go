package wechatpaytest

import (
	"fmt"
	"strings"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/catalog"
	"github.com/chainpay-go/wechatpay/chain"
)

// Config returns a configuration for wechatpay.New that talks to this
// server: MchID, Serial, PrivateKey, PlatformKeys (every platform key the
// server knows now), APIv3Key, APIv2Key, BaseURL, HTTPClient, Now (the
// server clock), Validation catalog.Strict (a test's call that the API
// catalogue does not describe fails before it is sent; chain.O{"validation":
// catalog.Off} lets one through, for a route of the test's own) and, with
// WithTLS, ClientCertificate (the merchant certificate, for mutual TLS; over
// plain HTTP set it yourself, s.ClientCertificate(), to call the operations
// that need it). Change fields before calling wechatpay.New to test other
// setups (e.g. Now to simulate clock skew, or PlatformKeys = nil in
// certificate mode to test the certificate download).
func (s *Server) Config() wechatpay.Config {
	cfg := wechatpay.Config{
		MchID:        s.MchID,
		Serial:       s.MerchantSerial,
		PrivateKey:   s.MerchantKey,
		PlatformKeys: s.PlatformKeys(),
		APIv3Key:     s.APIv3Key,
		APIv2Key:     s.APIv2Key,
		BaseURL:      s.URL,
		HTTPClient:   s.HTTPClient(),
		Now:          s.now,
		Validation:   catalog.Strict, // a test's call that the catalogue does not know fails before sending
	}
	if strings.HasPrefix(s.URL, "https://") {
		cc := s.ClientCertificate()
		cfg.ClientCertificate = &cc
	}
	return cfg
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
