package pathtpl

import "unicode/utf8"

// Character classes from RFC 3986 / RFC 6570.
const (
	classUnreserved = 1 << iota // ALPHA / DIGIT / "-" / "." / "_" / "~"
	classReserved               // gen-delims / sub-delims
	classLiteral                // ASCII allowed verbatim in a template literal (RFC 6570 §2.1)
	classVarchar                // ALPHA / DIGIT / "_" (pct-encoded handled separately)
	classHex                    // HEXDIG
)

var charClass [256]uint8

func init() {
	for c := 'a'; c <= 'z'; c++ {
		charClass[c] |= classUnreserved | classVarchar
	}
	for c := 'A'; c <= 'Z'; c++ {
		charClass[c] |= classUnreserved | classVarchar
	}
	for c := '0'; c <= '9'; c++ {
		charClass[c] |= classUnreserved | classVarchar | classHex
	}
	for _, c := range "abcdefABCDEF" {
		charClass[c] |= classHex
	}
	charClass['_'] |= classVarchar
	for _, c := range "-._~" {
		charClass[c] |= classUnreserved
	}
	for _, c := range ":/?#[]@!$&'()*+,;=" {
		charClass[c] |= classReserved
	}
	// RFC 6570 §2.1: %x21 / %x23-24 / %x26 / %x28-3B / %x3D / %x3F-5B / %x5D / %x5F / %x61-7A / %x7E
	lit := func(lo, hi byte) {
		for c := int(lo); c <= int(hi); c++ {
			charClass[c] |= classLiteral
		}
	}
	lit(0x21, 0x21)
	lit(0x23, 0x24)
	lit(0x26, 0x27) // "'" too: RFC 6570 §2.1 leaves it out, but the spec's own examples use it
	lit(0x28, 0x3B)
	lit(0x3D, 0x3D)
	lit(0x3F, 0x5B)
	lit(0x5D, 0x5D)
	lit(0x5F, 0x5F)
	lit(0x61, 0x7A)
	lit(0x7E, 0x7E)
}

const upperHex = "0123456789ABCDEF"

func isHex(c byte) bool { return charClass[c]&classHex != 0 }

// isPctTriplet reports whether s[i:] starts with a valid "%XX" triplet.
func isPctTriplet(s string, i int) bool {
	return i+2 < len(s) && s[i] == '%' && isHex(s[i+1]) && isHex(s[i+2])
}

func appendPct(buf []byte, c byte) []byte {
	return append(buf, '%', upperHex[c>>4], upperHex[c&15])
}

// needsEncoding reports whether s contains a byte outside the unreserved set.
func needsEncoding(s string) bool {
	for i := 0; i < len(s); i++ {
		if charClass[s[i]]&classUnreserved == 0 {
			return true
		}
	}
	return false
}

// appendEncoded appends s percent-encoded. With reserved set (operators "+"
// and "#") reserved characters and existing %XX triplets are kept; otherwise
// only unreserved characters are kept and every other byte of the UTF-8
// encoding is written as %XX. "/", "?", "#", "%", CR, LF and NUL are always
// encoded when reserved is false.
func appendEncoded(buf []byte, s string, reserved bool) []byte {
	if !reserved {
		if !needsEncoding(s) {
			return append(buf, s...)
		}
		for i := 0; i < len(s); i++ {
			c := s[i]
			if charClass[c]&classUnreserved != 0 {
				buf = append(buf, c)
			} else {
				buf = appendPct(buf, c)
			}
		}
		return buf
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case charClass[c]&(classUnreserved|classReserved) != 0:
			buf = append(buf, c)
		case c == '%' && isPctTriplet(s, i):
			buf = append(buf, s[i:i+3]...)
			i += 2
		default:
			buf = appendPct(buf, c)
		}
	}
	return buf
}

// prefixOf returns the first n characters of s: code points, never splitting
// a UTF-8 sequence; in reserved mode a valid %XX triplet counts as one
// character so that it is never split either. Invalid UTF-8 bytes count as
// one character each.
func prefixOf(s string, n int, reserved bool) string {
	i := 0
	for count := 0; i < len(s) && count < n; count++ {
		c := s[i]
		switch {
		case c < 0x80:
			if reserved && c == '%' && isPctTriplet(s, i) {
				i += 3
			} else {
				i++
			}
		default:
			i += utf8Len(s, i)
		}
	}
	return s[:i]
}

// utf8Len returns the length of the valid UTF-8 sequence at s[i], or 1 for an
// invalid byte.
func utf8Len(s string, i int) int {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size
}
