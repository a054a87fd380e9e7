package chain_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// encBenchRows makes a generated fund bill of about 100 MB.
const encBenchRows = 400000

// encBenchHeapLimit is the bound: under 8 MB of heap for a 100 MB
// bill.
const encBenchHeapLimit = 8 << 20

// BenchmarkDownloadEncryptedBill100MB downloads a ~100 MB generated fund
// bill, served encrypted by the in-process simulator, through
// DownloadEncryptedBill to io.Discard: "1-part" and "1-part-gzip" (the
// simulator's default part size), "4-parts-gzip" (25 MB parts), and, as the
// peer in the same run, "plain-bill": the same bill as a plain trade bill
// through DownloadBill; "…-quiet-server": one part encrypted beforehand
// (crypto/cipher) and served from memory by a minimal server, so that the
// process-wide figures are (nearly) the client's alone. The metrics are those of BenchmarkDownloadBill100MB
// (heap-MB: peak growth of HeapInuse during one download, process-wide, so
// the simulator's generating, compressing and encrypting are counted too);
// the benchmark fails when heap-MB reaches 8 MB.
func BenchmarkDownloadEncryptedBill100MB(b *testing.B) {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	src := wechatpaytest.GeneratedBill(wechatpaytest.BillFund, encBenchRows)
	srv.SetSubMerchantBill("1900000109", "BASIC", dlBillDate, src)
	srv.SetBillSource(dlBillDate, src)
	size, err := io.Copy(io.Discard, src.Open())
	if err != nil {
		b.Fatal(err)
	}
	c := srv.Client()
	ctx := context.Background()
	quiet := sync.OnceValue(func() *quietEnc { return quietEncServer(b, srv, src) }) // only for the quiet variants
	for _, v := range []struct {
		name     string
		gzip     bool
		partSize int64
		plain    bool
		quiet    bool
	}{
		{"1-part", false, 0, false, false},
		{"1-part-gzip", true, 0, false, false},
		{"4-parts-gzip", true, (size + 3) / 4, false, false},
		{"plain-bill", false, 0, true, false},
		{"1-part-quiet-server", false, 0, false, true},
		{"1-part-gzip-quiet-server", true, 0, false, true},
	} {
		b.Run(v.name, func(b *testing.B) {
			partSize := v.partSize
			if partSize == 0 {
				partSize = wechatpaytest.DefaultBillPartSize
			}
			srv.SetBillPartSize(partSize)
			b.SetBytes(size)
			var peaks heapPeaks
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				client := c
				var list chain.EncryptedBillList
				var info chain.BillInfo
				switch {
				case v.quiet:
					client, list = quiet().client, quiet().list(v.gzip)
				case v.plain:
					resp, err := c.Chain("v3/bill/tradebill").Get(ctx, chain.O{"query": map[string]any{"bill_date": dlBillDate}})
					if err != nil {
						b.Fatal(err)
					}
					if info, err = chain.ParseBillInfo(resp.Body); err != nil {
						b.Fatal(err)
					}
				default:
					list = requestEncBill(b, c, encKinds[0], v.gzip)
				}
				peaks.measure(b, size, func() (int64, error) {
					if v.plain {
						res, err := client.DownloadBill(ctx, info, io.Discard)
						if err != nil {
							return 0, err
						}
						return res.Written, nil
					}
					res, err := client.DownloadEncryptedBill(ctx, list, io.Discard)
					if err != nil {
						return 0, err
					}
					return res.Written, nil
				})
				b.StartTimer()
			}
			peaks.report(b)
			if peaks.inuse >= encBenchHeapLimit {
				b.Fatalf("heap grew by %.1f MB during one download of a %d MB bill, want under %d MB", float64(peaks.inuse)/(1<<20), size>>20, encBenchHeapLimit>>20)
			}
		})
	}
}

// quietEnc serves one bill encrypted beforehand, plain and gzip, from
// memory, allocating nothing per request beyond net/http's own.
type quietEnc struct {
	client *chain.Client
	parts  map[bool]chain.EncryptedBillPart
	sealed map[bool][]byte
}

func (q *quietEnc) list(gz bool) chain.EncryptedBillList {
	return chain.EncryptedBillList{Count: 1, Parts: []chain.EncryptedBillPart{q.parts[gz]}}
}

func quietEncServer(b *testing.B, srv *wechatpaytest.Server, src wechatpaytest.BillSource) *quietEnc {
	content, err := io.ReadAll(src.Open())
	if err != nil {
		b.Fatal(err)
	}
	sum := sha1.Sum(content)
	q := &quietEnc{parts: map[bool]chain.EncryptedBillPart{}, sealed: map[bool][]byte{}}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := q.sealed[r.URL.Query().Get("token") == "gzip"]
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		for off := 0; off < len(body); off += 1 << 20 {
			if _, err := w.Write(body[off:min(off+1<<20, len(body))]); err != nil {
				return
			}
		}
	}))
	b.Cleanup(hs.Close)
	for _, gz := range []bool{false, true} {
		plain := content
		token := "plain"
		if gz {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
			_, _ = zw.Write(content)
			_ = zw.Close()
			plain, token = buf.Bytes(), "gzip"
		}
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		block, _ := aes.NewCipher(key)
		nonce := "a8607ef79034c49c"
		aead, _ := cipher.NewGCMWithNonceSize(block, len(nonce))
		q.sealed[gz] = aead.Seal(nil, []byte(nonce), plain, nil)
		ek, err := signer.EncryptOAEP(&srv.MerchantKey.PublicKey, string(key))
		if err != nil {
			b.Fatal(err)
		}
		q.parts[gz] = chain.EncryptedBillPart{BillSequence: 1, DownloadURL: hs.URL + "/v3/bill/downloadurl?token=" + token,
			EncryptKey: ek, HashType: "SHA1", HashValue: hex.EncodeToString(sum[:]), Nonce: nonce}
	}
	cfg := srv.Config()
	cfg.BaseURL, cfg.HTTPClient = hs.URL, hs.Client()
	if q.client, err = wechatpay.New(cfg); err != nil {
		b.Fatal(err)
	}
	return q
}
