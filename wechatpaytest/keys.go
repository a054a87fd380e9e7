package wechatpaytest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"
)

// keyBits is the size of every generated RSA key: the gateway requires 2048.
const keyBits = 2048

// identity is a generated key with its self-signed certificate.
type identity struct {
	key    *rsa.PrivateKey
	cert   *x509.Certificate
	serial string // certificate serial, upper-case hex, 40 digits
	pubID  string // PUB_KEY_ID_… for public-key mode
}

var (
	merchantOnce sync.Once
	merchantID   *identity
	merchantErr  error

	platformMu   sync.Mutex
	platformPool []*identity // platform identities, generated on first use, reused by every server

	apiv3Once sync.Once
	apiv3Key  string
)

// merchantIdentity returns the process-wide merchant key and certificate.
func merchantIdentity() (*identity, error) {
	merchantOnce.Do(func() {
		merchantID, merchantErr = newIdentity("WeChat Pay test merchant")
	})
	return merchantID, merchantErr
}

// platformIdentity returns the i-th process-wide platform identity,
// generating it (and the ones before it) on first use.
func platformIdentity(i int) (*identity, error) {
	platformMu.Lock()
	defer platformMu.Unlock()
	for len(platformPool) <= i {
		id, err := newIdentity(fmt.Sprintf("WeChat Pay test platform %d", len(platformPool)+1))
		if err != nil {
			return nil, err
		}
		platformPool = append(platformPool, id)
	}
	return platformPool[i], nil
}

// processAPIv3Key returns the process-wide 32-character APIv3 key.
func processAPIv3Key() string {
	apiv3Once.Do(func() {
		apiv3Key = randomString(32, alnum)
	})
	return apiv3Key
}

// newIdentity generates a 2048-bit key and a self-signed certificate with a
// 160-bit serial (40 upper-case hex digits).
func newIdentity(cn string) (*identity, error) {
	key, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		return nil, fmt.Errorf("wechatpaytest: generate key: %w", err)
	}
	cert, err := selfSign(key, cn, time.Now(), nil)
	if err != nil {
		return nil, err
	}
	return &identity{
		key:    key,
		cert:   cert,
		serial: serialHex(cert.SerialNumber),
		pubID:  "PUB_KEY_ID_0" + randomString(27, digits),
	}, nil
}

// selfSign makes a certificate for key valid from a day before now for
// five years, with the given serial or (nil) a random 160-bit one.
func selfSign(key *rsa.PrivateKey, cn string, now time.Time, serial *big.Int) (*x509.Certificate, error) {
	if serial == nil {
		var err error
		serial, err = rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 160))
		if err != nil {
			return nil, fmt.Errorf("wechatpaytest: certificate serial: %w", err)
		}
		// Keep 40 hex digits: force the top bit to be set.
		serial.SetBit(serial, 159, 1)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"Tenpay.com"}, Country: []string{"CN"}},
		NotBefore:    now.Add(-24 * time.Hour).UTC().Truncate(time.Second),
		NotAfter:     now.Add(5 * 365 * 24 * time.Hour).UTC().Truncate(time.Second),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("wechatpaytest: create certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("wechatpaytest: parse certificate: %w", err)
	}
	return cert, nil
}

// serialHex formats a certificate serial as upper-case hex.
func serialHex(n *big.Int) string {
	return strings.ToUpper(n.Text(16))
}

const (
	alnum  = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	digits = "0123456789"
	hexUp  = "0123456789ABCDEF"
)

// randomString returns n characters drawn uniformly from alphabet with crypto/rand.
func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	max := big.NewInt(int64(len(alphabet)))
	for i := range b {
		v, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic("wechatpaytest: crypto/rand failed: " + err.Error())
		}
		b[i] = alphabet[v.Int64()]
	}
	return string(b)
}
