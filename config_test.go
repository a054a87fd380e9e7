package wechatpay_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/internal/gateway"
	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	s := wechatpaytest.NewServer()
	t.Cleanup(s.Close)
	small := testkeys.Small()
	rs, _ := signer.NewRSASigner(s.MerchantKey)
	cases := []struct {
		name string
		mut  func(*wechatpay.Config)
		want []string
		is   error
	}{
		{"no MchID", func(c *wechatpay.Config) { c.MchID = " " }, []string{"Config.MchID is empty"}, nil},
		{"MchID breaks the header", func(c *wechatpay.Config) { c.MchID = `19",x` }, []string{"Config.MchID"}, nil},
		{"no Serial", func(c *wechatpay.Config) { c.Serial = "" }, []string{"Config.Serial is empty"}, nil},
		{"decimal Serial", func(c *wechatpay.Config) { c.Serial = "315443617372453426417302318451893937463051372866" }, []string{"Config.Serial"}, signer.ErrDecimalSerial},
		{"non-hex Serial", func(c *wechatpay.Config) { c.Serial = "XYZ-not-hex" }, []string{"Config.Serial"}, nil},
		{"Serial is the platform key's", func(c *wechatpay.Config) {
			c.PlatformKeys = map[string]*rsa.PublicKey{c.Serial: &s.PlatformKey.PublicKey}
		}, []string{"Config.Serial"}, signer.ErrSerialIsPlatformKey},
		{"no key and no signer", func(c *wechatpay.Config) { c.PrivateKey = nil }, []string{"Config.PrivateKey and Config.Signer are both empty"}, nil},
		{"key and signer", func(c *wechatpay.Config) { c.Signer = rs }, []string{"both set"}, nil},
		{"small key", func(c *wechatpay.Config) { c.PrivateKey = small }, []string{"Config.PrivateKey"}, nil},
		{"no platform keys, no APIv3 key", func(c *wechatpay.Config) { c.PlatformKeys = nil; c.APIv3Key = "" }, []string{"Config.PlatformKeys is empty"}, nil},
		{"nil platform key", func(c *wechatpay.Config) { c.PlatformKeys = map[string]*rsa.PublicKey{"PUB_KEY_ID_1": nil} }, []string{`Config.PlatformKeys["PUB_KEY_ID_1"] is nil`}, nil},
		{"APIv3 key length", func(c *wechatpay.Config) { c.APIv3Key = "short-secret-apiv3" }, []string{"Config.APIv3Key must be 32 bytes, got 18"}, nil},
		{"BaseURL", func(c *wechatpay.Config) { c.BaseURL = "ftp://x" }, []string{"Config.BaseURL"}, nil},
		{"MaxRetries", func(c *wechatpay.Config) { c.MaxRetries = -2 }, []string{"Config.MaxRetries"}, nil},
		{"UserAgent with a line break", func(c *wechatpay.Config) { c.UserAgent = "shop/1.0\r\nX-Injected: 1" }, []string{"Config.UserAgent"}, nil},
		{"one serial, two keys", func(c *wechatpay.Config) {
			c.PlatformKeys = map[string]*rsa.PublicKey{"5157f09efdc096de15ebe81a47057a72": &s.PlatformKey.PublicKey, "5157F09EFDC096DE15EBE81A47057A72": &small.PublicKey}
		}, []string{"Config.PlatformKeys", "5157F09EFDC096DE15EBE81A47057A72"}, nil},
	}
	for _, tc := range cases {
		cfg := s.Config()
		tc.mut(&cfg)
		_, err := wechatpay.New(cfg)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not contain %q", tc.name, err, w)
			}
		}
		if tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("%s: errors.Is(%v) false: %v", tc.name, tc.is, err)
		}
		if strings.Contains(err.Error(), s.APIv3Key) || strings.Contains(err.Error(), "short-secret-apiv3") || strings.Contains(err.Error(), "PRIVATE KEY") {
			t.Errorf("%s: error leaks a secret: %v", tc.name, err)
		}
	}
}

func TestNewAcceptsVariants(t *testing.T) {
	t.Parallel()
	s := wechatpaytest.NewServer()
	t.Cleanup(s.Close)
	rs, _ := signer.NewRSASigner(s.MerchantKey)
	cfg := s.Config()
	cfg.PrivateKey, cfg.Signer = nil, rs // a Signer instead of a key
	cfg.Serial = " " + strings.ToLower(s.MerchantSerial) + " "
	c, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync").Post(context.Background(), seedOpts()); err != nil {
		t.Fatalf("lower-case serial and a Signer: %v", err)
	}
}

// TestCertificateBootstrap: no platform keys yet, only the APIv3 key. New
// accepts it; answers fail verification with ErrUnknownSerial but carry the
// body, until keys are added to the live KeyStore.
func TestCertificateBootstrap(t *testing.T) {
	t.Parallel()
	s, c := setup(t, func(cfg *wechatpay.Config) { cfg.PlatformKeys = nil })
	if c.KeyStore().Len() != 0 {
		t.Fatalf("KeyStore has %d keys", c.KeyStore().Len())
	}
	_, err := c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync").Post(context.Background(), seedOpts())
	var ve *chain.VerifyError
	if !errors.As(err, &ve) || !errors.Is(err, signer.ErrUnknownSerial) || len(ve.Response.Body) == 0 {
		t.Fatalf("got %v", err)
	}
	c.KeyStore().Add(s.PlatformKeys())
	if _, err := c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync").Post(context.Background(), seedOpts()); err != nil {
		t.Fatalf("after adding keys: %v", err)
	}
}

