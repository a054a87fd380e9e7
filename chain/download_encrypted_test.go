package chain_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// encKind is one of the three encrypted bills: its request and how the
// simulator stores it.
type encKind struct {
	name  string
	path  string
	query map[string]any
	store func(srv *wechatpaytest.Server, src wechatpaytest.BillSource)
}

var encKinds = []encKind{
	{"sub-merchant", "v3/bill/sub-merchant-fundflowbill",
		map[string]any{"sub_mchid": "1900000109", "bill_date": dlBillDate, "account_type": "BASIC", "algorithm": "AEAD_AES_256_GCM"},
		func(srv *wechatpaytest.Server, src wechatpaytest.BillSource) {
			srv.SetSubMerchantBill("1900000109", "BASIC", dlBillDate, src)
		}},
	{"ecommerce", "v3/ecommerce/bill/fundflowbill",
		map[string]any{"bill_date": dlBillDate, "account_type": "ALL", "algorithm": "AEAD_AES_256_GCM"},
		func(srv *wechatpaytest.Server, src wechatpaytest.BillSource) {
			srv.SetSubMerchantBill("", "ALL", dlBillDate, src)
		}},
	{"payscore", "v3/payscore/merchant-bill",
		map[string]any{"bill_date": dlBillDate, "service_id": "500001", "encryption_algorithm": "AEAD_AES_256_GCM"},
		func(srv *wechatpaytest.Server, src wechatpaytest.BillSource) {
			srv.SetPayscoreBill("500001", dlBillDate, src)
		}},
}

// setupEncBill starts a simulator holding a generated fund bill of rows
// rows as every encrypted bill kind, and returns it with the bill's bytes.
func setupEncBill(t testing.TB, rows int) (*wechatpaytest.Server, []byte) {
	t.Helper()
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	src := wechatpaytest.GeneratedBill(wechatpaytest.BillFund, rows)
	for _, k := range encKinds {
		k.store(srv, src)
	}
	content, err := io.ReadAll(src.Open())
	if err != nil {
		t.Fatal(err)
	}
	return srv, content
}

// requestEncBill asks for an encrypted bill's list.
func requestEncBill(t testing.TB, c *chain.Client, k encKind, gzipped bool) chain.EncryptedBillList {
	t.Helper()
	q := map[string]any{}
	for n, v := range k.query {
		q[n] = v
	}
	if gzipped {
		q["tar_type"] = "GZIP"
	}
	resp, err := c.Chain(k.path).Get(context.Background(), chain.O{"query": q})
	if err != nil {
		t.Fatalf("%s: list request: %v", k.name, err)
	}
	list, err := chain.ParseEncryptedBillList(resp.Body)
	if err != nil {
		t.Fatalf("%s: ParseEncryptedBillList: %v", k.name, err)
	}
	return list
}

