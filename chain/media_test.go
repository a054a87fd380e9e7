package chain_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/chain"
)

func TestUploads(t *testing.T) {
	t.Parallel()
	g, c := setup(t, func(s seen, _ int) reply {
		return reply{Body: `{"media_id":"H1ihR9JUtVj-J7CJqBUY5ZOrG_Je75H-rKit2f6wAsn3TpD_5uiY4_BSYs1r"}`}
	})
	png, err := os.ReadFile("testdata/logo.png")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	video := filepath.Join(dir, "clip.MP4")
	if err := os.WriteFile(video, bytes.Repeat([]byte{0, 0, 0, 0x18, 'f', 't', 'y', 'p'}, 1000), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		tpl      string
		media    *chain.Upload
		meta     string
		filename string
		ct       string
	}{
		{"file png", "v3/merchant/media/upload", chain.File("testdata/logo.png"),
			`{"filename":"logo.png","sha256":"` + sha(png) + `"}`, "logo.png", "image/png"},
		{"reader jpg", "v3/marketing/favor/media/image-upload", chain.Media("商品.jpg", bytes.NewReader(png)),
			`{"filename":"商品.jpg","sha256":"` + sha(png) + `"}`, "商品.jpg", "image/jpeg"},
		{"video upper-case extension", "v3/merchant/media/video_upload", chain.File(video),
			`{"filename":"clip.MP4","sha256":"` + sha(bytes.Repeat([]byte{0, 0, 0, 0x18, 'f', 't', 'y', 'p'}, 1000)) + `"}`, "clip.MP4", "video/mp4"},
		{"custom meta", "v3/merchant/media/upload", chain.File("testdata/logo.png").WithMeta(map[string]any{"bank_type": "<ICBC>", "a": 1}),
			`{"filename":"logo.png","sha256":"` + sha(png) + `","a":1,"bank_type":"<ICBC>"}`, "logo.png", "image/png"},
	}
	for _, tc := range cases {
		before := len(g.requests())
		resp, err := c.Chain(tc.tpl).Post(context.Background(), chain.O{"media": tc.media})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if resp.Get("media_id").String() == "" {
			t.Errorf("%s: no media_id", tc.name)
		}
		r := g.requests()[before]
		if r.AuthErr != nil || r.Upload == nil {
			t.Fatalf("%s: gateway refused the upload: %v", tc.name, r.AuthErr)
		}
		got := struct{ Meta, Filename, ContentType string }{string(r.Upload.Meta), r.Upload.Filename, r.Upload.ContentType}
		want := struct{ Meta, Filename, ContentType string }{tc.meta, tc.filename, tc.ct}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestUploadReaderSurvivesRetries(t *testing.T) {
	t.Parallel()
	g, c := setup(t, failThenOK(1, reply{Status: 502}))
	png, _ := os.ReadFile("testdata/logo.png")
	up := chain.Media("a.png", bytes.NewReader(png))
	for range 2 { // retried within a call, then sent again in a second call
		if _, err := c.Chain("v3/merchant/media/upload").Post(context.Background(), chain.O{"media": up}); err != nil {
			t.Fatal(err)
		}
	}
	reqs := g.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	for i, r := range reqs {
		if r.AuthErr != nil || !bytes.Equal(r.Upload.File, png) {
			t.Errorf("request %d: %v, %d bytes", i, r.AuthErr, len(r.Upload.File))
		}
	}
}

func TestUploadSizeLimitsAtTheEdge(t *testing.T) {
	t.Parallel()
	g, c := setup(t, nil)
	ok := chain.Media("edge.png", bytes.NewReader(make([]byte, chain.MaxImageSize)))
	if _, err := c.Chain("v3/merchant/media/upload").Post(context.Background(), chain.O{"media": ok}); err != nil {
		t.Errorf("exactly 2 MB refused: %v", err)
	}
	dir := t.TempDir()
	big := filepath.Join(dir, "big.bmp")
	if err := os.WriteFile(big, make([]byte, chain.MaxImageSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := c.Chain("v3/merchant/media/upload").Post(context.Background(), chain.O{"media": chain.File(big)})
	if !errors.Is(err, chain.ErrInvalidOptions) || !strings.Contains(err.Error(), "big.bmp") {
		t.Errorf("oversized file: %v", err)
	}
	if g.hits.Load() != 1 {
		t.Errorf("hits = %d, want 1", g.hits.Load())
	}
}
