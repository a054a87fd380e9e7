package bill

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// MaxLineLength bounds one line of a bill (1 MiB); a longer line is an
// error matching ErrLineTooLong, and memory stays bounded.
const MaxLineLength = 1 << 20

// readBuffer is the read-ahead buffer of a Reader.
const readBuffer = 64 << 10

// Reader reads a bill one record at a time:
//
//	rd := bill.NewReader(r, bill.TradeAll)
//	for rd.Next() {
//		rec := rd.Record()
//		fee, err := rec.Amount(bill.Fee)
//		…
//	}
//	if err := rd.Err(); err != nil { … } // hash, summary, syntax: the file is not good
//	sum := rd.Summary()
type Reader struct {
	br     *bufio.Reader
	kind   Kind
	line   int
	long   []byte // a line longer than the read buffer, assembled
	vals   []byte // the current line's values, backticks and quoting removed
	ends   []int  // end offset of each value in vals
	header []string
	index  map[string]int
	rec    Record

	sums    []runningSum
	flowCol int // index of FlowType, -1 when absent
	records int

	summary   *Summary
	err       error
	started   bool
	done      bool
	srcFailed bool // the underlying reader failed
}

// runningSum is one derivation as the rows go by.
type runningSum struct {
	d   derivation
	col int // index of the source column, -1 for a count
	n   int64
	sum Amount
}

// NewReader returns a Reader of the bill r holds. kind is the type the
// caller asked for (the header must then have its columns), or Detect to
// take it from the header (Reader.Kind tells which).
func NewReader(r io.Reader, kind Kind) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, readBuffer), kind: kind, flowCol: -1}
}

// Kind is the bill's type (after the first Next when NewReader had Detect).
func (r *Reader) Kind() Kind { return r.kind }

// Header returns the detail header's column names, in file order (after the
// first Next).
func (r *Reader) Header() []string { return append([]string(nil), r.header...) }

// Next reads the next record. It returns false at the end of the detail rows
// (once the summary is read and checked) or on the first error; Err then
// tells which.
func (r *Reader) Next() bool {
	if r.done {
		return false
	}
	if !r.started {
		r.started = true
		if err := r.readHeader(); err != nil {
			return r.fail(err)
		}
	}
	line, err := r.readLine()
	if err == io.EOF {
		return r.fail(&Error{Line: r.line, Msg: fmt.Sprintf("the file ends after %d records without its summary: the bill is incomplete", r.records), Err: ErrNoSummary})
	}
	if err != nil {
		return r.fail(err)
	}
	if len(line) == 0 || line[0] != '`' {
		// The summary header carries no backticks.
		return r.fail(r.readSummary(line))
	}
	if err := r.split(line); err != nil {
		return r.fail(err)
	}
	if len(r.ends) != len(r.header) {
		return r.fail(&Error{Line: r.line, Msg: fmt.Sprintf("%d values, but the header has %d columns", len(r.ends), len(r.header)), Err: ErrFieldCount})
	}
	r.rec.set(r, string(r.vals))
	if err := r.accumulate(); err != nil {
		return r.fail(err)
	}
	r.records++
	return true
}

// Record is the current record; it is overwritten by the next call to Next
// (the strings it returns stay valid). Use Record.Clone to keep one.
func (r *Reader) Record() *Record { return &r.rec }

// Err is the reason the last Next returned false: nil only when the whole
// bill was read, its summary matched the rows and the underlying reader
// ended cleanly (for a download stream: its hash matched).
func (r *Reader) Err() error { return r.err }

// Summary is the summary read and checked at the end; nil until Next has
// returned false. It is also set when the check failed, to show the figures.
func (r *Reader) Summary() *Summary { return r.summary }

// Count is the number of records Next has returned so far.
func (r *Reader) Count() int { return r.records }

