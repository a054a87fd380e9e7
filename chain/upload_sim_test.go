package chain_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// Uploads against the simulator (issue 7, point 4): accepted uploads on the
// three media APIs, and a meta/file hash mismatch refused by the gateway.

func setupUploadSim(t *testing.T) (*wechatpaytest.Server, *chain.Client) {
	t.Helper()
	// The tests read whole multipart bodies back from the records.
	srv := wechatpaytest.NewServer(wechatpaytest.WithLimits(wechatpaytest.Limits{MaxRecordedBody: 1 << 20}))
	t.Cleanup(srv.Close)
	return srv, srv.Client()
}

// simMultipart splits a recorded multipart body into its parts.
func simMultipart(t *testing.T, rec wechatpaytest.RecordedRequest) map[string][]byte {
	t.Helper()
	mt, params, err := mime.ParseMediaType(rec.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("Content-Type %q: not multipart/form-data (%v)", rec.Header.Get("Content-Type"), err)
	}
	parts := map[string][]byte{}
	mr := multipart.NewReader(bytes.NewReader(rec.Body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		parts[p.FormName()] = b
		parts[p.FormName()+".content-type"] = []byte(p.Header.Get("Content-Type"))
	}
	return parts
}

func TestUploadSimAccepted(t *testing.T) {
	t.Parallel()
	video := append([]byte("\x00\x00\x00\x18ftypmp42"), bytes.Repeat([]byte{1}, 4000)...)
	jpeg := append([]byte("\xff\xd8\xff\xe0"), bytes.Repeat([]byte{2}, 4000)...)
	dir := t.TempDir()
	logo := filepath.Join(dir, "logo.png")
	if err := os.WriteFile(logo, pngBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		media      *chain.Upload
		content    []byte
		wantMeta   string // without the sha256 value
		wantType   string
		answer     string // gjson path of the answer's id
	}{
		{"image from a file", "v3/merchant/media/upload", chain.File(logo), pngBytes, `{"filename":"logo.png","sha256":""}`, "image/png", "media_id"},
		{"image from a reader with extra meta", "v3/merchant/media/upload",
			chain.Media("photo.jpg", bytes.NewReader(jpeg)).WithMeta(map[string]any{"bank_type": "CMB"}), jpeg,
			`{"filename":"photo.jpg","sha256":"","bank_type":"CMB"}`, "image/jpeg", "media_id"},
		{"video", "v3/merchant/media/video_upload", chain.Media("intro.mp4", bytes.NewReader(video)), video,
			`{"filename":"intro.mp4","sha256":""}`, "video/mp4", "media_id"},
		{"marketing image", "v3/marketing/favor/media/image-upload", chain.Media("coupon.jpg", bytes.NewReader(jpeg)), jpeg,
			`{"filename":"coupon.jpg","sha256":""}`, "image/jpeg", "media_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := setupUploadSim(t)
			resp, err := c.Chain(tt.path).Post(context.Background(), chain.O{"media": tt.media})
			if err != nil {
				t.Fatalf("upload: %v", err)
			}
			if !resp.Verified || resp.Get(tt.answer).String() == "" {
				t.Fatalf("answer %s (verified %v): no %s", resp.Body, resp.Verified, tt.answer)
			}
			reqs := srv.Requests()
			parts := simMultipart(t, reqs[len(reqs)-1])
			sum := sha256.Sum256(tt.content)
			wantMeta := strings.Replace(tt.wantMeta, `"sha256":""`, `"sha256":"`+hex.EncodeToString(sum[:])+`"`, 1)
			got := []string{string(parts["meta"]), string(parts["meta.content-type"]), string(parts["file.content-type"])}
			if diff := cmp.Diff([]string{wantMeta, "application/json", tt.wantType}, got); diff != "" {
				t.Errorf("multipart parts (-want +got):\n%s", diff)
			}
			if !bytes.Equal(parts["file"], tt.content) {
				t.Errorf("file part: %d bytes, want %d", len(parts["file"]), len(tt.content))
			}
			// The media id comes back with '/', '+' and '='; the image can be
			// downloaded with it.
			if tt.answer == "media_id" && strings.HasPrefix(tt.wantType, "image/") {
				var buf bytes.Buffer
				if _, err := c.DownloadImage(context.Background(), resp.Get("media_id").String(), &buf); err != nil {
					t.Fatalf("download of the upload: %v", err)
				}
				if !bytes.Equal(buf.Bytes(), tt.content) {
					t.Errorf("downloaded %d bytes, want the %d uploaded", buf.Len(), len(tt.content))
				}
			}
		})
	}
}

