package pathtpl

import "strings"

// Normalize rewrites a path written in the chain syntaxes into an RFC 6570
// template, segment by segment ("/"-separated, outside {} and <>):
//
//   - <name> becomes {name} (any expression works: <+path> → {+path});
//   - a whole segment _name_ becomes {name} (v3/payscore/payafterOrders/_out_order_no_/sync);
//   - literal camelCase becomes kebab-case and a leading capital is lowered
//     (payafterOrders → payafter-orders, MerchantService → merchant-service,
//     URLPath → url-path). An expression inside a segment counts as a word,
//     so a capital right after it starts a new word: {id}Detail →
//     {id}-detail, just as idDetail → id-detail (a capital never disappears
//     into the value before it).
//
// %XX triplets in literals are copied unchanged. Text inside {} and <> is
// never changed, and literal text after a "?" or
// "#" is left as is (only <name> is rewritten there). Literal segments
// without capitals, such as v3, video_upload or image-upload, pass unchanged.
// Values are never normalized: they are given to Expand, not written into
// the path. Normalize does not validate; Parse reports syntax errors.
func Normalize(path string) string {
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
		normalizeSegment(&b, path[segStart:i])
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

// normalizeSegment writes one path segment in normalized form.
func normalizeSegment(b *strings.Builder, seg string) {
	if isUnderscoreVar(seg) {
		b.WriteByte('{')
		b.WriteString(seg[1 : len(seg)-1])
		b.WriteByte('}')
		return
	}
	afterExpr := false
	for len(seg) > 0 {
		k := strings.IndexAny(seg, "{<")
		if k < 0 {
			writeKebab(b, seg, afterExpr)
			return
		}
		writeKebab(b, seg[:k], afterExpr)
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

// isUnderscoreVar reports whether seg is a whole-segment _name_ placeholder
// whose name is a valid RFC 6570 varname (varchars, single inner dots), so
// that "_._" or "_a.._" stay literal text.
func isUnderscoreVar(seg string) bool {
	if len(seg) < 3 || seg[0] != '_' || seg[len(seg)-1] != '_' {
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
