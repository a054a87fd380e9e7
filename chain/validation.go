package chain

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/chainpay-go/wechatpay/catalog"
)

// warnedLimit bounds the findings a client remembers having logged.
const warnedLimit = 4096

// validation is a client's catalogue check state.
type validation struct {
	mode   catalog.Mode
	warned sync.Map // "METHOD template\x00finding" → struct{}
	n      atomic.Int64
}

// callMode is the mode of one call: the "validation" option, else the
// client's Config.Validation.
func callMode(def catalog.Mode, opts O) (catalog.Mode, error) {
	v, ok := opts[keyValidation]
	if !ok || v == nil {
		return def, nil
	}
	m, ok := v.(catalog.Mode)
	if !ok || m < catalog.Warn || m > catalog.Off {
		return def, fmt.Errorf("%q must be a catalog.Mode (catalog.Warn, catalog.Strict or catalog.Off), got %T", keyValidation, v)
	}
	return m, nil
}

// checkCatalogue checks a built request against the API catalogue, before
// it is signed: Warn logs each finding once per template, Strict returns
// one *OptionsError listing every finding, Off does nothing.
func (c *Client) checkCatalogue(mode catalog.Mode, r *request, names []string, opts O, jsonBody, encryptor bool) error {
	if mode == catalog.Off || mode == catalog.Warn && c.logger == nil {
		return nil // nothing to do: Warn without a Logger would log nowhere
	}
	req := catalog.Request{Header: r.header, Encryptor: encryptor}
	if len(names) > 0 {
		req.PathVars = make(map[string]string, len(names))
		for _, n := range names {
			if s, err := scalar(opts[n]); err == nil {
				req.PathVars[n] = s
			}
		}
	}
	if i := strings.IndexByte(r.path, '?'); i >= 0 {
		req.Query, _ = url.ParseQuery(r.path[i+1:])
	}
	if jsonBody {
		req.Body = r.body
	}
	findings := catalog.Validate(r.method, r.template, req)
	if len(findings) == 0 {
		return nil
	}
	if mode == catalog.Strict {
		probs := make([]error, len(findings))
		for i, f := range findings {
			probs[i] = fmt.Errorf("catalogue: %w", f)
		}
		return &OptionsError{Method: r.method, BaseURL: r.baseURL, Template: r.template, Problems: probs}
	}
	if c.logger == nil {
		return nil
	}
	c.warnFindings(r, findings)
	return nil
}

// warnFindings logs each finding once per method and template (a bounded
// memory: past warnedLimit distinct findings, every one is logged).
func (c *Client) warnFindings(r *request, findings []catalog.Finding) {
	for _, f := range findings {
		key := r.method + " " + r.template + "\x00" + f.String()
		if _, seen := c.validation.warned.Load(key); seen {
			continue
		}
		if c.validation.n.Load() < warnedLimit {
			if _, loaded := c.validation.warned.LoadOrStore(key, struct{}{}); loaded {
				continue
			}
			c.validation.n.Add(1)
		}
		c.logger.LogAttrs(context.Background(), slog.LevelWarn, "wechatpay call does not match the API catalogue (sent anyway)",
			slog.String("method", r.method), slog.String("template", r.template),
			slog.String("location", string(f.Location)), slog.String("field", f.Field), slog.String("issue", f.Issue),
			slog.String("catalogue", catalog.SourceVersion))
	}
}
