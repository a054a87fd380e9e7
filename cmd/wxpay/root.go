package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// app holds what one run of wxpay works with: its streams, environment and flags.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	env            func(string) string
	g              *globalOptions

	// call flags
	jsonBody string
	pretty   string
	strict   bool // --strict: refuse a call that does not match the catalogue
}

// methods are the HTTP methods a call accepts (case-insensitive).
var methods = []string{"get", "post", "put", "patch", "delete"}

const rootLong = `wxpay calls WeChat Pay APIv3 from the command line, like httpie: requests are
signed with the merchant key, answers are verified against WeChat Pay's key
before anything is printed.

  wxpay METHOD TEMPLATE [ITEM...]

METHOD is get, post, put, patch or delete (any case). TEMPLATE is the API path,
e.g. v3/pay/transactions/out-trade-no/{out_trade_no}, sent as typed; {name}
(or <name>, or a whole _name_ or $name$ segment) marks a path variable. Each
ITEM is one of:

  name=value      a path variable if TEMPLATE names it, otherwise a JSON string
                  field of the body; dots nest: detail.paid_time=20091225091010
  name:=json      a raw JSON field: amount.total:=100, paid:=true, detail:='{"a":1}'
  name==value     a query parameter: mchid==1230000109
  Header:value    a request header: Wechatpay-Serial:PUB_KEY_ID_...
  --json @file    the whole body from a file (--json - reads stdin)

A backslash makes '=' or ':' part of a name (a\=b=c). Values are sent exactly as
typed. The verified JSON answer goes to stdout (pretty and coloured on a
terminal, raw bytes when piped); the status line and Request-ID go to stderr.

Each call is first checked against the built-in API catalogue ('wxpay api
ls', 'wxpay api show'): a path, field or value it does not know is a warning
on stderr and the call goes out anyway (the gateway decides); --strict
refuses such a call instead.

Configuration comes from flags, then WECHATPAY_* environment variables, then a
profile of the config file (--config, --profile; --mchid picks the profile of
that merchant, 'wxpay profiles' lists them without secrets). 'wxpay sandbox'
runs a local gateway and writes an env file for it.

Exit status: 0 on 2xx, 4 on 4xx, 5 on 5xx, 3 when verification fails,
2 on a usage or configuration error, 1 otherwise.`

const rootExample = `  wxpay post 'v3/payscore/payafter-orders/{out_order_no}/sync' \
      out_order_no=1234323JKHDFE1243252 appid=wxd678efh567hg6787 \
      service_id=500001 type=Order_Paid detail.paid_time=20091225091010
  wxpay get 'v3/pay/transactions/out-trade-no/{out_trade_no}' out_trade_no=1217752501201407033233368018 mchid==1230000109
  wxpay post v3/pay/transactions/native --json @order.json`

// rootCommand builds the command tree.
func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:     "wxpay METHOD TEMPLATE [ITEM...]",
		Short:   "Call WeChat Pay APIv3 from the command line",
		Long:    rootLong,
		Example: rootExample,
		Args:    a.checkCallArgs,
		RunE:    a.runCall,

		ValidArgsFunction: completeOperation, // METHOD, then TEMPLATE from the catalogue

		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &usageError{msg: err.Error(), err: err}
	})
	// Streams first: the completion commands capture the writer when made.
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	a.g.register(root.PersistentFlags())
	root.Flags().StringVar(&a.jsonBody, "json", "", "the whole request body: @FILE, - for stdin, or inline JSON")
	root.Flags().StringVar(&a.pretty, "pretty", string(prettyAuto), "stdout JSON: auto (all on a terminal, none when piped), all, format, colors, none")
	root.Flags().BoolVar(&a.strict, "strict", false, "refuse a call that does not match the API catalogue (default: warn on stderr and send)")
	root.AddCommand(
		a.sandboxCommand(),
		a.certificatesCommand(),
		a.notifyCommand(),
		a.signCommand(),
		a.downloadCommand(),
		a.apiCommand(),
		a.profilesCommand(),
	)
	// The help and completion commands are cobra's; completion covers
	// bash, zsh, fish and powershell.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			group(c) // an unknown shell is a usage error, not help
		}
	}
	return root
}

// checkCallArgs validates METHOD and the presence of TEMPLATE.
func (a *app) checkCallArgs(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return usageErrorf("missing METHOD and TEMPLATE")
	}
	m := strings.ToLower(args[0])
	ok := false
	for _, x := range methods {
		ok = ok || x == m
	}
	if !ok {
		var cmds []string
		for _, sc := range c.Commands() {
			if sc.IsAvailableCommand() {
				cmds = append(cmds, sc.Name())
			}
		}
		return usageErrorf("unknown METHOD or command %q: want get, post, put, patch or delete, or one of the commands %s",
			args[0], strings.Join(cmds, ", "))
	}
	if len(args) < 2 {
		return usageErrorf("missing TEMPLATE after %s", args[0])
	}
	return nil
}

// group makes a command that only holds subcommands: run alone or with an
// unknown subcommand, it is a usage error.
func group(c *cobra.Command) *cobra.Command {
	c.Args = func(c *cobra.Command, args []string) error {
		if len(args) > 0 {
			return usageErrorf("unknown command %q for %q", args[0], c.CommandPath())
		}
		return nil
	}
	c.RunE = func(c *cobra.Command, args []string) error {
		var names []string
		for _, sc := range c.Commands() {
			names = append(names, sc.Name())
		}
		return usageErrorf("%s needs a subcommand: %s", c.CommandPath(), strings.Join(names, ", "))
	}
	return c
}

// noArgs is cobra.NoArgs as a usage error.
func noArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("%s takes no arguments, got %q", c.CommandPath(), args[0])
	}
	return nil
}

// maxOneArg allows an optional single argument.
func maxOneArg(c *cobra.Command, args []string) error {
	if len(args) > 1 {
		return usageErrorf("%s takes at most one argument, got %d", c.CommandPath(), len(args))
	}
	return nil
}

// run executes wxpay with args and returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, env: env, g: newGlobalOptions()}
	root := a.rootCommand()
	if args == nil {
		args = []string{} // nil would make cobra read os.Args
	}
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	return a.report(cmd, err)
}

// report prints err (if any) and maps it to an exit status.
func (a *app) report(cmd *cobra.Command, err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitErr
	if errors.As(err, &ee) && ee.Err == nil {
		return ee.Code
	}
	code := exitCode(err)
	fmt.Fprintf(a.stderr, "wxpay: %v\n", err)
	if code == exitUsage && cmd != nil {
		fmt.Fprintf(a.stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return code
}
