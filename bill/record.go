package bill

import (
	"fmt"
	"strings"
	"time"
)

// Beijing is the time zone of every time in a bill: UTC+8, no daylight saving.
var Beijing = time.FixedZone("CST", 8*60*60)

// TimeLayout is how a bill writes times.
const TimeLayout = "2006-01-02 15:04:05"

// Record is one detail row of a bill. Its values are as written, without the
// leading backtick (and quoting); Get and String also remove the bill's
// escaped line breaks (the text \r and \n) from 备注 and 业务凭证号.
type Record struct {
	r      *Reader
	header []string
	index  map[string]int
	line   int
	s      string // every value, concatenated
	ends   []int
}

func (rec *Record) set(r *Reader, s string) {
	rec.header, rec.index, rec.line, rec.s = r.header, r.index, r.line, s
	rec.ends = append(rec.ends[:0], r.ends...)
}

// Clone returns a copy of rec that the next call to Next does not change.
func (rec *Record) Clone() *Record {
	c := *rec
	c.r = nil
	c.ends = append([]int(nil), rec.ends...)
	return &c
}

// Line is the record's line number in the file (1-based; the header is line 1).
func (rec *Record) Line() int { return rec.line }

// Columns returns the header's column names in file order, unknown ones included.
func (rec *Record) Columns() []string { return append([]string(nil), rec.header...) }

// Len is the number of values.
func (rec *Record) Len() int { return len(rec.ends) }

// value is the i-th value as stored.
func (rec *Record) value(i int) string {
	start := 0
	if i > 0 {
		start = rec.ends[i-1]
	}
	return rec.s[start:rec.ends[i]]
}

// Index is the i-th value (file order), cleaned as Get cleans it.
func (rec *Record) Index(i int) string {
	return clean(rec.header[i], rec.value(i))
}

// Get returns the value of column col and whether the header has it. Any
// column the header names can be read, documented or not.
func (rec *Record) Get(col string) (string, bool) {
	i, ok := rec.index[col]
	if !ok {
		return "", false
	}
	return clean(col, rec.value(i)), true
}

// String is Get without the flag: "" for a column the header lacks.
func (rec *Record) String(col string) string {
	v, _ := rec.Get(col)
	return v
}

// Raw returns the value of col as written, without its backtick but with
// the escaped line breaks kept.
func (rec *Record) Raw(col string) (string, bool) {
	i, ok := rec.index[col]
	if !ok {
		return "", false
	}
	return rec.value(i), true
}

// Map returns every column and its value (cleaned as Get cleans them).
func (rec *Record) Map() map[string]string {
	m := make(map[string]string, len(rec.header))
	for i, c := range rec.header {
		m[c] = rec.Index(i)
	}
	return m
}

// Amount reads col as an exact decimal.
func (rec *Record) Amount(col string) (Amount, error) {
	v, err := rec.need(col)
	if err != nil {
		return Amount{}, err
	}
	a, ok := parseAmount(v)
	if !ok {
		return Amount{}, &Error{Line: rec.line, Column: col, Msg: fmt.Sprintf("amount %q is not a number", clip(v)), Err: ErrNotNumber}
	}
	return a, nil
}

// Percent reads a percentage such as 费率 "0.60%" as the exact number of
// percent (0.60).
func (rec *Record) Percent(col string) (Amount, error) {
	v, err := rec.need(col)
	if err != nil {
		return Amount{}, err
	}
	a, ok := parseAmount(strings.TrimSuffix(v, "%"))
	if !ok {
		return Amount{}, &Error{Line: rec.line, Column: col, Msg: fmt.Sprintf("percentage %q is not a number", clip(v)), Err: ErrNotNumber}
	}
	return a, nil
}

// Time reads col ("2019-06-11 10:07:32", Beijing time) as a time.Time in
// Beijing. An empty value is the zero Time and no error (a refund column of
// a payment, for example).
func (rec *Record) Time(col string) (time.Time, error) {
	v, err := rec.need(col)
	if err != nil || v == "" {
		return time.Time{}, err
	}
	t, err := time.ParseInLocation(TimeLayout, v, Beijing)
	if err != nil {
		return time.Time{}, &Error{Line: rec.line, Column: col, Msg: fmt.Sprintf("time %q is not %s", clip(v), TimeLayout), Err: ErrNotTime}
	}
	return t, nil
}

func (rec *Record) need(col string) (string, error) {
	v, ok := rec.Get(col)
	if !ok {
		return "", &Error{Line: rec.line, Column: col, Msg: "the header has no such column", Err: ErrNoColumn}
	}
	return v, nil
}

// clean removes the escaped line breaks of the columns that have them.
func clean(col, v string) string {
	if (col == Remark || col == VoucherNo) && strings.Contains(v, `\`) {
		v = strings.ReplaceAll(v, `\r`, "")
		v = strings.ReplaceAll(v, `\n`, "")
	}
	return v
}
