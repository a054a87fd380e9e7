package chain_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/catalog"
	"github.com/chainpay-go/wechatpay/chain"
	gw "github.com/chainpay-go/wechatpay/internal/gateway"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

const dlBillDate = "2026-11-27"

// setupDownload starts a simulator holding a 200 KiB synthetic bill for
// dlBillDate and returns it with a client and the bill's content.
func setupDownload(t *testing.T) (*wechatpaytest.Server, *chain.Client, []byte) {
	t.Helper()
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	src := wechatpaytest.SyntheticBill(200 << 10)
	srv.SetBillSource(dlBillDate, src)
	content, err := io.ReadAll(src.Open())
	if err != nil {
		t.Fatal(err)
	}
	return srv, srv.Client(), content
}

// requestBill asks the simulator for the bill of dlBillDate.
func requestBill(t *testing.T, c *chain.Client, gzipped bool) chain.BillInfo {
	t.Helper()
	q := map[string]any{"bill_date": dlBillDate}
	if gzipped {
		q["tar_type"] = "GZIP"
	}
	resp, err := c.Chain("v3/bill/tradebill").Get(context.Background(), chain.O{"query": q})
	if err != nil {
		t.Fatalf("bill request: %v", err)
	}
	bill, err := chain.ParseBillInfo(resp.Body)
	if err != nil {
		t.Fatalf("ParseBillInfo: %v", err)
	}
	return bill
}

func sha1Hex(b []byte) string {
	s := sha1.Sum(b)
	return hex.EncodeToString(s[:])
}

func TestDownloadBill(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		gzipped bool
		opts    []chain.DownloadOption
		keep    bool // expect the gzip file as served
	}{
		{name: "plain", gzipped: false},
		{name: "gzip", gzipped: true},
		{name: "gzip kept compressed", gzipped: true, opts: []chain.DownloadOption{chain.KeepCompressed()}, keep: true},
		{name: "plain with KeepCompressed", gzipped: false, opts: []chain.DownloadOption{chain.KeepCompressed()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c, want := setupDownload(t)
			bill := requestBill(t, c, tt.gzipped)
			var buf bytes.Buffer
			res, err := c.DownloadBill(context.Background(), bill, &buf, tt.opts...)
			if err != nil {
				t.Fatalf("DownloadBill: %v", err)
			}
			got := buf.Bytes()
			if tt.keep {
				if len(got) < 2 || got[0] != 0x1f || got[1] != 0x8b {
					t.Fatalf("KeepCompressed: output does not start with the gzip magic bytes")
				}
				zr, err := gzip.NewReader(bytes.NewReader(got))
				if err != nil {
					t.Fatal(err)
				}
				if got, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("content differs: got %d bytes, want %d", len(got), len(want))
			}
			wantRes := chain.DownloadResult{StatusCode: 200, HashType: "SHA1", Hash: sha1Hex(want), Gunzipped: tt.gzipped && !tt.keep,
				Written: int64(buf.Len()), Attempts: 1}
			gotRes := *res
			gotRes.Header, gotRes.RequestID, gotRes.ContentLength, gotRes.Received = nil, "", 0, 0
			if tt.keep {
				wantRes.Gunzipped = true // decoded on the side for the hash
			}
			if diff := cmp.Diff(wantRes, gotRes); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
			if res.RequestID == "" {
				t.Error("RequestID is empty")
			}
			// The download was signed with the URL's path and query, and accepted.
			last := srv.Requests()[len(srv.Requests())-1]
			if !strings.HasPrefix(last.URI, "/v3/billdownload/file?token=") || last.Header.Get("Authorization") == "" {
				t.Errorf("download request %s without Authorization %q", last.URI, last.Header.Get("Authorization"))
			}
		})
	}
}

func TestDownloadBillHashMismatch(t *testing.T) {
	t.Parallel()
	for _, gz := range []bool{false, true} {
		t.Run(fmt.Sprintf("gzip=%v", gz), func(t *testing.T) {
			t.Parallel()
			srv, c, _ := setupDownload(t)
			bill := requestBill(t, c, gz)
			srv.Inject(wechatpaytest.Fault{Route: "GET /v3/billdownload/file", Tamper: true})
			var buf bytes.Buffer
			res, err := c.DownloadBill(context.Background(), bill, &buf)
			if !errors.Is(err, chain.ErrHashMismatch) {
				t.Fatalf("err = %v, want ErrHashMismatch", err)
			}
			for _, s := range []string{"SHA1", bill.HashValue, "discard"} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
			if res == nil || res.Hash == bill.HashValue || res.Hash == "" {
				t.Errorf("result %+v: want the computed (different) hash", res)
			}
		})
	}
}

