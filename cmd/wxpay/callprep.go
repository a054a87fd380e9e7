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
	Method   string            // upper case
	Template string            // as typed
	Send     string            // the template handed to the chain: literal text kept verbatim
	Literals map[string]string // its extra variables: wxpay_literal_N → literal text
	Display  *strings.Replacer // Send's expressions → the text as typed
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
	p.Send, p.Literals, p.Display = verbatimTemplate(p.Template, tpl.Names())
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

// verbatimTemplate keeps the literal text of TEMPLATE as typed. The chain
// syntax would turn a literal segment with capitals into kebab-case
// (ABCdef123 → ab-cdef123, an OpenID re-cased), so every literal run of the
// path that holds a capital becomes a reserved expansion {+wxpay_literal_N}
// of its own text, which pathtpl sends unchanged. {name}, <name> and a whole
// _name_ segment stay variables; the query part is left alone. names are the
// template's own variables (never reused for a literal). The result maps the
// sent template's expressions back to the text as typed, for messages.
func verbatimTemplate(template string, names []string) (tpl string, lits map[string]string, display *strings.Replacer) {
	taken := make(map[string]bool, len(names))
	for _, n := range names {
		taken[n] = true
	}
	lits = map[string]string{}
	var pairs []string
	var b strings.Builder
	n := 0
	literal := func(run string) {
		if !strings.ContainsFunc(run, func(r rune) bool { return 'A' <= r && r <= 'Z' }) {
			b.WriteString(run)
			return
		}
		n++
		name := fmt.Sprintf("wxpay_literal_%d", n)
		for taken[name] {
			n++
			name = fmt.Sprintf("wxpay_literal_%d", n)
		}
		lits[name] = run
		expr := "{+" + name + "}"
		pairs = append(pairs, expr, run)
		b.WriteString(expr)
	}
	segment := func(seg string) {
		if strings.HasPrefix(pathtpl.Normalize(seg), "{") && !strings.ContainsAny(seg, "{<") {
			b.WriteString(seg) // a whole _name_ segment: a variable
			return
		}
		for seg != "" {
			k := strings.IndexAny(seg, "{<")
			if k < 0 {
				literal(seg)
				return
			}
			literal(seg[:k])
			closer := "}"
			if seg[k] == '<' {
				closer = ">"
			}
			j := strings.Index(seg[k:], closer)
			if j < 0 {
				b.WriteString(seg[k:]) // unclosed: Parse reports it
				return
			}
			b.WriteString(seg[k : k+j+1])
			seg = seg[k+j+1:]
		}
	}
	start := 0
	for i := 0; i <= len(template); i++ {
		if i < len(template) {
			switch c := template[i]; c {
			case '{', '<':
				closer := byte('}')
				if c == '<' {
					closer = '>'
				}
				if j := strings.IndexByte(template[i+1:], closer); j >= 0 {
					i += j + 1
				}
				continue
			case '/':
			case '?', '#':
				segment(template[start:i])
				b.WriteString(template[i:])
				return b.String(), lits, strings.NewReplacer(pairs...)
			default:
				continue
			}
		}
		segment(template[start:i])
		if i < len(template) {
			b.WriteByte('/')
		}
		start = i + 1
	}
	return b.String(), lits, strings.NewReplacer(pairs...)
}

// displayError shows a chain error with the template as the user typed it.
type displayError struct {
	err error
	r   *strings.Replacer
}

func (e *displayError) Error() string { return e.r.Replace(e.err.Error()) }
func (e *displayError) Unwrap() error { return e.err }
