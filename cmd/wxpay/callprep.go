package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/pathtpl"
)

// callPlan is a call checked and built from the command line, before any
// configuration is read or anything is sent.
type callPlan struct {
	Method   string // upper case
	Template string // as typed
	Req      *request
	Pretty   prettyMode
	Warnings []string
}

// maxJSONFile bounds --json input.
const maxJSONFile = 64 << 20

// prepareCall parses METHOD TEMPLATE [ITEM...] and --json/--pretty.
func (a *app) prepareCall(c *cobra.Command, args []string) (*callPlan, error) {
	mode, err := parsePrettyMode(a.pretty)
	if err != nil {
		return nil, err
	}
	p := &callPlan{Method: strings.ToUpper(args[0]), Template: args[1], Pretty: mode}
	tpl, err := pathtpl.ParseChain(p.Template)
	if err != nil {
		return nil, usageErrorf("TEMPLATE %q: %v", p.Template, err)
	}
	p.Warnings = literalWarnings(p.Template)
	var body []byte
	if c.Flags().Changed("json") {
		body, err = a.readJSONArg(a.jsonBody)
		if err != nil {
			return nil, err
		}
	}
	p.Req, err = buildRequest(args[2:], tpl.Names(), body)
	if err != nil {
		return nil, err
	}
	if p.Method == "GET" && p.Req.Body != nil {
		if p.Req.BodyItem == "" {
			return nil, usageErrorf("--json: a GET request carries no body")
		}
		it, _ := parseItem(p.Req.BodyItem)
		hint := ""
		if it.Kind == itemField {
			hint = fmt.Sprintf("; for a query parameter write %s==%s", it.Name, it.Value)
		}
		return nil, usageErrorf("item %q: a GET request carries no body%s", p.Req.BodyItem, hint)
	}
	return p, nil
}

// readJSONArg reads --json: @FILE, - for stdin, or inline JSON.
func (a *app) readJSONArg(v string) ([]byte, error) {
	var (
		data []byte
		err  error
		what string
	)
	switch {
	case v == "-":
		what = "stdin"
		data, err = io.ReadAll(io.LimitReader(a.stdin, maxJSONFile+1))
	case strings.HasPrefix(v, "@"):
		what = v[1:]
		var f *os.File
		if f, err = os.Open(v[1:]); err == nil {
			data, err = io.ReadAll(io.LimitReader(f, maxJSONFile+1))
			f.Close()
		}
		if errors.Is(err, os.ErrNotExist) {
			return nil, usageErrorf("--json %s: file does not exist", v)
		}
	default:
		what = "the --json value"
		data = []byte(v)
	}
	if err != nil {
		return nil, fmt.Errorf("--json: reading %s: %w", what, err)
	}
	if len(data) > maxJSONFile {
		return nil, usageErrorf("--json: %s is larger than %d bytes", what, maxJSONFile)
	}
	if !gjson.ValidBytes(data) {
		return nil, usageErrorf("--json: %s is not valid JSON", what)
	}
	return data, nil
}

// literalWarnings notes literal path segments that the chain syntax rewrites
// (camelCase → kebab-case) and that look like IDs: an ID belongs in a path
// variable, whose value is never changed.
func literalWarnings(template string) []string {
	path := template
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	norm := pathtpl.Normalize(path)
	if norm == path {
		return nil
	}
	in, out := strings.Split(path, "/"), strings.Split(norm, "/")
	if len(in) != len(out) {
		return nil
	}
	var w []string
	for i := range in {
		if in[i] != out[i] && strings.ContainsAny(in[i], "0123456789") && !strings.ContainsAny(in[i], "{<_") {
			w = append(w, fmt.Sprintf("path segment %q is sent as %q (chain syntax turns camelCase into kebab-case); "+
				"put IDs in a path variable instead: .../{id} id=%s", in[i], out[i], in[i]))
		}
	}
	return w
}
