package wechatpaytest

import (
	"net/http"
	"time"
)

// maxRecordedBody bounds the body copy kept per recorded request.
const maxRecordedBody = 1 << 20

// RecordedRequest is a request as the server received it, before any check.
type RecordedRequest struct {
	// Time is the server clock's time of arrival.
	Time time.Time
	// Method is the HTTP method.
	Method string
	// URI is the request target exactly as received.
	URI string
	// Header is a copy of the request header.
	Header http.Header
	// Body is a copy of the body (at most 1 MiB; see Truncated).
	Body []byte
	// Truncated reports that Body holds only the first 1 MiB.
	Truncated bool
	// RequestID is the Request-ID the server answered with.
	RequestID string
}

// recordRing keeps the last limit requests.
type recordRing struct {
	limit int
	buf   []RecordedRequest
	next  int // where the next record goes once buf is full
}

func (r *recordRing) add(rec RecordedRequest) {
	if len(r.buf) < r.limit {
		r.buf = append(r.buf, rec)
		return
	}
	r.buf[r.next] = rec
	r.next = (r.next + 1) % r.limit
}

// list returns deep copies of the records, oldest first.
func (r *recordRing) list() []RecordedRequest {
	out := make([]RecordedRequest, 0, len(r.buf))
	out = append(out, r.buf[r.next:]...)
	out = append(out, r.buf[:r.next]...)
	for i := range out {
		out[i].Header = out[i].Header.Clone()
		out[i].Body = append([]byte(nil), out[i].Body...)
	}
	return out
}

// Requests returns the requests received so far, oldest first: at most the
// record limit (DefaultRecordLimit unless WithRecordLimit), the oldest being
// dropped first. Every request is recorded, refused ones included. The
// records are copies the caller may change.
func (s *Server) Requests() []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.records.list()
}

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records.buf, s.records.next = nil, 0
}

func (s *Server) record(r *http.Request, body []byte, requestID string) {
	rec := RecordedRequest{
		Time:      s.now(),
		Method:    r.Method,
		URI:       r.RequestURI,
		Header:    r.Header.Clone(),
		RequestID: requestID,
	}
	if len(body) > maxRecordedBody {
		rec.Body, rec.Truncated = append([]byte(nil), body[:maxRecordedBody]...), true
	} else {
		rec.Body = append([]byte(nil), body...)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records.add(rec)
}

// nonceCache remembers the nonces of accepted requests for the timestamp
// window: a nonce whose timestamp is older than the window cannot be replayed
// anyway, since the timestamp check refuses it.
type nonceCache struct {
	seen  map[string]int64 // key → request timestamp
	queue []nonceItem      // in order of arrival
}

type nonceItem struct {
	key string
	ts  int64
}

// maxNonces bounds the cache under a flood; past it the oldest are forgotten.
const maxNonces = 1 << 18

// add records key with timestamp ts and reports whether it was new.
func (c *nonceCache) add(key string, ts, now int64) bool {
	if c.seen == nil {
		c.seen = map[string]int64{}
	}
	for len(c.queue) > 0 && (c.queue[0].ts < now-int64(window.Seconds()) || len(c.queue) >= maxNonces) {
		delete(c.seen, c.queue[0].key)
		c.queue = c.queue[1:]
	}
	if _, dup := c.seen[key]; dup {
		return false
	}
	c.seen[key] = ts
	c.queue = append(c.queue, nonceItem{key: key, ts: ts})
	return true
}

// len reports how many nonces are remembered.
func (c *nonceCache) len() int { return len(c.seen) }
