package chain_test

import (
	"context"
	"crypto/rsa"
	"errors"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/signer"
)

func TestHeadersSentOnEveryRequest(t *testing.T) {
	t.Parallel()
	g, c := setup(t, nil, func(o *chain.Config) { o.UserAgent = "myshop/1.2" })
	if _, err := c.Chain("v3/x").Post(context.Background(), chain.O{"json": `{}`}); err != nil {
		t.Fatal(err)
	}
	h := g.requests()[0].Header
	want := "wechatpay-go/" + chain.Version + " (" + runtime.GOOS + "/" + runtime.GOARCH + ") go/" + strings.TrimPrefix(runtime.Version(), "go") + " myshop/1.2"
	got := []string{h.Get("User-Agent"), h.Get("Accept"), h.Get("Content-Type"), h.Get("Wechatpay-Serial")}
	if diff := cmp.Diff([]string{want, "application/json", "application/json", ""}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(h.Get("Authorization"), signer.Scheme+" ") {
		t.Errorf("Authorization %q", h.Get("Authorization"))
	}
}

func TestCallerHTTPClientIsNotMutated(t *testing.T) {
	t.Parallel()
	testKeys(t)
	hc := &http.Client{}
	rs, _ := signer.NewRSASigner(merchantKey)
	c, err := chain.NewClient(chain.Config{MchID: testMchID, Serial: testMerchantSerial, Signer: rs, PlatformKeys: map[string]*rsa.PublicKey{testPlatformSerial: &platformKey.PublicKey}, HTTPClient: hc, BaseURL: "http://127.0.0.1:1/"})
	if err != nil {
		t.Fatal(err)
	}
	c.Chain("v3/x").Get(context.Background(), nil) // fails to connect; must not touch hc
	if hc.Transport != nil || hc.CheckRedirect != nil || hc.Jar != nil || hc.Timeout != 0 {
		t.Errorf("caller's http.Client changed: %+v", hc)
	}
}

func TestNewClientChecks(t *testing.T) {
	t.Parallel()
	testKeys(t)
	rs, _ := signer.NewRSASigner(merchantKey)
	ok := chain.Config{MchID: testMchID, Serial: testMerchantSerial, Signer: rs, APIv3Key: strings.Repeat("k", 32)} // no platform keys yet: the certificate bootstrap
	cases := []struct {
		name string
		mut  func(*chain.Config)
		want string
	}{
		{"no MchID", func(o *chain.Config) { o.MchID = "" }, "Config.MchID"},
		{"no Serial", func(o *chain.Config) { o.Serial = "" }, "Config.Serial"},
		{"no Signer", func(o *chain.Config) { o.Signer = nil }, "Config.Signer"},
		{"relative BaseURL", func(o *chain.Config) { o.BaseURL = "api.mch.weixin.qq.com" }, "BaseURL"},
		{"BaseURL with query", func(o *chain.Config) { o.BaseURL = "https://x/?a=1" }, "BaseURL"},
		{"BaseURL ending in /v3/", func(o *chain.Config) { o.BaseURL = "https://api.mch.weixin.qq.com/v3/" }, "ends in /v3"},
		{"negative retries", func(o *chain.Config) { o.MaxRetries = -1 }, "MaxRetries"},
		{"UserAgent with a line break", func(o *chain.Config) { o.UserAgent = "shop\nX-Injected: 1" }, "Config.UserAgent"},
		{"UserAgent with a control character", func(o *chain.Config) { o.UserAgent = "shop\x00" }, "Config.UserAgent"},
	}
	for _, tc := range cases {
		o := ok
		tc.mut(&o)
		_, err := chain.NewClient(o)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want mention of %s", tc.name, err, tc.want)
		}
	}
	c, err := chain.NewClient(ok)
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != chain.DefaultBaseURL || c.MchID() != testMchID || c.KeyStore() == nil || c.KeyStore().Len() != 0 {
		t.Errorf("defaults: %s %s %v", c.BaseURL(), c.MchID(), c.KeyStore())
	}
	if c.APIv3Key() != ok.APIv3Key || c.Serial() != testMerchantSerial {
		t.Errorf("the client does not keep Config.APIv3Key or the serial: %q %q", c.APIv3Key(), c.Serial())
	}
}

