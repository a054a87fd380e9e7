package wechatpaytest

import (
	"net/http"
	"time"
)

// RecordedRequest is a request as the server received it.
type RecordedRequest struct {
	// Seq numbers the server's records 1, 2, … in order of arrival (never
	// reused, also across ResetRequests); see RequestsAfter.
	Seq uint64
	// Time is the server clock's time of arrival.
	Time time.Time
	// Method is the HTTP method.
	Method string
	// URI is the request target exactly as received.
	URI string
	// Header is a copy of the request header.
	Header http.Header
	// Authenticated reports that the request passed authentication.
	Authenticated bool
	// Body is a copy of the first Limits.MaxRecordedBody bytes of an
	// authenticated request's body (see Truncated). A request that failed
	// authentication (or was refused before it) is kept without its body.
	Body []byte
	// BodySize is the size of the body as received (0 when it was not read).
	BodySize int
	// Truncated reports that Body holds only the first part of the body.
	Truncated bool
	// RequestID is the Request-ID the server answered with.
	RequestID string
	// Pattern is the route pattern or catalogue template the request
	// matched ("" when none).
	Pattern string
	// Status is the status the server answered with (0: no answer, e.g. a
	// dropped connection).
	Status int
	// Duration is how long the server took to answer, from the arrival
	// of the request line.
	Duration time.Duration
	// Outcome is the forced answer (OutcomeHeader, an outcome rule or a
	// magic value) as OutcomeHeader writes it, "" when none.
	Outcome string
	// Notes are remarks the server (or a Handler, through Request.Note)
	// made about the request, e.g. a check the simulator let pass where
	// the catalogue and the gateway may disagree.
	Notes []string
}

// size is what a record costs in the record budget.
func (r *RecordedRequest) size() int {
	n := len(r.Method) + len(r.URI) + len(r.Body) + len(r.RequestID)
	for k, vs := range r.Header {
		n += len(k)
		for _, v := range vs {
			n += len(v)
		}
	}
	return n // notes, Pattern and Outcome are short, set after the record is added, and not counted
}

// recordRing keeps the last limit requests, of at most maxBytes in total.
type recordRing struct {
	limit    int
	maxBytes int
	maxAge   time.Duration
	buf      []*RecordedRequest // oldest first
	bytes    int
}

func (r *recordRing) add(rec *RecordedRequest) {
	r.buf = append(r.buf, rec)
	r.bytes += rec.size()
	drop := 0
	for len(r.buf)-drop > r.limit || (r.bytes > r.maxBytes && len(r.buf)-drop > 1) {
		r.bytes -= r.buf[drop].size()
		r.buf[drop] = nil
		drop++
	}
	r.buf = r.buf[drop:] // append reallocates, copying only the records kept
}

// expire drops the records older than maxAge at now.
func (r *recordRing) expire(now time.Time) {
	if r.maxAge <= 0 {
		return
	}
	cutoff, drop := now.Add(-r.maxAge), 0
	for drop < len(r.buf) && r.buf[drop].Time.Before(cutoff) {
		r.bytes -= r.buf[drop].size()
		r.buf[drop] = nil
		drop++
	}
	r.buf = r.buf[drop:]
}

func (r *recordRing) reset() { r.buf, r.bytes = nil, 0 }

// list returns deep copies of the records, oldest first.
func (r *recordRing) list() []RecordedRequest { return copyRecords(r.buf) }

// copyRecords returns deep copies of recs.
func copyRecords(recs []*RecordedRequest) []RecordedRequest {
	out := make([]RecordedRequest, len(recs))
	for i, rec := range recs {
		out[i] = *rec
		out[i].Header = rec.Header.Clone()
		out[i].Body = append([]byte(nil), rec.Body...)
		out[i].Notes = append([]string(nil), rec.Notes...)
	}
	return out
}

// Requests returns the requests received so far, oldest first: at most the
// record limit (DefaultRecordLimit unless WithRecordLimit),
// Limits.MaxRecordedBytes in all and none older than Limits.MaxRecordAge,
// the oldest being dropped first. Every
// request is recorded, refused ones included. The records are copies the
// caller may change.
func (s *Server) Requests() []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records.expire(s.now())
	return s.records.list()
}

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	s.records.reset()
	s.mu.Unlock()
	s.touch()
}

// record keeps r; body (nil when not to be kept) is cut to
// Limits.MaxRecordedBody. It returns the record, for notes.
func (s *Server) record(r *http.Request, authenticated bool, body []byte, size int, requestID string) *RecordedRequest {
	rec := &RecordedRequest{
		Time:          s.now(),
		Method:        r.Method,
		URI:           r.RequestURI,
		Header:        r.Header.Clone(),
		Authenticated: authenticated,
		BodySize:      size,
		RequestID:     requestID,
	}
	if n := s.limits.MaxRecordedBody; len(body) > n {
		rec.Body, rec.Truncated = append([]byte(nil), body[:n]...), true
	} else if body != nil {
		rec.Body = append([]byte(nil), body...)
	}
	s.mu.Lock()
	s.recordSeq++
	rec.Seq = s.recordSeq
	s.records.expire(rec.Time)
	s.records.add(rec)
	s.mu.Unlock()
	s.touch()
	return rec
}

// answered notes the answer in req's record (Status, Pattern, Duration).
func (s *Server) answered(req *Request, status int) {
	if req.rec == nil {
		return
	}
	s.mu.Lock()
	req.rec.Status, req.rec.Pattern, req.rec.Duration = status, req.pattern, time.Since(req.start)
	s.mu.Unlock()
	s.touch()
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
