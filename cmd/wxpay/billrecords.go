package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/chainpay-go/wechatpay/bill"
	"github.com/chainpay-go/wechatpay/chain"
)

// checkRecordFlags checks --format and --summary against the other flags.
func checkRecordFlags(o *billOptions) error {
	switch o.format {
	case "", "csv", "json", "table":
	default:
		return usageErrorf("--format %q: want csv, json or table", o.format)
	}
	if (o.format != "" || o.summary) && o.keepCompressed {
		return usageErrorf("--keep-compressed writes the file as served: it does not go with --format or --summary")
	}
	return nil
}

// printBillRecords streams the bill through bill.Reader and prints its
// records (--format) and/or its checked summary (--summary). The records
// are staged in a temporary file and reach stdout (or -o) only when the
// whole bill was read, its summary matched and its hash matched.
func (a *app) printBillRecords(c *cobra.Command, client *chain.Client, info chain.BillInfo, o *billOptions, opts []chain.DownloadOption, bar *progressBar) error {
	kind := bill.Detect
	if strings.EqualFold(o.kind, "fund") {
		kind = bill.Fund
	}
	stream, err := client.OpenBill(c.Context(), info, opts...)
	if err != nil {
		if bar != nil {
			bar.finish()
		}
		return a.answer(nil, err, prettyAuto)
	}
	defer stream.Close()

	dir := ""
	if !isStdout(o.out) {
		dir = filepath.Dir(o.out)
	}
	staged, err := os.CreateTemp(dir, ".wxpay-bill-*.part")
	if err != nil {
		return fmt.Errorf("download bill: %w", err)
	}
	defer func() {
		staged.Close()
		os.Remove(staged.Name())
	}()
	w := bufio.NewWriter(staged)
	rd := bill.NewReader(stream, kind)
	var cw *csv.Writer
	first := true
	for rd.Next() {
		rec := rd.Record()
		switch o.format {
		case "csv", "table": // table: rendered from the staged CSV at the end
			if first {
				cw = csv.NewWriter(w)
				cw.Write(rec.Columns())
			}
			vals := make([]string, rec.Len())
			for i := range vals {
				vals[i] = rec.Index(i)
			}
			cw.Write(vals)
		case "json":
			writeJSONRecord(w, rec)
		}
		first = false
	}
	if first && (o.format == "csv" || o.format == "table") && len(rd.Header()) > 0 {
		cw = csv.NewWriter(w) // no records: the header alone
		cw.Write(rd.Header())
	}
	if cw != nil {
		cw.Flush()
	}
	if bar != nil {
		bar.finish()
	}
	rerr := rd.Err()
	sum := rd.Summary()
	if o.summary && sum != nil {
		dst := a.stdout
		if o.format != "" || rerr != nil {
			dst = a.stderr
		}
		writeSummary(dst, sum)
	}
	if rerr != nil {
		code := exitError
		if errors.Is(rerr, chain.ErrHashMismatch) || errors.Is(rerr, bill.ErrSummaryMismatch) || errors.Is(rerr, bill.ErrNoSummary) {
			code = exitVerify
		}
		return &exitErr{Code: code, Err: fmt.Errorf("download bill: nothing printed: %w", rerr)}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("download bill: %w", err)
	}
	if o.format != "" {
		if err := a.deliver(staged, o); err != nil {
			return err
		}
	}
	res := stream.Result()
	fmt.Fprintf(a.stderr, "Bill %s of %s: %d records, summary checked (%d columns, %d unchecked), %s %s matches\n",
		o.kind, o.date, rd.Count(), len(sum.Checked), len(sum.Unchecked), res.HashType, res.Hash)
	return nil
}