func TestBaseURLWithPathPrefix(t *testing.T) {
	t.Parallel()
	g, _ := setup(t, nil)
	c2, err := chain.NewClient(chain.Config{MchID: testMchID, Serial: testMerchantSerial, Signer: mustSigner(t),
		PlatformKeys: map[string]*rsa.PublicKey{testPlatformSerial: &platformKey.PublicKey}, BaseURL: g.URL + "/proxy", HTTPClient: g.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Chain("v3/x").Get(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if r := g.requests()[0]; r.URI != "/proxy/v3/x" || r.AuthErr != nil {
		t.Errorf("URI %q auth %v", r.URI, r.AuthErr)
	}
}

func mustSigner(t testing.TB) signer.Signer {
	testKeys(t)
	rs, err := signer.NewRSASigner(merchantKey)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// failingSigner stands for a remote signer that is down.
type failingSigner struct{}

func (failingSigner) Sign(context.Context, []byte) (string, error) {
	return "", errors.New("HSM offline")
}

func TestSignerFailureIsNotRetried(t *testing.T) {
	t.Parallel()
	g, c := setup(t, nil, func(o *chain.Config) { o.Signer = failingSigner{} })
	_, err := c.Chain("v3/x").Get(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "chain: GET "+c.BaseURL()+"v3/x: signing: ") || !strings.Contains(err.Error(), "HSM offline") {
		t.Fatalf("got %v", err)
	}
	if g.hits.Load() != 0 {
		t.Errorf("an unsigned request went out")
	}
}

func TestEncryptorSendsItsSerial(t *testing.T) {
	t.Parallel()
	g, c := setup(t, nil)
	// A second, certificate-style key: the encryptor prefers the public key id.
	c.KeyStore().Add(map[string]*rsa.PublicKey{"7132D72A03E93CDDF8C03BBD1F37EEDF204E1DB1": &merchantKey.PublicKey})
	enc, err := c.Encryptor()
	if err != nil {
		t.Fatal(err)
	}
	if enc.Serial() != testPlatformSerial {
		t.Errorf("Encryptor picked %s", enc.Serial())
	}
	name, err := enc.Encrypt("张三")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Chain("v3/applyment4sub/applyment/").Post(context.Background(), chain.O{
		"json": map[string]any{"contact_info": map[string]any{"contact_name": name}}, "encryptor": enc,
	}); err != nil {
		t.Fatal(err)
	}
	r := g.requests()[0]
	if got := r.Header.Get("Wechatpay-Serial"); got != testPlatformSerial {
		t.Errorf("Wechatpay-Serial %q", got)
	}
	if r.URI != "/v3/applyment4sub/applyment/" {
		t.Errorf("URI %q", r.URI)
	}
	plain, err := signer.DecryptOAEP(platformKey, gjson.GetBytes(r.Body, "contact_info.contact_name").String())
	if err != nil || plain != "张三" {
		t.Errorf("decrypt: %q %v", plain, err)
	}
	if _, err := c.EncryptorFor("PUB_KEY_ID_UNKNOWN"); err == nil {
		t.Error("EncryptorFor an unknown serial succeeded")
	}
	// A conflicting manual header is refused.
	_, err = c.Chain("v3/x").Post(context.Background(), chain.O{"json": `{}`, "encryptor": enc, "headers": map[string]string{"Wechatpay-Serial": "OTHER"}})
	if !errors.Is(err, chain.ErrInvalidOptions) {
		t.Errorf("conflicting serial: %v", err)
	}
}