func gunzipAll(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDownloadEncryptedBill: every kind, gzip or not, in one part or
// several, some of them shorter than a copy buffer: the parts decrypt,
// match their hashes and make the bill, in order.
func TestDownloadEncryptedBill(t *testing.T) {
	t.Parallel()
	for _, k := range encKinds {
		for _, gz := range []bool{false, true} {
			for _, partSize := range []int64{0, 6000, 100 << 10} {
				name := k.name
				if gz {
					name += "/gzip"
				}
				t.Run(fmt.Sprintf("%s/part-size-%d", name, partSize), func(t *testing.T) {
					t.Parallel()
					srv, content := setupEncBill(t, 1500) // ~240 KB
					if partSize > 0 {
						srv.SetBillPartSize(partSize)
					}
					c := srv.Client()
					list := requestEncBill(t, c, k, gz)
					wantParts := 1
					if partSize > 0 {
						wantParts = (len(content) + int(partSize) - 1) / int(partSize)
					}
					if len(list.Parts) != wantParts {
						t.Fatalf("%d parts, want %d", len(list.Parts), wantParts)
					}
					var buf bytes.Buffer
					res, err := c.DownloadEncryptedBill(context.Background(), list, &buf)
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(buf.Bytes(), content) {
						t.Fatalf("got %d bytes, want the bill's %d", buf.Len(), len(content))
					}
					if res.Written != int64(len(content)) || len(res.Parts) != wantParts {
						t.Errorf("Written %d, %d parts; want %d, %d", res.Written, len(res.Parts), len(content), wantParts)
					}
					var sum int64
					for i, p := range res.Parts {
						sum += p.Written
						if p.Hash != list.Parts[i].HashValue || p.HashType != "SHA1" || p.Gunzipped != gz || p.Verified || p.StatusCode != 200 {
							t.Errorf("part %d: %+v", i+1, p)
						}
					}
					if sum != res.Written {
						t.Errorf("parts wrote %d bytes in all, Written says %d", sum, res.Written)
					}
				})
			}
		}
	}
}

// TestDownloadEncryptedBillKeepCompressed: the gzip parts as served make
// one multi-member gzip file of the bill.
func TestDownloadEncryptedBillKeepCompressed(t *testing.T) {
	t.Parallel()
	srv, content := setupEncBill(t, 800)
	srv.SetBillPartSize(50 << 10)
	c := srv.Client()
	list := requestEncBill(t, c, encKinds[0], true)
	var buf bytes.Buffer
	res, err := c.DownloadEncryptedBill(context.Background(), list, &buf, chain.KeepCompressed())
	if err != nil {
		t.Fatal(err)
	}
	if got := gunzipAll(t, buf.Bytes()); !bytes.Equal(got, content) {
		t.Fatalf("the gzip file holds %d bytes, want the bill's %d", len(got), len(content))
	}
	if res.Written != int64(buf.Len()) || len(res.Parts) != 3 {
		t.Errorf("Written %d of %d, %d parts", res.Written, buf.Len(), len(res.Parts))
	}
}

// tamperTransport flips one byte of the body of the n-th download answer
// (1-based; download_url requests only), at offset (negative: from the end,
// Content-Length needed), and counts the downloads.
type tamperTransport struct {
	base   http.RoundTripper
	part   int
	offset int64

	mu        sync.Mutex
	downloads int
}

func (tt *tamperTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := tt.base.RoundTrip(r)
	if err != nil || !strings.HasSuffix(r.URL.Path, "/downloadurl") {
		return resp, err
	}
	tt.mu.Lock()
	tt.downloads++
	n := tt.downloads
	tt.mu.Unlock()
	if n == tt.part {
		off := tt.offset
		if off < 0 {
			off += resp.ContentLength
		}
		resp.Body = &flipBody{ReadCloser: resp.Body, at: off}
	}
	return resp, nil
}

func (tt *tamperTransport) count() int {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	return tt.downloads
}

type flipBody struct {
	io.ReadCloser
	at, n int64
}

func (f *flipBody) Read(p []byte) (int, error) {
	n, err := f.ReadCloser.Read(p)
	if f.at >= f.n && f.at < f.n+int64(n) {
		p[f.at-f.n] ^= 0x40
	}
	f.n += int64(n)
	return n, err
}

// tamperClient is a client of srv whose transport is tt.
func tamperClient(t *testing.T, srv *wechatpaytest.Server, tt *tamperTransport) *chain.Client {
	t.Helper()
	cfg := srv.Config()
	tt.base = cfg.HTTPClient.Transport
	cfg.HTTPClient = &http.Client{Transport: tt}
	c, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkNoKey fails when err's text holds a part's encrypt_key, or its
// decrypted AES key in hex or base64.
func checkNoKey(t *testing.T, err error, srv *wechatpaytest.Server, list chain.EncryptedBillList) {
	t.Helper()
	msg := err.Error()
	for _, p := range list.Parts {
		if strings.Contains(msg, p.EncryptKey) || strings.Contains(msg, p.DownloadURL) {
			t.Errorf("the error shows part %d's encrypt_key or token: %s", p.BillSequence, msg)
		}
		k, derr := signer.DecryptOAEP(srv.MerchantKey, p.EncryptKey)
		if derr != nil {
			continue
		}
		for _, enc := range []string{hex.EncodeToString([]byte(k)), base64.StdEncoding.EncodeToString([]byte(k))} {
			if strings.Contains(msg, enc) {
				t.Errorf("the error shows part %d's key: %s", p.BillSequence, msg)
			}
		}
	}
}

// TestDownloadEncryptedBillTampered: a changed ciphertext byte or tag, in
// the first or a later part, gzip or not, fails the tag check: an error
// matching ErrDecrypt that names the part, without the key.
func TestDownloadEncryptedBillTampered(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		gzip   bool
		part   int
		offset int64
	}{
		{"first byte of part 1", false, 1, 0},
		{"middle of part 2", false, 2, 3000},
		{"tag of part 3", false, 3, -1},
		{"last ciphertext byte of part 2", false, 2, -17},
		{"gzip header of part 2", true, 2, 0},
		{"gzip body of part 3", true, 3, 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := setupEncBill(t, 100) // 16,334 bytes
			srv.SetBillPartSize(6000)
			tt := &tamperTransport{part: tc.part, offset: tc.offset}
			c := tamperClient(t, srv, tt)
			list := requestEncBill(t, c, encKinds[0], tc.gzip)
			res, err := c.DownloadEncryptedBill(context.Background(), list, io.Discard)
			if !errors.Is(err, chain.ErrDecrypt) {
				t.Fatalf("err = %v, want ErrDecrypt", err)
			}
			var pe *chain.BillPartError
			if !errors.As(err, &pe) || pe.Sequence != tc.part || pe.Count != 3 {
				t.Fatalf("err = %#v, want a *BillPartError for part %d of 3", err, tc.part)
			}
			if want := "part " + string(rune('0'+tc.part)) + " of 3"; !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
			checkNoKey(t, err, srv, list)
			if len(res.Parts) != tc.part || tt.count() != tc.part {
				t.Errorf("%d part results, %d downloads; want %d (nothing after the failed part)", len(res.Parts), tt.count(), tc.part)
			}
		})
	}
}

