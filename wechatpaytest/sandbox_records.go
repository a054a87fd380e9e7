package wechatpaytest

import (
	"net/http"
	"regexp"
	"slices"
	"sort"
)

// RequestsAfter returns copies of the records with a Seq above seq, oldest
// first, at most limit of them (limit <= 0: all). Unlike Requests it copies
// only what it returns: a console polling for new records pays for the new
// ones only.
func (s *Server) RequestsAfter(seq uint64, limit int) []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records.expire(s.now())
	buf := s.records.buf
	i := sort.Search(len(buf), func(i int) bool { return buf[i].Seq > seq })
	buf = buf[i:]
	if limit > 0 && len(buf) > limit {
		buf = buf[:limit]
	}
	return copyRecords(buf)
}

// RecentRequests returns one page of the records, newest first: past the
// offset newest ones, at most limit (limit <= 0: all the rest), and how
// many records there are. It copies only the page, so a console can page
// through 10,000 records cheaply.
func (s *Server) RecentRequests(offset, limit int) (page []RecordedRequest, total int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records.expire(s.now())
	buf := s.records.buf
	total = len(buf)
	offset = max(0, min(offset, total))
	end := total - offset // the page is buf[start:end], reversed
	start := 0
	if limit > 0 && end-limit > 0 {
		start = end - limit
	}
	page = copyRecords(buf[start:end])
	slices.Reverse(page)
	return page, total
}

// signatureField finds the signature in an Authorization header.
var signatureField = regexp.MustCompile(`(signature=")[^"]*(")`)

// secretHeaders are masked whole by MaskedHeader.
var secretHeaders = map[string]bool{"Wechatpay-Signature": true, "Cookie": true, "Set-Cookie": true}

// MaskedHeader returns a copy of the record's header fit to show: the
// Authorization signature and the Wechatpay-Signature, Cookie and
// Set-Cookie values are replaced by "***" (the rest of Authorization names
// the merchant, its serial, the timestamp and the nonce: no secret).
func (r *RecordedRequest) MaskedHeader() http.Header {
	out := make(http.Header, len(r.Header))
	for k, vs := range r.Header {
		masked := make([]string, len(vs))
		for i, v := range vs {
			switch ck := http.CanonicalHeaderKey(k); {
			case secretHeaders[ck]:
				masked[i] = "***"
			case ck == "Authorization":
				masked[i] = signatureField.ReplaceAllString(v, `${1}***${2}`)
			default:
				masked[i] = v
			}
		}
		out[k] = masked
	}
	return out
}
