package console

import (
	"net/http"
	"strconv"
	"time"

	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// Record is one request as the console shows it, secrets masked. A page
// of the log leaves Header and Body out; api/requests/{seq} has them.
type Record struct {
	Seq           uint64              `json:"seq"`
	Time          time.Time           `json:"time"`
	Method        string              `json:"method"`
	URI           string              `json:"uri"`
	Pattern       string              `json:"pattern"`     // the route or catalogue template matched
	Status        int                 `json:"status"`      // 0: no answer
	DurationMS    float64             `json:"duration_ms"` // the server's time to answer
	Authenticated bool                `json:"authenticated"`
	Outcome       string              `json:"outcome,omitempty"` // a forced answer
	RequestID     string              `json:"request_id"`
	Header        map[string][]string `json:"header,omitempty"`
	Body          string              `json:"body,omitempty"`
	BodySize      int                 `json:"body_size"`
	Truncated     bool                `json:"truncated"`
	Notes         []string            `json:"notes"`
}

// Page is one page of records, newest first.
type Page struct {
	Total   int      `json:"total"`
	Offset  int      `json:"offset"`
	Records []Record `json:"records"`
}

// pager is the fast path of a Source: one page, newest first, copying only
// the page (*wechatpaytest.Server has it). Without it the console pages a
// copy of Requests().
type pager interface {
	RecentRequests(offset, limit int) ([]wechatpaytest.RecordedRequest, int)
}

// seeker finds one record by its Seq (*wechatpaytest.Server has it).
type seeker interface {
	RequestsAfter(seq uint64, limit int) []wechatpaytest.RecordedRequest
}

// recent is a page of src, newest first, and the number of records.
func recent(src Source, offset, limit int) ([]wechatpaytest.RecordedRequest, int) {
	if p, ok := src.(pager); ok {
		return p.RecentRequests(offset, limit)
	}
	all := src.Requests()
	offset = max(0, min(offset, len(all)))
	var out []wechatpaytest.RecordedRequest
	for i := len(all) - 1 - offset; i >= 0 && len(out) < limit; i-- {
		out = append(out, all[i])
	}
	return out, len(all)
}

// seqOf is rec's Seq; a Source without Seq numbers counts from its oldest.
func seqOf(rec wechatpaytest.RecordedRequest, pos int) uint64 {
	if rec.Seq != 0 {
		return rec.Seq
	}
	return uint64(pos) + 1
}

func list(w http.ResponseWriter, r *http.Request, src Source) {
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit <= 0 {
		limit = 50
	}
	limit = min(limit, MaxPage)
	offset = max(0, offset)
	recs, total := recent(src, offset, limit)
	p := Page{Total: total, Offset: offset, Records: make([]Record, 0, len(recs))}
	for i, rec := range recs {
		p.Records = append(p.Records, summary(rec, seqOf(rec, total-1-offset-i)))
	}
	writeJSON(w, http.StatusOK, p)
}

// detail answers api/requests/{seq}: one record with its masked header and
// body.
func detail(w http.ResponseWriter, r *http.Request, src Source) {
	seq, err := strconv.ParseUint(r.PathValue("seq"), 10, 64)
	if err != nil || seq == 0 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "console: seq must be a record number"})
		return
	}
	if s, ok := src.(seeker); ok {
		if recs := s.RequestsAfter(seq-1, 1); len(recs) == 1 && recs[0].Seq == seq {
			writeJSON(w, http.StatusOK, mask(recs[0], seq))
			return
		}
	} else if all := src.Requests(); seq <= uint64(len(all)) {
		writeJSON(w, http.StatusOK, mask(all[seq-1], seq))
		return
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"error": "console: no such record (the oldest are dropped first)"})
}

// mask copies rec for display: the Authorization signature and other
// secret headers are replaced by "***" (RecordedRequest.MaskedHeader, as
// the admin API shows them), and so are the body's personal and encrypted
// members (maskBody).
func mask(rec wechatpaytest.RecordedRequest, seq uint64) Record {
	out := summary(rec, seq)
	out.Header, out.Body = rec.MaskedHeader(), maskBody(rec.Body, sensitiveFor(rec.Method, rec.URI))
	return out
}

// summary is rec as a row of the log: no header, no body.
func summary(rec wechatpaytest.RecordedRequest, seq uint64) Record {
	return Record{Seq: seq, Time: rec.Time, Method: rec.Method, URI: rec.URI, Pattern: rec.Pattern,
		Status: rec.Status, DurationMS: float64(rec.Duration) / float64(time.Millisecond),
		Authenticated: rec.Authenticated, Outcome: rec.Outcome, RequestID: rec.RequestID,
		BodySize: rec.BodySize, Truncated: rec.Truncated, Notes: rec.Notes}
}