// deliver copies the staged output to stdout, or renames it to -o.
func (a *app) deliver(staged *os.File, o *billOptions) error {
	if _, err := staged.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("download bill: %w", err)
	}
	toStdout := isStdout(o.out)
	if o.format == "table" {
		if toStdout {
			return renderTable(a.stdout, staged)
		}
		tmp, err := os.CreateTemp(filepath.Dir(o.out), ".wxpay-bill-*.part")
		if err != nil {
			return fmt.Errorf("download bill: %w", err)
		}
		defer os.Remove(tmp.Name())
		if err := renderTable(tmp, staged); err != nil {
			tmp.Close()
			return err
		}
		if err := tmp.Close(); err != nil {
			return fmt.Errorf("download bill: %w", err)
		}
		return os.Rename(tmp.Name(), o.out)
	}
	if toStdout {
		if _, err := io.Copy(a.stdout, staged); err != nil {
			return fmt.Errorf("download bill: writing to stdout: %w", err)
		}
		return nil
	}
	if err := staged.Sync(); err != nil {
		return fmt.Errorf("download bill: %w", err)
	}
	return os.Rename(staged.Name(), o.out)
}

// writeJSONRecord writes one record as a JSON object, keys in header order.
func writeJSONRecord(w *bufio.Writer, rec *bill.Record) {
	w.WriteByte('{')
	for i, c := range rec.Columns() {
		if i > 0 {
			w.WriteByte(',')
		}
		k, _ := json.Marshal(c)
		v, _ := json.Marshal(rec.Index(i))
		w.Write(k)
		w.WriteByte(':')
		w.Write(v)
	}
	w.WriteString("}\n")
}

// writeSummary prints the summary: each column, its value, and whether the
// rows confirmed it.
func writeSummary(w io.Writer, s *bill.Summary) {
	rows := [][]string{{"summary", "value", "rows", "check"}}
	for _, c := range s.Checked {
		state := "ok"
		if !c.OK {
			state = "MISMATCH"
		}
		rows = append(rows, []string{c.Column, c.Stated, c.Rows, state})
	}
	for _, col := range s.Unchecked {
		v, _ := s.Get(col)
		rows = append(rows, []string{col, v, "", "unchecked"})
	}
	writeAligned(w, rows)
}

// renderTable reads the staged CSV twice: once for the column widths, once
// to print; memory does not grow with the bill.
func renderTable(w io.Writer, staged *os.File) error {
	var widths []int
	if err := eachCSVRow(staged, func(row []string) { widths = widen(widths, row) }); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if err := eachCSVRow(staged, func(row []string) { writeRow(bw, row, widths) }); err != nil {
		return err
	}
	return bw.Flush()
}

// eachCSVRow calls fn with every row of the CSV file f, from its start.
func eachCSVRow(f *os.File, fn func([]string)) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("download bill: %w", err)
	}
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	for {
		row, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("download bill: %w", err)
		}
		fn(row)
	}
}

// widen grows widths to fit row.
func widen(widths []int, row []string) []int {
	for i, v := range row {
		if i >= len(widths) {
			widths = append(widths, 0)
		}
		widths[i] = max(widths[i], displayWidth(oneLine(v)))
	}
	return widths
}

func writeAligned(w io.Writer, rows [][]string) {
	var widths []int
	for _, row := range rows {
		widths = widen(widths, row)
	}
	bw := bufio.NewWriter(w)
	for _, row := range rows {
		writeRow(bw, row, widths)
	}
	bw.Flush()
}

// writeRow writes values padded to widths, two spaces apart; line breaks
// inside a value are shown as \n so that a row stays one line.
func writeRow(w *bufio.Writer, row []string, widths []int) {
	for i, v := range row {
		v = oneLine(v)
		if i > 0 {
			w.WriteString("  ")
		}
		w.WriteString(v)
		if i < len(row)-1 {
			w.WriteString(strings.Repeat(" ", widths[i]-displayWidth(v)))
		}
	}
	w.WriteByte('\n')
}

func oneLine(v string) string {
	if strings.ContainsAny(v, "\r\n\t") {
		v = strings.NewReplacer("\r", `\r`, "\n", `\n`, "\t", `\t`).Replace(v)
	}
	return v
}
