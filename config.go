package wechatpay

import "github.com/chainpay-go/wechatpay/chain"

// Config describes one merchant; it is chain.Config, documented there.
// MchID, Serial, one of PrivateKey or Signer, and PlatformKeys are required;
// everything else has a default. ConfigFromEnv fills one in from WECHATPAY_*
// variables.
type Config = chain.Config

// New checks cfg and returns a client; it is chain.NewClient. Errors name
// the Config field at fault and never include key material.
//
// PlatformKeys may be empty only when APIv3Key is set: that is the bootstrap
// of a merchant that still uses platform certificates. The certificates are
// then downloaded (package certs) and added to the client's KeyStore; until
// then every answer fails verification with signer.ErrUnknownSerial (as a
// *chain.VerifyError that still carries the answer).
func New(cfg Config) (*chain.Client, error) { return chain.NewClient(cfg) }
