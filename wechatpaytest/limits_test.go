package wechatpaytest_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// heapInUse is the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestRefusedLargeRequestsDoNotGrowMemory sends 2,000 refused 1 MB requests
// (a well-formed Authorization whose signature does not verify, so that the
// server reads each body, and no Authorization at all): the server keeps
// every one in its records, without its body, and its live heap stays far
// below what the bodies would take (2 GB; 1 GB for the last 1,000).
func TestRefusedLargeRequestsDoNotGrowMemory(t *testing.T) {
	// Not parallel: the heap is measured.
	const requests, size = 2000, 1 << 20
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	forged := signer.FormatAuthorization(srv.MchID, "NONCE", strings.Repeat("A", 344), fmt.Sprint(srv.Now().Unix()), srv.MerchantSerial)
	payload := bytes.Repeat([]byte("x"), size)
	client := srv.HTTPClient()

	before := heapInUse()
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	work := make(chan int)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				req, err := http.NewRequest("POST", srv.URL+"/v3/pay/transactions/jsapi", bytes.NewReader(payload))
				if err != nil {
					t.Error(err)
					return
				}
				req.Header.Set("Content-Type", "application/json")
				if i%2 == 0 {
					req.Header.Set("Authorization", forged)
				}
				resp, err := client.Do(req)
				if err != nil {
					// The server may close a connection whose body it
					// did not read before the client finished writing.
					mu.Lock()
					statuses[0]++
					mu.Unlock()
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				statuses[resp.StatusCode]++
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < requests; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
	after := heapInUse()

	if statuses[http.StatusUnauthorized] < requests/2 || statuses[http.StatusOK] != 0 {
		t.Errorf("answers by status: %v, want every one refused (401), at least the %d with a body read", statuses, requests/2)
	}
	recs := srv.Requests()
	if len(recs) != wechatpaytest.DefaultRecordLimit {
		t.Errorf("%d records, want %d", len(recs), wechatpaytest.DefaultRecordLimit)
	}
	for _, r := range recs {
		if r.Authenticated || len(r.Body) != 0 {
			t.Fatalf("refused request recorded with %d body bytes (authenticated %v)", len(r.Body), r.Authenticated)
		}
		if r.Header.Get("Authorization") != "" && r.BodySize != size {
			t.Fatalf("refused request with a read body recorded with BodySize %d, want %d", r.BodySize, size)
		}
	}
	var grown int64
	if after > before {
		grown = int64(after - before)
	}
	t.Logf("live heap grew by %.1f MiB after %d refused 1 MiB requests (answers %v)", float64(grown)/(1<<20), requests, statuses)
	if grown > 64<<20 {
		t.Errorf("live heap grew by %d MiB, want at most 64 MiB", grown>>20)
	}
}

// TestRecordsKeepAFewKiBOfEachBody: an authenticated request's body is kept
// up to Limits.MaxRecordedBody, and the records stay within
// Limits.MaxRecordedBytes in all.
func TestRecordsKeepAFewKiBOfEachBody(t *testing.T) {
	t.Parallel()
	e := setup(t, wechatpaytest.WithLimits(wechatpaytest.Limits{MaxRecordedBody: 16, MaxRecordedBytes: 8 << 10}))
	e.do("POST", seedTarget, seedBody)
	r := e.srv.Requests()[0]
	if string(r.Body) != seedBody[:16] || !r.Truncated || r.BodySize != len(seedBody) || !r.Authenticated {
		t.Errorf("record body %q truncated %v size %d authenticated %v, want the first 16 bytes of %d", r.Body, r.Truncated, r.BodySize, r.Authenticated, len(seedBody))
	}
	for i := 0; i < 100; i++ {
		e.do("GET", "/v3/pay/transactions/out-trade-no/"+wechatpaytest.DemoOutTradeNo+"?mchid="+e.srv.MchID, "")
	}
	recs := e.srv.Requests()
	total := 0
	for _, r := range recs {
		total += len(r.Method) + len(r.URI) + len(r.Body) + len(r.RequestID)
		for k, vs := range r.Header {
			total += len(k) + len(strings.Join(vs, ""))
		}
	}
	if total > 8<<10 || len(recs) < 2 || len(recs) >= 101 {
		t.Errorf("%d records of %d bytes, want fewer than 101 within 8 KiB", len(recs), total)
	}
}

// TestBodyLimit: a declared Content-Length over the limit is refused before
// the body is read; a body that passes the limit unannounced is refused too.
func TestBodyLimit(t *testing.T) {
	t.Parallel()
	e := setup(t, wechatpaytest.WithLimits(wechatpaytest.Limits{MaxBody: 1 << 10}))
	big := `{"x":"` + strings.Repeat("y", 2<<10) + `"}`
	if a := e.do("POST", "/v3/pay/transactions/jsapi", big); a.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("declared 2 KiB body: %d %s, want 413", a.Status, a.Body)
	}
	// Chunked: no Content-Length.
	authz, err := e.auth.Authorize(t.Context(), "POST", "/v3/pay/transactions/jsapi", []byte(big))
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", e.srv.URL+"/v3/pay/transactions/jsapi", io.MultiReader(strings.NewReader(big)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", authz)
	resp, err := e.srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || resp.Header.Get("Wechatpay-Signature") == "" {
		t.Errorf("chunked 2 KiB body: %d (signed: %v), want a signed 413", resp.StatusCode, resp.Header.Get("Wechatpay-Signature") != "")
	}
	for _, r := range e.srv.Requests() {
		if len(r.Body) != 0 {
			t.Errorf("refused body recorded: %d bytes", len(r.Body))
		}
	}
}

