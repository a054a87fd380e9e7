package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/chainpay-go/wechatpay/chain"
)

// runDownloadBill asks for a bill, then downloads and hash-checks it.
func (a *app) runDownloadBill(c *cobra.Command, o *billOptions) error {
	if o.date == "" {
		return usageErrorf("missing --date YYYY-MM-DD")
	}
	if _, err := time.Parse("2006-01-02", o.date); err != nil {
		return usageErrorf("--date %q: want YYYY-MM-DD", o.date)
	}
	query := map[string]string{"bill_date": o.date}
	var path string
	encrypted := isEncryptedBill(o.kind)
	switch kind := strings.ToLower(o.kind); {
	case encrypted:
		var err error
		if path, query, err = encryptedBillQuery(o); err != nil {
			return err
		}
	case o.subMchID != "" || o.serviceID != "":
		return usageErrorf("--sub-mchid and --service-id are for --type sub-merchant and payscore")
	case kind == "trade":
		path = "v3/bill/tradebill"
		if o.accountType != "" {
			return usageErrorf("--account-type is for --type fund")
		}
		if o.billType != "" {
			query["bill_type"] = o.billType
		}
	case kind == "fund":
		path = "v3/bill/fundflowbill"
		if o.billType != "" {
			return usageErrorf("--bill-type is for --type trade")
		}
		if o.accountType != "" {
			query["account_type"] = o.accountType
		}
	default:
		return usageErrorf("--type %q: want trade, fund, or an encrypted bill: sub-merchant, ecommerce, payscore", o.kind)
	}
	if o.tarType != "" && !encrypted {
		query["tar_type"] = o.tarType
	}
	if o.keepCompressed && o.tarType == "" {
		return usageErrorf("--keep-compressed needs --tar-type GZIP")
	}
	if err := checkRecordFlags(o); err != nil {
		return err
	}
	if err := checkOutPath(o.out); err != nil {
		return err
	}
	var showProgress bool
	switch o.progress {
	case "auto":
		showProgress = isTerminal(a.stderr)
	case "always":
		showProgress = true
	case "never":
	default:
		return usageErrorf("--progress %q: want auto, always or never", o.progress)
	}

	if encrypted {
		return a.runDownloadEncryptedBill(c, o, path, query, showProgress)
	}
	s, err := a.g.resolve(c.Flags(), a.env)
	if err != nil {
		return err
	}
	client, err := a.newClient(s, needVerifyKeys)
	if err != nil {
		return err
	}
	resp, err := client.Chain(path).Get(c.Context(), chain.O{"query": query})
	if err != nil {
		return a.answer(resp, err, prettyAuto)
	}
	fmt.Fprintln(a.stderr, statusLine(resp.StatusCode, resp.RequestID))
	bill, err := chain.ParseBillInfo(resp.Body)
	if err != nil {
		return err
	}

	var opts []chain.DownloadOption
	var bar *progressBar
	if showProgress {
		bar = &progressBar{w: a.stderr}
		opts = append(opts, chain.WithProgress(bar.update))
	}
	if o.keepCompressed {
		opts = append(opts, chain.KeepCompressed())
	}
	if o.format != "" || o.summary {
		return a.printBillRecords(c, client, bill, o, opts, bar)
	}
	var res *chain.DownloadResult
	toStdout := isStdout(o.out)
	var staged *os.File
	if toStdout {
		// The hash is known only at the end: stage the bill in a temporary
		// file so that stdout gets nothing unless it matches.
		if staged, err = os.CreateTemp("", "wxpay-bill-*"); err != nil {
			return fmt.Errorf("download bill: %w", err)
		}
		defer func() {
			staged.Close()
			os.Remove(staged.Name())
		}()
		res, err = client.DownloadBill(c.Context(), bill, staged, opts...)
	} else {
		res, err = client.DownloadBillToFile(c.Context(), bill, o.out, opts...)
	}
	if bar != nil {
		bar.finish()
	}
	if err == nil && toStdout {
		if _, err = staged.Seek(0, io.SeekStart); err == nil {
			_, err = io.Copy(a.stdout, staged)
		}
		if err != nil {
			return fmt.Errorf("download bill: writing to stdout: %w", err)
		}
	}
	if err != nil {
		if errors.Is(err, chain.ErrHashMismatch) {
			return &exitErr{Code: exitVerify, Err: err}
		}
		if res != nil && res.StatusCode != 0 {
			fmt.Fprintln(a.stderr, statusLine(res.StatusCode, res.RequestID))
		}
		return a.answer(nil, err, prettyAuto)
	}
	where := o.out
	if toStdout {
		where = "stdout"
	}
	fmt.Fprintf(a.stderr, "Bill %s of %s: %d bytes to %s, %s %s matches\n", o.kind, o.date, res.Written, where, res.HashType, res.Hash)
	return nil
}

// isStdout tells whether -o names standard output: nothing, "-" or an
// explicit /dev/stdout (written through a.stdout, never replaced by a file).
func isStdout(out string) bool {
	return out == "" || out == "-" || out == "/dev/stdout"
}

// progressBar draws a one-line progress bar on a terminal.
type progressBar struct {
	w     io.Writer
	mu    sync.Mutex
	last  time.Time
	drawn bool
	shown int64 // received count last drawn
	width int   // widest line drawn, so that a shorter redraw blanks the rest
	recv  int64
	total int64
}

// update is the chain.WithProgress callback; it redraws at most 10 times a second.
func (p *progressBar) update(received, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.recv, p.total = received, total
	if p.drawn && received == p.shown {
		return
	}
	if now := time.Now(); now.Sub(p.last) >= 100*time.Millisecond || (total > 0 && received >= total) {
		p.last = now
		p.draw()
	}
}

func (p *progressBar) draw() {
	const width = 30
	var line string
	if p.total > 0 {
		frac := float64(p.recv) / float64(p.total)
		if frac > 1 {
			frac = 1
		}
		n := int(frac * width)
		line = fmt.Sprintf("[%s%s] %3.0f%% %s / %s", strings.Repeat("=", n), strings.Repeat(" ", width-n), frac*100, byteSize(p.recv), byteSize(p.total))
	} else {
		line = byteSize(p.recv)
	}
	pad := p.width - len(line)
	if pad < 0 {
		pad, p.width = 0, len(line)
	}
	fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", pad))
	p.drawn, p.shown = true, p.recv
}

// finish draws the final state and ends the line.
func (p *progressBar) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.drawn && p.recv == 0 {
		return
	}
	if !p.drawn || p.shown != p.recv {
		p.draw()
	}
	fmt.Fprintln(p.w)
}

// byteSize formats n bytes for humans.
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
