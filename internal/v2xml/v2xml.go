package v2xml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/chainpay-go/wechatpay/internal/jsonstr"
)

// MaxSize is the largest document Decode reads.
const MaxSize = 4 << 20

// MaxDepth is the deepest element nesting Decode reads: the root is level 1,
// its fields level 2.
const MaxDepth = 16

// Decode errors. Every Decode error matches ErrMalformed; the others say more.
var (
	// ErrMalformed reports a document that is not an APIv2 XML body.
	ErrMalformed = errors.New("v2xml: malformed APIv2 XML")
	// ErrTooLarge reports a document larger than MaxSize.
	ErrTooLarge = errors.New("v2xml: document too large")
	// ErrTooDeep reports elements nested deeper than MaxDepth.
	ErrTooDeep = errors.New("v2xml: elements nested too deep")
	// ErrUnsafe reports a DTD, an entity, a processing instruction other than
	// the XML declaration, or an encoding other than UTF-8.
	ErrUnsafe = errors.New("v2xml: DTD, entity or processing instruction refused")
	// ErrDuplicateKey reports a field that appears twice at the top level.
	ErrDuplicateKey = errors.New("v2xml: duplicate field")
)

// Decode reads an APIv2 body into its fields, name → text (see the package
// documentation for what it refuses).
func Decode(data []byte) (map[string]string, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%w (%w): %d bytes, more than %d", ErrTooLarge, ErrMalformed, len(data), MaxSize)
	}
	if fields, ok := decodeSimple(data); ok {
		return fields, nil // the usual shape, read without encoding/xml (simple.go)
	}
	return decodeXML(data)
}

// decodeXML is Decode through encoding/xml, for any document.
func decodeXML(data []byte) (map[string]string, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	fields := map[string]string{}
	var (
		depth    int    // 0 outside the root, 1 in the root, 2 in a field
		seenRoot bool   // the root element was opened
		field    string // the field being read (depth ≥ 2)
		text     strings.Builder
		nested   bool       // the field holds elements
		start    int64      // offset just after the field's start tag
		open     []xml.Name // the elements opened and not yet closed
	)
	for first := true; ; first = false {
		before := d.InputOffset()
		// RawToken: no namespace translation (prefixes are refused
		// anyway); open checks that end tags match.
		tok, err := d.RawToken()
		if err == io.EOF {
			switch {
			case !seenRoot:
				return nil, fmt.Errorf("%w: no root element", ErrMalformed)
			case len(open) > 0:
				return nil, fmt.Errorf("%w: <%s> is not closed", ErrMalformed, clip(open[len(open)-1].Local, 32))
			}
			return fields, nil
		}
		if err != nil {
			if strings.Contains(err.Error(), "entity") || strings.Contains(err.Error(), "CharsetReader") {
				return nil, fmt.Errorf("%w (%w): %v", ErrUnsafe, ErrMalformed, err)
			}
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, fmt.Errorf("%w (%w): <!%s…>", ErrUnsafe, ErrMalformed, clip(string(t), 16))
		case xml.ProcInst:
			if !first || t.Target != "xml" {
				return nil, fmt.Errorf("%w (%w): processing instruction <?%s …?>", ErrUnsafe, ErrMalformed, clip(t.Target, 32))
			}
		case xml.Comment:
		case xml.CharData:
			switch {
			case depth == 2 && !nested:
				text.Write(t)
			case depth < 2 && len(bytes.TrimLeft(t, " \t\r\n")) > 0:
				where := "outside the root element"
				if depth == 1 {
					where = "between fields"
				}
				return nil, fmt.Errorf("%w: text %s", ErrMalformed, where)
			}
		case xml.StartElement:
			if depth >= MaxDepth {
				return nil, fmt.Errorf("%w (%w): more than %d levels", ErrTooDeep, ErrMalformed, MaxDepth)
			}
			switch depth {
			case 0:
				if seenRoot {
					return nil, fmt.Errorf("%w: a second root element <%s>", ErrMalformed, clip(t.Name.Local, 32))
				}
				if err := plain(t, "the root element", ""); err != nil {
					return nil, err
				}
				seenRoot = true
			case 1:
				field = t.Name.Local
				if err := plain(t, "field ", field); err != nil {
					return nil, err
				}
				if !isName(field) {
					return nil, fmt.Errorf("%w: field name %q is not an ASCII XML name", ErrMalformed, clip(field, 64))
				}
				if _, dup := fields[field]; dup {
					return nil, fmt.Errorf("%w (%w): %s", ErrDuplicateKey, ErrMalformed, clip(field, 64))
				}
				text.Reset()
				nested, start = false, d.InputOffset()
			default:
				nested = true
			}
			open = append(open, t.Name)
			depth++
		case xml.EndElement:
			if len(open) == 0 || open[len(open)-1] != t.Name {
				return nil, fmt.Errorf("%w: unexpected end tag </%s>", ErrMalformed, clip(t.Name.Local, 32))
			}
			open = open[:len(open)-1]
			depth--
			if depth == 1 {
				if nested {
					fields[field] = string(data[start:before])
				} else {
					fields[field] = text.String()
				}
			}
		}
	}
}

