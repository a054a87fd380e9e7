// Package console serves a browser console over a wechatpaytest.Server:
// the request log, paged, with secrets masked. Its pages are html/template
// with a little plain JavaScript and CSS embedded with go:embed, so
// `go install` brings the whole console; no Node build step.
//
// Every value a request carries reaches the page as JSON and is put into
// the DOM with textContent, and every answer carries a
// Content-Security-Policy that forbids inline script.
package console

import (
	"embed"
	"encoding/json"
	"html/template"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

//go:embed assets
var assets embed.FS

var page = template.Must(template.ParseFS(assets, "assets/index.html"))

// ContentSecurityPolicy is the policy every console answer carries: scripts
// and styles only from the console itself, nothing inline.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// MaxPage is the largest page of records one call returns.
const MaxPage = 200

// Source is what the console reads: *wechatpaytest.Server satisfies it.
type Source interface {
	Requests() []wechatpaytest.RecordedRequest
}

// Handler returns the console's handler, to be mounted at prefix (e.g.
// "/console/") with http.StripPrefix or a mux pattern of that prefix.
func Handler(src Source, prefix string) http.Handler {
	mux := http.NewServeMux()
	token := newToken()
	actor, canAct := src.(Actor)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = page.Execute(w, struct {
			Prefix, Token string
			Actions       bool
		}{prefix, token, canAct})
	})
	if canAct {
		var sent deliveries
		mux.HandleFunc("GET /api/notifications", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, sent.newestFirst())
		})
		mux.HandleFunc("POST /api/actions/pay", func(w http.ResponseWriter, r *http.Request) {
			if !allowed(r, token) {
				writeJSON(w, http.StatusForbidden, map[string]string{"error": "console: cross-site or token-less action refused"})
				return
			}
			pay(w, r, actor, &sent)
		})
	}
	mux.Handle("GET /assets/", http.FileServerFS(assets))
	mux.HandleFunc("GET /api/requests", func(w http.ResponseWriter, r *http.Request) {
		list(w, r, src)
	})
	return http.StripPrefix(strings.TrimSuffix(prefix, "/"), secure(mux))
}

func secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", ContentSecurityPolicy)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		h.ServeHTTP(w, r)
	})
}

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
// secret headers are replaced by "***".
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
		RequestID: rec.RequestID, Header: h, Body: string(rec.Body), BodySize: rec.BodySize,
		Truncated: rec.Truncated, Notes: rec.Notes}
}
