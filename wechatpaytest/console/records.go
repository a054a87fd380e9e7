package console

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// Record is one request as the console shows it, secrets masked.
type Record struct {
	Seq           int                 `json:"seq"`
	Time          time.Time           `json:"time"`
	Method        string              `json:"method"`
	URI           string              `json:"uri"`
	Authenticated bool                `json:"authenticated"`
	RequestID     string              `json:"request_id"`
	Header        map[string][]string `json:"header"`
	Body          string              `json:"body"`
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

func list(w http.ResponseWriter, r *http.Request, src Source) {
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit <= 0 {
		limit = 50
	}
	limit = min(limit, MaxPage)
	all := src.Requests()
	offset = max(0, min(offset, len(all)))
	p := Page{Total: len(all), Offset: offset, Records: []Record{}}
	for i := len(all) - 1 - offset; i >= 0 && len(p.Records) < limit; i-- {
		p.Records = append(p.Records, mask(i+1, all[i]))
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(p)
}

var signatureParam = regexp.MustCompile(`(signature=")[^"]*(")`)

// secretHeaders are masked whole.
var secretHeaders = map[string]bool{"Wechatpay-Signature": true, "Cookie": true, "Set-Cookie": true}

// mask copies rec for display: the Authorization signature and other
// secret headers are replaced by "***", and so are the body's personal and
// encrypted members (maskBody).
func mask(seq int, rec wechatpaytest.RecordedRequest) Record {
	h := make(map[string][]string, len(rec.Header))
	for k, vs := range rec.Header {
		out := make([]string, len(vs))
		for i, v := range vs {
			switch {
			case secretHeaders[k]:
				out[i] = "***"
			case k == "Authorization":
				out[i] = signatureParam.ReplaceAllString(v, `${1}***${2}`)
			default:
				out[i] = v
			}
		}
		h[k] = out
	}
	return Record{Seq: seq, Time: rec.Time, Method: rec.Method, URI: rec.URI, Authenticated: rec.Authenticated,
		RequestID: rec.RequestID, Header: h, Body: maskBody(rec.Body, sensitiveFor(rec.Method, rec.URI)), BodySize: rec.BodySize,
		Truncated: rec.Truncated, Notes: rec.Notes}
}
