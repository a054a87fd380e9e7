package wechatpaytest_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
	"github.com/google/go-cmp/cmp"
)

// download follows a download_url with a signed GET.
func (e *env) download(downloadURL string) *answer {
	e.t.Helper()
	u, err := url.Parse(downloadURL)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.do("GET", u.RequestURI(), "")
}

func sha1Hex(b []byte) string {
	s := sha1.Sum(b)
	return hex.EncodeToString(s[:])
}

func TestTradeBill(t *testing.T) {
	t.Parallel()
	e := setup(t)
	content := []byte("交易时间,公众账号ID\n`2026-11-27 10:00:00,`wx1\n")
	e.srv.SetBill("2026-11-27", content)
	for _, gz := range []bool{false, true} {
		target := "/v3/bill/tradebill?bill_date=2026-11-27&bill_type=ALL"
		if gz {
			target += "&tar_type=GZIP"
		}
		a := e.do("GET", target, "")
		if a.Status != 200 || a.get("hash_type") != "SHA1" || a.get("hash_value") != sha1Hex(content) ||
			!strings.HasPrefix(a.get("download_url"), e.srv.URL+"/v3/billdownload/file?token=") {
			t.Fatalf("tradebill: %d %s", a.Status, a.Body)
		}
		if err := e.verify(a); err != nil {
			t.Fatal(err)
		}
		d := e.download(a.get("download_url"))
		if d.Status != 200 {
			t.Fatalf("download: %d %s", d.Status, d.Body)
		}
		if d.Header.Get(signer.HeaderSignature) != "" || d.Header.Get("Request-ID") == "" {
			t.Errorf("download headers %v: want unsigned with a Request-ID", d.Header)
		}
		body := d.Body
		if gz {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("gzip: %v", err)
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		}
		if diff := cmp.Diff(string(content), string(body)); diff != "" {
			t.Errorf("gzip=%v content (-want +got):\n%s", gz, diff)
		}
	}
	if a := e.do("GET", "/v3/bill/tradebill?bill_date=2001-01-01", ""); a.Status != 400 || a.get("code") != "NO_STATEMENT_EXIST" {
		t.Errorf("no bill: %d %s", a.Status, a.Body)
	}
	if a := e.do("GET", "/v3/bill/tradebill?bill_date=20261127", ""); a.Status != 400 || a.get("detail.field") != "bill_date" {
		t.Errorf("bad date: %d %s", a.Status, a.Body)
	}
	if a := e.do("GET", "/v3/billdownload/file?token=nope", ""); a.Status != 400 {
		t.Errorf("bad token: %d %s", a.Status, a.Body)
	}
	// A tampered download no longer matches hash_value.
	a := e.do("GET", "/v3/bill/tradebill?bill_date=2026-11-27", "")
	e.srv.Inject(wechatpaytest.Fault{Route: "GET /v3/billdownload/file", Tamper: true})
	if d := e.download(a.get("download_url")); sha1Hex(d.Body) == a.get("hash_value") {
		t.Errorf("tampered download still matches the hash")
	}
}

func TestSyntheticBill(t *testing.T) {
	t.Parallel()
	for _, size := range []int64{0, 1, 100, 5000, 1 << 20} {
		src := wechatpaytest.SyntheticBill(size)
		b, err := io.ReadAll(src.Open())
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(b)) != size || sha1Hex(b) != src.SHA1 {
			t.Errorf("size %d: got %d bytes, sha1 match %v", size, len(b), sha1Hex(b) == src.SHA1)
		}
		again, _ := io.ReadAll(src.Open())
		if !bytes.Equal(b, again) {
			t.Errorf("size %d: content differs between opens", size)
		}
	}
	e := setup(t)
	e.srv.SetBillSource("2026-01-01", wechatpaytest.SyntheticBill(3<<20))
	a := e.do("GET", "/v3/bill/tradebill?bill_date=2026-01-01&tar_type=GZIP", "")
	d := e.download(a.get("download_url"))
	zr, err := gzip.NewReader(bytes.NewReader(d.Body))
	if err != nil {
		t.Fatal(err)
	}
	h := sha1.New()
	n, err := io.Copy(h, zr)
	if err != nil || n != 3<<20 || hex.EncodeToString(h.Sum(nil)) != a.get("hash_value") {
		t.Errorf("synthetic download: %d bytes, err %v, hash ok %v", n, err, hex.EncodeToString(h.Sum(nil)) == a.get("hash_value"))
	}
}

