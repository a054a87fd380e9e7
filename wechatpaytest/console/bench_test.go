package console_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/chainpay-go/wechatpay/wechatpaytest"
	"github.com/chainpay-go/wechatpay/wechatpaytest/console"
)

// load sends srv n requests it refuses (no Authorization). They go through
// the server's HTTP front, so they are recorded as any client's are; each
// costs the server one RSA signature of its answer, the bulk of the time.
func load(tb testing.TB, srv *wechatpaytest.Server, n int) {
	tb.Helper()
	hc, base := srv.HTTPClient(), strings.TrimSuffix(srv.Config().BaseURL, "/")
	var wg sync.WaitGroup
	jobs := make(chan int)
	for range 4 {
		wg.Go(func() {
			for i := range jobs {
				res, err := hc.Post(fmt.Sprintf("%s/v3/pay/transactions/native?n=%d", base, i), "application/json", strings.NewReader(`{}`))
				if err != nil {
					tb.Error(err)
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body) // so that the connection is reused
				res.Body.Close()
			}
		})
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
}

// loaded holds simulators of n records, made once per test binary (10,000
// records cost 10,000 signatures) and shared by the benchmark's runs.
var loaded struct {
	sync.Mutex
	servers map[int]*wechatpaytest.Server
}

func loadedServer(tb testing.TB, n int) *wechatpaytest.Server {
	tb.Helper()
	loaded.Lock()
	defer loaded.Unlock()
	if srv, ok := loaded.servers[n]; ok {
		return srv
	}
	srv := wechatpaytest.NewServer(wechatpaytest.WithRecordLimit(n)) // lives until the binary ends
	load(tb, srv, n)
	if got := len(srv.RequestsAfter(0, 0)); got != n {
		tb.Fatalf("%d records, want %d", got, n)
	}
	if loaded.servers == nil {
		loaded.servers = map[int]*wechatpaytest.Server{}
	}
	loaded.servers[n] = srv
	return srv
}

// TestConsolePagesTheServersLog walks the log of a simulator that has
// dropped its oldest records, page by page, newest first, and opens the
// oldest record kept and one dropped.
func TestConsolePagesTheServersLog(t *testing.T) {
	t.Parallel()
	const sent, kept = 700, 500
	srv := wechatpaytest.NewServer(wechatpaytest.WithRecordLimit(kept))
	t.Cleanup(srv.Close)
	load(t, srv, sent)
	walk(t, serve(t, srv), kept, sent)
}

// walk pages the whole log at ts (kept records, the newest numbered last),
// checking the order, the total and that pages carry no headers or bodies,
// and opens the oldest record and the one before it.
func walk(t *testing.T, ts *httptest.Server, kept int, last uint64) {
	t.Helper()
	prev, seen := last+1, 0
	for offset := 0; ; offset += console.MaxPage {
		_, body := get(t, fmt.Sprintf("%s/console/api/requests?offset=%d&limit=%d", ts.URL, offset, console.MaxPage))
		var p console.Page
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		if p.Total != kept {
			t.Fatalf("offset %d: total %d, want %d", offset, p.Total, kept)
		}
		if len(p.Records) == 0 {
			break
		}
		for _, r := range p.Records {
			if r.Seq != prev-1 || r.Header != nil || r.Body != "" {
				t.Fatalf("offset %d: record %+v after seq %d, want seq %d without header or body", offset, r, prev, prev-1)
			}
			prev = r.Seq
			seen++
		}
	}
	oldest := last - uint64(kept) + 1
	if seen != kept || prev != oldest {
		t.Errorf("walked %d records down to seq %d, want %d down to %d", seen, prev, kept, oldest)
	}
	res, body := get(t, fmt.Sprintf("%s/console/api/requests/%d", ts.URL, oldest))
	var rec console.Record
	if err := json.Unmarshal(body, &rec); err != nil || res.StatusCode != http.StatusOK || rec.Seq != oldest || rec.Header == nil || rec.Status != http.StatusUnauthorized {
		t.Errorf("record %d: %d %s", oldest, res.StatusCode, body)
	}
	if oldest > 1 {
		if res, _ := get(t, fmt.Sprintf("%s/console/api/requests/%d", ts.URL, oldest-1)); res.StatusCode != http.StatusNotFound {
			t.Errorf("dropped record %d: status %d, want 404", oldest-1, res.StatusCode)
		}
	}
}

// BenchmarkRequestsPage answers one page of 50 records from a log of 50
// (the floor) and of 10,000 records, at the newest end and in the middle,
// and, as the peer it replaces, from 10,000 records read through
// Requests() alone (a copy of the whole log per page). A page must cost
// about the same whatever the log holds: compare allocs/op and B/op with
// the floor; B/page is the answer's size.
func BenchmarkRequestsPage(b *testing.B) {
	for _, bc := range []struct {
		records, offset int
		copyAll         bool
	}{{50, 0, false}, {10000, 0, false}, {10000, 5000, false}, {10000, 0, true}} {
		name := fmt.Sprintf("records=%d/offset=%d", bc.records, bc.offset)
		if bc.copyAll {
			name += "/Requests-only"
		}
		b.Run(name, func(b *testing.B) {
			var src console.Source = loadedServer(b, bc.records)
			if bc.copyAll {
				src = requestsOnly{src}
			}
			h := console.Handler(src, "/console/")
			req := httptest.NewRequest("GET", fmt.Sprintf("http://127.0.0.1/console/api/requests?offset=%d&limit=50", bc.offset), nil)
			size := 0
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d", w.Code)
				}
				size = w.Body.Len()
			}
			b.ReportMetric(float64(size), "B/page")
		})
	}
}

// requestsOnly hides every method of a Source but Requests.
type requestsOnly struct{ src console.Source }

func (r requestsOnly) Requests() []wechatpaytest.RecordedRequest { return r.src.Requests() }
