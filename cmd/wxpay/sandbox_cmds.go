package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// adminHelp is how every admin subcommand finds the running sandbox.
const adminHelp = `

It talks to a running 'wxpay sandbox' through the sandbox's admin JSON API,
which the sandbox serves at /sandbox/admin/ on its own address. The API is
found from --admin URL, else $WXPAY_SANDBOX_ADMIN, else WECHATPAY_BASE_URL
in DIR/sandbox.env (--dir, default the sandbox's default folder), which the
sandbox writes at start. A sandbox bound to a non-loopback address demands
the token it prints at start: it is taken from $WXPAY_SANDBOX_TOKEN, else
from the same sandbox.env (and sent only to that file's sandbox). There is
no token flag: command lines are visible to every user of the machine.`

// sandboxAdminCommands are the subcommands of wxpay sandbox that steer a
// running sandbox: trigger, listen, resend, clock, reset.
func (a *app) sandboxAdminCommands() []*cobra.Command {
	return []*cobra.Command{a.triggerCommand(), a.listenCommand(), a.resendCommand(), a.clockCommand(), a.resetCommand()}
}

func (o *adminOptions) register(c *cobra.Command) {
	c.Flags().StringVar(&o.admin, "admin", "", "the sandbox's admin API URL, e.g. http://127.0.0.1:8080/sandbox/admin/ (default $"+envSandboxAdmin+", then DIR/sandbox.env)")
	c.Flags().StringVar(&o.dir, "dir", "", "the sandbox's folder, for its sandbox.env (default $XDG_CACHE_HOME/wxpay/sandbox or ~/.cache/wxpay/sandbox)")
}

// triggerOptions are the flags of wxpay sandbox trigger.
type triggerOptions struct {
	adminOptions
	url   string
	id    string
	total int64
	wait  time.Duration
}

func (a *app) triggerCommand() *cobra.Command {
	o := &triggerOptions{}
	c := &cobra.Command{
		Use:   "trigger EVENT [--id ID] [--url URL]",
		Short: "Run an event's fixture in the running sandbox and send its notification",
		Long: `trigger runs the fixture of EVENT in the running sandbox: a short sequence of
real, signed API calls, then the notification, delivered on the gateway's
retry schedule. TRANSACTION.SUCCESS creates a Native order and pays it as the
user; REFUND.SUCCESS refunds the paid order --id (an out_trade_no), or first
makes and pays one. An EVENT the sandbox has no fixture for is refused with
the list of those it has.

While a 'wxpay sandbox listen' runs, the notification goes to its URL;
otherwise to --url, the notify_url of what the fixture makes (one of the two
is needed). trigger prints the calls made and waits up to --wait for the
first delivery attempt, then prints its result. Exit status 1 when the
attempt failed (the notification stays queued for its next attempt).` + adminHelp,
		Example: `  wxpay sandbox trigger TRANSACTION.SUCCESS --url http://127.0.0.1:9000/notify
  wxpay sandbox trigger REFUND.SUCCESS --id 1217752501201407033233368018`,
		Args: exactArgs(1, "EVENT"),
		RunE: func(c *cobra.Command, args []string) error { return a.runTrigger(c, o, args[0]) },
	}
	o.register(c)
	c.Flags().StringVar(&o.url, "url", "", "the notify_url of what the fixture makes: where the notification goes unless a listen runs")
	c.Flags().StringVar(&o.id, "id", "", "the object the fixture starts from, e.g. the out_trade_no to refund (default: a new one)")
	c.Flags().Int64Var(&o.total, "total", 0, "the order's amount.total in fen (default the fixture's)")
	c.Flags().DurationVar(&o.wait, "wait", 15*time.Second, "how long to wait for the first delivery attempt (0: do not wait)")
	return c
}

// adminAttempt is one delivery attempt as the admin API shows it.
type adminAttempt struct {
	Time       time.Time `json:"time"`
	Status     int       `json:"status"`
	Error      string    `json:"error"`
	Response   string    `json:"response"`
	DurationMS float64   `json:"duration_ms"`
	Resend     bool      `json:"resend"`
}

// adminDelivery is one notification and its attempts.
type adminDelivery struct {
	ID          string         `json:"id"`
	EventType   string         `json:"event_type"`
	ObjectID    string         `json:"object_id"`
	URL         string         `json:"url"`
	State       string         `json:"state"`
	Created     time.Time      `json:"created"`
	NextAttempt time.Time      `json:"next_attempt"`
	Attempts    []adminAttempt `json:"attempts"`
}

