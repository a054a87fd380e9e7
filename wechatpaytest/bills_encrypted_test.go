package wechatpaytest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/internal/gcmstream"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// openPart is the counterpart of the simulator's encryption, with the
// standard library only: RSA-OAEP (SHA-1) decryption of encrypt_key with
// the merchant key, AES-256-GCM with the nonce string, gunzip when gz.
func openPart(t *testing.T, merchant *rsa.PrivateKey, entry gjson.Result, file []byte, gz bool) ([]byte, error) {
	t.Helper()
	ek, err := base64.StdEncoding.DecodeString(entry.Get("encrypt_key").String())
	if err != nil {
		t.Fatalf("encrypt_key: %v", err)
	}
	key, err := rsa.DecryptOAEP(sha1.New(), nil, merchant, ek, nil)
	if err != nil {
		t.Fatalf("encrypt_key: %v", err)
	}
	if len(key) != 32 {
		t.Fatalf("the part key is %d bytes, want 32 (AES-256)", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	nonce := entry.Get("nonce").String()
	aead, err := cipher.NewGCMWithNonceSize(block, len(nonce))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := aead.Open(nil, []byte(nonce), file, nil)
	if err != nil || !gz {
		return plain, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(plain))
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	return io.ReadAll(zr)
}

func readSource(t *testing.T, src wechatpaytest.BillSource) []byte {
	t.Helper()
	b, err := io.ReadAll(src.Open())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEncryptedBill: each route lists the bill's parts; every part
// downloads unsigned, decrypts with crypto/rsa and crypto/cipher, matches
// its hash_value, and the parts in order are the bill.
func TestEncryptedBill(t *testing.T) {
	t.Parallel()
	src := wechatpaytest.GeneratedBill(wechatpaytest.BillFund, 200)
	want := readSource(t, src)
	third := int64(len(want)+2) / 3
	for _, tc := range []struct {
		name, target, downloadPath string
		nonceLen                   int
		set                        func(*wechatpaytest.Server)
	}{
		{"sub-merchant", "/v3/bill/sub-merchant-fundflowbill?sub_mchid=1900000109&bill_date=2026-11-27&account_type=BASIC&algorithm=AEAD_AES_256_GCM",
			"/v3/bill/downloadurl", 16, func(s *wechatpaytest.Server) { s.SetSubMerchantBill("1900000109", "BASIC", "2026-11-27", src) }},
		{"ecommerce", "/v3/ecommerce/bill/fundflowbill?bill_date=2026-11-27&account_type=ALL&algorithm=AEAD_AES_256_GCM",
			"/v3/bill/downloadurl", 16, func(s *wechatpaytest.Server) { s.SetSubMerchantBill("", "ALL", "2026-11-27", src) }},
		{"payscore", "/v3/payscore/merchant-bill?bill_date=2026-11-27&service_id=2002000000000558128851361561536&encryption_algorithm=AEAD_AES_256_GCM",
			"/v3/payscore/bill/downloadurl", 32, func(s *wechatpaytest.Server) { s.SetPayscoreBill("2002000000000558128851361561536", "2026-11-27", src) }},
	} {
		for _, parts := range []int{1, 3} {
			for _, gz := range []bool{false, true} {
				e := setup(t)
				tc.set(e.srv)
				if parts == 3 {
					e.srv.SetBillPartSize(third)
				}
				target := tc.target
				if gz {
					target += "&tar_type=GZIP"
				}
				a := e.do("GET", target, "")
				if a.Status != 200 {
					t.Fatalf("%s: %d %s", tc.name, a.Status, a.Body)
				}
				if err := e.verify(a); err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				list := gjson.GetBytes(a.Body, "download_bill_list").Array()
				if got := a.get("download_bill_count"); got != strconv.Itoa(parts) || len(list) != parts {
					t.Fatalf("%s parts=%d gzip=%v: download_bill_count %s, %d entries: %s", tc.name, parts, gz, got, len(list), a.Body)
				}
				var whole []byte
				for i, entry := range list {
					if entry.Get("bill_sequence").Int() != int64(i+1) || entry.Get("hash_type").String() != "SHA1" ||
						len(entry.Get("nonce").String()) != tc.nonceLen ||
						!strings.HasPrefix(entry.Get("download_url").String(), e.srv.URL+tc.downloadPath+"?token=") {
						t.Fatalf("%s: entry %d: %s", tc.name, i, entry.Raw)
					}
					d := e.download(entry.Get("download_url").String())
					if d.Status != 200 || d.Header.Get(signer.HeaderSignature) != "" || d.Header.Get("Request-ID") == "" {
						t.Fatalf("%s part %d: %d %v: want an unsigned 200 with a Request-ID", tc.name, i+1, d.Status, d.Header)
					}
					plain, err := openPart(t, e.srv.MerchantKey, entry, d.Body, gz)
					if err != nil {
						t.Fatalf("%s part %d: %v", tc.name, i+1, err)
					}
					if got := sha1Hex(plain); got != entry.Get("hash_value").String() {
						t.Errorf("%s part %d: SHA-1 %s, hash_value %s", tc.name, i+1, got, entry.Get("hash_value"))
					}
					whole = append(whole, plain...)
				}
				if !bytes.Equal(whole, want) {
					t.Errorf("%s parts=%d gzip=%v: the parts make %d bytes, the bill is %d", tc.name, parts, gz, len(whole), len(want))
				}
			}
		}
	}
}

// TestEncryptedBillKeys: every part and every request get a key and a
// nonce of their own.
func TestEncryptedBillKeys(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.srv.SetSubMerchantBill("1900000109", "OPERATION", "2026-11-27", wechatpaytest.GeneratedBill(wechatpaytest.BillFund, 50))
	e.srv.SetBillPartSize(1000)
	const target = "/v3/bill/sub-merchant-fundflowbill?sub_mchid=1900000109&bill_date=2026-11-27&account_type=OPERATION&algorithm=AEAD_AES_256_GCM"
	keys, nonces := map[string]bool{}, map[string]bool{}
	n := 0
	for range 2 {
		for _, entry := range gjson.GetBytes(e.do("GET", target, "").Body, "download_bill_list").Array() {
			ek, _ := base64.StdEncoding.DecodeString(entry.Get("encrypt_key").String())
			k, err := rsa.DecryptOAEP(sha1.New(), nil, e.srv.MerchantKey, ek, nil)
			if err != nil {
				t.Fatal(err)
			}
			keys[string(k)], nonces[entry.Get("nonce").String()] = true, true
			n++
		}
	}
	if n < 4 || len(keys) != n || len(nonces) != n {
		t.Errorf("%d parts, %d distinct keys, %d distinct nonces", n, len(keys), len(nonces))
	}
}

// TestEncryptedBillErrors: the list requests check their query as the
// gateway does, in the catalogue's order; a changed download fails GCM's
// tag; an unknown token is refused; ResetFixtures forgets the bills and
// the part size.
func TestEncryptedBillErrors(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.srv.SetSubMerchantBill("1900000109", "BASIC", "2026-11-27", wechatpaytest.GeneratedBill(wechatpaytest.BillFund, 10))
	const sub = "/v3/bill/sub-merchant-fundflowbill?"
	for _, tc := range []struct {
		target, code, field string
	}{
		{sub + "bill_date=2026-11-27&account_type=BASIC&algorithm=AEAD_AES_256_GCM", "PARAM_ERROR", "sub_mchid"},
		{sub + "sub_mchid=1900000109&account_type=BASIC&algorithm=AEAD_AES_256_GCM", "PARAM_ERROR", "bill_date"},
		{sub + "sub_mchid=1900000109&bill_date=20261127&account_type=BASIC&algorithm=AEAD_AES_256_GCM", "PARAM_ERROR", "bill_date"},
		{sub + "sub_mchid=1900000109&bill_date=2026-11-27&account_type=BASIC", "PARAM_ERROR", "algorithm"},
		{sub + "sub_mchid=1900000109&bill_date=2026-11-27&account_type=BASIC&algorithm=SM4_GCM", "PARAM_ERROR", "algorithm"},
		{sub + "sub_mchid=1900000109&bill_date=2026-11-27&account_type=BASIC&algorithm=AES", "PARAM_ERROR", "algorithm"},
		{sub + "sub_mchid=1900000109&bill_date=2026-11-27&algorithm=AEAD_AES_256_GCM", "PARAM_ERROR", "account_type"},
		{sub + "sub_mchid=1900000109&bill_date=2026-11-27&account_type=ALL&algorithm=AEAD_AES_256_GCM", "PARAM_ERROR", "account_type"},
		{sub + "sub_mchid=1900000109&bill_date=2026-11-27&account_type=BASIC&algorithm=AEAD_AES_256_GCM&tar_type=ZIP", "PARAM_ERROR", "tar_type"},
		{sub + "sub_mchid=1900000109&bill_date=2026-11-27&account_type=FEES&algorithm=AEAD_AES_256_GCM", "NO_STATEMENT_EXIST", ""},
		{sub + "sub_mchid=1900000110&bill_date=2026-11-27&account_type=BASIC&algorithm=AEAD_AES_256_GCM", "NO_STATEMENT_EXIST", ""},
		{"/v3/ecommerce/bill/fundflowbill?bill_date=2026-11-27&account_type=BASIC&algorithm=AEAD_AES_256_GCM", "PARAM_ERROR", "account_type"},
		{"/v3/ecommerce/bill/fundflowbill?bill_date=2026-11-27&account_type=ALL&algorithm=AEAD_AES_256_GCM", "NO_STATEMENT_EXIST", ""},
		{"/v3/payscore/merchant-bill?bill_date=2026-11-27&service_id=1", "PARAM_ERROR", "encryption_algorithm"},
		{"/v3/payscore/merchant-bill?bill_date=2026-11-27&encryption_algorithm=SM4_GCM&service_id=1", "PARAM_ERROR", "encryption_algorithm"},
		{"/v3/payscore/merchant-bill?bill_date=2026-11-27&encryption_algorithm=AEAD_AES_256_GCM", "PARAM_ERROR", "service_id"},
		{"/v3/payscore/merchant-bill?bill_date=2026-11-27&encryption_algorithm=AEAD_AES_256_GCM&service_id=1", "NO_STATEMENT_EXIST", ""},
		{"/v3/bill/downloadurl?token=nope", "PARAM_ERROR", "token"},
		{"/v3/payscore/bill/downloadurl?token=nope", "PARAM_ERROR", "token"},
	} {
		a := e.do("GET", tc.target, "")
		got := []string{strconv.Itoa(a.Status / 100), a.get("code"), a.get("detail.field")}
		if diff := cmp.Diff([]string{"4", tc.code, tc.field}, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s\n%s", tc.target, diff, a.Body)
		}
		if err := e.verify(a); err != nil {
			t.Errorf("%s: the error answer does not verify: %v", tc.target, err)
		}
	}
	if a := e.do("GET", sub+"sub_mchid=1900000109&bill_date=2026-11-27&account_type=BASIC&algorithm=SM4_GCM", ""); !strings.Contains(a.get("message"), "AEAD_AES_256_GCM") {
		t.Errorf("SM4_GCM: the message %q does not say what the simulator serves", a.get("message"))
	}

	// A tampered part fails the tag.
	const ok = sub + "sub_mchid=1900000109&bill_date=2026-11-27&account_type=BASIC&algorithm=AEAD_AES_256_GCM"
	entry := gjson.GetBytes(e.do("GET", ok, "").Body, "download_bill_list.0")
	e.srv.Inject(wechatpaytest.Fault{Route: "GET /v3/bill/downloadurl", Tamper: true})
	if _, err := openPart(t, e.srv.MerchantKey, entry, e.download(entry.Get("download_url").String()).Body, false); err == nil {
		t.Error("a tampered part decrypted")
	}
	if _, err := openPart(t, e.srv.MerchantKey, entry, e.download(entry.Get("download_url").String()).Body, false); err != nil {
		t.Errorf("the same part without the fault: %v", err)
	}

	// ResetFixtures forgets the bills, their tokens and the part size.
	e.srv.SetBillPartSize(10)
	e.srv.ResetFixtures()
	if a := e.do("GET", ok, ""); a.get("code") != "NO_STATEMENT_EXIST" {
		t.Errorf("after ResetFixtures: %d %s", a.Status, a.Body)
	}
	u, _ := url.Parse(entry.Get("download_url").String())
	if a := e.do("GET", u.RequestURI(), ""); a.get("detail.field") != "token" {
		t.Errorf("an old token after ResetFixtures: %d %s", a.Status, a.Body)
	}
	e.srv.SetSubMerchantBill("1900000109", "BASIC", "2026-11-27", wechatpaytest.GeneratedBill(wechatpaytest.BillFund, 10))
	if n := gjson.GetBytes(e.do("GET", ok, "").Body, "download_bill_count").Int(); n != 1 {
		t.Errorf("after ResetFixtures a small bill has %d parts, want 1 (DefaultBillPartSize)", n)
	}
}

// TestEncryptedBillEmpty: an empty bill is one empty part.
func TestEncryptedBillEmpty(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.srv.SetPayscoreBill("1", "2026-11-27", wechatpaytest.BillSource{Open: func() io.Reader { return strings.NewReader("") }, SHA1: sha1Hex(nil)})
	a := e.do("GET", "/v3/payscore/merchant-bill?bill_date=2026-11-27&encryption_algorithm=AEAD_AES_256_GCM&service_id=1", "")
	list := gjson.GetBytes(a.Body, "download_bill_list").Array()
	if len(list) != 1 || list[0].Get("hash_value").String() != sha1Hex(nil) {
		t.Fatalf("%s", a.Body)
	}
	d := e.download(list[0].Get("download_url").String())
	if plain, err := openPart(t, e.srv.MerchantKey, list[0], d.Body, false); err != nil || len(plain) != 0 || len(d.Body) != 16 {
		t.Errorf("empty part: %v, %d bytes of plaintext, %d of file (want the 16-byte tag)", err, len(plain), len(d.Body))
	}
}

// BenchmarkEncryptedBill downloads a 100 MB fund bill, plain (the peer)
// and encrypted, and reads it to the end in bounded memory: the encrypted
// part is decrypted as it streams (internal/gcmstream) and its tag
// checked. B/op is the whole process's (server and client): a bill held in
// memory would show as 100 MB.
func BenchmarkEncryptedBill(b *testing.B) {
	const rows = 640000 // ≈ 104 MB
	src := wechatpaytest.GeneratedBill(wechatpaytest.BillFund, rows)
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	srv.SetBillSourceFor(wechatpaytest.BillFund, "2026-11-27", src)
	srv.SetSubMerchantBill("1900000109", "BASIC", "2026-11-27", src)
	e := &env{srv: srv, t: &testing.T{}}
	sg, _ := signer.NewRSASigner(srv.MerchantKey)
	e.auth = &signer.Authorizer{MchID: srv.MchID, Serial: srv.MerchantSerial, Signer: sg, Now: srv.Now}
	get := func(b *testing.B, target string) *http.Response {
		authz, err := e.auth.Authorize(context.Background(), "GET", target, nil)
		if err != nil {
			b.Fatal(err)
		}
		req, _ := http.NewRequest("GET", srv.URL+target, nil)
		req.Header.Set("Authorization", authz)
		resp, err := srv.HTTPClient().Do(req)
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("%s: %v %v", target, err, resp.Status)
		}
		return resp
	}
	list := func(b *testing.B, target string) gjson.Result {
		resp := get(b, target)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return gjson.ParseBytes(body)
	}
	rel := func(u string) string { p, _ := url.Parse(u); return p.RequestURI() }
	size := int64(0)

	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			info := list(b, "/v3/bill/fundflowbill?bill_date=2026-11-27")
			resp := get(b, rel(info.Get("download_url").String()))
			h := sha1.New()
			n, err := io.Copy(h, resp.Body)
			resp.Body.Close()
			if err != nil || hex.EncodeToString(h.Sum(nil)) != info.Get("hash_value").String() {
				b.Fatalf("%d bytes, %v", n, err)
			}
			size = n
		}
		b.SetBytes(size)
	})
	const target = "/v3/bill/sub-merchant-fundflowbill?sub_mchid=1900000109&bill_date=2026-11-27&account_type=BASIC&algorithm=AEAD_AES_256_GCM"
	list(b, target) // the part hashes are computed once, outside the loop
	b.Run("encrypted", func(b *testing.B) {
		for b.Loop() {
			part := list(b, target).Get("download_bill_list.0")
			key, err := signer.DecryptOAEP(srv.MerchantKey, part.Get("encrypt_key").String())
			if err != nil {
				b.Fatal(err)
			}
			block, _ := aes.NewCipher([]byte(key))
			d, err := gcmstream.NewOpener(block, []byte(part.Get("nonce").String()))
			if err != nil {
				b.Fatal(err)
			}
			resp := get(b, rel(part.Get("download_url").String()))
			h := sha1.New()
			buf := make([]byte, gcmstream.TagSize+64<<10)
			have := 0 // bytes in buf; the last TagSize of them held back (they may be the tag)
			var n int64
			for {
				k, err := resp.Body.Read(buf[have:])
				have += k
				if have > gcmstream.TagSize {
					body := buf[:have-gcmstream.TagSize]
					_ = d.Open(body, body)
					h.Write(body)
					n += int64(len(body))
					have = copy(buf, buf[len(body):have])
				}
				if err != nil {
					break
				}
			}
			tail := buf[:have]
			resp.Body.Close()
			if err := d.Verify(tail); err != nil || hex.EncodeToString(h.Sum(nil)) != part.Get("hash_value").String() {
				b.Fatalf("%d bytes: %v", n, err)
			}
			size = n
		}
		b.SetBytes(size)
	})
}