// fail ends the reading with err. Unless err came from the underlying
// reader, the rest of it is read and discarded so that its own final error
// (a download's hash check) is reported too: a tampered download fails as
// tampered, whatever syntax error it caused first.
func (r *Reader) fail(err error) bool {
	r.done = true
	if err != nil && !r.srcFailed {
		if _, derr := io.Copy(io.Discard, r.br); derr != nil {
			err = errors.Join(err, r.readErr(derr))
		}
	}
	r.err = err
	return false
}

// readHeader reads the detail header, skipping a byte-order mark.
func (r *Reader) readHeader() error {
	if b, err := r.br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		r.br.Discard(3)
	}
	line, err := r.readLine()
	if err == io.EOF {
		return &Error{Line: 0, Msg: "empty file: no header", Err: ErrNoSummary}
	}
	if err != nil {
		return err
	}
	if err := r.split(line); err != nil {
		return err
	}
	s := string(r.vals)
	r.header = make([]string, len(r.ends))
	r.index = make(map[string]int, len(r.ends))
	start := 0
	for i, e := range r.ends {
		name := s[start:e]
		start = e
		r.header[i] = name
		if _, dup := r.index[name]; dup {
			return &Error{Line: r.line, Column: name, Msg: "the header names this column twice", Err: ErrFieldCount}
		}
		r.index[name] = i
	}
	detected := detectKind(r.index)
	if r.kind == Detect {
		r.kind = detected
	}
	var missing []string
	for _, c := range Columns(r.kind) {
		if _, ok := r.index[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return &Error{Line: r.line, Column: strings.Join(missing, ", "),
			Msg: fmt.Sprintf("missing from the header of a %s bill", r.kind), Err: ErrMissingColumn}
	}
	if i, ok := r.index[FlowType]; ok {
		r.flowCol = i
	}
	for _, d := range derivations {
		rs := runningSum{d: d, col: -1}
		if d.source != "" {
			i, ok := r.index[d.source]
			if !ok {
				continue // underivable: reported unchecked if the summary has it
			}
			rs.col = i
		}
		if d.filter != "" && r.flowCol < 0 {
			continue
		}
		r.sums = append(r.sums, rs)
	}
	r.rec.r = r
	return nil
}

// accumulate adds the current record to the running sums.
func (r *Reader) accumulate() error {
	for i := range r.sums {
		rs := &r.sums[i]
		if rs.d.filter != "" && r.rec.value(r.flowCol) != rs.d.filter {
			continue
		}
		rs.n++
		if rs.col < 0 {
			continue
		}
		v := r.rec.value(rs.col)
		a, ok := parseAmount(v)
		if !ok {
			return &Error{Line: r.line, Column: rs.d.source, Msg: fmt.Sprintf("amount %q is not a number", clip(v)), Err: ErrNotNumber}
		}
		if rs.sum, ok = rs.sum.Add(a); !ok {
			return &Error{Line: r.line, Column: rs.d.source, Msg: "the sum of this column overflows", Err: ErrNotNumber}
		}
	}
	return nil
}

// readLine returns the next line without its line break, valid until the
// next call. It returns io.EOF only when nothing is left.
func (r *Reader) readLine() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.long = append(r.long[:0], line...)
		for err == bufio.ErrBufferFull {
			if len(r.long) > MaxLineLength {
				return nil, &Error{Line: r.line + 1, Msg: fmt.Sprintf("longer than %d bytes", MaxLineLength), Err: ErrLineTooLong}
			}
			line, err = r.br.ReadSlice('\n')
			r.long = append(r.long, line...)
		}
		line = r.long
	}
	if err != nil && err != io.EOF {
		return nil, r.readErr(err)
	}
	if err == io.EOF && len(line) == 0 {
		return nil, io.EOF
	}
	r.line++
	if len(line) > MaxLineLength+1 {
		return nil, &Error{Line: r.line, Msg: fmt.Sprintf("longer than %d bytes", MaxLineLength), Err: ErrLineTooLong}
	}
	line = bytes.TrimSuffix(line, []byte{'\n'})
	line = bytes.TrimSuffix(line, []byte{'\r'})
	if !utf8.Valid(line) {
		return nil, &Error{Line: r.line, Msg: "not valid UTF-8", Err: ErrInvalidUTF8}
	}
	return line, nil
}