func (a *app) runTrigger(c *cobra.Command, o *triggerOptions, event string) error {
	ac, err := a.adminClient(c, &o.adminOptions)
	if err != nil {
		return err
	}
	if o.url != "" {
		if err := checkHTTPURL("--url", o.url); err != nil {
			return err
		}
	}
	var res struct {
		EventType string        `json:"event_type"`
		ObjectID  string        `json:"object_id"`
		Calls     []string      `json:"calls"`
		Delivery  adminDelivery `json:"delivery"`
	}
	event = strings.ToUpper(event)
	var known struct {
		Triggers []string `json:"triggers"`
	}
	if err := ac.do(c.Context(), "GET", "events", nil, &known); err != nil {
		return err
	}
	if !slices.Contains(known.Triggers, event) {
		return usageErrorf("trigger %s: the sandbox has no fixture for it; it has %s", event, strings.Join(known.Triggers, ", "))
	}
	in := map[string]any{"event_type": event, "url": o.url, "id": o.id, "total": o.total}
	if err := ac.do(c.Context(), "POST", "trigger", in, &res); err != nil {
		return err
	}
	w := a.stdout
	fmt.Fprintf(w, "%s %s\n", res.EventType, res.ObjectID)
	for _, call := range res.Calls {
		fmt.Fprintf(w, "  %s\n", call)
	}
	d := res.Delivery
	fmt.Fprintf(w, "notification %s to %s\n", d.ID, d.URL)
	if o.wait <= 0 || d.ID == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(c.Context(), o.wait)
	defer cancel()
	d, err = ac.waitAttempt(ctx, d.ID, 0)
	if err != nil {
		if ctx.Err() != nil && c.Context().Err() == nil {
			fmt.Fprintf(w, "  no attempt within %s; 'wxpay sandbox listen' shows it when it comes\n", o.wait)
			return nil
		}
		return err
	}
	printAttempt(w, d, len(d.Attempts)-1)
	if last := d.Attempts[len(d.Attempts)-1]; !delivered(last) {
		return &exitErr{Code: exitError}
	}
	return nil
}

// waitAttempt waits until delivery id has more than n attempts.
func (ac *adminClient) waitAttempt(ctx context.Context, id string, n int) (adminDelivery, error) {
	var rev uint64
	for {
		var ch struct {
			Revision uint64 `json:"revision"`
		}
		var d adminDelivery
		if err := ac.do(ctx, "GET", "notifications/"+url.PathEscape(id), nil, &d); err != nil {
			return d, err
		}
		if len(d.Attempts) > n {
			return d, nil
		}
		if err := ac.do(ctx, "GET", "changes?wait=25s&since="+strconv.FormatUint(rev, 10), nil, &ch); err != nil {
			return d, err
		}
		rev = ch.Revision
	}
}

// delivered reports that an attempt succeeded: 200 or 204, as at the
// gateway (and the sandbox).
func delivered(at adminAttempt) bool {
	return at.Error == "" && (at.Status == http.StatusOK || at.Status == http.StatusNoContent)
}

// printAttempt prints attempt i of d on one line.
func printAttempt(w io.Writer, d adminDelivery, i int) {
	at := d.Attempts[i]
	kind := "attempt " + strconv.Itoa(i+1)
	if at.Resend {
		kind = "resend"
	}
	took := (time.Duration(at.DurationMS * float64(time.Millisecond))).Round(time.Millisecond)
	var result string
	switch {
	case at.Error != "":
		result = "failed: " + at.Error
	case delivered(at):
		result = fmt.Sprintf("%d in %s", at.Status, took)
	default:
		result = fmt.Sprintf("%d in %s: %s", at.Status, took, shorten(at.Response, 120))
	}
	if !delivered(at) && i == len(d.Attempts)-1 {
		switch {
		case d.State == "pending" && !d.NextAttempt.IsZero():
			result += "; next attempt " + d.NextAttempt.Format(time.RFC3339)
		case d.State == "failed":
			result += "; the retry schedule is exhausted"
		}
	}
	fmt.Fprintf(w, "  %s: %s\n", kind, result)
}

// shorten shortens s to one line of at most n runes.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "…"
	}
	return s
}

// checkHTTPURL refuses a URL a notification cannot go to.
func checkHTTPURL(flag, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageErrorf("%s %q: want an http:// or https:// URL", flag, raw)
	}
	return nil
}

// listenInterval is the shortest time between two reads of the
// notifications by listen.
const listenInterval = 200 * time.Millisecond

