package bill

import (
	"errors"
	"fmt"
	"strconv"
)

// Summary is a bill's summary row, and how it compares with the rows.
type Summary struct {
	Line    int      // line number of the summary row
	Columns []string // summary header, in file order
	Values  []string // summary values, backticks removed
	Records int      // detail records read

	// Checked are the summary columns the rows determine, each with the
	// value the file states and the value the rows give.
	Checked []Check
	// Unchecked are the summary columns the reader cannot derive from the
	// rows (an unknown column, or one whose source column the header lacks).
	// They are NOT verified.
	Unchecked []string
}

// Check is one summary column compared with the rows.
type Check struct {
	Column string
	Stated string // as written in the summary
	Rows   string // what the detail rows add up to
	OK     bool
	Err    error // the mismatch or the unreadable summary value, when not OK
}

// Get returns a summary value by column.
func (s *Summary) Get(col string) (string, bool) {
	for i, c := range s.Columns {
		if c == col {
			return s.Values[i], true
		}
	}
	return "", false
}

// Err joins the failed checks; nil when every checked column matched.
func (s *Summary) Err() error {
	var errs []error
	for _, c := range s.Checked {
		if !c.OK {
			errs = append(errs, c.Err)
		}
	}
	return errors.Join(errs...)
}

func (r *Reader) checkSummary(cols, vals []string, line int) *Summary {
	s := &Summary{Line: line, Columns: cols, Values: vals, Records: r.records}
	for i, col := range cols {
		rs := r.sumFor(col)
		if rs == nil {
			s.Unchecked = append(s.Unchecked, col)
			continue
		}
		stated := vals[i]
		c := Check{Column: col, Stated: stated}
		if rs.col < 0 {
			c.Rows = strconv.FormatInt(rs.n, 10)
			n, err := strconv.ParseInt(stated, 10, 64)
			switch {
			case err != nil:
				c.Err = &Error{Line: line, Column: col, Msg: fmt.Sprintf("count %q is not a whole number", clip(stated)), Err: ErrNotNumber}
			case n != rs.n:
				c.Err = &Error{Line: line, Column: col, Msg: fmt.Sprintf("summary says %d, the rows count %d", n, rs.n), Err: ErrSummaryMismatch}
			default:
				c.OK = true
			}
		} else {
			c.Rows = rs.sum.String()
			if rs.n == 0 {
				c.Rows = "0"
			}
			a, ok := parseAmount(stated)
			switch {
			case !ok:
				c.Err = &Error{Line: line, Column: col, Msg: fmt.Sprintf("amount %q is not a number", clip(stated)), Err: ErrNotNumber}
			case a.Cmp(rs.sum) != 0:
				c.Err = &Error{Line: line, Column: col, Msg: fmt.Sprintf("summary says %s, the rows of %s add up to %s", stated, rs.d.source, c.Rows), Err: ErrSummaryMismatch}
			default:
				c.OK = true
			}
		}
		s.Checked = append(s.Checked, c)
	}
	return s
}

func (r *Reader) sumFor(col string) *runningSum {
	for i := range r.sums {
		if r.sums[i].d.summary == col {
			return &r.sums[i]
		}
	}
	return nil
}
