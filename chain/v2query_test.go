package chain_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// The APIv2 GETs go through the chain with their fields in "query": the
// client adds mch_id, sign_type and sign, the simulator checks them.
func TestV2QueryCalls(t *testing.T) {
	t.Parallel()
	srv, c := setupV2(t)
	ctx := context.Background()

	resp, err := c.Chain("v2/appauth/getaccesstoken").Get(ctx, chain.O{"query": chain.O{
		"appid": "wxcbda96de0b165486", "openid": "baf04e6bbbd06f7b1a197d18ed53b7f1", "code": "wxcbda96de0b165489",
		"grant_type": "authorization_code", "scope": "pay_identity"}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{"retcode": resp.Get("retcode").String(), "has access_token": resp.Get("access_token").String()}
	if diff := cmp.Diff(map[string]string{"retcode": "0", "has access_token": got["has access_token"]}, got); diff != "" || got["has access_token"] == "" {
		t.Errorf("getaccesstoken (-want +got):\n%s", diff)
	}
	reqs := srv.V2Requests()
	last := reqs[len(reqs)-1]
	if last.Path != "appauth/getaccesstoken" || last.Fields["mch_id"] != srv.MchID || last.Fields["sign_type"] != signer.SignTypeHMACSHA256 {
		t.Errorf("sent %+v: want the wire path, mch_id filled in and sign_type HMAC-SHA256", last)
	}
	if err := signer.VerifyV2(last.Fields, srv.APIv2Key, signer.SignTypeHMACSHA256); err != nil {
		t.Errorf("the query's sign: %v", err)
	}

	// A refusal in JSON (retcode ≠ 0) is an *APIError.
	_, err = c.Chain("v2/appauth/getaccesstoken").Get(ctx, chain.O{"query": chain.O{
		"appid": "wxcbda96de0b165486", "openid": "o", "code": "c", "grant_type": "authorization_code", "scope": "pay_identity",
		"mch_id": "1900000000"}})
	var ae *chain.APIError
	if !errors.As(err, &ae) || ae.Code != "-1" || !strings.Contains(ae.Message, "mch_id") {
		t.Errorf("another merchant's mch_id: %v, want an *APIError with retcode -1 naming mch_id", err)
	}

	resp, err = c.Chain("v2/papay/h5entrustweb").Get(ctx, chain.O{"query": chain.O{
		"appid": "wxcbda96de0b165486", "plan_id": "12535", "contract_code": "100000", "request_serial": 1000,
		"contract_display_account": "微信代扣", "notify_url": "https://merchant.example/notify", "version": "1.0",
		"timestamp": "1414488825", "clientip": "119.145.83.6"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(resp.Get("redirect_url").String(), "contract_code=100000") {
		t.Errorf("h5entrustweb: %s", resp.JSON())
	}
}

// Without the APIv2 key a signed APIv2 GET is refused before sending.
func TestV2QueryNeedsTheKey(t *testing.T) {
	t.Parallel()
	srv, _ := setupV2(t)
	cfg := srv.Config()
	cfg.APIv2Key = ""
	c, err := chain.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	before := len(srv.V2Requests())
	_, err = c.Chain("v2/appauth/getaccesstoken").Get(context.Background(), chain.O{"query": chain.O{"appid": "a"}})
	if !errors.Is(err, chain.ErrNoAPIv2Key) || !errors.Is(err, chain.ErrInvalidOptions) {
		t.Errorf("err = %v, want ErrNoAPIv2Key in an OptionsError", err)
	}
	if got := len(srv.V2Requests()); got != before {
		t.Errorf("%d requests sent", got-before)
	}
}

// V2QueryURL builds a page's URL for the user's browser; the simulator's
// pages accept it.
func TestV2QueryURL(t *testing.T) {
	t.Parallel()
	srv, c := setupV2(t)
	hc := *srv.HTTPClient()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	u, err := c.V2QueryURL("v2/appauth/authindex", map[string]string{"appid": "wxcbda96de0b165486",
		"redirect_uri": "https://merchant.example/back", "response_type": "code", "scope": "pay_identity", "state": "S1"})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	to, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || to == nil || to.Host != "merchant.example" || to.Query().Get("state") != "S1" {
		t.Errorf("authindex: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	u, err = c.V2QueryURL("v2/papay/entrustweb", map[string]string{"appid": "wxcbda96de0b165486", "plan_id": "12535",
		"contract_code": "100001", "request_serial": "1001", "contract_display_account": "x", "notify_url": "https://merchant.example/n",
		"version": "1.0", "timestamp": "1414488825"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u, srv.URL+"/papay/entrustweb?") || !strings.Contains(u, "sign=") || !strings.Contains(u, "mch_id="+srv.MchID) {
		t.Errorf("entrustweb URL %q: want the wire path, mch_id and sign", u)
	}
	resp, err = hc.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("entrustweb page: %d", resp.StatusCode)
	}

	if _, err := c.V2QueryURL("v2/pay/micropay", nil); err == nil {
		t.Error("V2QueryURL of an XML POST: no error")
	}
	if _, err := c.V2QueryURL("v2/papay/entrustweb", map[string]string{"sign": "X"}); err == nil {
		t.Error("V2QueryURL with a sign given: no error")
	}
}

// An APIv2 upload: the client builds the form (mch_id, media_hash,
// sign_type, sign) and sends it over mutual TLS; the simulator checks the
// hash and the sign and answers a signed media_id.
func TestV2UploadMedia(t *testing.T) {
	t.Parallel()
	srv, c := setupV2(t, wechatpaytest.WithTLS())
	ctx := context.Background()
	img := []byte("\x89PNG\r\n\x1a\n an image for the APIv2 upload")
	resp, err := c.Chain("v2/secapi/mch/uploadmedia").Post(ctx, chain.O{"media": chain.Media("proof.png", bytes.NewReader(img))})
	if err != nil {
		t.Fatal(err)
	}
	if !resp.Verified || !strings.HasPrefix(resp.Get("media_id").String(), "sim-media-") {
		t.Errorf("answer %s (verified %v)", resp.JSON(), resp.Verified)
	}
	last := srv.V2Requests()[len(srv.V2Requests())-1]
	sum := md5.Sum(img)
	got := map[string]any{"path": last.Path, "media_hash": last.Fields["media_hash"], "sign_type": last.Fields["sign_type"], "cert": last.ClientCert}
	want := map[string]any{"path": "secapi/mch/uploadmedia", "media_hash": hex.EncodeToString(sum[:]), "sign_type": signer.SignTypeHMACSHA256, "cert": true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}

	// Refused before sending: no client certificate, meta fields, a bad type.
	noCert := srv.Config()
	noCert.ClientCertificate = nil
	c2, err := chain.NewClient(noCert)
	if err != nil {
		t.Fatal(err)
	}
	before := len(srv.V2Requests())
	for _, tt := range []struct {
		name string
		c    *chain.Client
		up   *chain.Upload
		want error
	}{
		{"no certificate", c2, chain.Media("a.png", bytes.NewReader(img)), chain.ErrClientCertificateRequired},
		{"meta", c, chain.Media("a.png", bytes.NewReader(img)).WithMeta(map[string]any{"x": 1}), chain.ErrInvalidOptions},
		{"type", c, chain.Media("a.exe", bytes.NewReader(img)), chain.ErrInvalidOptions},
	} {
		if _, err := tt.c.Chain("v2/secapi/mch/uploadmedia").Post(ctx, chain.O{"media": tt.up}); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	if got := len(srv.V2Requests()); got != before {
		t.Errorf("%d refused uploads were sent", got-before)
	}
}