// TestDownloadEncryptedBillSimulatorTamper: the simulator's own Tamper
// fault (first byte of a part) is caught, payscore's route too.
func TestDownloadEncryptedBillSimulatorTamper(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind  encKind
		route string
	}{{encKinds[0], "GET /v3/bill/downloadurl"}, {encKinds[2], "GET /v3/payscore/bill/downloadurl"}} {
		t.Run(tc.kind.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := setupEncBill(t, 100)
			c := srv.Client()
			list := requestEncBill(t, c, tc.kind, false)
			srv.Inject(wechatpaytest.Fault{Route: tc.route, Tamper: true})
			_, err := c.DownloadEncryptedBill(context.Background(), list, io.Discard)
			var pe *chain.BillPartError
			if !errors.Is(err, chain.ErrDecrypt) || !errors.As(err, &pe) || pe.Sequence != 1 {
				t.Fatalf("err = %v, want ErrDecrypt for part 1", err)
			}
		})
	}
}

// TestDownloadEncryptedBillWrongHash: a part whose plaintext does not match
// hash_value (the tag matched: the list is wrong) is ErrHashMismatch naming
// the part; the parts before it were written, none after.
func TestDownloadEncryptedBillWrongHash(t *testing.T) {
	t.Parallel()
	for _, gz := range []bool{false, true} {
		srv, content := setupEncBill(t, 100)
		srv.SetBillPartSize(6000)
		c := srv.Client()
		list := requestEncBill(t, c, encKinds[1], gz)
		list.Parts[1].HashValue = sha1Hex([]byte("another part"))
		var buf bytes.Buffer
		res, err := c.DownloadEncryptedBill(context.Background(), list, &buf)
		var pe *chain.BillPartError
		if !errors.Is(err, chain.ErrHashMismatch) || !errors.As(err, &pe) || pe.Sequence != 2 {
			t.Fatalf("gzip %v: err = %v, want ErrHashMismatch for part 2", gz, err)
		}
		if errors.Is(err, chain.ErrDecrypt) {
			t.Errorf("gzip %v: a hash mismatch matches ErrDecrypt too: %v", gz, err)
		}
		if !bytes.Equal(buf.Bytes(), content[:12000]) || res.Written != 12000 {
			t.Errorf("gzip %v: wrote %d bytes (Written %d), want the first two parts' 12000", gz, buf.Len(), res.Written)
		}
	}
}

