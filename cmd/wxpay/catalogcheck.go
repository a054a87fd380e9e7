package main

import (
	"fmt"
	"strings"

	"github.com/chainpay-go/wechatpay/catalog"
)

// checkCatalogue checks a planned call against the catalogue before any
// configuration is read or anything is sent. By default (Warn) each
// finding is printed to stderr and the call goes out anyway: where the
// catalogue and the gateway disagree, the gateway wins. With --strict the
// call is refused, with every finding in one usage error (exit 2).
func (a *app) checkCatalogue(p *callPlan) error {
	mode := catalog.Warn
	if a.strict {
		mode = catalog.Strict
	}
	if mode == catalog.Off {
		return nil
	}
	findings := catalog.Validate(p.Method, p.Template, catalog.Request{
		PathVars: p.Req.PathVars,
		Query:    p.Req.Query,
		Header:   p.Req.Header,
		Body:     p.Req.Body,
	})
	if len(findings) == 0 {
		return nil
	}
	if mode == catalog.Strict {
		lines := make([]string, len(findings))
		for i, f := range findings {
			lines[i] = "  " + f.String()
		}
		return usageErrorf("--strict: %s %s does not match the catalogue (version %s), nothing sent:\n%s",
			p.Method, p.Template, catalog.SourceVersion, strings.Join(lines, "\n"))
	}
	for _, f := range findings {
		fmt.Fprintf(a.stderr, "wxpay: warning: %s (the catalogue says; sent anyway, --strict refuses)\n", f)
	}
	return nil
}
