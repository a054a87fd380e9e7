package wechatpaytest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Handler answers one authenticated request. It returns the HTTP status and
// the body: nil (no body), []byte or string (sent as is), a *Download
// (streamed unsigned, as the gateway's file downloads are), or any other
// value (sent as compact JSON). The server signs whatever it returns but a
// Download. Use Error / ParamError for error bodies.
type Handler func(r *Request) (status int, body any)

// Request is an authenticated request as a Handler sees it.
type Request struct {
	// Method is the HTTP method.
	Method string
	// URI is the request target exactly as received (path and query).
	URI string
	// Path is the decoded path.
	Path string
	// Params holds the decoded values of the route pattern's {name} segments.
	Params map[string]string
	// Query holds the decoded query.
	Query url.Values
	// Header is the request header.
	Header http.Header
	// Body is the raw body (for an upload, the whole multipart body).
	Body []byte
	// Upload is set for multipart uploads.
	Upload *Upload
	// ResponseHeader is sent with the answer; a Handler may add to it.
	ResponseHeader http.Header

	ctx     context.Context
	start   time.Time // arrival, for RecordedRequest.Duration
	pattern string
	fault   *faultEntry
	srv     *Server
	rec     *RecordedRequest
}

// Upload is the parsed content of a multipart upload.
type Upload struct {
	// Meta is the meta part exactly as sent (what the signature covers).
	Meta []byte
	// FileName is the file part's file name.
	FileName string
	// ContentType is the file part's Content-Type.
	ContentType string
	// File is the file content.
	File []byte
}

// Download is a Handler body the server streams as it is, unsigned, like
// the gateway's bill and image downloads. Of the injected faults only
// Tamper applies: it flips the first byte.
type Download struct {
	// ContentType is the answer's Content-Type (default application/octet-stream).
	ContentType string
	// Size is the content length, or -1 when unknown (the answer is chunked).
	Size int64
	// Body is the content.
	Body io.Reader
	// Gzip compresses Body with gzip as it streams (the gateway's bills
	// with tar_type=GZIP); Size is then ignored. Tamper changes the
	// content before compression.
	Gzip bool
}

// Context returns the request's context.
func (r *Request) Context() context.Context { return r.ctx }

// Param returns the decoded value of the route pattern's {name} segment.
func (r *Request) Param(name string) string { return r.Params[name] }

// Pattern returns the route pattern the request matched, e.g.
// "/v3/payscore/payafter-orders/{out_order_no}/sync".
func (r *Request) Pattern() string { return r.pattern }

// Note adds a remark to the request's record (RecordedRequest.Notes), e.g.
// that a check the gateway may make was let pass.
func (r *Request) Note(note string) {
	if r.srv == nil || r.rec == nil {
		return
	}
	r.srv.mu.Lock()
	defer r.srv.mu.Unlock()
	r.rec.Notes = append(r.rec.Notes, note) // notes are not counted in the record budget
}

// DecodeJSON decodes the body into v.
func (r *Request) DecodeJSON(v any) error { return json.Unmarshal(r.Body, v) }

// ErrorBody is the gateway's error body.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Detail  any    `json:"detail,omitempty"`
}

// Error returns an error body with code and message.
func Error(code, message string) *ErrorBody { return &ErrorBody{Code: code, Message: message} }

// FieldDetail is the detail of a PARAM_ERROR.
type FieldDetail struct {
	Field    string `json:"field"`
	Value    any    `json:"value,omitempty"`
	Issue    string `json:"issue"`
	Location string `json:"location"`
}

// ParamError returns a PARAM_ERROR body naming field (a JSON pointer like
// "/amount/total" for the body, a name for the query or path) at location
// ("body", "query" or "path").
func ParamError(location, field, issue string) *ErrorBody {
	return &ErrorBody{
		Code:    "PARAM_ERROR",
		Message: "参数错误: " + strings.TrimPrefix(field, "/") + " " + issue,
		Detail:  FieldDetail{Field: field, Issue: issue, Location: location},
	}
}

// route is one registered route.
type route struct {
	method  string
	pattern string
	segs    []string
	h       Handler
}

// Handle adds a route for method and pattern ("/v3/foo/{id}/bar"; a
// segment "{name}" matches one path segment, decoded, available as
// r.Param(name)). Where patterns overlap the route added last wins, so a
// user's route takes precedence over the built-in scenarios (which are
// added with Handle when the server starts); a later Handle for the same
// method and pattern replaces an earlier one. The server authenticates the
// request before calling h and signs the answer.
func (s *Server) Handle(method, pattern string, h Handler) {
	rt := newRoute(method, pattern)
	rt.h = h
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, old := range s.routes {
		if old.method == rt.method && old.pattern == rt.pattern {
			s.routes[i] = rt
			return
		}
	}
	s.routes = append(s.routes, rt)
}

func newRoute(method, pattern string) *route {
	if !strings.HasPrefix(pattern, "/") {
		pattern = "/" + pattern
	}
	return &route{method: strings.ToUpper(method), pattern: pattern, segs: strings.Split(pattern[1:], "/")}
}

// match finds the route for method and the raw (still escaped) path: the
// routes added with Handle (the scenarios' and the user's), the last added
// first.
func (s *Server) match(method, rawPath string) (*route, map[string]string, bool) {
	segs := strings.Split(strings.TrimPrefix(rawPath, "/"), "/")
	s.mu.Lock()
	routes := make([]*route, 0, len(s.routes))
	for i := len(s.routes) - 1; i >= 0; i-- {
		routes = append(routes, s.routes[i])
	}
	s.mu.Unlock()
	pathKnown := false
	for _, rt := range routes {
		params, ok := rt.matchSegs(segs)
		if !ok {
			continue
		}
		if rt.method != method {
			pathKnown = true
			continue
		}
		return rt, params, true
	}
	return nil, nil, pathKnown
}

func (rt *route) matchSegs(segs []string) (map[string]string, bool) {
	if len(segs) != len(rt.segs) {
		return nil, false
	}
	var params map[string]string
	for i, p := range rt.segs {
		if len(p) > 2 && p[0] == '{' && p[len(p)-1] == '}' {
			v, err := url.PathUnescape(segs[i])
			if err != nil || v == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[p[1:len(p)-1]] = v
			continue
		}
		if segs[i] != p {
			return nil, false
		}
	}
	return params, true
}