// simSignedUpload sends a hand-built upload whose meta part is metaSent,
// signed over metaSigned.
func simSignedUpload(t *testing.T, srv *wechatpaytest.Server, metaSigned, metaSent, file []byte) *http.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{`form-data; name="meta"`}
	h["Content-Type"] = []string{"application/json"}
	pw, _ := mw.CreatePart(h)
	pw.Write(metaSent)
	h = map[string][]string{"Content-Disposition": {`form-data; name="file"; filename="logo.png"`}, "Content-Type": {"image/png"}}
	pw, _ = mw.CreatePart(h)
	pw.Write(file)
	mw.Close()

	sg, err := signer.NewRSASigner(srv.MerchantKey)
	if err != nil {
		t.Fatal(err)
	}
	auth, err := (&signer.Authorizer{MchID: srv.MchID, Serial: srv.MerchantSerial, Signer: sg}).
		Authorize(context.Background(), "POST", "/v3/merchant/media/upload", metaSigned)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", srv.URL+"/v3/merchant/media/upload", &body)
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestUploadSimRefused(t *testing.T) {
	t.Parallel()
	srv, c := setupUploadSim(t)
	sum := sha256.Sum256(pngBytes)
	good := []byte(`{"filename":"logo.png","sha256":"` + hex.EncodeToString(sum[:]) + `"}`)
	other := sha256.Sum256([]byte("another file"))
	wrongSum := []byte(`{"filename":"logo.png","sha256":"` + hex.EncodeToString(other[:]) + `"}`)

	tests := []struct {
		name              string
		signed, sent      []byte
		wantStatus        int
		wantCode, wantFld string
	}{
		{"control: well-formed upload", good, good, 200, "", ""},
		{"meta sha256 is not the file's", wrongSum, wrongSum, 400, "PARAM_ERROR", "/sha256"},
		{"meta changed after signing", good, bytes.Replace(good, []byte("logo"), []byte("LOGO"), 1), 401, "SIGN_ERROR", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := simSignedUpload(t, srv, tt.signed, tt.sent, pngBytes)
			b, _ := io.ReadAll(resp.Body)
			got := []any{resp.StatusCode, gjson.GetBytes(b, "code").String(), gjson.GetBytes(b, "detail.field").String()}
			if diff := cmp.Diff([]any{tt.wantStatus, tt.wantCode, tt.wantFld}, got); diff != "" {
				t.Errorf("answer %s (-want +got):\n%s", b, diff)
			}
		})
	}

	// Through the chain: signing the whole multipart body (the "body"
	// option) instead of the meta JSON is the classic SIGN_ERROR.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormField("meta")
	fw.Write(good)
	fw, _ = mw.CreateFormFile("file", "logo.png")
	fw.Write(pngBytes)
	mw.Close()
	_, err := c.Chain("v3/merchant/media/upload").Post(context.Background(), chain.O{
		"body": body.Bytes(), "headers": map[string]string{"Content-Type": mw.FormDataContentType()},
	})
	var ae *chain.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 401 || ae.Code != "SIGN_ERROR" {
		t.Errorf("multipart via \"body\": err = %v, want 401 SIGN_ERROR", err)
	}

	// The library refuses what the gateway would refuse, before sending.
	before := len(srv.Requests())
	_, err = c.Chain("v3/merchant/media/upload").Post(context.Background(), chain.O{"media": chain.Media("big.png", bytes.NewReader(make([]byte, chain.MaxImageSize+1)))})
	if !errors.Is(err, chain.ErrInvalidOptions) {
		t.Errorf("oversized image: err = %v, want ErrInvalidOptions", err)
	}
	if after := len(srv.Requests()); after != before {
		t.Errorf("%d requests sent for a refused upload", after-before)
	}
}
