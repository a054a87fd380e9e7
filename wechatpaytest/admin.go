package wechatpaytest

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// AdminPrefix starts the paths of the admin JSON API (AdminHandler).
const AdminPrefix = "/sandbox/admin/"

// WithAdmin serves the admin JSON API (AdminHandler) on the server's own
// address under AdminPrefix, beside the gateway. Its requests are not
// WeChat Pay's: they carry no WeChat Pay signature and get none.
func WithAdmin() Option { return func(o *options) { o.admin = true } }

// WithAdminToken makes the admin API demand "Authorization: Bearer tok" on
// every request. Without it a server listening on a loopback address asks
// for no token, and one listening elsewhere makes a random one (AdminToken).
func WithAdminToken(tok string) Option { return func(o *options) { o.adminToken = tok } }

// AdminToken returns the token the admin API demands ("" when it demands
// none: the server listens on loopback and WithAdminToken was not given).
func (s *Server) AdminToken() string { return s.adminToken }

// AdminURL returns the base URL of the admin API served by WithAdmin
// (s.URL + AdminPrefix).
func (s *Server) AdminURL() string { return s.URL + AdminPrefix }

// initAdmin decides the admin token once the listener is known.
func (s *Server) initAdmin(o *options, l net.Addr) {
	s.adminToken = o.adminToken
	if s.adminToken == "" && !loopbackAddr(l) {
		s.adminToken = randomString(32, alnum)
	}
	s.adminHandler = s.newAdminHandler()
}

// loopbackAddr reports whether a listener's address is a loopback one.
func loopbackAddr(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// loopbackHost reports whether a Host header names this machine's loopback.
func loopbackHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// AdminHandler returns the admin JSON API (the routes are in the package
// doc and /sandbox/admin/… below), to be mounted at AdminPrefix, e.g.
// beside a console on a port of its own. Every request must pass the
// token (AdminToken, when there is one) or, without one, name a loopback
// host (no DNS rebinding); a request a browser marks cross-site
// (Sec-Fetch-Site other than same-origin or none, or an Origin whose host
// is not Host) is refused with 403, whatever its method; bodies are JSON
// of at most 64 KiB. No CORS header is ever sent.
func (s *Server) AdminHandler() http.Handler { return s.adminHandler }

// maxAdminBody bounds an admin request's body.
const maxAdminBody = 64 << 10

// adminError is the admin API's error body.
type adminError struct {
	Error string `json:"error"`
}

// errAdmin is an admin refusal with its status.
type errAdmin struct {
	status int
	msg    string
}

func (e *errAdmin) Error() string { return e.msg }

func adminErrorf(status int, format string, args ...any) error {
	return &errAdmin{status: status, msg: "sandbox admin: " + fmt.Sprintf(format, args...)}
}

// adminFunc is an admin route: it returns the status and a value to encode
// as JSON (nil: no body), or an error.
type adminFunc func(r *http.Request) (int, any, error)

// newAdminHandler builds the admin API.
func (s *Server) newAdminHandler() http.Handler {
	mux := http.NewServeMux()
	for pattern, f := range s.adminRoutes() {
		mux.Handle(pattern, adminServe(f))
	}
	mux.Handle(AdminPrefix, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// No route for this method: 405 with Allow when another method has one.
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != AdminPrefix {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeAdmin(w, 0, nil, adminErrorf(http.StatusMethodNotAllowed, "%s %s: method not allowed (allowed: %s)", r.Method, r.URL.Path, strings.Join(allow, ", ")))
			return
		}
		writeAdmin(w, 0, nil, adminErrorf(http.StatusNotFound, "no route %s %s (see the package doc of wechatpaytest for the admin API)", r.Method, r.URL.Path))
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.adminAllowed(r); err != nil {
			writeAdmin(w, 0, nil, err)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxAdminBody)
		mux.ServeHTTP(w, r)
	})
}

// adminAllowed applies the token, Host and cross-site rules.
func (s *Server) adminAllowed(r *http.Request) error {
	if s.adminToken != "" {
		got := r.Header.Get("Authorization")
		if subtle.ConstantTimeCompare([]byte(got), []byte("Bearer "+s.adminToken)) != 1 {
			return adminErrorf(http.StatusUnauthorized, "this sandbox's admin API needs Authorization: Bearer <token> (the token wxpay sandbox printed at start)")
		}
	} else if !loopbackHost(r.Host) {
		return adminErrorf(http.StatusForbidden, "Host %q is not a loopback name (127.0.0.1, [::1], localhost)", truncate(r.Host, 64))
	}
	switch site := r.Header.Get("Sec-Fetch-Site"); site {
	case "", "same-origin", "none":
	default:
		return adminErrorf(http.StatusForbidden, "cross-site request refused (Sec-Fetch-Site: %s)", truncate(site, 20))
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return adminErrorf(http.StatusForbidden, "cross-origin request refused (Origin %s, Host %s)", truncate(o, 64), truncate(r.Host, 64))
		}
	}
	return nil
}

// adminServe runs f and writes its answer.
func adminServe(f adminFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status, v, err := f(r)
		writeAdmin(w, status, v, err)
	})
}

// writeAdmin writes an admin answer: v as JSON, or err as {"error"}.
func writeAdmin(w http.ResponseWriter, status int, v any, err error) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if err != nil {
		var ae *errAdmin
		status = http.StatusInternalServerError
		if errors.As(err, &ae) {
			status = ae.status
		}
		v = adminError{Error: err.Error()}
	}
	if v == nil {
		w.WriteHeader(status)
		return
	}
	b, merr := json.Marshal(v)
	if merr != nil {
		status, b = http.StatusInternalServerError, mustJSON(adminError{Error: "sandbox admin: " + merr.Error()})
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// decodeAdmin reads a JSON body into v: application/json, at most
// maxAdminBody, no unknown member. An empty body leaves v as it is.
func decodeAdmin(r *http.Request, v any) error {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return adminErrorf(http.StatusRequestEntityTooLarge, "the body is over %d bytes", maxAdminBody)
		}
		return adminErrorf(http.StatusBadRequest, "reading the body: %v", err)
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return adminErrorf(http.StatusUnsupportedMediaType, "the body must be application/json")
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return adminErrorf(http.StatusBadRequest, "body: %v", err)
	}
	if dec.More() {
		return adminErrorf(http.StatusBadRequest, "body: more than one JSON value")
	}
	return nil
}