func TestNewCopiesTheHTTPClient(t *testing.T) {
	t.Parallel()
	s := wechatpaytest.NewServer()
	t.Cleanup(s.Close)
	cfg := s.Config()
	hc := cfg.HTTPClient
	before := *hc
	c, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync").Post(context.Background(), seedOpts()); err != nil {
		t.Fatal(err)
	}
	if hc.Transport != before.Transport || hc.Jar != before.Jar || hc.Timeout != before.Timeout || (hc.CheckRedirect == nil) != (before.CheckRedirect == nil) {
		t.Errorf("caller's http.Client was changed")
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestLogsLeakNoSecrets logs everything there is to log (bodies included,
// retries, errors, a verification failure) and greps for the signatures, the
// private key PEM and the APIv3 key.
func TestLogsLeakNoSecrets(t *testing.T) {
	t.Parallel()
	var out lockedBuffer
	s, c := setup(t, func(cfg *wechatpay.Config) {
		cfg.Logger = slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
		cfg.LogBodies = true
	})
	ctx := context.Background()
	s.Inject(wechatpaytest.Fault{Status: 500})
	if _, err := c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync").Post(ctx, seedOpts()); err != nil {
		t.Fatal(err)
	}
	s.Inject(wechatpaytest.Fault{Tamper: true})
	c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync").Post(ctx, seedOpts())
	c.Chain("v3/pay/transactions/id/{transaction_id}").Get(ctx, chain.O{"transaction_id": "4200000000", "query": map[string]any{"mchid": c.MchID()}})
	logs := out.String()
	if !strings.Contains(logs, "template=v3/payscore/payafter-orders/{out_order_no}/sync") || !strings.Contains(logs, "status=500") {
		t.Fatalf("logs lack the facts:\n%s", logs)
	}
	secrets := map[string]string{"APIv3 key": s.APIv3Key}
	p := testkeys.PrivatePEM(t, s.MerchantKey)
	secrets["PEM body"] = p[30:90]
	secrets["PEM header"] = "PRIVATE KEY"
	for i, r := range s.Requests() {
		a, err := gateway.ParseAuthorization(r.Header.Get("Authorization"))
		if err != nil {
			t.Fatal(err)
		}
		secrets["request signature "+string(rune('0'+i))] = a.Signature
		secrets["Authorization "+string(rune('0'+i))] = r.Header.Get("Authorization")
	}
	secrets["scheme"] = signer.Scheme
	for name, v := range secrets {
		if v != "" && strings.Contains(logs, v) {
			t.Errorf("log contains the %s", name)
		}
	}
}

// The caller's transport is shared, never replaced.
func TestCustomTransportIsUsed(t *testing.T) {
	t.Parallel()
	s := wechatpaytest.NewServer()
	t.Cleanup(s.Close)
	var n int
	var mu sync.Mutex
	base := s.HTTPClient().Transport
	cfg := s.Config()
	cfg.HTTPClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		n++
		mu.Unlock()
		return base.RoundTrip(r)
	})}
	c, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync").Post(context.Background(), seedOpts()); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("custom transport used %d times", n)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestCallerClientUntouchedAndRedirectsNotFollowed: a fully configured
// caller client keeps its Transport, CheckRedirect, Jar and Timeout; its
// Transport is used, but a redirect is never followed (it would replay the
// Authorization against another target) and the caller's CheckRedirect is
// never consulted: the 3xx comes back as an *APIError.
func TestCallerClientUntouchedAndRedirectsNotFollowed(t *testing.T) {
	t.Parallel()
	s := wechatpaytest.NewServer()
	t.Cleanup(s.Close)
	var mu sync.Mutex
	var trips []string
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		trips = append(trips, r.URL.RequestURI())
		mu.Unlock()
		return &http.Response{StatusCode: http.StatusFound, Header: http.Header{"Location": {"https://evil.example/steal"}},
			Body: http.NoBody, Request: r}, nil
	})
	redirectAsked := false
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	checkRedirect := func(*http.Request, []*http.Request) error { redirectAsked = true; return nil }
	hc := &http.Client{Transport: rt, CheckRedirect: checkRedirect, Jar: jar, Timeout: 7 * time.Second}
	before := *hc
	cfg := s.Config()
	cfg.HTTPClient = hc
	c, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// A complete query call (the simulator's client checks calls against the catalogue).
	_, err = c.Chain("v3/pay/transactions/id/{id}").Get(context.Background(), chain.O{"id": "42", "query": map[string]string{"mchid": s.MchID}})
	var apiErr *chain.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusFound {
		t.Fatalf("want a 302 *APIError, got %v", err)
	}
	if diff := cmp.Diff([]string{"/v3/pay/transactions/id/42?mchid=" + s.MchID}, trips); diff != "" {
		t.Errorf("round trips (-want +got):\n%s", diff)
	}
	if redirectAsked {
		t.Error("the caller's CheckRedirect was consulted")
	}
	if hc.Transport == nil || hc.Jar != before.Jar || hc.Timeout != before.Timeout || hc.CheckRedirect == nil {
		t.Errorf("caller's http.Client was changed: %+v", hc)
	}
	if fmt.Sprintf("%p", hc.CheckRedirect) != fmt.Sprintf("%p", checkRedirect) {
		t.Error("caller's CheckRedirect was replaced")
	}
}
