package certs_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/internal/gateway"
	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// makeCert makes a self-signed certificate for key with a random 160-bit
// serial, valid in [notBefore, notAfter].
func makeCert(tb testing.TB, key *rsa.PrivateKey, notBefore, notAfter time.Time) *x509.Certificate {
	tb.Helper()
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 160))
	if err != nil {
		tb.Fatal(err)
	}
	serial.SetBit(serial, 159, 1)
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "test platform", Organization: []string{"Tenpay.com"}},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	return cert
}

// listEntry is one item of a /v3/certificates answer.
type listEntry struct {
	cert              *x509.Certificate
	serial            string // "" → the certificate's serial
	effective, expire time.Time
	algorithm         string // "" → AEAD_AES_256_GCM
	plain             []byte // nil → the certificate's PEM
}

// listBody builds a /v3/certificates answer encrypted with apiv3Key.
func listBody(tb testing.TB, apiv3Key string, entries ...listEntry) map[string]any {
	tb.Helper()
	data := []map[string]any{}
	for _, e := range entries {
		serial := e.serial
		if serial == "" {
			serial = signer.SerialOf(e.cert)
		}
		plain := e.plain
		if plain == nil {
			plain = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: e.cert.Raw})
		}
		alg := e.algorithm
		if alg == "" {
			alg = "AEAD_AES_256_GCM"
		}
		nonce, err := gateway.NewAESGCMNonce()
		if err != nil {
			tb.Fatal(err)
		}
		ct, err := gateway.EncryptAESGCM(apiv3Key, nonce, "certificate", plain)
		if err != nil {
			tb.Fatal(err)
		}
		data = append(data, map[string]any{
			"serial_no":      serial,
			"effective_time": e.effective.Format(time.RFC3339),
			"expire_time":    e.expire.Format(time.RFC3339),
			"encrypt_certificate": map[string]string{
				"algorithm": alg, "nonce": nonce, "associated_data": "certificate", "ciphertext": ct,
			},
		})
	}
	return map[string]any{"data": data}
}

// newServer starts a simulator and closes it with the test.
func newServer(t testing.TB, opts ...wechatpaytest.Option) *wechatpaytest.Server {
	t.Helper()
	s := wechatpaytest.NewServer(opts...)
	t.Cleanup(s.Close)
	return s
}

// newClient makes a chain client for s whose verification store holds
// exactly keys (nil → empty: the first certificate download must bootstrap).
func newClient(t testing.TB, s *wechatpaytest.Server, keys map[string]*rsa.PublicKey) *chain.Client {
	t.Helper()
	return newClientWithKey(t, s, keys, s.APIv3Key)
}

// newClientWithKey is newClient with the given APIv3 key.
func newClientWithKey(t testing.TB, s *wechatpaytest.Server, keys map[string]*rsa.PublicKey, apiv3Key string) *chain.Client {
	t.Helper()
	sg, err := signer.NewRSASigner(s.MerchantKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := chain.NewClient(chain.Config{
		MchID:          s.MchID,
		Serial:         s.MerchantSerial,
		Signer:         sg,
		PlatformKeys:   keys,
		APIv3Key:       apiv3Key, // allows keys to be empty (the bootstrap)
		BaseURL:        s.URL,
		HTTPClient:     s.HTTPClient(),
		DisableRetries: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// parserFor returns a notify parser sharing c's live store.
func parserFor(t testing.TB, c *chain.Client, s *wechatpaytest.Server, opts ...notify.Option) *notify.Parser {
	t.Helper()
	p, err := notify.NewParserWithStore(c.KeyStore(), s.APIv3Key, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// notification builds a signed, encrypted notification with the server's
// current signing key, and returns its headers and raw body.
func notification(t testing.TB, s *wechatpaytest.Server, opts ...wechatpaytest.NotificationOption) (http.Header, []byte) {
	t.Helper()
	req, err := s.NewNotification("http://merchant.example/notify", "TRANSACTION.SUCCESS",
		[]byte(`{"out_trade_no":"T1","trade_state":"SUCCESS"}`), opts...)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	return req.Header, body
}

// certificateRequests counts the /v3/certificates requests s received.
func certificateRequests(s *wechatpaytest.Server) int {
	n := 0
	for _, r := range s.Requests() {
		if strings.HasPrefix(r.URI, "/v3/certificates") {
			n++
		}
	}
	return n
}

// waitFor polls cond until it holds or 10 s pass.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
