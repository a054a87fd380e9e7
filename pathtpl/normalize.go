package pathtpl

import "strings"

// Normalize rewrites the placeholder syntaxes of a path written as one
// string into an RFC 6570 template, segment by segment ("/"-separated,
// outside {} and <>):
//
//   - <name> becomes {name} (any expression works: <+path> → {+path});
//   - a whole segment _name_ (the PHP SDK's form) or $name$ (the Node SDK's)
//     becomes {name}: v3/payscore/payafter-orders/_out_order_no_/sync.
//
// Everything else is copied byte for byte: literal text is never re-cased
// (v3/pay/transactions/out-trade-no/ABCdef123 stays as it is), %XX triplets
// are kept, text inside {} is never changed, and after a "?" or "#" only
// <name> is rewritten. Values are never normalized: they are given to
// Expand, not written into the path. Normalize does not validate; Parse
// reports syntax errors. NormalizeSegment is the segment-by-segment form,
// which also re-cases.
func Normalize(path string) string { return normalize(path, false) }

// NormalizeSegment is Normalize for the segment-by-segment form of a path
// (chain.Client.Chain("v3", "payscore", "payafterOrders", "_out_order_no_",
// "sync")), with the PHP SDK's re-casing as well, because PHP and JS
// property names cannot hold a "-": literal camelCase becomes kebab-case
// and a leading capital is lowered (payafterOrders → payafter-orders,
// MerchantService → merchant-service, URLPath → url-path). An expression
// inside a segment counts as a word, so a capital right after it starts a
// new word: {id}Detail → {id}-detail, just as idDetail → id-detail (a
// capital never disappears into the value before it). Literal segments
// without capitals, such as v3, video_upload or image-upload, pass
// unchanged; so do %XX triplets, text inside {} and <>, and the literal
// text after a "?" or "#". A "/" in seg separates segments that are all
// treated so.
func NormalizeSegment(seg string) string { return normalize(seg, true) }

func normalize(path string, recase bool) string {
	var b strings.Builder
	b.Grow(len(path) + 8)
	depthEnd := func(i int) int { // index of the closer for an opener at i, or -1
		closer := byte('}')
		if path[i] == '<' {
			closer = '>'
		}
		if j := strings.IndexByte(path[i+1:], closer); j >= 0 {
			return i + 1 + j
		}
		return -1
	}
	segStart := 0
	for i := 0; i <= len(path); i++ {
		if i < len(path) {
			c := path[i]
			if c == '{' || c == '<' {
				j := depthEnd(i)
				if j < 0 {
					// Unclosed: the rest is one last segment, written as is
					// from the opener on (Parse reports the error).
					i = len(path) - 1
					continue
				}
				i = j
				continue
			}
			if c != '/' && c != '?' && c != '#' {
				continue
			}
		}
		normalizeSegment(&b, path[segStart:i], recase)
		if i == len(path) {
			break
		}
		if path[i] != '/' {
			// query or fragment: only <name> → {name}
			rewriteAngles(&b, path[i:])
			return b.String()
		}
		b.WriteByte('/')
		segStart = i + 1
	}
	return b.String()
}

// normalizeSegment writes one path segment in normalized form, re-cased
// when recase is set.
func normalizeSegment(b *strings.Builder, seg string, recase bool) {
	if isSegmentVar(seg) {
		b.WriteByte('{')
		b.WriteString(seg[1 : len(seg)-1])
		b.WriteByte('}')
		return
	}
	afterExpr := false
	for len(seg) > 0 {
		k := strings.IndexAny(seg, "{<")
		if k < 0 {
			writeLiteral(b, seg, afterExpr, recase)
			return
		}
		writeLiteral(b, seg[:k], afterExpr, recase)
		seg = seg[k:]
		n := rewriteExpr(b, seg)
		seg = seg[n:]
		afterExpr = true
	}
}

// rewriteExpr writes the {…} or <…> expression at the start of s and
// returns how many bytes of s it consumed. An opener without closer makes
// the rest of s be written as is.
func rewriteExpr(b *strings.Builder, s string) int {
	closer := byte('}')
	if s[0] == '<' {
		closer = '>'
	}
	j := strings.IndexByte(s[1:], closer)
	if j < 0 {
		b.WriteString(s)
		return len(s)
	}
	inner := s[1 : 1+j]
	if s[0] == '{' || inner == "" || strings.ContainsAny(inner, "<{}") {
		b.WriteString(s[:j+2])
		return j + 2
	}
	b.WriteByte('{')
	b.WriteString(inner)
	b.WriteByte('}')
	return j + 2
}

// rewriteAngles writes s with every <…> expression turned into {…}.
func rewriteAngles(b *strings.Builder, s string) {
	for len(s) > 0 {
		k := strings.IndexAny(s, "{<")
		if k < 0 {
			b.WriteString(s)
			return
		}
		b.WriteString(s[:k])
		s = s[k:]
		s = s[rewriteExpr(b, s):]
	}
}

// isSegmentVar reports whether seg is a whole-segment _name_ or $name$
// placeholder whose name is a valid RFC 6570 varname (varchars, single
// inner dots), so that "_._", "_a.._" or "$a-b$" stay literal text.
func isSegmentVar(seg string) bool {
	if len(seg) < 3 || seg[0] != '_' && seg[0] != '$' || seg[len(seg)-1] != seg[0] {
		return false
	}
	name := seg[1 : len(seg)-1]
	if name[0] == '.' || name[len(name)-1] == '.' || strings.Contains(name, "..") {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if charClass[c]&classVarchar == 0 && c != '.' {
			return false
		}
	}
	return true
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// writeLiteral writes a literal run: as is, or re-cased by writeKebab.
func writeLiteral(b *strings.Builder, s string, afterExpr, recase bool) {
	if recase {
		writeKebab(b, s, afterExpr)
	} else {
		b.WriteString(s)
	}
}

// writeKebab writes a literal run with camelCase turned into kebab-case.
// afterExpr says that the run directly follows an expression, which counts
// as a word: a capital at the start of the run then gets a hyphen too
// ({id}Detail → {id}-detail).
func writeKebab(b *strings.Builder, s string, afterExpr bool) {
	hasUpper := false
	for i := 0; i < len(s); i++ {
		if isUpper(s[i]) {
			hasUpper = true
			break
		}
	}
	if !hasUpper {
		b.WriteString(s)
		return
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			// A %XX triplet is one encoded character: copied as is (never
			// split or lower-cased) and, like "_" or "-", not part of a word.
			b.WriteString(s[i : i+3])
			i += 2
			continue
		}
		if !isUpper(c) {
			b.WriteByte(c)
			continue
		}
		if i == 0 && afterExpr {
			b.WriteByte('-')
		} else if i > 0 && !(i >= 3 && s[i-3] == '%' && isHex(s[i-2]) && isHex(s[i-1])) {
			prev := s[i-1]
			if isLower(prev) || isDigit(prev) ||
				isUpper(prev) && i+1 < len(s) && isLower(s[i+1]) {
				b.WriteByte('-')
			}
		}
		b.WriteByte(c + ('a' - 'A'))
	}
}
