package chain_test

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// BenchmarkDownloadBill100MB streams a 100 MB synthetic bill through
// DownloadBill (request signed, SHA-1 checked) to io.Discard: "plain" and
// "gzip" from the in-process simulator, and "plain-quiet-server" from a
// minimal server that writes one pre-built 1 MiB block again and again, so
// that the process-wide figures below are (nearly) the client's alone.
//
// Metrics, all process-wide (the server runs in the same process):
//   - MB/s: throughput over the uncompressed bill;
//   - heap-MB: peak growth of MemStats.HeapInuse during one download
//     (sampled every 2 ms and at the end; worst op) over HeapInuse after a
//     GC just before it. It counts garbage not yet collected too, so it is
//     an upper bound of what one download holds. This is what the issue
//     bounds at 8 MB: memory that does not grow with the file;
//   - live-MB: peak growth of the heap marked live by the GCs that ran
//     during the download (runtime metric /gc/heap/live:bytes); 0 when the
//     download allocated too little to trigger a GC;
//   - alloc-MB/op: TotalAlloc per download.
func BenchmarkDownloadBill100MB(b *testing.B) {
	const size = 100 << 20
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	srv.SetBillSource(dlBillDate, wechatpaytest.SyntheticBill(size))
	c := srv.Client()
	ctx := context.Background()

	quiet := quietBillServer(b, size)
	cfg := srv.Config()
	cfg.BaseURL, cfg.HTTPClient = quiet.URL, quiet.Client()
	qc, err := wechatpay.New(cfg)
	if err != nil {
		b.Fatal(err)
	}

	for _, variant := range []string{"plain", "gzip", "plain-quiet-server"} {
		b.Run(variant, func(b *testing.B) {
			bill := func() (*chain.Client, chain.BillInfo) {
				if variant == "plain-quiet-server" {
					return qc, chain.BillInfo{HashType: "SHA1", HashValue: quiet.sha1, DownloadURL: quiet.URL + "/v3/billdownload/file?token=q"}
				}
				q := map[string]any{"bill_date": dlBillDate}
				if variant == "gzip" {
					q["tar_type"] = "GZIP"
				}
				resp, err := c.Chain("v3/bill/tradebill").Get(ctx, chain.O{"query": q})
				if err != nil {
					b.Fatal(err)
				}
				info, err := chain.ParseBillInfo(resp.Body)
				if err != nil {
					b.Fatal(err)
				}
				return c, info
			}
			b.SetBytes(size)
			var peaks heapPeaks
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				client, info := bill()
				peaks.measure(b, size, func() (int64, error) {
					res, err := client.DownloadBill(ctx, info, io.Discard)
					if err != nil {
						return 0, err
					}
					return res.Written, nil
				})
				b.StartTimer()
			}
			peaks.report(b)
		})
	}
}

// quietServer serves a bill of size bytes made of one 1 MiB block repeated,
// allocating nothing per request beyond net/http's own.
type quietServer struct {
	*httptest.Server
	sha1 string
}

func quietBillServer(b *testing.B, size int64) *quietServer {
	block, err := io.ReadAll(io.LimitReader(wechatpaytest.SyntheticBill(1<<20).Open(), 1<<20))
	if err != nil {
		b.Fatal(err)
	}
	h := sha1.New()
	for n := int64(0); n < size; n += int64(len(block)) {
		h.Write(block[:min(int64(len(block)), size-n)])
	}
	qs := &quietServer{sha1: hex.EncodeToString(h.Sum(nil))}
	qs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		w.WriteHeader(http.StatusOK)
		for n := int64(0); n < size; n += int64(len(block)) {
			if _, err := w.Write(block[:min(int64(len(block)), size-n)]); err != nil {
				return
			}
		}
	}))
	b.Cleanup(qs.Close)
	return qs
}

// liveHeap reads the live heap marked by the last GC.
// heapPeaks gathers, over a benchmark's downloads, the worst heap growth
// and the bytes allocated (the metrics documented above).
type heapPeaks struct{ live, inuse, allocs uint64 }

// measure runs one download with the timer on (it is off when called and
// off again on return) and the heap sampled; a failed or short download
// fails b.
func (h *heapPeaks) measure(b *testing.B, size int64, download func() (written int64, err error)) {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	liveBefore := liveHeap()
	stop := sampleHeap(2 * time.Millisecond)
	b.StartTimer()

	written, err := download()

	b.StopTimer()
	maxLive, maxInuse := stop()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if err != nil {
		b.Fatal(err)
	}
	if written != size {
		b.Fatalf("wrote %d bytes, want %d", written, size)
	}
	maxInuse = max(maxInuse, after.HeapInuse)
	if maxLive > liveBefore && maxLive-liveBefore > h.live {
		h.live = maxLive - liveBefore
	}
	if maxInuse > before.HeapInuse && maxInuse-before.HeapInuse > h.inuse {
		h.inuse = maxInuse - before.HeapInuse
	}
	h.allocs += after.TotalAlloc - before.TotalAlloc
}

// report reports heap-MB, live-MB and alloc-MB/op.
func (h *heapPeaks) report(b *testing.B) {
	b.ReportMetric(float64(h.inuse)/(1<<20), "heap-MB")
	b.ReportMetric(float64(h.live)/(1<<20), "live-MB")
	b.ReportMetric(float64(h.allocs)/float64(b.N)/(1<<20), "alloc-MB/op")
}

func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// sampleHeap samples the live heap and HeapInuse every interval until the
// returned function is called; that function returns the highest values seen.
func sampleHeap(interval time.Duration) (stop func() (live, inuse uint64)) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	var maxLive, maxInuse uint64
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			maxInuse = max(maxInuse, ms.HeapInuse)
			maxLive = max(maxLive, liveHeap())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() (uint64, uint64) {
		close(done)
		wg.Wait()
		return maxLive, maxInuse
	}
}
