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

	client, resp, err := a.requestBill(c, path, query)
	if resp == nil {
		return err
	}
	if encrypted {
		return a.downloadEncryptedBill(c, o, client, resp.Body, showProgress)
	}
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
	err, outErr := a.deliverBill(o.out, bar,
		func(w io.Writer) (err error) {
			res, err = client.DownloadBill(c.Context(), bill, w, opts...)
			return err
		},
		func(path string) (err error) {
			res, err = client.DownloadBillToFile(c.Context(), bill, path, opts...)
			return err
		})
	if outErr != nil {
		return outErr
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
	fmt.Fprintf(a.stderr, "Bill %s of %s: %d bytes to %s, %s %s matches\n", o.kind, o.date, res.Written, where(o.out), res.HashType, res.Hash)
	return nil
}

// requestBill sends the bill request (path, query) and prints its status
// line. On failure resp is nil and err is what runDownloadBill returns.
func (a *app) requestBill(c *cobra.Command, path string, query map[string]string) (client *chain.Client, resp *chain.Response, err error) {
	s, err := a.g.resolve(c.Flags(), a.env)
	if err != nil {
		return nil, nil, err
	}
	if client, err = a.newClient(s, needVerifyKeys); err != nil {
		return nil, nil, err
	}
	resp, err = client.Chain(path).Get(c.Context(), chain.O{"query": query})
	if err != nil {
		return nil, nil, a.answer(resp, err, prettyAuto)
	}
	fmt.Fprintln(a.stderr, statusLine(resp.StatusCode, resp.RequestID))
	return client, resp, nil
}

// deliverBill runs a bill download to out: toFile for a file (which puts
// it in place only once it checked out), or, for standard output, toWriter
// into a temporary file that is copied to stdout only once the download
// succeeded: the hash is known only at the end. It returns the download's
// error, or the failure to write stdout (outErr). bar, when set, is finished
// after the download.
func (a *app) deliverBill(out string, bar *progressBar, toWriter func(io.Writer) error, toFile func(path string) error) (err, outErr error) {
	finish := func() {
		if bar != nil {
			bar.finish()
		}
	}
	if !isStdout(out) {
		err = toFile(out)
		finish()
		return err, nil
	}
	staged, err := os.CreateTemp("", "wxpay-bill-*")
	if err != nil {
		return nil, fmt.Errorf("download bill: %w", err)
	}
	defer func() {
		staged.Close()
		os.Remove(staged.Name())
	}()
	err = toWriter(staged)
	finish()
	if err != nil {
		return err, nil
	}
	if _, err = staged.Seek(0, io.SeekStart); err == nil {
		_, err = io.Copy(a.stdout, staged)
	}
	if err != nil {
		return nil, fmt.Errorf("download bill: writing to stdout: %w", err)
	}
	return nil, nil
}

// where names -o for messages.
func where(out string) string {
	if isStdout(out) {
		return "stdout"
	}
	return out
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
