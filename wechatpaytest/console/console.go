// Package console serves a browser console over a wechatpaytest.Server.
// Its pages are html/template with a little plain JavaScript and CSS
// embedded with go:embed, so `go install` brings the whole console; no
// Node build step. `wxpay sandbox` serves it on a loopback port of its own.
//
// What it shows:
//   - the request log, newest first, paged (api/requests?offset=&limit=, at
//     most MaxPage a page): method, template, status, whether the signature
//     verified, the time taken, a forced outcome; one click opens a record
//     (api/requests/{seq}) with its headers and body, secrets masked. A page
//     copies only its own records, whatever the log holds;
//   - the notifications (api/notifications), each with every delivery
//     attempt (time, status or error, duration, resends);
//   - the business clock, the pending faults and the outcome rules
//     (api/state).
//
// The page updates itself: api/events is a server-sent event stream that
// sends "change" after each change of the simulator (Server.Changed), at
// most one per StreamInterval, and the page re-fetches what it shows. Each
// stream is the request's own goroutine and ends with it; at most
// MaxStreams are served at once.
//
// Actions (POST api/actions/{name}, a JSON object): pay an order as the
// user and close it as the merchant (pay, close), confirm or cancel a
// transfer (transfer), end a processing refund SUCCESS, ABNORMAL or CLOSED
// (refund), trigger an event (trigger), deliver a notification again
// (resend), advance the business clock (clock), reset everything or one
// scenario (reset), inject or clear faults (fault), add or clear outcome
// rules (rule). Each needs the page's token in TokenHeader, and is refused
// (403) with another Origin or a cross-site Sec-Fetch-Site.
//
// Every value a request carries reaches the page as JSON and is put into
// the DOM with textContent, and every answer carries a
// Content-Security-Policy that forbids inline script. Secrets are masked:
// the Authorization signature, Wechatpay-Signature and cookies in headers,
// and in JSON bodies the personal data members (name, mobile,
// id_card_number, …) and every member the catalogue marks encrypted for
// the operation (format base64 or x-is-sensitive).
//
// The console answers only requests addressed to an IP address or
// localhost (421 otherwise): a DNS name another site controls could point
// at it and let that site's pages read the log (DNS rebinding).
package console

import (
	"embed"
	"html/template"
	"net"
	"net/http"
	"strings"

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

// Source is what the console reads: *wechatpaytest.Server satisfies it,
// and Changes and Actor too. A Source that also has RecentRequests and
// RequestsAfter (as the server has) is paged copying only the page; a
// Changes gets live updates; an Actor gets the notifications, the state
// and the actions.
type Source interface {
	Requests() []wechatpaytest.RecordedRequest
}

// Handler returns the console's handler, to be mounted at prefix (e.g.
// "/console/") with http.StripPrefix or a mux pattern of that prefix.
func Handler(src Source, prefix string) http.Handler {
	mux := http.NewServeMux()
	token := newToken()
	actor, canAct := src.(Actor)
	changes, live := src.(Changes)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = page.Execute(w, struct {
			Prefix, Token string
			Actions, Live bool
		}{prefix, token, canAct, live})
	})
	if canAct {
		mux.HandleFunc("GET /api/notifications", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, notifications(actor))
		})
		mux.HandleFunc("GET /api/state", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, state(actor))
		})
		mux.HandleFunc("POST /api/actions/{name}", func(w http.ResponseWriter, r *http.Request) {
			serveAction(w, r, actor, token)
		})
	}
	if live {
		mux.Handle("GET /api/events", newStreamer(changes))
	}
	mux.Handle("GET /assets/", http.FileServerFS(assets))
	mux.HandleFunc("GET /api/requests", func(w http.ResponseWriter, r *http.Request) {
		list(w, r, src)
	})
	mux.HandleFunc("GET /api/requests/{seq}", func(w http.ResponseWriter, r *http.Request) {
		detail(w, r, src)
	})
	return http.StripPrefix(strings.TrimSuffix(prefix, "/"), secure(mux))
}

func secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", ContentSecurityPolicy)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		if !literalHost(r.Host) {
			writeJSON(w, http.StatusMisdirectedRequest, map[string]string{"error": "console: serve it by IP address or localhost, not by a DNS name (no DNS rebinding)"})
			return
		}
		// The API is the page's own: another site's fetch (even a no-cors
		// one, which cannot read the answer) would hold an event stream's
		// slot or load the log for nothing. A link to the page itself is
		// a cross-site navigation, and is served.
		if sfs := r.Header.Get("Sec-Fetch-Site"); strings.Contains(r.URL.Path, "/api/") && sfs != "" && sfs != "same-origin" && sfs != "none" {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "console: cross-site request refused (Sec-Fetch-Site: " + sfs + ")"})
			return
		}
		h.ServeHTTP(w, r)
	})
}

// literalHost reports that host (with or without a port) is an IP address
// or localhost: a name that no other site can point at this console (DNS
// rebinding), so that a page elsewhere cannot read the log.
func literalHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	return strings.EqualFold(host, "localhost") || net.ParseIP(host) != nil
}
