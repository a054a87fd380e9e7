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
	Template string // as typed; the chain sends its literal text as written
	Req      *request
	Pretty   prettyMode
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
		return nil, usageErrorf("TEMPLATE %q: %w", p.Template, err)
	}
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
