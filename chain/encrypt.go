package chain

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"strings"

	"github.com/chainpay-go/wechatpay/signer"
)

// Encryptor encrypts sensitive fields (names, ID numbers, phone numbers) with
// one WeChat Pay platform public key, RSA-OAEP SHA-1, and remembers that key's
// serial. Pass it with the request as the "encryptor" option and the request
// carries Wechatpay-Serial with that serial, as WeChat Pay requires:
//
//	enc, err := c.Encryptor()
//	name, err := enc.Encrypt("张三")
//	resp, err := c.Chain("v3/applyment4sub/applyment/").Post(ctx, chain.O{
//		"json":      map[string]any{"contact_info": map[string]any{"contact_name": name}},
//		"encryptor": enc,
//	})
//
// An Encryptor holds a snapshot of the key: it stays consistent even when the
// client's KeyStore rotates. It is safe for concurrent use.
type Encryptor struct {
	serial string
	key    *rsa.PublicKey
}

// Encryptor picks a platform key for encryption: a public key
// (PUB_KEY_ID_…) when there is one, otherwise the certificate with the
// greatest serial. Use EncryptorFor to choose.
func (c *Client) Encryptor() (*Encryptor, error) {
	serials := c.keys.Serials()
	if len(serials) == 0 {
		return nil, fmt.Errorf("chain: no platform key to encrypt with: the KeyStore is empty")
	}
	pick := serials[len(serials)-1]
	for i := len(serials) - 1; i >= 0; i-- {
		if strings.HasPrefix(serials[i], "PUB_KEY_ID_") {
			pick = serials[i]
			break
		}
	}
	return c.EncryptorFor(pick)
}

// EncryptorFor returns an Encryptor for the platform key with this serial.
func (c *Client) EncryptorFor(serial string) (*Encryptor, error) {
	key, ok := c.keys.Lookup(serial)
	if !ok || key == nil {
		return nil, fmt.Errorf("chain: no platform key with serial %q (have %s)", serial, strings.Join(c.keys.Serials(), ", "))
	}
	return &Encryptor{serial: serial, key: key}, nil
}

// Serial is the platform key's serial, sent as Wechatpay-Serial.
func (e *Encryptor) Serial() string { return e.serial }

// Encrypt returns the base64 RSA-OAEP ciphertext of plaintext.
func (e *Encryptor) Encrypt(plaintext string) (string, error) {
	if e == nil || e.key == nil {
		return "", errors.New("chain: Encryptor without a key: get one from Client.Encryptor or Client.EncryptorFor")
	}
	return signer.EncryptOAEP(e.key, plaintext)
}