func TestDownloadBillToFile(t *testing.T) {
	t.Parallel()
	srv, c, want := setupDownload(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "bill.csv")

	// Success: the file holds the bill, no temporary file is left.
	if _, err := c.DownloadBillToFile(context.Background(), requestBill(t, c, true), path); err != nil {
		t.Fatalf("DownloadBillToFile: %v", err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("file content differs: %d bytes, want %d", len(got), len(want))
	}
	if diff := cmp.Diff([]string{"bill.csv"}, dirNames(t, dir)); diff != "" {
		t.Errorf("directory (-want +got):\n%s", diff)
	}

	// Mismatch: no new file appears, an existing file is left alone.
	srv.Inject(wechatpaytest.Fault{Route: "GET /v3/billdownload/file", Tamper: true, Times: 2})
	fresh := filepath.Join(dir, "fresh.csv")
	if _, err := c.DownloadBillToFile(context.Background(), requestBill(t, c, false), fresh); !errors.Is(err, chain.ErrHashMismatch) {
		t.Fatalf("err = %v, want ErrHashMismatch", err)
	}
	if _, err := c.DownloadBillToFile(context.Background(), requestBill(t, c, false), path); !errors.Is(err, chain.ErrHashMismatch) {
		t.Fatalf("err = %v, want ErrHashMismatch", err)
	}
	if diff := cmp.Diff([]string{"bill.csv"}, dirNames(t, dir)); diff != "" {
		t.Errorf("directory after mismatches (-want +got):\n%s", diff)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, want) {
		t.Error("the existing good bill was changed by a failed download")
	}

	// A directory that does not exist: error before sending.
	n := len(srv.Requests())
	if _, err := c.DownloadBillToFile(context.Background(), requestBill(t, c, false), filepath.Join(dir, "no", "such", "dir.csv")); err == nil {
		t.Error("download into a missing directory succeeded")
	}
	if got := len(srv.Requests()); got != n+1 { // only the bill request
		t.Errorf("%d requests sent, want %d (no download)", got-n, 1)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestDownloadBillSM3(t *testing.T) {
	t.Parallel()
	srv, c, _ := setupDownload(t)
	// GB/T 32905-2016 example 2: SM3("abcd" × 16).
	content := bytes.Repeat([]byte("abcd"), 16)
	const sm3 = "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
	srv.SetBill("2026-11-26", content)
	resp, err := c.Chain("v3/bill/tradebill").Get(context.Background(), chain.O{"query": map[string]any{"bill_date": "2026-11-26", "tar_type": "GZIP"}})
	if err != nil {
		t.Fatal(err)
	}
	bill, err := chain.ParseBillInfo(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	bill.HashType, bill.HashValue = "SM3", strings.ToUpper(sm3)
	var buf bytes.Buffer
	res, err := c.DownloadBill(context.Background(), bill, &buf)
	if err != nil {
		t.Fatalf("DownloadBill SM3: %v", err)
	}
	if diff := cmp.Diff([]string{"SM3", sm3, string(content)}, []string{res.HashType, res.Hash, buf.String()}); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	// The SM3 of "abc" (example 1) does not match.
	bill.HashValue = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
	if _, err := c.DownloadBill(context.Background(), bill, io.Discard); !errors.Is(err, chain.ErrHashMismatch) || !strings.Contains(err.Error(), "SM3") {
		t.Errorf("err = %v, want an SM3 ErrHashMismatch", err)
	}
}

func TestDownloadBillRefusals(t *testing.T) {
	t.Parallel()
	srv, c, _ := setupDownload(t)
	good := srv.URL + "/v3/billdownload/file?token=abc"
	sum := sha1Hex(nil)
	tests := []struct {
		name   string
		bill   chain.BillInfo
		w      io.Writer
		want   []string
		unsupp bool
	}{
		{"foreign host", chain.BillInfo{"SHA1", sum, "https://evil.example/v3/billdownload/file?token=abc"}, io.Discard,
			[]string{"evil.example", "not on the API host", "refusing"}, false},
		{"other port", chain.BillInfo{"SHA1", sum, strings.Replace(srv.URL, "127.0.0.1:", "127.0.0.1:1", 1) + "/v3/billdownload/file"}, io.Discard,
			[]string{"not on the API host"}, false},
		{"https instead of http", chain.BillInfo{"SHA1", sum, strings.Replace(good, "http://", "https://", 1)}, io.Discard,
			[]string{"not on the API host"}, false},
		{"relative URL", chain.BillInfo{"SHA1", sum, "/v3/billdownload/file?token=abc"}, io.Discard, []string{"not an absolute URL"}, false},
		{"user info", chain.BillInfo{"SHA1", sum, strings.Replace(good, "http://", "http://u:p@", 1)}, io.Discard, []string{"user info"}, false},
		{"empty URL", chain.BillInfo{"SHA1", sum, ""}, io.Discard, []string{"download_url is empty"}, false},
		{"empty hash type", chain.BillInfo{"", sum, good}, io.Discard, []string{"hash_type is empty"}, false},
		{"unsupported hash", chain.BillInfo{"MD5", "d41d8cd98f00b204e9800998ecf8427e", good}, io.Discard, []string{`"MD5"`, "unsupported hash type", "SHA1, SM3"}, true},
		{"short hash value", chain.BillInfo{"SHA1", "abc", good}, io.Discard, []string{"hash_value", "40 hex digits"}, false},
		{"SM3 value of SHA1 length", chain.BillInfo{"SM3", sum, good}, io.Discard, []string{"SM3 digest (64 hex digits)"}, false},
		{"nil writer", chain.BillInfo{"SHA1", sum, good}, nil, []string{"io.Writer is nil"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(srv.Requests())
			_, err := c.DownloadBill(context.Background(), tt.bill, tt.w)
			if !errors.Is(err, chain.ErrInvalidOptions) {
				t.Fatalf("err = %v, want ErrInvalidOptions", err)
			}
			if got := errors.Is(err, chain.ErrUnsupportedHash); got != tt.unsupp {
				t.Errorf("errors.Is(err, ErrUnsupportedHash) = %v, want %v", got, tt.unsupp)
			}
			for _, s := range tt.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
			if strings.Contains(err.Error(), "token=") {
				t.Errorf("error %q repeats the download token", err)
			}
			if after := len(srv.Requests()); after != before {
				t.Errorf("%d requests sent for a refused download", after-before)
			}
		})
	}
}

func TestDownloadBillErrorAnswer(t *testing.T) {
	t.Parallel()
	srv, c, _ := setupDownload(t)
	var buf bytes.Buffer
	_, err := c.DownloadBill(context.Background(), chain.BillInfo{"SHA1", sha1Hex(nil), srv.URL + "/v3/billdownload/file?token=expired"}, &buf)
	var ae *chain.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want *APIError", err)
	}
	if diff := cmp.Diff([]any{400, "PARAM_ERROR", 0}, []any{ae.StatusCode, ae.Code, buf.Len()}); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if ae.RequestID == "" {
		t.Error("APIError without Request-ID")
	}
}

func TestParseBillInfo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		want       chain.BillInfo
		err        string
	}{
		{"complete", `{"hash_type":"SHA1","hash_value":"79bb0f45fc4c42234a918000b2668d689e2bde04","download_url":"https://api.mch.weixin.qq.com/v3/billdownload/file?token=xx"}`,
			chain.BillInfo{"SHA1", "79bb0f45fc4c42234a918000b2668d689e2bde04", "https://api.mch.weixin.qq.com/v3/billdownload/file?token=xx"}, ""},
		{"missing fields", `{"hash_type":"SHA1"}`, chain.BillInfo{}, "missing download_url, hash_value"},
		{"not JSON", `<xml/>`, chain.BillInfo{}, "chain: bill answer"},
		{"wrong type", `{"hash_type":1}`, chain.BillInfo{}, "chain: bill answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := chain.ParseBillInfo([]byte(tt.body))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzParseBillInfo(f *testing.F) {
	f.Add([]byte(`{"hash_type":"SHA1","hash_value":"79bb0f45fc4c42234a918000b2668d689e2bde04","download_url":"https://api.mch.weixin.qq.com/v3/billdownload/file?token=xx"}`))
	f.Add([]byte(`{"hash_type":"SM3","hash_value":"","download_url":null}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"download_url":"\u0000"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := chain.ParseBillInfo(body)
		if err == nil && (b.DownloadURL == "" || b.HashType == "" || b.HashValue == "") {
			t.Errorf("accepted %q with an empty field: %+v", body, b)
		}
		if err != nil && b != (chain.BillInfo{}) {
			t.Errorf("error %v with a non-zero BillInfo %+v", err, b)
		}
	})
}

// pngBytes is a small valid PNG header followed by filler.
var pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 3000)...)

func uploadImage(t *testing.T, c *chain.Client) string {
	t.Helper()
	resp, err := c.Chain("v3/merchant/media/upload").Post(context.Background(), chain.O{"media": chain.Media("logo.png", bytes.NewReader(pngBytes))})
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	id := resp.Get("media_id").String()
	if !strings.ContainsAny(id, "/") || !strings.ContainsAny(id, "+") || !strings.ContainsAny(id, "=") {
		t.Fatalf("media id %q lacks one of / + =", id)
	}
	return id
}

// escapeMediaID is what must reach the gateway: the id as one path segment.
var escapeMediaID = strings.NewReplacer("/", "%2F", "+", "%2B", "=", "%3D").Replace

func TestDownloadImage(t *testing.T) {
	t.Parallel()
	srv, c, _ := setupDownload(t)
	id := uploadImage(t, c)
	wantURI := "/v3/merchant-service/images/" + escapeMediaID(id)
	tests := []struct {
		name string
		do   func(w io.Writer) (*chain.DownloadResult, error)
	}{
		{"DownloadImage", func(w io.Writer) (*chain.DownloadResult, error) { return c.DownloadImage(context.Background(), id, w) }},
		{"{media_id} with the raw id", func(w io.Writer) (*chain.DownloadResult, error) {
			return c.Chain("v3/merchant-service/images/{media_id}").Download(context.Background(), chain.O{"media_id": id}, w)
		}},
		{"{+media_id} with an already encoded id", func(w io.Writer) (*chain.DownloadResult, error) {
			return c.Chain("v3/merchant-service/images/{+media_id}").Download(context.Background(), chain.O{"media_id": escapeMediaID(id)}, w)
		}},
		{"segments with <media_id>", func(w io.Writer) (*chain.DownloadResult, error) {
			return c.Chain("v3", "merchantService", "images", "<media_id>").Download(context.Background(), chain.O{"media_id": id}, w)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			res, err := tt.do(&buf)
			if err != nil {
				t.Fatalf("download: %v", err)
			}
			if !bytes.Equal(buf.Bytes(), pngBytes) {
				t.Errorf("image differs: %d bytes, want %d", buf.Len(), len(pngBytes))
			}
			reqs := srv.Requests()
			if diff := cmp.Diff(wantURI, reqs[len(reqs)-1].URI); diff != "" {
				t.Errorf("request target (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]any{int64(len(pngBytes)), int64(len(pngBytes)), false, "*/*"},
				[]any{res.ContentLength, res.Written, res.Verified, reqs[len(reqs)-1].Header.Get("Accept")}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}

	// The pitfall: {+media_id} with the raw id sends "/" unescaped.
	_, err := c.Chain("v3/merchant-service/images/{+media_id}").Download(context.Background(), chain.O{"media_id": id}, io.Discard)
	var ae *chain.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 404 {
		t.Errorf("raw id through {+media_id}: err = %v, want a 404 APIError", err)
	}
	// An empty id is refused before sending.
	if _, err := c.DownloadImage(context.Background(), "", io.Discard); !errors.Is(err, chain.ErrInvalidOptions) {
		t.Errorf("empty media id: err = %v, want ErrInvalidOptions", err)
	}
}

func TestDownloadProgress(t *testing.T) {
	t.Parallel()
	srv, c, bill := setupDownload(t)
	type call struct{ received, total int64 }
	check := func(t *testing.T, calls []call, size, total int64) {
		t.Helper()
		if len(calls) < 2 {
			t.Fatalf("%d progress calls, want several", len(calls))
		}
		for i, cl := range calls {
			if cl.total != total {
				t.Errorf("call %d: total %d, want %d", i, cl.total, total)
			}
			if i > 0 && cl.received < calls[i-1].received {
				t.Errorf("call %d: received went back from %d to %d", i, calls[i-1].received, cl.received)
			}
		}
		if last := calls[len(calls)-1]; last.received != size {
			t.Errorf("last call received %d, want %d", last.received, size)
		}
	}

	t.Run("image with Content-Length", func(t *testing.T) {
		id := uploadImage(t, c)
		var calls []call
		_, err := c.DownloadImage(context.Background(), id, io.Discard, chain.WithProgress(func(r, tot int64) { calls = append(calls, call{r, tot}) }))
		if err != nil {
			t.Fatal(err)
		}
		check(t, calls, int64(len(pngBytes)), int64(len(pngBytes)))
	})
	t.Run("chunked bill", func(t *testing.T) {
		var calls []call
		_, err := c.DownloadBill(context.Background(), requestBill(t, c, false), io.Discard, chain.WithProgress(func(r, tot int64) { calls = append(calls, call{r, tot}) }))
		if err != nil {
			t.Fatal(err)
		}
		check(t, calls, int64(len(bill)), -1)
	})
	_ = srv
}

// rawGateway serves h and returns a client for it (keys from a simulator).
func rawGateway(t *testing.T, h http.HandlerFunc) (*chain.Client, *wechatpaytest.Server, string) {
	t.Helper()
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	cfg := srv.Config()
	cfg.BaseURL, cfg.HTTPClient, cfg.DisableRetries = ts.URL, ts.Client(), true
	cfg.Validation = catalog.Off // h is a bare handler, answering calls of the test's own making
	c, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, srv, ts.URL
}

// hijackWrite takes over the connection, writes raw and closes it.
func hijackWrite(t *testing.T, w http.ResponseWriter, raw []byte) {
	conn, bw, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	bw.Write(raw)
	bw.Flush()
	conn.Close()
}

func TestDownloadCutOff(t *testing.T) {
	t.Parallel()
	content := bytes.Repeat([]byte("2026-11-27 10:00:00,`wx1,`1900000001,`SUCCESS,`1.00\n"), 2000)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(content)
	zw.Close()
	half := func(b []byte) []byte { return b[:len(b)/2] }

	tests := []struct {
		name    string
		h       func(t *testing.T, w http.ResponseWriter)
		wantErr error
	}{
		{"fewer bytes than Content-Length", func(t *testing.T, w http.ResponseWriter) {
			w.Header().Set("Content-Length", fmt.Sprint(len(content)))
			w.WriteHeader(200)
			w.Write(half(content))
		}, io.ErrUnexpectedEOF},
		{"chunked stream closed midway", func(t *testing.T, w http.ResponseWriter) {
			w.WriteHeader(200)
			w.Write(half(content))
			w.(http.Flusher).Flush()
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		}, io.ErrUnexpectedEOF},
		{"gzip file cut, no length", func(t *testing.T, w http.ResponseWriter) {
			hijackWrite(t, w, append([]byte("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"), half(gz.Bytes())...))
		}, io.ErrUnexpectedEOF},
		{"gzip Content-Encoding cut", func(t *testing.T, w http.ResponseWriter) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Content-Length", fmt.Sprint(gz.Len()))
			w.WriteHeader(200)
			w.Write(half(gz.Bytes()))
		}, io.ErrUnexpectedEOF},
		// Without a length and without gzip, a close looks like the end of
		// the body: only the bill's hash can tell.
		{"plain file cut, no length", func(t *testing.T, w http.ResponseWriter) {
			hijackWrite(t, w, append([]byte("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"), half(content)...))
		}, chain.ErrHashMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _, base := rawGateway(t, func(w http.ResponseWriter, r *http.Request) { tt.h(t, w) })
			bill := chain.BillInfo{HashType: "SHA1", HashValue: sha1Hex(content), DownloadURL: base + "/v3/billdownload/file?token=t"}
			var buf bytes.Buffer
			res, err := c.DownloadBill(context.Background(), bill, &buf)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if !strings.HasPrefix(err.Error(), "chain: GET "+c.BaseURL()+"v3/billdownload/file: ") {
				t.Errorf("error %q does not name the call", err)
			}
			if res == nil || res.Written != int64(buf.Len()) || res.Written >= int64(len(content)) {
				t.Errorf("result %+v: Written must count the partial content (%d bytes)", res, buf.Len())
			}
			// The same through the plain Download of an unsigned path.
			if tt.wantErr == io.ErrUnexpectedEOF {
				_, err := c.Chain("v3/billdownload/file").Download(context.Background(), chain.O{"query": map[string]any{"token": "t"}}, io.Discard)
				if !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("Download: err = %v, want io.ErrUnexpectedEOF", err)
				}
			}
		})
	}
}

// TestDownloadDroppedConnection: the bill GET is dropped on the keep-alive
// connection left by the bill request. With retries off, net/http itself
// may still resend the GET once on a new connection (it does so for a
// reused connection that dies before answering); the client signs that try
// afresh, so the simulator, which refuses a reused nonce, accepts it. Either
// the bill arrives complete, or the call fails with a transport error and
// nothing written; never a 401 for a replayed nonce.
func TestDownloadDroppedConnection(t *testing.T) {
	t.Parallel()
	srv, _, content := setupDownload(t)
	cfg := srv.Config()
	cfg.DisableRetries = true
	c, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	bill := requestBill(t, c, true)
	srv.Inject(wechatpaytest.Fault{Route: "GET /v3/billdownload/file", Drop: true})
	var buf bytes.Buffer
	res, err := c.DownloadBill(context.Background(), bill, &buf)
	if err != nil {
		var apiErr *chain.APIError
		if errors.As(err, &apiErr) {
			t.Fatalf("the resent GET was refused (same nonce?): %v", err)
		}
		if buf.Len() != 0 || res != nil && res.Written != 0 {
			t.Fatalf("dropped download: res %+v, err %v, %d bytes written; want nothing written", res, err, buf.Len())
		}
		return
	}
	if !bytes.Equal(buf.Bytes(), content) {
		t.Errorf("bill content differs: %d bytes, want %d", buf.Len(), len(content))
	}
}

func TestDownloadIdleTimeout(t *testing.T) {
	t.Parallel()
	wait := func(r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}
	tests := []struct {
		name string
		h    http.HandlerFunc
		want string
	}{
		{"stalls midway", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(200)
			w.Write([]byte("partial"))
			w.(http.Flusher).Flush()
			wait(r)
		}, "chain: GET v3/billdownload/file: download stalled: under 1024 bytes received for 200ms (idle timeout); 7 body bytes received"},
		{"no answer", func(w http.ResponseWriter, r *http.Request) { wait(r) },
			"chain: GET v3/billdownload/file: download stalled: nothing received for 200ms (idle timeout); before the answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _, _ := rawGateway(t, tt.h)
			start := time.Now()
			_, err := c.Chain("v3/billdownload/file").Download(context.Background(), nil, io.Discard, chain.WithIdleTimeout(200*time.Millisecond))
			if !errors.Is(err, chain.ErrIdleTimeout) {
				t.Fatalf("err = %v, want ErrIdleTimeout", err)
			}
			if want := strings.Replace(tt.want, "GET ", "GET "+c.BaseURL(), 1); err.Error() != want {
				t.Errorf("error %q, want %q", err, want)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("the stalled download took %v", d)
			}
		})
	}
}

func TestDownloadWriterError(t *testing.T) {
	t.Parallel()
	srv, c, _ := setupDownload(t)
	boom := errors.New("disk full")
	for _, keep := range []bool{false, true} {
		var opts []chain.DownloadOption
		if keep {
			opts = append(opts, chain.KeepCompressed())
		}
		_, err := c.DownloadBill(context.Background(), requestBill(t, c, true), failingWriter{boom}, opts...)
		if !errors.Is(err, boom) || errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), "writing the content") {
			t.Errorf("keep=%v: err = %v, want the writer's error", keep, err)
		}
	}
	_ = srv
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

func TestDownloadSignedPath(t *testing.T) {
	t.Parallel()
	srv, c, _ := setupDownload(t)
	srv.Handle("GET", "/v3/test/report/{id}", func(r *wechatpaytest.Request) (int, any) {
		return 200, map[string]any{"id": r.Param("id"), "rows": 3}
	})
	var buf bytes.Buffer
	res, err := c.Chain("v3/test/report/{id}").Download(context.Background(), chain.O{"id": "R1", "validation": catalog.Off}, &buf) // a route of this test's own
	if err != nil {
		t.Fatalf("signed download: %v", err)
	}
	if diff := cmp.Diff([]any{`{"id":"R1","rows":3}`, true}, []any{buf.String(), res.Verified}); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	// A tampered signed answer never reaches the writer.
	srv.Inject(wechatpaytest.Fault{Route: "/v3/test/report/{id}", Tamper: true})
	buf.Reset()
	_, err = c.Chain("v3/test/report/{id}").Download(context.Background(), chain.O{"id": "R1", "validation": catalog.Off}, &buf)
	var ve *chain.VerifyError
	if !errors.As(err, &ve) || !errors.Is(err, signer.ErrBadSignature) {
		t.Fatalf("tampered signed download: err = %v, want *VerifyError with ErrBadSignature", err)
	}
	if buf.Len() != 0 {
		t.Errorf("%d unverified bytes written", buf.Len())
	}
}

func TestDownloadStatement(t *testing.T) {
	t.Parallel()
	content := []byte("statement_no,amount\nS1,100\nS2,200\n")
	type answer struct {
		sum   string // Wechatpay-Statement-Sha1 (signed)
		noSum bool
	}
	var mu sync.Mutex
	var ans answer
	var sg signer.Signer
	var serial string
	c, srv, _ := rawGateway(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		a := ans
		mu.Unlock()
		h, err := gw.SignHeaders(r.Context(), sg, serial, []byte(`{"sha1":"`+a.sum+`"}`), time.Now())
		if err != nil {
			t.Error(err)
			return
		}
		for k, v := range h {
			w.Header()[k] = v
		}
		if !a.noSum {
			w.Header().Set(signer.HeaderStatementSHA1, a.sum)
		}
		w.WriteHeader(200)
		w.Write(content)
	})
	var err error
	if sg, err = signer.NewRSASigner(srv.PlatformKey); err != nil {
		t.Fatal(err)
	}
	serial = srv.PlatformSerial

	tests := []struct {
		name string
		a    answer
		want error
	}{
		{"signed SHA-1 matches", answer{sum: sha1Hex(content)}, nil},
		{"signed SHA-1 of another file", answer{sum: sha1Hex([]byte("other"))}, chain.ErrHashMismatch},
		{"no statement header", answer{sum: sha1Hex(content), noSum: true}, signer.ErrMissingHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mu.Lock()
			ans = tt.a
			mu.Unlock()
			var buf bytes.Buffer
			res, err := c.Chain("v3/statements").Download(context.Background(), chain.O{"query": map[string]any{"date": "2026-11-27"}, "validation": catalog.Off}, &buf) // a route of this test's own
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if tt.want != nil {
				return
			}
			if diff := cmp.Diff([]any{string(content), true, "SHA1", sha1Hex(content)}, []any{buf.String(), res.Verified, res.HashType, res.Hash}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDownloadCanceled(t *testing.T) {
	t.Parallel()
	_, c, bill := setupDownload(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var buf bytes.Buffer
	res, err := c.DownloadBill(ctx, requestBill(t, c, false), &buf, chain.WithProgress(func(received, total int64) { cancel() }))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if res == nil || res.Written >= int64(len(bill)) || res.Written != int64(buf.Len()) {
		t.Errorf("result %+v after cancel: want a partial Written equal to what w got (%d)", res, buf.Len())
	}
}

func TestDownloadRetriedAndSignedAgain(t *testing.T) {
	t.Parallel()
	srv, c, want := setupDownload(t)
	bill := requestBill(t, c, true)
	srv.ResetRequests()
	srv.Inject(wechatpaytest.Fault{Route: "GET /v3/billdownload/file", Status: 503})
	var buf bytes.Buffer
	res, err := c.DownloadBill(context.Background(), bill, &buf)
	if err != nil {
		t.Fatalf("DownloadBill after a 503: %v", err)
	}
	if !bytes.Equal(buf.Bytes(), want) || res.Attempts != 2 {
		t.Errorf("attempts %d, %d bytes; want 2 attempts and the bill", res.Attempts, buf.Len())
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	var nonces []string
	for _, r := range reqs {
		a, err := gw.ParseAuthorization(r.Header.Get("Authorization"))
		if err != nil {
			t.Fatal(err)
		}
		nonces = append(nonces, a.Nonce)
		if r.URI != reqs[0].URI {
			t.Errorf("retry went to %s, first attempt to %s", r.URI, reqs[0].URI)
		}
	}
	if nonces[0] == nonces[1] {
		t.Errorf("both attempts carry nonce %s: the retry was not signed again", nonces[0])
	}
}

// FuzzDownloadStream serves arbitrary bodies on an unsigned path: Download
// never panics, and a success writes exactly the body, or its gunzipped
// content when it starts with the gzip magic bytes.
func FuzzDownloadStream(f *testing.F) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("交易时间,公众账号ID\n`2026-11-27,`wx1\n"))
	zw.Close()
	f.Add([]byte("交易时间,公众账号ID\n`2026-11-27,`wx1\n"))
	f.Add(gz.Bytes())
	f.Add(gz.Bytes()[:gz.Len()/2])
	f.Add(append(append([]byte(nil), gz.Bytes()...), "trailing"...))
	f.Add([]byte{0x1f})
	f.Add([]byte{0x1f, 0x8b})
	f.Add([]byte{})

	var bodies sync.Map
	var next int64
	var mu sync.Mutex
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := bodies.Load(r.URL.Query().Get("token"))
		body, _ := b.([]byte)
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.Write(body)
	}))
	defer ts.Close()
	cfg := srv.Config()
	cfg.BaseURL, cfg.HTTPClient, cfg.DisableRetries = ts.URL, ts.Client(), true
	client, err := wechatpay.New(cfg)
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, body []byte) {
		mu.Lock()
		next++
		token := fmt.Sprint(next)
		mu.Unlock()
		bodies.Store(token, body)
		defer bodies.Delete(token)
		var buf bytes.Buffer
		_, err := client.Chain("v3/billdownload/file").Download(context.Background(), chain.O{"query": map[string]any{"token": token}}, &buf)
		if err != nil {
			return
		}
		want := body
		if len(body) >= 2 && body[0] == 0x1f && body[1] == 0x8b {
			zr, zerr := gzip.NewReader(bytes.NewReader(body))
			if zerr != nil {
				t.Fatalf("Download accepted a gzip body that gzip refuses: %v", zerr)
			}
			if want, zerr = io.ReadAll(zr); zerr != nil {
				t.Fatalf("Download accepted a gzip body that does not decode: %v", zerr)
			}
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("wrote %q, want %q", buf.Bytes(), want)
		}
	})
}

func TestDownloadContentEncoding(t *testing.T) {
	t.Parallel()
	content := bytes.Repeat([]byte("交易时间,`wx1,`1.00\n"), 500)
	gzipped := func(b []byte) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(b)
		zw.Close()
		return buf.Bytes()
	}
	tests := []struct {
		name    string
		body    []byte // served with Content-Encoding: gzip
		headers map[string]string
	}{
		{"net/http undoes it", gzipped(content), nil},
		{"caller asked for gzip: undone here", gzipped(content), map[string]string{"Accept-Encoding": "gzip"}},
		{"gzip file inside gzip encoding", gzipped(gzipped(content)), map[string]string{"Accept-Encoding": "gzip"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _, _ := rawGateway(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", "gzip")
				w.Header().Set("Content-Length", fmt.Sprint(len(tt.body)))
				w.Write(tt.body)
			})
			var buf bytes.Buffer
			opts := chain.O{}
			if tt.headers != nil {
				opts["headers"] = tt.headers
			}
			res, err := c.Chain("v3/billdownload/file").Download(context.Background(), opts, &buf)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), content) || !res.Gunzipped {
				t.Errorf("got %d bytes (Gunzipped %v), want the %d decoded bytes", buf.Len(), res.Gunzipped, len(content))
			}
			// net/http drops Content-Length when it decodes; here it did not.
			wantLen := int64(len(tt.body))
			if tt.headers == nil {
				wantLen = -1
			}
			if res.ContentLength != wantLen || res.Received != int64(len(tt.body)) && tt.headers != nil {
				t.Errorf("ContentLength %d, Received %d; want %d and %d", res.ContentLength, res.Received, wantLen, len(tt.body))
			}
		})
	}
}
