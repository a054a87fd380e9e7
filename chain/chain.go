package chain

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/chainpay-go/wechatpay/pathtpl"
)

// O is the options map of one call: path values, "json", "query", "headers",
// "body", "media" and "encryptor". See the package documentation.
type O = map[string]any

// Chain is a path template bound to a Client. It is immutable: Chain returns a
// new value and never changes the receiver, so a Chain can be stored and
// shared between goroutines. The template is parsed once, on first use.
type Chain struct {
	c    *Client
	path string // the segments joined with "/", before normalisation

	once sync.Once
	tpl  *pathtpl.Template
	err  error
}

// Chain starts a path. Each argument is either
//
//   - a path written as one string, holding a "/": sent as written, its
//     literal text never re-cased; or
//   - one segment (no "/"), in the segment-by-segment form of the PHP and
//     Node SDKs: camelCase literals become kebab-case (payafterOrders →
//     payafter-orders), because their property names cannot hold a "-".
//
// Both forms understand {name} (RFC 6570, any expression), <name>, and a
// whole segment _name_ or $name$; see pathtpl.Normalize and
// pathtpl.NormalizeSegment. Path values go in the options map and are never
// touched. The arguments are joined with "/"; leading and doubled slashes
// are dropped, and a trailing slash on the last one is kept
// (v3/applyment4sub/applyment/ needs it). So
//
//	c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync")
//	c.Chain("v3", "payscore", "payafterOrders", "_out_order_no_", "sync")
//
// are the same request, and c.Chain("v3/pay/transactions/out-trade-no/ABCdef123")
// goes out exactly so.
func (c *Client) Chain(segments ...string) *Chain {
	return &Chain{c: c, path: joinSegments("", segments)}
}

// Chain returns a new Chain with segments appended to the path, read as
// Client.Chain reads them: .Chain("payafterOrders") adds payafter-orders.
func (ch *Chain) Chain(segments ...string) *Chain {
	return &Chain{c: ch.c, path: joinSegments(ch.path, segments)}
}

// Client returns the client the chain sends through.
func (ch *Chain) Client() *Client { return ch.c }

// joinSegments appends segments to prefix: an argument holding a "/" as
// written, any other re-cased by pathtpl.NormalizeSegment.
func joinSegments(prefix string, segments []string) string {
	if prefix == "" && len(segments) == 1 && strings.Contains(segments[0], "/") {
		// One path holding "/" (the usual call): the result is a substring
		// of it, not a copy.
		s := segments[0]
		lead := len(s) - len(strings.TrimLeft(s, "/"))
		t := strings.Trim(s, "/")
		if t != "" && strings.HasSuffix(s, "/") {
			return s[lead : lead+len(t)+1]
		}
		return t
	}
	var b strings.Builder
	b.WriteString(strings.TrimRight(prefix, "/"))
	trailing := strings.HasSuffix(prefix, "/")
	for _, s := range segments {
		if !strings.Contains(s, "/") {
			s = pathtpl.NormalizeSegment(s)
		}
		if t := strings.Trim(s, "/"); t != "" {
			if b.Len() > 0 {
				b.WriteByte('/')
			}
			b.WriteString(t)
			trailing = strings.HasSuffix(s, "/")
		}
	}
	// A trailing slash is part of some paths (v3/applyment4sub/applyment/).
	if trailing && b.Len() > 0 {
		b.WriteByte('/')
	}
	return b.String()
}

// template parses the path once.
func (ch *Chain) template() (*pathtpl.Template, error) {
	ch.once.Do(func() {
		switch {
		case ch.path == "":
			ch.err = errors.New("empty path")
		case strings.Contains(ch.path, "://"):
			ch.err = errors.New("give a path relative to the client's BaseURL, not a full URL")
		default:
			ch.tpl, ch.err = pathtpl.ParseChain(ch.path)
		}
	})
	return ch.tpl, ch.err
}

// Template returns the normalised RFC 6570 template, e.g.
// "v3/payscore/payafter-orders/{out_order_no}/sync", or an error (wrapping
// ErrInvalidOptions) when the path does not parse.
func (ch *Chain) Template() (string, error) {
	t, err := ch.template()
	if err != nil {
		return "", &OptionsError{BaseURL: ch.c.baseURL, Template: ch.path, Problems: []error{fmt.Errorf("template: %w", err)}}
	}
	return t.String(), nil
}

// String returns the template text (or the raw path when it does not parse).
func (ch *Chain) String() string {
	if t, err := ch.template(); err == nil {
		return t.String()
	}
	return ch.path
}

// Get sends a GET request. Options are described in the package documentation.
func (ch *Chain) Get(ctx context.Context, opts O) (*Response, error) {
	return ch.Do(ctx, http.MethodGet, opts)
}

// Post sends a POST request.
func (ch *Chain) Post(ctx context.Context, opts O) (*Response, error) {
	return ch.Do(ctx, http.MethodPost, opts)
}

// Put sends a PUT request.
func (ch *Chain) Put(ctx context.Context, opts O) (*Response, error) {
	return ch.Do(ctx, http.MethodPut, opts)
}

// Patch sends a PATCH request.
func (ch *Chain) Patch(ctx context.Context, opts O) (*Response, error) {
	return ch.Do(ctx, http.MethodPatch, opts)
}

// Delete sends a DELETE request.
func (ch *Chain) Delete(ctx context.Context, opts O) (*Response, error) {
	return ch.Do(ctx, http.MethodDelete, opts)
}

// GetAsync runs Get in a goroutine.
func (ch *Chain) GetAsync(ctx context.Context, opts O) *Future {
	return ch.DoAsync(ctx, http.MethodGet, opts)
}

// PostAsync runs Post in a goroutine.
func (ch *Chain) PostAsync(ctx context.Context, opts O) *Future {
	return ch.DoAsync(ctx, http.MethodPost, opts)
}

// PutAsync runs Put in a goroutine.
func (ch *Chain) PutAsync(ctx context.Context, opts O) *Future {
	return ch.DoAsync(ctx, http.MethodPut, opts)
}

// PatchAsync runs Patch in a goroutine.
func (ch *Chain) PatchAsync(ctx context.Context, opts O) *Future {
	return ch.DoAsync(ctx, http.MethodPatch, opts)
}

// DeleteAsync runs Delete in a goroutine.
func (ch *Chain) DeleteAsync(ctx context.Context, opts O) *Future {
	return ch.DoAsync(ctx, http.MethodDelete, opts)
}

// Do sends a request with any method, in any case ("get" is sent as GET).
// The options are checked completely before anything is sent.
func (ch *Chain) Do(ctx context.Context, method string, opts O) (*Response, error) {
	if ch.c.handler != nil {
		return ch.c.runCall(ctx, ch, method, opts)
	}
	req, err := ch.newRequest(method, ch.c.withDefaults(ch, method, opts))
	if err != nil {
		return nil, err
	}
	return ch.c.do(ctx, req)
}

// DoAsync runs Do in a goroutine and returns its Future. The options map is
// read before DoAsync returns, so the caller may reuse it at once.
func (ch *Chain) DoAsync(ctx context.Context, method string, opts O) *Future {
	if ch.c.handler != nil {
		call := ch.c.newCall(ch, method, opts) // reads opts now
		return async(func() (*Response, error) { return ch.c.handler(ctx, call) })
	}
	req, err := ch.newRequest(method, ch.c.withDefaults(ch, method, opts))
	if err != nil {
		return resolved(nil, err)
	}
	return async(func() (*Response, error) { return ch.c.do(ctx, req) })
}
