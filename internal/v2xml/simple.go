package v2xml

import (
	"strings"
	"unicode/utf8"
)

// decodeSimple reads the shape nearly every APIv2 body has,
//
//	<xml><name><![CDATA[text]]></name><name>text</name>…</xml>
//
// without encoding/xml: a root and its fields, ASCII names, each value
// plain text or one CDATA section, whitespace between the elements, and
// nothing else. ok is false for anything outside that shape (a
// declaration, a comment, an entity or character reference, an attribute,
// a nested element, an empty-element tag, a carriage return, a duplicate
// field, text mixed with CDATA, a character XML does not allow, invalid
// UTF-8…): Decode then reads the document with encoding/xml as before, so
// what decodeSimple accepts is exactly what that reading gives
// (FuzzDecodeSimple compares the two), and every refusal is still
// Decode's. The keys and values are substrings of one copy of data.
func decodeSimple(data []byte) (map[string]string, bool) {
	s := string(data)
	i := skipSpace(s, 0)
	root, i, ok := startTag(s, i)
	if !ok {
		return nil, false
	}
	fields := make(map[string]string, 24)
	for {
		i = skipSpace(s, i)
		if strings.HasPrefix(s[i:], "</") {
			break
		}
		var name string
		if name, i, ok = startTag(s, i); !ok {
			return nil, false
		}
		var value string
		if strings.HasPrefix(s[i:], "<![CDATA[") {
			end := strings.Index(s[i+len("<![CDATA["):], "]]>")
			if end < 0 {
				return nil, false
			}
			value = s[i+len("<![CDATA[") : i+len("<![CDATA[")+end]
			i += len("<![CDATA[") + end + len("]]>")
		} else {
			end := strings.IndexByte(s[i:], '<')
			if end < 0 {
				return nil, false
			}
			value = s[i : i+end]
			if strings.IndexByte(value, '&') >= 0 || strings.Contains(value, "]]>") {
				return nil, false
			}
			i += end
		}
		if !xmlText(value) {
			return nil, false
		}
		if i, ok = endTag(s, i, name); !ok {
			return nil, false
		}
		if _, dup := fields[name]; dup {
			return nil, false
		}
		fields[name] = value
	}
	if i, ok = endTag(s, i, root); !ok {
		return nil, false
	}
	if skipSpace(s, i) != len(s) {
		return nil, false
	}
	return fields, true
}

// startTag reads "<name>" at s[i:], name an ASCII XML name (isName).
func startTag(s string, i int) (name string, next int, ok bool) {
	if i >= len(s) || s[i] != '<' {
		return "", i, false
	}
	end := strings.IndexByte(s[i+1:], '>')
	if end < 0 {
		return "", i, false
	}
	name = s[i+1 : i+1+end]
	if !isName(name) {
		return "", i, false
	}
	return name, i + 1 + end + 1, true
}

// endTag reads "</name>" at s[i:].
func endTag(s string, i int, name string) (int, bool) {
	if !strings.HasPrefix(s[i:], "</") || !strings.HasPrefix(s[i+2:], name) || !strings.HasPrefix(s[i+2+len(name):], ">") {
		return i, false
	}
	return i + 2 + len(name) + 1, true
}

// skipSpace skips XML white space (a carriage return there is ignored
// either way).
func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// xmlText reports whether s is valid UTF-8 made of XML 1.0 characters
// other than CR (which an XML reader turns into LF: encoding/xml's
// business).
func xmlText(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return false
		case r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
			return false
		}
		i += size
	}
	return true
}
