package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/chainpay-go/wechatpay/catalog"
)

// apiCommand is wxpay api: the catalogue of the WeChat Pay API.
func (a *app) apiCommand() *cobra.Command {
	c := group(&cobra.Command{
		Use:   "api",
		Short: "List, search and describe the operations of the WeChat Pay API",
		Long: `api reads the built-in catalogue of the WeChat Pay API (package catalog,
generated from TheNorthMemory/wechatpay-openapi, MIT): 1,155 operations of
APIv3, APIv2, Hong Kong and global, with their parameters and field trees.
Where the catalogue and the gateway disagree, the gateway wins.`,
	})
	ls := &cobra.Command{
		Use:   "ls [WORDS...]",
		Short: "List operations (method, template, title), all or those matching every word",
		Long: `ls prints one operation a line: method, template and official title. With
WORDS, only the operations whose method, template or title contains every
word (case-insensitive) are listed.`,
		Example: `  wxpay api ls
  wxpay api ls refund domestic
  wxpay api ls 支付分 sync`,
		RunE: func(c *cobra.Command, args []string) error { return a.runAPIList(args) },
	}
	show := operationCommand("show METHOD TEMPLATE",
		"Describe an operation: path variables, query, headers, body and response",
		`show prints what an operation takes and answers: its path variables, query
parameters and headers, and the request body and response field trees, with
required marks (*), types, formats, maxLength, examples and enums. TEMPLATE
may use any variable syntax and names ({id}, <id>, _id_) or be a concrete path.`,
		`  wxpay api show post v3/pay/transactions/jsapi
  wxpay api show get 'v3/refund/domestic/refunds/{out_refund_no}'`,
		func(op catalog.Operation) error { return showOperation(a.stdout, op, isTerminal(a.stdout)) })
	example := operationCommand("example METHOD TEMPLATE",
		"Print a ready wxpay command line for an operation, filled with example values",
		`example prints a wxpay command line that calls the operation with its
required path variables, query parameters, headers and body fields, filled
with the catalogue's example values. The merchant id fields (mchid, sp_mchid)
take WECHATPAY_MCHID when it is set, so that after loading a sandbox's env
file the line runs as it is against 'wxpay sandbox'. APIv2 (XML) and upload
operations have no such line: wxpay sends APIv3 JSON.`,
		`  set -a; . ~/.cache/wxpay/sandbox/sandbox.env; set +a
  wxpay api example post v3/pay/transactions/native
  eval "$(wxpay api example post v3/pay/transactions/native)"`,
		func(op catalog.Operation) error {
			line, err := exampleLine(op, a.env)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(a.stdout, line)
			return err
		})
	c.AddCommand(ls, show, example)
	return c
}

// operationCommand is a subcommand taking METHOD TEMPLATE of a catalogue
// operation (completed from the catalogue) and running run on it.
func operationCommand(use, short, long, example string, run func(catalog.Operation) error) *cobra.Command {
	return &cobra.Command{
		Use:               use,
		Short:             short,
		Long:              long,
		Example:           example,
		Args:              exactArgs(2, "METHOD TEMPLATE"),
		ValidArgsFunction: completeOperation,
		RunE: func(c *cobra.Command, args []string) error {
			op, err := lookupOperation(args[0], args[1])
			if err != nil {
				return err
			}
			return run(op)
		},
	}
}

// exactArgs is cobra.ExactArgs as a usage error naming the arguments.
func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErrorf("%s takes %s, got %d argument(s)", c.CommandPath(), names, len(args))
		}
		return nil
	}
}

// runAPIList is wxpay api ls.
func (a *app) runAPIList(words []string) error {
	ops := catalog.Search(words...)
	if len(ops) == 0 {
		return usageErrorf("no operation matches %s", strings.Join(words, " "))
	}
	color := isTerminal(a.stdout)
	var b strings.Builder
	for _, op := range ops {
		method := fmt.Sprintf("%-6s", op.Method)
		if color {
			method = ansiBold + method + ansiReset
		}
		b.WriteString(method)
		b.WriteString(" ")
		b.WriteString(op.Template)
		b.WriteString("  ")
		b.WriteString(op.Title)
		if op.Deprecated {
			b.WriteString(" (deprecated)")
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(a.stdout, b.String())
	return err
}

// lookupOperation finds an operation or says which are nearest.
func lookupOperation(method, template string) (catalog.Operation, error) {
	if op, ok := catalog.Lookup(method, template); ok {
		return op, nil
	}
	f := catalog.Validate(method, template, catalog.Request{})
	msg := fmt.Sprintf("%s %s is not in the catalogue", strings.ToUpper(method), template)
	if len(f) > 0 && len(f[0].Suggestions) > 0 {
		msg += "; did you mean " + strings.Join(f[0].Suggestions, ", or ") + "?"
	}
	return catalog.Operation{}, usageErrorf("%s (wxpay api ls WORDS searches it)", msg)
}

// completeOperation completes METHOD, then TEMPLATE from the catalogue.
func completeOperation(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	switch len(args) {
	case 0:
		return completeMethods(toComplete), cobra.ShellCompDirectiveNoFileComp
	case 1:
		return completeTemplates(args[0], toComplete), cobra.ShellCompDirectiveNoFileComp
	}
	return nil, cobra.ShellCompDirectiveNoFileComp
}

func completeMethods(toComplete string) []string {
	var out []string
	for _, m := range methods {
		if strings.HasPrefix(m, strings.ToLower(toComplete)) {
			out = append(out, m+"\tHTTP method")
		}
	}
	return out
}

// completeTemplates offers the catalogue's templates for method that start
// with toComplete (a leading "/" allowed), each with its title.
func completeTemplates(method, toComplete string) []string {
	method = strings.ToUpper(method)
	prefix := strings.TrimPrefix(toComplete, "/")
	var out []string
	for _, op := range catalog.All() {
		if op.Method != method || !strings.HasPrefix(op.Template, prefix) {
			continue
		}
		t := op.Template
		if strings.HasPrefix(toComplete, "/") {
			t = "/" + t
		}
		out = append(out, t+"\t"+strings.Join(strings.Fields(op.Title), " "))
	}
	return out
}
