package console_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/wechatpaytest"
	"github.com/chainpay-go/wechatpay/wechatpaytest/console"
)

// changing is a Source with a change signal, like *wechatpaytest.Server.
type changing struct {
	records
	mu  sync.Mutex
	rev uint64
	ch  chan struct{}
}

func (c *changing) Changed() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ch == nil {
		c.ch = make(chan struct{})
	}
	return c.ch
}

func (c *changing) Revision() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rev
}

func (c *changing) touch() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rev++
	if c.ch != nil {
		close(c.ch)
		c.ch = nil
	}
}

// stream is a ResponseWriter that keeps what was flushed.
type stream struct {
	mu      sync.Mutex
	header  http.Header
	status  int
	buf     strings.Builder
	flushed string
}

func (s *stream) Header() http.Header { return s.header }
func (s *stream) WriteHeader(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status = code
}
func (s *stream) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(b)
}
func (s *stream) Flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushed = s.buf.String()
}

func (s *stream) events() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, ev := range strings.Split(s.flushed, "\n\n") {
		if ev != "" {
			out = append(out, strings.ReplaceAll(ev, "\n", " | "))
		}
	}
	return out
}

func TestEventsCoalesceAndEnd(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		src := &changing{}
		h := console.Handler(src, "/console/")
		ctx, cancel := context.WithCancel(context.Background())
		w := &stream{header: http.Header{}}
		req := httptest.NewRequestWithContext(ctx, "GET", "http://127.0.0.1/console/api/events", nil)
		done := make(chan struct{})
		go func() {
			defer close(done)
			h.ServeHTTP(w, req)
		}()
		synctest.Wait()
		want := []string{`event: change | data: {"revision":0}`}
		if diff := cmp.Diff(want, w.events()); diff != "" {
			t.Fatalf("first event (-want +got):\n%s", diff)
		}
		// A burst of 100 changes within one interval is one event.
		for range 100 {
			src.touch()
		}
		time.Sleep(console.StreamInterval)
		synctest.Wait()
		want = append(want, `event: change | data: {"revision":100}`)
		if diff := cmp.Diff(want, w.events()); diff != "" {
			t.Fatalf("after a burst (-want +got):\n%s", diff)
		}
		// Silence: a keep-alive comment, no event.
		time.Sleep(30 * time.Second)
		synctest.Wait()
		want = append(want, `: keep-alive`)
		if diff := cmp.Diff(want, w.events()); diff != "" {
			t.Fatalf("when idle (-want +got):\n%s", diff)
		}
		if ct := w.header.Get("Content-Type"); ct != "text/event-stream" || w.status != http.StatusOK {
			t.Errorf("status %d, Content-Type %q", w.status, ct)
		}
		cancel()
		synctest.Wait()
		select {
		case <-done:
		default:
			t.Fatal("the stream did not end with its request's context")
		}
	})
}

func TestEventsBounded(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		src := &changing{}
		h := console.Handler(src, "/console/")
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for range console.MaxStreams {
			wg.Go(func() {
				h.ServeHTTP(&stream{header: http.Header{}}, httptest.NewRequestWithContext(ctx, "GET", "http://127.0.0.1/console/api/events", nil))
			})
		}
		synctest.Wait()
		one := func() int {
			rec := httptest.NewRecorder()
			c, stop := context.WithTimeout(context.Background(), time.Second) // fake time
			defer stop()
			h.ServeHTTP(rec, httptest.NewRequestWithContext(c, "GET", "http://127.0.0.1/console/api/events", nil))
			return rec.Code
		}
		if got := one(); got != http.StatusServiceUnavailable {
			t.Errorf("stream %d: status %d, want 503", console.MaxStreams+1, got)
		}
		cancel() // the tabs close: their slots are free again
		wg.Wait()
		if got := one(); got != http.StatusOK {
			t.Errorf("after the others closed: status %d, want 200", got)
		}
	})
}

// TestEventsFollowTheSimulator reads the live stream of a real simulator:
// a request to it is an event with a higher revision.
func TestEventsFollowTheSimulator(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	ts := serve(t, srv)
	req, _ := http.NewRequestWithContext(t.Context(), "GET", ts.URL+"/console/api/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	events := bufio.NewScanner(res.Body)
	next := func() uint64 {
		t.Helper()
		for events.Scan() {
			if rev, ok := strings.CutPrefix(events.Text(), `data: {"revision":`); ok {
				n, err := strconv.ParseUint(strings.TrimSuffix(rev, "}"), 10, 64)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
		}
		t.Fatalf("the stream ended: %v", events.Err())
		return 0
	}
	first := next()
	if _, err := srv.Client().Chain("v3/certificates").Get(t.Context(), nil); err != nil {
		t.Logf("certificates: %v", err) // the record is what counts
	}
	if got := next(); got <= first {
		t.Errorf("revision %d after a request, was %d", got, first)
	}
}
