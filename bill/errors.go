package bill

import (
	"errors"
	"fmt"
)

// Errors of reading a bill. Test for them with errors.Is; the *Error that
// wraps them names the line (and the column, where there is one).
var (
	// ErrMissingColumn: the header lacks a column the bill's kind needs.
	ErrMissingColumn = errors.New("bill: missing column")
	// ErrFieldCount: a row has another number of values than its header.
	ErrFieldCount = errors.New("bill: wrong number of values")
	// ErrQuote: a quoted value is not closed, or text follows its closing quote.
	ErrQuote = errors.New("bill: broken quoting")
	// ErrInvalidUTF8: a line is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("bill: invalid UTF-8")
	// ErrLineTooLong: a line is longer than MaxLineLength.
	ErrLineTooLong = errors.New("bill: line too long")
	// ErrNotNumber: an amount that is not a decimal number.
	ErrNotNumber = errors.New("bill: amount is not a number")
	// ErrNoSummary: the file ends before its summary (a truncated bill), or
	// the summary is malformed.
	ErrNoSummary = errors.New("bill: no summary")
	// ErrSummaryMismatch: a summary value differs from what the rows add up to.
	ErrSummaryMismatch = errors.New("bill: summary does not match the rows")
	// ErrNoColumn: an accessor was asked for a column the header lacks.
	ErrNoColumn = errors.New("bill: no such column")
	// ErrNotTime: a time value that is not "2006-01-02 15:04:05".
	ErrNotTime = errors.New("bill: not a time")
)

// Error is a problem at one line of a bill. Err is one of the sentinels
// above (or the error of the underlying io.Reader).
type Error struct {
	Line   int    // 1-based line number; 0 when the problem is the file as a whole
	Column string // the column concerned, if any
	Msg    string // what is wrong, without the prefix
	Err    error
}

func (e *Error) Error() string {
	s := "bill: "
	if e.Line > 0 {
		s += fmt.Sprintf("line %d: ", e.Line)
	}
	if e.Column != "" {
		s += "column " + e.Column + ": "
	}
	return s + e.Msg
}

func (e *Error) Unwrap() error { return e.Err }
