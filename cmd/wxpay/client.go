package main

import (
	"crypto/tls"
	"net/http"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
)

// clientNeeds tells newClient which settings the command requires.
type clientNeeds int

const (
	needVerifyKeys clientNeeds = iota // a call: answers must be verifiable
	needAPIv3Key                      // bootstrap (certificates download): the APIv3 key instead
)

// newClient builds a client from the settings; -v wraps its transport so
// that request and response heads go to stderr.
func (a *app) newClient(s *settings, needs clientNeeds) (*chain.Client, error) {
	if err := s.need(setMchID, setSerial, setPrivateKey); err != nil {
		return nil, err
	}
	switch needs {
	case needVerifyKeys:
		if err := s.needVerification(); err != nil {
			return nil, err
		}
	case needAPIv3Key:
		if err := s.need(setAPIv3Key); err != nil {
			return nil, err
		}
	}
	if err := s.checkIdentifiers(); err != nil {
		return nil, err
	}
	key, err := s.loadPrivateKey()
	if err != nil {
		return nil, err
	}
	keys, err := s.verificationKeys()
	if err != nil {
		return nil, err
	}
	var rt http.RoundTripper = http.DefaultTransport.(*http.Transport).Clone()
	if a.g.verbose {
		rt = &verboseTransport{next: rt, w: a.stderr}
	}
	var cert *tls.Certificate
	if s.ClientCert != "" {
		if cert, err = wechatpay.LoadClientCertificate(s.ClientCert, s.ClientKey, s.MchID); err != nil {
			return nil, &configError{err: err}
		}
	}
	c, err := wechatpay.New(wechatpay.Config{
		MchID:             s.MchID,
		Serial:            s.Serial,
		PrivateKey:        key,
		PlatformKeys:      keys,
		APIv3Key:          s.APIv3Key,
		APIv2Key:          s.APIv2Key,
		ClientCertificate: cert,
		BaseURL:           s.BaseURL,
		HTTPClient:        &http.Client{Transport: rt},
		UserAgent:         "wxpay/" + chain.Version,
		Timeout:           a.g.timeout,
	})
	if err != nil {
		return nil, &configError{err: err}
	}
	return c, nil
}
