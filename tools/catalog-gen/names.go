package main

import (
	"fmt"
	"strings"
	"unicode"
)

// initialisms are written in capitals in a constant's name, as Go does.
var initialisms = map[string]string{
	"id": "ID", "ids": "IDs", "url": "URL", "uri": "URI", "api": "API", "json": "JSON",
	"xml": "XML", "ip": "IP", "http": "HTTP", "hk": "HK", "etc": "ETC", "jsapi": "JSAPI",
	"qr": "QR", "sms": "SMS", "ocr": "OCR",
}

// constName is the naming rule the package doc states: each literal
// segment's words (split at "-", "_", "." and lower-to-upper case changes)
// capitalised and joined, initialisms in capitals; a {name} segment adds
// "By" and the words of its name. v3/refund/domestic/refunds/{out_refund_no}
// becomes V3RefundDomesticRefundsByOutRefundNo.
func constName(template string) string {
	var b strings.Builder
	for seg := range strings.SplitSeq(template, "/") {
		if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' {
			b.WriteString("By")
			seg = seg[1 : len(seg)-1]
		}
		for _, w := range words(seg) {
			if up, ok := initialisms[strings.ToLower(w)]; ok {
				b.WriteString(up)
				continue
			}
			r := []rune(w)
			r[0] = unicode.ToUpper(r[0])
			b.WriteString(string(r))
		}
	}
	return b.String()
}

// words splits a segment at separators and at lower-to-upper case changes.
func words(seg string) []string {
	var out []string
	start := 0
	flush := func(end int) {
		if end > start {
			out = append(out, seg[start:end])
		}
	}
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		switch {
		case c == '-' || c == '_' || c == '.':
			flush(i)
			start = i + 1
		case 'A' <= c && c <= 'Z' && i > start && 'a' <= seg[i-1] && seg[i-1] <= 'z':
			flush(i)
			start = i
		}
	}
	flush(len(seg))
	return out
}

// checkNames reports a name that two templates share or that is not a Go
// identifier.
func checkNames(templates []string) (map[string]string, error) {
	byName := map[string]string{}
	for _, t := range templates {
		n := constName(t)
		if !isIdent(n) {
			return nil, fmt.Errorf("template %s: constant name %q is not a Go identifier", t, n)
		}
		if prev, dup := byName[n]; dup {
			return nil, fmt.Errorf("templates %s and %s both make the constant %s", prev, t, n)
		}
		byName[n] = t
	}
	return byName, nil
}

func isIdent(s string) bool {
	for i, r := range s {
		if !(unicode.IsLetter(r) || r == '_' || i > 0 && unicode.IsDigit(r)) {
			return false
		}
	}
	return s != "" && unicode.IsUpper([]rune(s)[0])
}
