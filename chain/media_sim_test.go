package chain_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// Uploads against the wechatpaytest simulator, which checks the signature
// over meta and the file's SHA-256 like the gateway.
func TestUploadsAgainstSimulator(t *testing.T) {
	t.Parallel()
	s := wechatpaytest.NewServer()
	t.Cleanup(s.Close)
	c := s.Client()
	png, err := os.ReadFile("testdata/logo.png")
	if err != nil {
		t.Fatal(err)
	}
	video := bytes.Repeat([]byte{0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'}, 4096)
	cases := []struct {
		tpl   string
		media *chain.Upload
		field string
	}{
		{"v3/merchant/media/upload", chain.File("testdata/logo.png"), "media_id"},
		{"v3/merchant/media/video_upload", chain.Media("intro.mp4", bytes.NewReader(video)), "media_id"},
		{"v3/marketing/favor/media/image-upload", chain.Media("coupon.png", bytes.NewReader(png)), "media_url"},
	}
	for _, tc := range cases {
		resp, err := c.Chain(tc.tpl).Post(context.Background(), chain.O{"media": tc.media})
		if err != nil {
			t.Fatalf("%s: %v", tc.tpl, err)
		}
		if !resp.Verified || resp.Get(tc.field).String() == "" {
			t.Errorf("%s: verified=%v body %s", tc.tpl, resp.Verified, resp.Body)
		}
	}
	if n := len(s.MediaIDs()); n != len(cases) {
		t.Errorf("simulator keeps %d uploads, want %d", n, len(cases))
	}
}

func TestUploadHashMismatchRefused(t *testing.T) {
	t.Parallel()
	s := wechatpaytest.NewServer()
	t.Cleanup(s.Close)
	c := s.Client()
	png, _ := os.ReadFile("testdata/logo.png")
	meta := []byte(`{"filename":"logo.png","sha256":"` + sha(png) + `"}`)
	other := append(append([]byte(nil), png...), 0)
	_, err := chain.PostMultipartForTest(context.Background(), c, "v3/merchant/media/upload", meta, "logo.png", "image/png", other)
	var ae *chain.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want an APIError, got %v", err)
	}
	if ae.StatusCode != 400 || ae.Code != "PARAM_ERROR" || !strings.Contains(string(ae.Detail), "sha256") || !ae.Verified {
		t.Errorf("got %d %s %s verified=%v", ae.StatusCode, ae.Code, ae.Detail, ae.Verified)
	}
	// The same hand-made request with the right file is accepted: the
	// signature over meta was fine, only the hash differed.
	resp, err := chain.PostMultipartForTest(context.Background(), c, "v3/merchant/media/upload", meta, "logo.png", "image/png", png)
	if err != nil || resp.Get("media_id").String() == "" {
		t.Fatalf("control upload: %v", err)
	}
}