// TestDownloadEncryptedBillWrongKey: a decrypter with another key fails
// on the first part's encrypt_key, before any download.
func TestDownloadEncryptedBillWrongKey(t *testing.T) {
	t.Parallel()
	srv, _ := setupEncBill(t, 100)
	srv.SetBillPartSize(6000)
	tt := &tamperTransport{}
	c := tamperClient(t, srv, tt)
	list := requestEncBill(t, c, encKinds[0], false)
	other, err := signer.NewRSASigner(testkeys.RSA(91)) // not the merchant key
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	res, err := c.DownloadEncryptedBill(context.Background(), list, &buf, chain.WithDecrypter(other))
	var pe *chain.BillPartError
	if !errors.Is(err, chain.ErrDecrypt) || !errors.As(err, &pe) || pe.Sequence != 1 || res != nil {
		t.Fatalf("res %v, err = %v; want ErrDecrypt for part 1", res, err)
	}
	if !strings.Contains(err.Error(), "encrypt_key") {
		t.Errorf("error %q does not say encrypt_key", err)
	}
	checkNoKey(t, err, srv, list)
	if tt.count() != 0 || buf.Len() != 0 {
		t.Errorf("%d downloads, %d bytes written; want none", tt.count(), buf.Len())
	}

	// A nonce changed in the list: the tag does not match.
	list.Parts[0].Nonce = strings.Repeat("0", 16)
	_, err = c.DownloadEncryptedBill(context.Background(), list, io.Discard)
	if !errors.Is(err, chain.ErrDecrypt) || !errors.As(err, &pe) || pe.Sequence != 1 {
		t.Fatalf("wrong nonce: err = %v, want ErrDecrypt for part 1", err)
	}
}

// signOnly is a Signer that cannot decrypt.
type signOnly struct{ s signer.Signer }

func (o signOnly) Sign(ctx context.Context, m []byte) (string, error) { return o.s.Sign(ctx, m) }

// TestDownloadEncryptedBillDecrypter: a Config.Signer that cannot decrypt
// needs WithDecrypter (refused before sending otherwise); one that can is
// used.
func TestDownloadEncryptedBillDecrypter(t *testing.T) {
	t.Parallel()
	srv, content := setupEncBill(t, 50)
	rs, err := signer.NewRSASigner(srv.MerchantKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		sg   signer.Signer
		opts []chain.DownloadOption
		ok   bool
	}{
		{"sign only", signOnly{rs}, nil, false},
		{"sign only, WithDecrypter", signOnly{rs}, []chain.DownloadOption{chain.WithDecrypter(rs)}, true},
		{"RSASigner as Config.Signer", rs, nil, true},
	} {
		cfg := srv.Config()
		cfg.PrivateKey, cfg.Signer = nil, tc.sg
		c, err := wechatpay.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		list := requestEncBill(t, c, encKinds[2], true)
		var buf bytes.Buffer
		_, err = c.DownloadEncryptedBill(context.Background(), list, &buf, tc.opts...)
		if tc.ok {
			if err != nil || !bytes.Equal(buf.Bytes(), content) {
				t.Errorf("%s: err %v, %d bytes of %d", tc.name, err, buf.Len(), len(content))
			}
			continue
		}
		if !errors.Is(err, chain.ErrInvalidOptions) || !strings.Contains(err.Error(), "WithDecrypter") {
			t.Errorf("%s: err = %v, want ErrInvalidOptions naming WithDecrypter", tc.name, err)
		}
	}
}