// plain refuses attributes and namespace prefixes on the root and the fields.
func plain(t xml.StartElement, what, name string) error {
	// what+name is only built for an error: Decode calls this per field.
	if t.Name.Space != "" {
		return fmt.Errorf("%w: %s%s has a namespace prefix", ErrMalformed, what, clip(name, 64))
	}
	if len(t.Attr) > 0 {
		return fmt.Errorf("%w: %s%s has attributes", ErrMalformed, what, clip(name, 64))
	}
	return nil
}

// Encode writes fields as <xml><name>value</name>…</xml>, names sorted. It
// refuses a name that is not an ASCII XML name and a value that XML cannot
// carry exactly, with an error naming the field (never its value).
func Encode(fields map[string]string) ([]byte, error) {
	return EncodeRoot("xml", fields)
}

// EncodeRoot is Encode with another root element name, such as the "root"
// of a refund callback's req_info.
func EncodeRoot(root string, fields map[string]string) ([]byte, error) {
	if !isName(root) {
		return nil, fmt.Errorf("v2xml: root name %q is not an XML name ([A-Za-z_][A-Za-z0-9_.-]*)", clip(root, 64))
	}
	names := slices.Sorted(maps.Keys(fields))
	n := 2*len(root) + len("<></>")
	for _, name := range names {
		if !isName(name) {
			return nil, fmt.Errorf("v2xml: field name %q is not an XML name ([A-Za-z_][A-Za-z0-9_.-]*)", clip(name, 64))
		}
		if !isText(fields[name]) {
			return nil, fmt.Errorf("v2xml: field %s: value is not valid UTF-8 XML text (control characters other than tab, LF and CR cannot be sent)", name)
		}
		n += 2*len(name) + len(fields[name]) + len("<></><![CDATA[]]>")
	}
	b := bytes.NewBuffer(make([]byte, 0, n))
	b.WriteByte('<')
	b.WriteString(root)
	b.WriteByte('>')
	for _, name := range names {
		b.WriteByte('<')
		b.WriteString(name)
		b.WriteByte('>')
		writeValue(b, fields[name])
		b.WriteString("</")
		b.WriteString(name)
		b.WriteByte('>')
	}
	b.WriteString("</")
	b.WriteString(root)
	b.WriteByte('>')
	return b.Bytes(), nil
}

func writeValue(b *bytes.Buffer, v string) {
	switch {
	case v == "" || isDigits(v):
		b.WriteString(v)
	case strings.Contains(v, "\r"):
		_ = xml.EscapeText(b, []byte(v)) // a bytes.Buffer never fails
	default:
		b.WriteString("<![CDATA[")
		b.WriteString(strings.ReplaceAll(v, "]]>", "]]]]><![CDATA[>"))
		b.WriteString("]]>")
	}
}

// ToJSON returns fields as a JSON object, keys sorted, every value a JSON
// string (HTML characters not escaped). Invalid UTF-8, which Decode never
// returns, would be replaced by U+FFFD.
func ToJSON(fields map[string]string) []byte {
	// Written by hand, as encoding/json writes a map[string]string with
	// SetEscapeHTML(false) (the test compares the two): a chain call
	// converts every answer, and reflection was a tenth of its cost.
	keys := slices.Sorted(maps.Keys(fields))
	n := 2
	for _, k := range keys {
		n += len(k) + len(fields[k]) + 6
	}
	b := make([]byte, 0, n)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonstr.Append(b, k)
		b = append(b, ':')
		b = jsonstr.Append(b, fields[k])
	}
	return append(b, '}')
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}

// isText reports whether s is valid UTF-8 made of XML 1.0 characters.
func isText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case r == '\t', r == '\n', r == '\r':
		case r < 0x20, r == 0xFFFE, r == 0xFFFF:
			return false
		}
	}
	return true
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
