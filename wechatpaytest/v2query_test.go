package wechatpaytest_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/catalog"
	"github.com/chainpay-go/wechatpay/internal/v2xml"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// v2QueryFields gives the fields of a valid GET of a query-borne APIv2
// operation, its required ones, and whether it is signed.
func v2QueryFields(t *testing.T, srv *wechatpaytest.Server, op catalog.Operation) (fields map[string]string, required []string, signed bool) {
	t.Helper()
	fields = map[string]string{}
	for _, p := range op.Params {
		switch {
		case p.Name == signer.FieldSign:
			signed = true
		case p.Required || p.Name == "sign_type":
			v := "1"
			if len(p.Enum) > 0 {
				v = p.Enum[0]
			}
			fields[p.Name] = v
			if p.Required {
				required = append(required, p.Name)
			}
		}
	}
	if _, ok := fields["mch_id"]; ok {
		fields["mch_id"] = srv.MchID
	}
	if _, ok := fields["redirect_uri"]; ok {
		fields["redirect_uri"] = "https://merchant.example/back"
	}
	return fields, required, signed
}

// getV2 sends fields (signed when sign is set) as the query of a GET.
func getV2(t *testing.T, srv *wechatpaytest.Server, wire string, fields map[string]string, sign bool) (int, http.Header, string) {
	t.Helper()
	q := url.Values{}
	for k, v := range fields {
		q.Set(k, v)
	}
	if sign {
		s, err := signer.SignV2(fields, srv.APIv2Key, fields["sign_type"])
		if err != nil {
			t.Fatal(err)
		}
		q.Set(signer.FieldSign, s)
	}
	hc := *srv.HTTPClient()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Get(srv.URL + "/" + wire + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// accepted reports whether a query-borne APIv2 answer says yes, and gives
// what it said.
func accepted(t *testing.T, op catalog.Operation, status int, h http.Header, body string) (bool, string) {
	t.Helper()
	switch {
	case gjson.Valid(body) && strings.HasPrefix(body, "{"):
		return gjson.Get(body, "retcode").Int() == 0, gjson.Get(body, "retmsg").String()
	case strings.HasPrefix(h.Get("Content-Type"), "text/xml"):
		f, err := v2xml.Decode([]byte(body))
		if err != nil {
			t.Fatalf("%s: %v", op.Template, err)
		}
		return f["return_code"] == "SUCCESS", f["return_msg"]
	default:
		return status == http.StatusOK || status == http.StatusFound, body
	}
}

// TestV2QueryOperations sends every APIv2 GET of the catalogue its
// required fields (signed where it has a sign), then without each one, then
// with a bad sign.
func TestV2QueryOperations(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	n := 0
	for _, op := range catalog.All() {
		if op.Encoding != catalog.EncodingXML || op.Method != http.MethodGet {
			continue
		}
		n++
		t.Run(op.Wire(), func(t *testing.T) {
			fields, required, signed := v2QueryFields(t, srv, op)
			status, h, body := getV2(t, srv, op.Wire(), fields, signed)
			if ok, msg := accepted(t, op, status, h, body); !ok {
				t.Fatalf("valid call refused: %d %s", status, msg)
			}
			if op.Wire() == "appauth/authindex" {
				to, err := url.Parse(h.Get("Location"))
				if err != nil || to.Host != "merchant.example" || to.Query().Get("code") == "" || to.Query().Get("state") != fields["state"] {
					t.Errorf("redirect %q: want merchant.example with a code and the state", h.Get("Location"))
				}
			}
			for _, name := range required {
				g := maps.Clone(fields)
				delete(g, name)
				status, h, body := getV2(t, srv, op.Wire(), g, signed)
				if ok, msg := accepted(t, op, status, h, body); ok || !strings.Contains(msg, name) {
					t.Errorf("without %s: %d %q, want a refusal naming it", name, status, msg)
				}
			}
			if signed {
				g := maps.Clone(fields)
				g[signer.FieldSign] = "00"
				status, h, body := getV2(t, srv, op.Wire(), g, false)
				if ok, msg := accepted(t, op, status, h, body); ok || !strings.Contains(msg, "sign") {
					t.Errorf("bad sign: %q, want a refusal", msg)
				}
			}
			g := maps.Clone(fields)
			if _, has := g["mch_id"]; has {
				g["mch_id"] = "1900000000"
				status, h, body := getV2(t, srv, op.Wire(), g, signed)
				if ok, msg := accepted(t, op, status, h, body); ok || !strings.Contains(msg, "mch_id") {
					t.Errorf("another merchant: %q, want a refusal naming mch_id", msg)
				}
			}
		})
	}
	if n != 6 {
		t.Errorf("%d APIv2 GET operations, want 6", n)
	}
}

// TestV2QueryFieldTwice: a field given twice is refused, naming it.
func TestV2QueryFieldTwice(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	resp, err := srv.HTTPClient().Get(srv.URL + "/appauth/getaccesstoken?mch_id=" + srv.MchID + "&scope=pay_identity&scope=x")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	got := map[string]any{"retcode": gjson.GetBytes(b, "retcode").Int(), "retmsg": gjson.GetBytes(b, "retmsg").String()}
	want := map[string]any{"retcode": int64(-1), "retmsg": "scope given 2 times, want once"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// uploadV2 posts an uploadmedia form.
func uploadV2(t *testing.T, srv *wechatpaytest.Server, fields map[string]string, file []byte) map[string]string {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if file != nil {
		fw, err := mw.CreateFormFile("media", "a.jpg")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(file)
	}
	_ = mw.Close()
	resp, err := srv.HTTPClient().Post(srv.URL+"/secapi/mch/uploadmedia", mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	ans, err := v2xml.Decode(b)
	if err != nil {
		t.Fatalf("answer %q: %v", b, err)
	}
	return ans
}

func TestV2UploadMedia(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	file := []byte("\xff\xd8\xff\xe0 a jpeg, as far as the simulator cares")
	sum := md5.Sum(file)
	form := func(f map[string]string) map[string]string {
		g := maps.Clone(f)
		g[signer.FieldSign], _ = signer.SignV2(g, srv.APIv2Key, g["sign_type"])
		return g
	}
	good := map[string]string{"mch_id": srv.MchID, "media_hash": hex.EncodeToString(sum[:]), "sign_type": signer.SignTypeHMACSHA256}
	ans := uploadV2(t, srv, form(good), file)
	if ans["return_code"] != "SUCCESS" || ans["result_code"] != "SUCCESS" || ans["media_id"] == "" {
		t.Fatalf("upload: %v", ans)
	}
	if err := signer.VerifyV2(ans, srv.APIv2Key, signer.SignTypeHMACSHA256); err != nil {
		t.Errorf("answer sign: %v", err)
	}
	other := md5.Sum([]byte("another file"))
	tests := []struct {
		name   string
		fields map[string]string
		file   []byte
		want   string // in return_msg
	}{
		{"no media_hash", form(map[string]string{"mch_id": srv.MchID, "sign_type": signer.SignTypeHMACSHA256}), file, "media_hash"},
		{"wrong media_hash", form(map[string]string{"mch_id": srv.MchID, "media_hash": hex.EncodeToString(other[:]), "sign_type": signer.SignTypeHMACSHA256}), file, "media_hash"},
		{"no file", form(good), nil, "media"},
		{"bad sign", func() map[string]string { g := form(good); g["sign"] = "00"; return g }(), file, "签名错误"},
		{"another merchant", form(map[string]string{"mch_id": "1900000000", "media_hash": hex.EncodeToString(sum[:]), "sign_type": signer.SignTypeHMACSHA256}), file, "mch_id"},
	}
	for _, tt := range tests {
		ans := uploadV2(t, srv, tt.fields, tt.file)
		if ans["return_code"] != "FAIL" || !strings.Contains(ans["return_msg"], tt.want) {
			t.Errorf("%s: %v, want FAIL naming %s", tt.name, ans, tt.want)
		}
	}
}

// TestV2EveryOperationServed: each of the catalogue's APIv2 operations is
// answered the APIv2 way (not by the APIv3 gateway's 401 or 404).
func TestV2EveryOperationServed(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	hc := *srv.HTTPClient()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	total, served := 0, 0
	for _, op := range catalog.All() {
		if !strings.HasPrefix(op.Template, "v2/") {
			continue
		}
		total++
		var resp *http.Response
		var err error
		if op.Method == http.MethodGet {
			resp, err = hc.Get(srv.URL + "/" + op.Wire())
		} else {
			resp, err = hc.Post(srv.URL+"/"+op.Wire(), "text/xml", strings.NewReader("<xml></xml>"))
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.Header.Get("Wechatpay-Signature") != "" || resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusUnauthorized {
			t.Errorf("%s %s: answered %d %.80q, as the APIv3 gateway", op.Method, op.Template, resp.StatusCode, b)
			continue
		}
		served++
	}
	t.Logf("%d/%d APIv2 operations served", served, total)
	if total != 136 {
		t.Errorf("%d APIv2 operations in the catalogue, want 136", total)
	}
}