// TestDownloadEncryptedBillRefusals: a bad list or writer is refused with
// every problem named and nothing sent.
func TestDownloadEncryptedBillRefusals(t *testing.T) {
	t.Parallel()
	srv, _ := setupEncBill(t, 100)
	srv.SetBillPartSize(6000)
	tt := &tamperTransport{}
	c := tamperClient(t, srv, tt)
	good := requestEncBill(t, c, encKinds[0], false)
	edit := func(f func(l *chain.EncryptedBillList)) chain.EncryptedBillList {
		l := good
		l.Parts = append([]chain.EncryptedBillPart(nil), good.Parts...)
		f(&l)
		return l
	}
	for _, tc := range []struct {
		name string
		list chain.EncryptedBillList
		w    io.Writer
		want []string
	}{
		{"other host", edit(func(l *chain.EncryptedBillList) {
			l.Parts[1].DownloadURL = "https://evil.example/v3/bill/downloadurl?token=x"
		}), io.Discard, []string{"part 2: download_url is on https://evil.example"}},
		{"missing part", edit(func(l *chain.EncryptedBillList) { l.Parts = append(l.Parts[:1], l.Parts[2:]...) }), io.Discard,
			[]string{"download_bill_count is 3 but download_bill_list has 2 entries", "bill_sequence 3 where 2 was due"}},
		{"fields", edit(func(l *chain.EncryptedBillList) {
			l.Parts[0].Nonce, l.Parts[2].EncryptKey, l.Parts[1].HashType = "", "not base64!", "MD5"
		}), io.Discard, []string{"part 1: missing nonce", `part 2: hash_type "MD5"`, "part 3: encrypt_key is not the base64"}},
		{"empty", chain.EncryptedBillList{}, io.Discard, []string{"download_bill_list is empty"}},
		{"nil writer", good, nil, []string{"the io.Writer is nil"}},
	} {
		_, err := c.DownloadEncryptedBill(context.Background(), tc.list, tc.w)
		if !errors.Is(err, chain.ErrInvalidOptions) {
			t.Errorf("%s: err = %v, want ErrInvalidOptions", tc.name, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not say %q", tc.name, err, w)
			}
		}
	}
	if tt.count() != 0 {
		t.Errorf("%d downloads sent, want none", tt.count())
	}
}

// TestDownloadEncryptedBillMaxSize: WithMaxSize caps the plaintext of the
// whole bill, across parts.
func TestDownloadEncryptedBillMaxSize(t *testing.T) {
	t.Parallel()
	srv, content := setupEncBill(t, 100)
	srv.SetBillPartSize(6000)
	c := srv.Client()
	list := requestEncBill(t, c, encKinds[0], true)
	var buf bytes.Buffer
	res, err := c.DownloadEncryptedBill(context.Background(), list, &buf, chain.WithMaxSize(10000))
	var pe *chain.BillPartError
	if !errors.Is(err, chain.ErrTooLarge) || !errors.As(err, &pe) || pe.Sequence != 2 {
		t.Fatalf("err = %v, want ErrTooLarge in part 2", err)
	}
	if res.Written != 10000 || !bytes.Equal(buf.Bytes(), content[:10000]) {
		t.Errorf("wrote %d bytes, want the bill's first 10000", res.Written)
	}
	if _, err := c.DownloadEncryptedBill(context.Background(), requestEncBill(t, c, encKinds[0], true), io.Discard, chain.WithMaxSize(int64(len(content)))); err != nil {
		t.Errorf("a cap of exactly the bill's size: %v", err)
	}
}

