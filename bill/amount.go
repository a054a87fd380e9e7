package bill

import (
	"fmt"
	"strconv"
)

// Amount is an exact decimal amount as written in a bill: Units × 10^-Scale
// yuan. "1.00" is {100, 2}; the fee "-0.34306" is {-34306, 5}. It is never a
// float: sums and comparisons are exact.
type Amount struct {
	units int64
	scale int8
}

// maxAmountDigits bounds the digits of an amount (an int64 holds 18).
const maxAmountDigits = 18

var pow10 = func() (p [maxAmountDigits + 1]int64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// ParseAmount reads a decimal such as "1.00", "-0.34306" or "12": an
// optional sign, digits, and optionally a point followed by digits (at most
// 18 digits in all).
func ParseAmount(s string) (Amount, error) {
	a, ok := parseAmount(s)
	if !ok {
		return Amount{}, fmt.Errorf("bill: amount %q: %w", clip(s), ErrNotNumber)
	}
	return a, nil
}

func parseAmount(s string) (Amount, bool) {
	i, neg := 0, false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	var u int64
	digits, scale, point := 0, 0, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
			if digits > maxAmountDigits {
				return Amount{}, false
			}
			u = u*10 + int64(c-'0')
			if point {
				scale++
			}
		case c == '.' && !point:
			point = true
		default:
			return Amount{}, false
		}
	}
	if digits == 0 || (point && scale == 0) {
		return Amount{}, false
	}
	if neg {
		u = -u
	}
	return Amount{units: u, scale: int8(scale)}, true
}

// Units is the amount in units of 10^-Scale yuan: for a column of two
// decimals, fen; for 手续费 (five decimals), 10^-5 yuan.
func (a Amount) Units() int64 { return a.units }

// Scale is the number of decimals the amount was written with.
func (a Amount) Scale() int { return int(a.scale) }

// In returns the amount in units of 10^-scale yuan (In(2) is fen). It fails
// when that would drop a non-zero digit or overflow.
func (a Amount) In(scale int) (int64, error) {
	if scale < 0 || scale > maxAmountDigits {
		return 0, fmt.Errorf("bill: scale %d out of range 0..%d", scale, maxAmountDigits)
	}
	s := int(a.scale)
	if scale >= s {
		v, ok := mul(a.units, pow10[scale-s])
		if !ok {
			return 0, fmt.Errorf("bill: amount %s overflows at %d decimals", a, scale)
		}
		return v, nil
	}
	d := pow10[s-scale]
	if a.units%d != 0 {
		return 0, fmt.Errorf("bill: amount %s has more than %d decimals", a, scale)
	}
	return a.units / d, nil
}

// String writes the amount with its own number of decimals.
func (a Amount) String() string {
	u := a.units
	neg := u < 0
	var digits []byte
	if neg {
		digits = strconv.AppendUint(nil, uint64(-u), 10) // -MinInt64 wraps to itself as uint64: still right
	} else {
		digits = strconv.AppendInt(nil, u, 10)
	}
	s := int(a.scale)
	for len(digits) <= s {
		digits = append([]byte{'0'}, digits...)
	}
	var out []byte
	if neg {
		out = append(out, '-')
	}
	out = append(out, digits[:len(digits)-s]...)
	if s > 0 {
		out = append(out, '.')
		out = append(out, digits[len(digits)-s:]...)
	}
	return string(out)
}

// Cmp compares two amounts by value: -1, 0 or +1. "1.0" equals "1.00".
func (a Amount) Cmp(b Amount) int {
	x, y, ok := align(a, b)
	if !ok {
		// Too far apart to align: the one with the larger magnitude wins.
		return cmpWide(a, b)
	}
	switch {
	case x.units < y.units:
		return -1
	case x.units > y.units:
		return 1
	}
	return 0
}

// Add returns a + b at the larger of the two scales; ok is false on
// overflow.
func (a Amount) Add(b Amount) (sum Amount, ok bool) {
	x, y, ok := align(a, b)
	if !ok {
		return Amount{}, false
	}
	s := x.units + y.units
	if (s > x.units) != (y.units > 0) {
		return Amount{}, false
	}
	return Amount{units: s, scale: x.scale}, true
}

// align brings two amounts to the same scale.
func align(a, b Amount) (Amount, Amount, bool) {
	switch {
	case a.scale < b.scale:
		u, ok := mul(a.units, pow10[b.scale-a.scale])
		return Amount{u, b.scale}, b, ok
	case a.scale > b.scale:
		u, ok := mul(b.units, pow10[a.scale-b.scale])
		return a, Amount{u, a.scale}, ok
	}
	return a, b, true
}

func mul(x, m int64) (int64, bool) {
	if x == 0 || m == 1 {
		return x, true
	}
	p := x * m
	if p/m != x {
		return 0, false
	}
	return p, true
}

// cmpWide compares amounts that do not fit one scale (only possible with
// extreme values), by sign and then by integer part.
func cmpWide(a, b Amount) int {
	ia, ib := a.units/pow10[a.scale], b.units/pow10[b.scale]
	switch {
	case ia < ib:
		return -1
	case ia > ib:
		return 1
	}
	// Same integer part: compare the fractions, both brought to 18 digits.
	fa, fb := a.units%pow10[a.scale], b.units%pow10[b.scale]
	fa *= pow10[maxAmountDigits-int(a.scale)]
	fb *= pow10[maxAmountDigits-int(b.scale)]
	switch {
	case fa < fb:
		return -1
	case fa > fb:
		return 1
	}
	return 0
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
