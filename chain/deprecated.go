package chain

import (
	"context"
	"log/slog"

	"github.com/chainpay-go/wechatpay/catalog"
)

// warnDeprecated logs, once per method and template, a call to an operation
// the catalogue marks deprecated (Warn mode, with a Logger; the memory is
// bounded like the findings'). The call is sent anyway.
func (c *Client) warnDeprecated(r *request) {
	op, ok := catalog.Lookup(r.method, r.template)
	if !ok || !op.Deprecated {
		return
	}
	key := r.method + " " + r.template
	if _, seen := c.validation.warned.Load(key); seen {
		return
	}
	if c.validation.n.Load() < warnedLimit {
		if _, loaded := c.validation.warned.LoadOrStore(key, struct{}{}); loaded {
			return
		}
		c.validation.n.Add(1)
	}
	c.logger.LogAttrs(context.Background(), slog.LevelWarn, "wechatpay call to an operation the API catalogue marks deprecated (sent anyway)",
		slog.String("method", r.method), slog.String("template", r.template),
		slog.String("title", op.Title), slog.String("catalogue", catalog.SourceVersion))
}