// readErr reports a failure of the underlying reader (for a download: the
// hash check, a truncated body) as it is, with the line reached.
func (r *Reader) readErr(err error) error {
	r.srcFailed = true
	return fmt.Errorf("bill: reading after line %d: %w", r.line, err)
}

// split parses a line into r.vals/r.ends: the values with their leading
// backtick and any quoting removed.
func (r *Reader) split(line []byte) error {
	r.vals, r.ends = r.vals[:0], r.ends[:0]
	i := 0
	for {
		if i < len(line) && line[i] == '`' {
			i++
		}
		if i < len(line) && line[i] == '"' {
			i++
			for {
				j := bytes.IndexByte(line[i:], '"')
				if j < 0 {
					return &Error{Line: r.line, Msg: fmt.Sprintf("value %d: quoted value not closed on its line", len(r.ends)+1), Err: ErrQuote}
				}
				r.vals = append(r.vals, line[i:i+j]...)
				i += j + 1
				if i < len(line) && line[i] == '"' {
					r.vals = append(r.vals, '"')
					i++
					continue
				}
				break
			}
			r.ends = append(r.ends, len(r.vals))
			if i == len(line) {
				return nil
			}
			if line[i] != ',' {
				return &Error{Line: r.line, Msg: fmt.Sprintf("value %d: text after the closing quote", len(r.ends)), Err: ErrQuote}
			}
			i++
			continue
		}
		j := bytes.IndexByte(line[i:], ',')
		if j < 0 {
			r.vals = append(r.vals, line[i:]...)
			r.ends = append(r.ends, len(r.vals))
			return nil
		}
		r.vals = append(r.vals, line[i:i+j]...)
		r.ends = append(r.ends, len(r.vals))
		i += j + 1
	}
}

// readSummary reads the summary header (line), the summary row, and checks
// that nothing but blank lines follows; then it checks the summary and
// reads the underlying reader to its end.
func (r *Reader) readSummary(line []byte) error {
	headLine := r.line
	if err := r.split(line); err != nil {
		return err
	}
	s := string(r.vals)
	cols := make([]string, len(r.ends))
	start := 0
	for i, e := range r.ends {
		cols[i], start = s[start:e], e
	}
	row, err := r.readLine()
	if err == io.EOF {
		return &Error{Line: headLine, Msg: "the file ends after the summary header, without the summary row: the bill is incomplete", Err: ErrNoSummary}
	}
	if err != nil {
		return err
	}
	rowLine := r.line
	if len(row) == 0 || row[0] != '`' {
		return &Error{Line: rowLine, Msg: "a summary row must follow the summary header (values starting with a backtick)", Err: ErrNoSummary}
	}
	if err := r.split(row); err != nil {
		return err
	}
	if len(r.ends) != len(cols) {
		return &Error{Line: rowLine, Msg: fmt.Sprintf("summary row has %d values, but the summary header has %d columns", len(r.ends), len(cols)), Err: ErrFieldCount}
	}
	s = string(r.vals)
	vals := make([]string, len(cols))
	start = 0
	for i, e := range r.ends {
		vals[i], start = s[start:e], e
	}
	// Nothing may follow but blank lines; reading to the end also surfaces
	// the underlying reader's final error (a download's hash check).
	var tail error
	for {
		l, err := r.readLine()
		if err == io.EOF {
			break
		}
		if err != nil {
			tail = err
			break
		}
		if len(bytes.TrimSpace(l)) != 0 {
			tail = &Error{Line: r.line, Msg: "text after the summary row", Err: ErrNoSummary}
			break
		}
	}
	r.summary = r.checkSummary(cols, vals, rowLine)
	return errors.Join(tail, r.summary.Err())
}
