package chain

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/chainpay-go/wechatpay/signer"
)

// ErrClientCertificateRequired is wrapped by the refusal of an operation
// that needs mutual TLS (the catalogue's x-api-cert-required) on a client
// without Config.ClientCertificate. Nothing is sent.
var ErrClientCertificateRequired = errors.New("chain: the operation needs the merchant API certificate for mutual TLS (x-api-cert-required): set Config.ClientCertificate")

// ErrNoAPIv2Key is wrapped by the refusal of an APIv2 ("xml") call on a
// client without Config.APIv2Key. Nothing is sent.
var ErrNoAPIv2Key = errors.New("chain: APIv2 calls are signed with the APIv2 key: set Config.APIv2Key")

// checkV2 validates the APIv2 fields of cfg: the key's length, and a
// client certificate that holds a parsable leaf and its private key.
// Errors never hold the key.
func (cfg *Config) checkV2() error {
	if cfg.APIv2Key != "" {
		if err := signer.CheckAPIv2Key(cfg.APIv2Key); err != nil {
			return fmt.Errorf("chain: Config.APIv2Key: %w (got %d)", err, len(cfg.APIv2Key))
		}
	}
	cc := cfg.ClientCertificate
	if cc == nil {
		return nil
	}
	if len(cc.Certificate) == 0 || cc.PrivateKey == nil {
		return errors.New("chain: Config.ClientCertificate needs the certificate and its private key (see wechatpay.LoadClientCertificate)")
	}
	leaf := cc.Leaf
	if leaf == nil {
		var err error
		if leaf, err = x509.ParseCertificate(cc.Certificate[0]); err != nil {
			return fmt.Errorf("chain: Config.ClientCertificate: %w", err)
		}
	}
	if now := time.Now(); now.After(leaf.NotAfter) {
		return fmt.Errorf("chain: Config.ClientCertificate (serial %s) expired on %s", signer.SerialOf(leaf), leaf.NotAfter.UTC().Format(time.DateOnly))
	}
	return nil
}

// presentCertificate makes hc's transport present cert when a server asks
// for a client certificate. The caller's transport is cloned, never
// changed; a transport that is not an *http.Transport cannot be given a
// certificate and is refused.
func presentCertificate(hc *http.Client, cert *tls.Certificate) error {
	if cert == nil {
		return nil
	}
	var t *http.Transport
	switch rt := hc.Transport.(type) {
	case nil:
		t = http.DefaultTransport.(*http.Transport).Clone()
	case *http.Transport:
		t = rt.Clone()
	default:
		return fmt.Errorf("chain: Config.ClientCertificate needs Config.HTTPClient.Transport to be an *http.Transport (got %T): put the certificate in your transport's TLSClientConfig instead", rt)
	}
	if t.TLSClientConfig == nil {
		t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	t.TLSClientConfig.Certificates = []tls.Certificate{*cert}
	hc.Transport = t
	return nil
}

// APIv2Key returns Config.APIv2Key ("" when none was given), so that
// notify builds its APIv2 parser from the client.
func (c *Client) APIv2Key() string {
	if c == nil {
		return ""
	}
	return c.apiv2Key
}