// TestSlowConnectionsAreClosed holds connections open slowly in three
// ways (headers never finished, a body never finished, idle after an
// answer): with short configured timeouts the server closes every one.
func TestSlowConnectionsAreClosed(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer(wechatpaytest.WithLimits(wechatpaytest.Limits{
		ReadHeaderTimeout: 50 * time.Millisecond, ReadTimeout: 100 * time.Millisecond, IdleTimeout: 50 * time.Millisecond,
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	forged := signer.FormatAuthorization(srv.MchID, "NONCE", strings.Repeat("A", 344), fmt.Sprint(srv.Now().Unix()), srv.MerchantSerial)
	starts := map[string]string{
		"headers never finished": "POST /v3/pay/transactions/jsapi HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n",
		"body never finished": "POST /v3/pay/transactions/jsapi HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: " + forged +
			"\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"appid\":",
		"idle after an answer": "GET /v3/pay/transactions/out-trade-no/1 HTTP/1.1\r\nHost: " + host + "\r\n\r\n",
	}
	const perKind = 100
	var wg sync.WaitGroup
	errs := make(chan error, perKind*len(starts))
	for kind, start := range starts {
		for i := 0; i < perKind; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				conn, err := net.Dial("tcp", host)
				if err != nil {
					errs <- fmt.Errorf("%s: %v", kind, err)
					return
				}
				defer conn.Close()
				if _, err := io.WriteString(conn, start); err != nil {
					errs <- fmt.Errorf("%s: %v", kind, err)
					return
				}
				// A safety net only: the server closes long before.
				_ = conn.SetReadDeadline(time.Now().Add(time.Minute))
				// The server closes: an end of stream, or a reset when it
				// closes with unread input. Only the deadline is a failure.
				var ne net.Error
				if _, err := io.Copy(io.Discard, conn); errors.As(err, &ne) && ne.Timeout() {
					errs <- fmt.Errorf("%s: the connection was not closed by the server: %v", kind, err)
				} else if err != nil && !errors.Is(err, syscall.ECONNRESET) {
					errs <- fmt.Errorf("%s: %v", kind, err)
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	n := 0
	for err := range errs {
		if n++; n <= 5 {
			t.Error(err)
		}
	}
	if n > 5 {
		t.Errorf("… %d connections in all were not closed", n)
	}
}
