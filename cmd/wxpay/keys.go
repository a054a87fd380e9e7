package main

import (
	"crypto/rsa"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/chainpay-go/wechatpay/internal/keysrc"
	"github.com/chainpay-go/wechatpay/signer"
)

// loadPrivateKey loads the merchant private key named by the settings.
func (s *settings) loadPrivateKey() (*rsa.PrivateKey, error) {
	if err := s.need(setPrivateKey); err != nil {
		return nil, err
	}
	k, err := keysrc.PrivateKey(s.PrivateKey)
	if err != nil {
		return nil, &configError{fmt.Errorf("merchant private key (from %s): %w", s.from[setPrivateKey.Key], err)}
	}
	return k, nil
}

// verificationKeys loads the WeChat Pay public key and/or the platform
// certificates: serial (or PUB_KEY_ID_…) → key. It may be empty.
func (s *settings) verificationKeys() (map[string]*rsa.PublicKey, error) {
	keys := map[string]*rsa.PublicKey{}
	if s.PublicKeyID != "" {
		k, err := keysrc.PublicKey(s.PublicKey)
		if err != nil {
			return nil, &configError{fmt.Errorf("WeChat Pay public key (from %s): %w", s.from[setPublicKey.Key], err)}
		}
		keys[s.PublicKeyID] = k
	}
	files, err := certFiles(s.PlatformCerts)
	if err != nil {
		return nil, &configError{fmt.Errorf("platform certificates (from %s): %w", s.from[setPlatformCerts.Key], err)}
	}
	for _, f := range expandPEM(files) {
		cert, err := keysrc.Certificate(f)
		if err != nil {
			return nil, &configError{fmt.Errorf("platform certificate (from %s): %w", s.from[setPlatformCerts.Key], err)}
		}
		pub, ok := cert.PublicKey.(*rsa.PublicKey)
		if !ok {
			return nil, &configError{fmt.Errorf("platform certificate %s (from %s): not an RSA key", signer.SerialOf(cert), s.from[setPlatformCerts.Key])}
		}
		keys[signer.SerialOf(cert)] = pub
	}
	return keys, nil
}

// certFiles expands the platform-certificate list: a folder stands for its
// *.pem, *.crt and *.cer files (in name order: os.ReadDir sorts); PEM text
// is kept as is.
func certFiles(list []string) ([]string, error) {
	var out []string
	for _, e := range list {
		if strings.Contains(e, "-----BEGIN") {
			out = append(out, e)
			continue
		}
		fi, err := os.Stat(e)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			out = append(out, e)
			continue
		}
		ents, err := os.ReadDir(e)
		if err != nil {
			return nil, err
		}
		var found []string
		for _, d := range ents {
			switch strings.ToLower(filepath.Ext(d.Name())) {
			case ".pem", ".crt", ".cer":
				if d.Type().IsRegular() {
					found = append(found, filepath.Join(e, d.Name()))
				}
			}
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("folder %s holds no .pem, .crt or .cer file", e)
		}
		out = append(out, found...)
	}
	return out, nil
}

// expandPEM splits PEM text holding several certificates into one entry per
// certificate; file paths pass unchanged.
func expandPEM(list []string) []string {
	var out []string
	for _, e := range list {
		if strings.Count(e, "-----BEGIN") < 2 {
			out = append(out, e)
			continue
		}
		for rest := []byte(e); ; {
			var b *pem.Block
			if b, rest = pem.Decode(rest); b == nil {
				break
			}
			out = append(out, string(pem.EncodeToMemory(b)))
		}
	}
	return out
}