// upload signs and sends a multipart upload as the gateway expects: the
// signature covers the meta JSON.
func (e *env) upload(target, filename string, file []byte, metaSHA string) *answer {
	e.t.Helper()
	if metaSHA == "" {
		s := sha256.Sum256(file)
		metaSHA = hex.EncodeToString(s[:])
	}
	meta := `{"filename":"` + filename + `","sha256":"` + metaSHA + `"}`
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mh := textproto.MIMEHeader{}
	mh.Set("Content-Disposition", `form-data; name="meta"`)
	mh.Set("Content-Type", "application/json")
	pw, _ := mw.CreatePart(mh)
	_, _ = pw.Write([]byte(meta))
	fh := textproto.MIMEHeader{}
	fh.Set("Content-Disposition", `form-data; name="file"; filename="`+filename+`"`)
	fh.Set("Content-Type", "image/png")
	fw, _ := mw.CreatePart(fh)
	_, _ = fw.Write(file)
	_ = mw.Close()
	authz, err := e.auth.Authorize(e.t.Context(), "POST", target, []byte(meta))
	if err != nil {
		e.t.Fatal(err)
	}
	return e.send("POST", target, buf.String(), authz, http.Header{"Content-Type": {mw.FormDataContentType()}})
}

func TestMediaUploadAndDownload(t *testing.T) {
	t.Parallel()
	e := setup(t)
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 100)...)
	a := e.upload("/v3/merchant/media/upload", "a.png", png, "")
	if a.Status != 200 {
		t.Fatalf("upload: %d %s", a.Status, a.Body)
	}
	if err := e.verify(a); err != nil {
		t.Fatal(err)
	}
	id := a.get("media_id")
	if !strings.ContainsAny(id, "/") || !strings.Contains(id, "+") || !strings.HasSuffix(id, "=") {
		t.Errorf("media_id %q lacks '/', '+' or '='", id)
	}
	d := e.do("GET", "/v3/merchant-service/images/"+url.PathEscape(id), "")
	if d.Status != 200 || !bytes.Equal(d.Body, png) || d.Header.Get(signer.HeaderSignature) != "" {
		t.Errorf("download: %d, %d bytes, signature %q", d.Status, len(d.Body), d.Header.Get(signer.HeaderSignature))
	}
	if bad := e.do("GET", "/v3/merchant-service/images/"+id, ""); bad.Status != 404 {
		t.Errorf("download with an unescaped '/': %d, want 404", bad.Status)
	}
	if m := e.upload("/v3/merchant/media/upload", "a.png", png, strings.Repeat("0", 64)); m.Status != 400 || m.get("code") != "PARAM_ERROR" || m.get("detail.field") != "/sha256" {
		t.Errorf("sha256 mismatch: %d %s", m.Status, m.Body)
	}
	if m := e.upload("/v3/merchant/media/upload", "a.gif", png, ""); m.Status != 400 || m.get("detail.field") != "/filename" {
		t.Errorf("unsupported extension: %d %s", m.Status, m.Body)
	}
	if v := e.upload("/v3/merchant/media/video_upload", "v.mp4", png, ""); v.Status != 200 || v.get("media_id") == "" {
		t.Errorf("video: %d %s", v.Status, v.Body)
	}
	if m := e.upload("/v3/marketing/favor/media/image-upload", "m.jpg", png, ""); m.Status != 200 || !strings.HasPrefix(m.get("media_url"), "https://") {
		t.Errorf("marketing: %d %s", m.Status, m.Body)
	}
	// The signature covers the meta part: signing the whole body fails.
	authz, _ := e.auth.Authorize(t.Context(), "POST", "/v3/merchant/media/upload", []byte("other"))
	r := e.send("POST", "/v3/merchant/media/upload", "--b\r\nContent-Disposition: form-data; name=\"meta\"\r\n\r\n{}\r\n--b--\r\n", authz,
		http.Header{"Content-Type": {"multipart/form-data; boundary=b"}})
	if r.Status != 401 {
		t.Errorf("upload signed over other bytes: %d %s", r.Status, r.Body)
	}
}
