package catalog

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxNesting bounds the depth of JSON the scanner follows (hostile input
// cannot exhaust the stack).
const maxNesting = 256

// errSyntax is any malformed JSON.
var errSyntax = errors.New("invalid JSON")

// scanner reads JSON from a string without building a tree: the catalogue
// decoder and the validator walk values with it. Strings without escapes
// are returned as substrings of the input (no copy).
type scanner struct {
	s     string
	i     int
	depth int
}

func (sc *scanner) ws() {
	for sc.i < len(sc.s) {
		switch sc.s[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte (0 at the end).
func (sc *scanner) peek() byte {
	sc.ws()
	if sc.i < len(sc.s) {
		return sc.s[sc.i]
	}
	return 0
}

// expect consumes byte c after spaces.
func (sc *scanner) expect(c byte) error {
	if sc.peek() != c {
		return errSyntax
	}
	sc.i++
	return nil
}

// str reads a JSON string.
func (sc *scanner) str() (string, error) {
	if sc.peek() != '"' {
		return "", errSyntax
	}
	start := sc.i + 1
	for j := start; j < len(sc.s); j++ {
		c := sc.s[j]
		switch {
		case c == '"':
			sc.i = j + 1
			return sc.s[start:j], nil
		case c == '\\':
			return sc.unescape(start)
		case c < 0x20:
			return "", errSyntax
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(sc.s[j:])
			if r == utf8.RuneError && size == 1 {
				return "", errSyntax
			}
			j += size - 1
		}
	}
	return "", errSyntax
}

// unescape reads a string with escapes from start (just after the quote).
func (sc *scanner) unescape(start int) (string, error) {
	var b strings.Builder
	for j := start; j < len(sc.s); {
		c := sc.s[j]
		switch {
		case c == '"':
			sc.i = j + 1
			return b.String(), nil
		case c < 0x20:
			return "", errSyntax
		case c != '\\':
			r, size := utf8.DecodeRuneInString(sc.s[j:])
			if r == utf8.RuneError && size == 1 {
				return "", errSyntax
			}
			b.WriteString(sc.s[j : j+size])
			j += size
			continue
		}
		if j+1 >= len(sc.s) {
			return "", errSyntax
		}
		switch e := sc.s[j+1]; e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, n, ok := hex4(sc.s, j+2)
			if !ok {
				return "", errSyntax
			}
			j += 6
			if utf16.IsSurrogate(r) {
				if r2, _, ok2 := hex4(sc.s, j+2); ok2 && j+1 < len(sc.s) && sc.s[j] == '\\' && sc.s[j+1] == 'u' {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						b.WriteRune(d)
						j += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			_ = n
			b.WriteRune(r)
			continue
		default:
			return "", errSyntax
		}
		j += 2
	}
	return "", errSyntax
}

// hex4 reads four hex digits at s[i:].
func hex4(s string, i int) (rune, int, bool) {
	if i+4 > len(s) {
		return 0, 0, false
	}
	v, err := strconv.ParseUint(s[i:i+4], 16, 16)
	if err != nil {
		return 0, 0, false
	}
	return rune(v), 4, true
}

// number reads a JSON number and returns its text.
func (sc *scanner) number() (string, error) {
	sc.ws()
	s, i := sc.s, sc.i
	start := i
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		i = digits(s, i)
	default:
		return "", errSyntax
	}
	if i < len(s) && s[i] == '.' {
		if d := digits(s, i+1); d > i+1 {
			i = d
		} else {
			return "", errSyntax
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if d := digits(s, i); d > i {
			i = d
		} else {
			return "", errSyntax
		}
	}
	sc.i = i
	return s[start:i], nil
}

// digits returns the index after the decimal digits at s[i:].
func digits(s string, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

// literal reads true, false or null.
func (sc *scanner) literal(word string) error {
	sc.ws()
	if !strings.HasPrefix(sc.s[sc.i:], word) {
		return errSyntax
	}
	sc.i += len(word)
	return nil
}

// skip reads any value and returns its text.
func (sc *scanner) skip() (string, error) {
	c := sc.peek()
	start := sc.i
	var err error
	switch {
	case c == '"':
		_, err = sc.str()
	case c == '{':
		err = sc.each('{', '}', func() error {
			if _, err := sc.str(); err != nil {
				return err
			}
			if err := sc.expect(':'); err != nil {
				return err
			}
			_, err := sc.skip()
			return err
		})
	case c == '[':
		err = sc.each('[', ']', func() error { _, err := sc.skip(); return err })
	case c == 't':
		err = sc.literal("true")
	case c == 'f':
		err = sc.literal("false")
	case c == 'n':
		err = sc.literal("null")
	default:
		_, err = sc.number()
	}
	if err != nil {
		return "", err
	}
	return sc.s[start:sc.i], nil
}

// each reads an object or array, calling member for each element; for an
// object member reads the key, the colon and the value itself.
func (sc *scanner) each(open, close byte, member func() error) error {
	if err := sc.expect(open); err != nil {
		return err
	}
	sc.depth++
	if sc.depth > maxNesting {
		return errSyntax
	}
	defer func() { sc.depth-- }()
	if sc.peek() == close {
		sc.i++
		return nil
	}
	for {
		if err := member(); err != nil {
			return err
		}
		switch sc.peek() {
		case ',':
			sc.i++
		case close:
			sc.i++
			return nil
		default:
			return errSyntax
		}
	}
}

// end reports whether only spaces are left.
func (sc *scanner) end() bool {
	sc.ws()
	return sc.i == len(sc.s)
}