// TestDownloadEncryptedBillToFile: the file appears only once every part
// matched; a failure leaves the old file and no temporary file.
func TestDownloadEncryptedBillToFile(t *testing.T) {
	t.Parallel()
	srv, content := setupEncBill(t, 100)
	srv.SetBillPartSize(6000)
	dir := t.TempDir()
	path := filepath.Join(dir, "fund.csv")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	tt := &tamperTransport{part: 3, offset: 10}
	c := tamperClient(t, srv, tt)
	if _, err := c.DownloadEncryptedBillToFile(context.Background(), requestEncBill(t, c, encKinds[0], false), path); !errors.Is(err, chain.ErrDecrypt) {
		t.Fatalf("tampered part 3: err = %v, want ErrDecrypt", err)
	}
	if diff := cmp.Diff([]string{"fund.csv"}, dirNames(t, dir)); diff != "" {
		t.Errorf("after a failure (-want +got):\n%s", diff)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("the old file was changed: %q", b)
	}

	c = srv.Client()
	res, err := c.DownloadEncryptedBillToFile(context.Background(), requestEncBill(t, c, encKinds[0], true), path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, content) || res.Written != int64(len(content)) {
		t.Fatalf("file: %d bytes (err %v), Written %d; want the bill's %d", len(got), err, res.Written, len(content))
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	if diff := cmp.Diff([]string{"fund.csv"}, dirNames(t, dir)); diff != "" {
		t.Errorf("after success (-want +got):\n%s", diff)
	}

	link := filepath.Join(dir, "link.csv")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{link, dir, ""} {
		if _, err := c.DownloadEncryptedBillToFile(context.Background(), requestEncBill(t, c, encKinds[0], false), p); !errors.Is(err, chain.ErrInvalidOptions) {
			t.Errorf("path %q: err = %v, want ErrInvalidOptions", p, err)
		}
	}
}

// TestParseEncryptedBillList: the simulator's answer parses (sorted by
// bill_sequence); broken answers are refused naming what is wrong.
func TestParseEncryptedBillList(t *testing.T) {
	t.Parallel()
	entry := func(seq string) string {
		return `{"bill_sequence":` + seq + `,"download_url":"https://api.mch.weixin.qq.com/v3/bill/downloadurl?token=t` + seq +
			`","encrypt_key":"a2V5","hash_type":"SHA1","hash_value":"` + strings.Repeat("a", 40) + `","nonce":"a8607ef79034c49c"}`
	}
	got, err := chain.ParseEncryptedBillList([]byte(`{"download_bill_count":2,"download_bill_list":[` + entry("2") + `,` + entry("1") + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got.Count != 2 || len(got.Parts) != 2 || got.Parts[0].BillSequence != 1 || !strings.HasSuffix(got.Parts[1].DownloadURL, "t2") || got.Parts[0].Nonce != "a8607ef79034c49c" {
		t.Errorf("parsed %+v", got)
	}
	for _, tc := range []struct{ body, want string }{
		{`[]`, "chain: encrypted bill list: json"},
		{`{}`, "download_bill_list is empty"},
		{`{"download_bill_count":3,"download_bill_list":[` + entry("1") + `]}`, "download_bill_count is 3 but download_bill_list has 1 entries"},
		{`{"download_bill_list":[` + entry("1") + `,` + entry("1") + `]}`, "bill_sequence 1 where 2 was due"},
		{`{"download_bill_list":[{"bill_sequence":1}]}`, "part 1: missing download_url, encrypt_key, hash_type, hash_value, nonce"},
		{`{"download_bill_list":[` + strings.Repeat(`{"bill_sequence":0},`, 50) + `{"bill_sequence":0}]}`, "and 94 more"},
		{`{"download_bill_list":[` + strings.Repeat(entry("1")+`,`, chain.MaxBillParts) + entry("1") + `]}`, "download_bill_list has 1025 entries, more than MaxBillParts (1024)"},
	} {
		_, err := chain.ParseEncryptedBillList([]byte(tc.body))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.60s: err = %v, want %q", tc.body, err, tc.want)
		}
	}
}

func FuzzParseEncryptedBillList(f *testing.F) {
	f.Add([]byte(`{"download_bill_count":1,"download_bill_list":[{"bill_sequence":1,"download_url":"https://h/x","encrypt_key":"a2V5","hash_type":"SHA1","hash_value":"00","nonce":"n"}]}`))
	f.Add([]byte(`{"download_bill_list":[{"bill_sequence":2},{"bill_sequence":-1}]}`))
	f.Add([]byte(`{"download_bill_count":-5}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		l, err := chain.ParseEncryptedBillList(body)
		if err != nil {
			if len(err.Error()) > 4096 {
				t.Fatalf("error of %d bytes", len(err.Error()))
			}
			return
		}
		if len(l.Parts) == 0 || l.Count != 0 && l.Count != len(l.Parts) {
			t.Fatalf("accepted %d parts, count %d", len(l.Parts), l.Count)
		}
		for i, p := range l.Parts {
			if p.BillSequence != i+1 || p.DownloadURL == "" || p.EncryptKey == "" || p.HashType == "" || p.HashValue == "" || p.Nonce == "" {
				t.Fatalf("accepted part %d: %+v", i, p)
			}
		}
	})
}

// TestDownloadEncryptedBillBrokenDownload: a part cut short on every
// attempt, a canceled ctx, a failing writer: the error names the part and
// matches its cause, and the download of the part stops.
func TestDownloadEncryptedBillBrokenDownload(t *testing.T) {
	t.Parallel()
	t.Run("cut", func(t *testing.T) {
		t.Parallel()
		srv, _ := setupEncBill(t, 100)
		c := srv.Client()
		list := requestEncBill(t, c, encKinds[0], false)
		srv.Inject(wechatpaytest.Fault{Route: "GET /v3/bill/downloadurl", Cut: true, Times: -1})
		_, err := c.DownloadEncryptedBill(context.Background(), list, io.Discard)
		var pe *chain.BillPartError
		if !errors.Is(err, io.ErrUnexpectedEOF) || !errors.As(err, &pe) || pe.Sequence != 1 || errors.Is(err, chain.ErrDecrypt) {
			t.Fatalf("err = %v, want io.ErrUnexpectedEOF for part 1", err)
		}
	})
	t.Run("unknown token in part 2", func(t *testing.T) {
		t.Parallel()
		srv, content := setupEncBill(t, 100)
		srv.SetBillPartSize(6000)
		c := srv.Client()
		list := requestEncBill(t, c, encKinds[0], false)
		u := list.Parts[1].DownloadURL
		list.Parts[1].DownloadURL = u[:strings.Index(u, "token=")] + "token=expired"
		var buf bytes.Buffer
		res, err := c.DownloadEncryptedBill(context.Background(), list, &buf)
		var pe *chain.BillPartError
		var ae *chain.APIError
		if !errors.As(err, &pe) || pe.Sequence != 2 || !errors.As(err, &ae) || ae.StatusCode != 400 || ae.Code != "PARAM_ERROR" {
			t.Fatalf("err = %v, want an *APIError (400 PARAM_ERROR) for part 2", err)
		}
		if strings.Contains(err.Error(), "token=") {
			t.Errorf("the error shows the download token: %v", err)
		}
		if len(res.Parts) != 2 || res.Parts[1].StatusCode != 400 || !bytes.Equal(buf.Bytes(), content[:6000]) {
			t.Errorf("%d part results, %d bytes written; want 2 (the second a 400) and part 1's 6000", len(res.Parts), buf.Len())
		}
	})
	t.Run("canceled in part 2", func(t *testing.T) {
		t.Parallel()
		srv, _ := setupEncBill(t, 1500)
		srv.SetBillPartSize(100 << 10)
		c := srv.Client()
		list := requestEncBill(t, c, encKinds[0], true)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var last int64
		var mu sync.Mutex
		progress := chain.WithProgress(func(received, total int64) {
			mu.Lock()
			defer mu.Unlock()
			if received < last { // the second part began
				cancel()
			}
			last = received
		})
		_, err := c.DownloadEncryptedBill(ctx, list, io.Discard, progress)
		var pe *chain.BillPartError
		if !errors.Is(err, context.Canceled) || !errors.As(err, &pe) || pe.Sequence != 2 {
			t.Fatalf("err = %v, want context.Canceled in part 2", err)
		}
	})
	t.Run("writer fails", func(t *testing.T) {
		t.Parallel()
		srv, _ := setupEncBill(t, 1500)
		c := srv.Client()
		for _, gz := range []bool{false, true} {
			list := requestEncBill(t, c, encKinds[2], gz)
			boom := errors.New("disk full")
			_, err := c.DownloadEncryptedBill(context.Background(), list, failingWriter{boom})
			var pe *chain.BillPartError
			if !errors.Is(err, boom) || !errors.As(err, &pe) || pe.Sequence != 1 || !strings.Contains(err.Error(), "writing the content") {
				t.Errorf("gzip %v: err = %v, want the writer's error for part 1", gz, err)
			}
		}
	})
}