// listenOptions are the flags of wxpay sandbox listen.
type listenOptions struct {
	adminOptions
	forwardTo string
}

func (a *app) listenCommand() *cobra.Command {
	o := &listenOptions{}
	c := &cobra.Command{
		Use:   "listen --forward-to URL",
		Short: "Forward every notification of the running sandbox to URL and print each delivery",
		Long: `listen makes the running sandbox deliver every notification to --forward-to
instead of its notify_url, until interrupted (Ctrl-C or SIGTERM), and prints
each notification and the result of each delivery attempt on stdout, retries
and resends included. The receiver gets the notification signed and
encrypted as WeChat Pay sends it. When listen stops, forwarding stops.` + adminHelp,
		Example: `  wxpay sandbox listen --forward-to http://127.0.0.1:9000/notify &
  wxpay sandbox trigger TRANSACTION.SUCCESS`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error { return a.runListen(c, o) },
	}
	o.register(c)
	c.Flags().StringVar(&o.forwardTo, "forward-to", "", "the URL every notification goes to (required)")
	return c
}

func (a *app) runListen(c *cobra.Command, o *listenOptions) error {
	if o.forwardTo == "" {
		return usageErrorf("listen needs --forward-to URL")
	}
	if err := checkHTTPURL("--forward-to", o.forwardTo); err != nil {
		return err
	}
	ac, err := a.adminClient(c, &o.adminOptions)
	if err != nil {
		return err
	}
	ctx := c.Context()
	// What was there before is not news.
	seen := map[string]int{}
	var list struct {
		Notifications []adminDelivery `json:"notifications"`
	}
	var rev struct {
		Revision uint64 `json:"revision"`
	}
	if err := ac.do(ctx, "GET", "changes?wait=0s&since=0", nil, &rev); err != nil {
		return err
	}
	if err := ac.do(ctx, "GET", "notifications", nil, &list); err != nil {
		return err
	}
	for _, d := range list.Notifications {
		seen[d.ID] = len(d.Attempts)
	}
	if err := ac.do(ctx, "PUT", "forward", map[string]string{"url": o.forwardTo}, nil); err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := ac.do(sctx, "DELETE", "forward", nil, nil); err != nil {
			fmt.Fprintf(a.stderr, "wxpay: could not stop forwarding: %v\n", err)
			return
		}
		fmt.Fprintln(a.stderr, "wxpay sandbox listen: forwarding stopped")
	}()
	fmt.Fprintf(a.stderr, "wxpay sandbox listen: every notification goes to %s; Ctrl-C stops\n", o.forwardTo)
	pace := time.NewTicker(listenInterval)
	defer pace.Stop()
	for {
		// Every request to the sandbox is a change: a busy sandbox is read
		// at most once per listenInterval.
		select {
		case <-pace.C:
		case <-ctx.Done():
			return nil
		}
		if err := ac.do(ctx, "GET", "changes?wait=25s&since="+strconv.FormatUint(rev.Revision, 10), nil, &rev); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		list.Notifications = nil
		if err := ac.do(ctx, "GET", "notifications", nil, &list); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		now := make(map[string]int, len(list.Notifications)) // what the sandbox still holds: seen stays bounded
		for _, d := range list.Notifications {
			n, old := seen[d.ID]
			if !old {
				fmt.Fprintf(a.stdout, "%s %s %s (object %s) to %s\n", d.Created.Format(time.RFC3339), d.EventType, d.ID, d.ObjectID, d.URL)
			}
			for i := n; i < len(d.Attempts); i++ {
				printAttempt(a.stdout, d, i)
			}
			now[d.ID] = len(d.Attempts)
		}
		seen = now
	}
}

func (a *app) resendCommand() *cobra.Command {
	o := &adminOptions{}
	c := &cobra.Command{
		Use:   "resend ID",
		Short: "Deliver a notification of the running sandbox once more, now",
		Long: `resend makes one more delivery attempt of notification ID now (the id that
trigger and listen print), to its URL or the listen URL, records it with
the others and prints its result. Exit status 1 when the receiver did not
answer 200 or 204 (what the gateway takes for success).` + adminHelp,
		Example: `  wxpay sandbox resend EV-2026120305500001`,
		Args:    exactArgs(1, "ID"),
		RunE: func(c *cobra.Command, args []string) error {
			ac, err := a.adminClient(c, o)
			if err != nil {
				return err
			}
			var at adminAttempt
			if err := ac.do(c.Context(), "POST", "notifications/"+url.PathEscape(args[0])+"/resend", nil, &at); err != nil {
				return err
			}
			at.Resend = true
			printAttempt(a.stdout, adminDelivery{ID: args[0], Attempts: []adminAttempt{at}}, 0)
			if !delivered(at) {
				return &exitErr{Code: exitError}
			}
			return nil
		},
	}
	o.register(c)
	return c
}

// adminClock is the sandbox's clock as the admin API shows it.
type adminClock struct {
	Now    time.Time `json:"now"`
	Real   time.Time `json:"real"`
	Offset string    `json:"offset"`
}

func (a *app) clockCommand() *cobra.Command {
	o := &adminOptions{}
	c := &cobra.Command{
		Use:   "clock [advance DURATION]",
		Short: "Show or advance the running sandbox's business clock",
		Long: `clock prints the sandbox's business time, the real time and the offset
between them. 'clock advance DURATION' moves business time forward: orders
pass their time_expire and close, payscore orders time out, the trade bill of
each business day that ended appears. DURATION is a Go duration (90m, 2h,
1h30m) or whole days (3d). Signature timestamps stay on real time, so
clients' ±5 minute checks still hold. The clock cannot go back; 'wxpay
sandbox reset' puts it back to real time.` + adminHelp,
		Example: `  wxpay sandbox clock
  wxpay sandbox clock advance 2h
  wxpay sandbox clock advance 1d`,
		Args: func(c *cobra.Command, args []string) error {
			switch {
			case len(args) == 0:
				return nil
			case args[0] != "advance":
				return usageErrorf("unknown clock command %q: want 'clock' or 'clock advance DURATION'", args[0])
			case len(args) != 2:
				return usageErrorf("clock advance takes one DURATION, e.g. 2h")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			var d time.Duration
			if len(args) == 2 {
				var err error
				if d, err = parseAdvance(args[1]); err != nil {
					return err
				}
			}
			ac, err := a.adminClient(c, o)
			if err != nil {
				return err
			}
			var clk adminClock
			if len(args) == 2 {
				err = ac.do(c.Context(), "POST", "clock/advance", map[string]string{"duration": d.String()}, &clk)
			} else {
				err = ac.do(c.Context(), "GET", "clock", nil, &clk)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "business time %s (real %s, offset %s)\n", clk.Now.Format(time.RFC3339), clk.Real.Format(time.RFC3339), clk.Offset)
			return nil
		},
	}
	o.register(c)
	return c
}

// parseAdvance reads a clock advance: a Go duration or whole days ("3d").
func parseAdvance(s string) (time.Duration, error) {
	var d time.Duration
	var err error
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, perr := strconv.Atoi(days)
		if perr != nil || n < 0 || n > 3650 {
			err = fmt.Errorf("want whole days from 0 to 3650")
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		d, err = time.ParseDuration(s)
	}
	switch {
	case err != nil:
		return 0, usageErrorf("clock advance %q: %v (e.g. 90m, 2h, 1d)", s, err)
	case d < 0:
		return 0, usageErrorf("clock advance %q: the clock only goes forward", s)
	}
	return d, nil
}

func (a *app) resetCommand() *cobra.Command {
	o := &adminOptions{}
	c := &cobra.Command{
		Use:   "reset [SCENARIO]",
		Short: "Reset the running sandbox: everything, or one scenario's state",
		Long: `reset without SCENARIO puts the whole sandbox back as it started: every
scenario's state with its fixtures, the request records, the notifications,
outcome rules, faults, the clock and the listen URL. With SCENARIO it resets
that scenario's state and fixtures only (payscore, transactions, refunds,
partner, combine, transfers, media, bills, encbills: the sandbox names them
in its error when SCENARIO is unknown). Keys and settings are kept.` + adminHelp,
		Example: `  wxpay sandbox reset
  wxpay sandbox reset refunds`,
		Args: maxOneArg,
		RunE: func(c *cobra.Command, args []string) error {
			ac, err := a.adminClient(c, o)
			if err != nil {
				return err
			}
			scenario := ""
			if len(args) == 1 {
				scenario = args[0]
			}
			if err := ac.do(c.Context(), "POST", "reset", map[string]string{"scenario": scenario}, nil); err != nil {
				return err
			}
			if scenario == "" {
				fmt.Fprintln(a.stdout, "reset: everything")
			} else {
				fmt.Fprintf(a.stdout, "reset: scenario %s\n", scenario)
			}
			return nil
		},
	}
	o.register(c)
	return c
}
