package pathtpl

import (
	"strconv"
	"unicode/utf8"
)

// Template is a parsed RFC 6570 URI template. A Template is immutable and
// safe for concurrent use by multiple goroutines.
type Template struct {
	raw    string
	parts  []part
	names  []string
	litLen int // total length of the encoded literals
}

// part is either a literal (expr == nil) or an expression.
type part struct {
	lit  string
	expr *expression
}

// operator describes the expansion behaviour of an expression operator
// (RFC 6570 Appendix A).
type operator struct {
	op       byte   // 0, '+', '#', '.', '/', ';', '?', '&'
	first    string // written before the first defined value
	sep      byte   // written between values
	named    bool   // name=value pairs
	ifEmpty  string // written after the name when the value is empty
	reserved bool   // allow reserved characters and keep %XX triplets
}

var operators = [...]operator{
	{op: 0, first: "", sep: ','},
	{op: '+', first: "", sep: ',', reserved: true},
	{op: '#', first: "#", sep: ',', reserved: true},
	{op: '.', first: ".", sep: '.'},
	{op: '/', first: "/", sep: '/'},
	{op: ';', first: ";", sep: ';', named: true},
	{op: '?', first: "?", sep: '&', named: true, ifEmpty: "="},
	{op: '&', first: "&", sep: '&', named: true, ifEmpty: "="},
}

func lookupOperator(c byte) (*operator, bool) {
	for i := range operators {
		if operators[i].op == c && c != 0 {
			return &operators[i], true
		}
	}
	return nil, false
}

type expression struct {
	op   *operator
	vars []varSpec
}

type varSpec struct {
	name    string
	prefix  int // 0: no prefix modifier
	explode bool
}

// maxPrefix is the largest prefix length RFC 6570 allows (max-length = 1-4 digits).
const maxPrefix = 9999

// Parse parses an RFC 6570 (level 4) URI template. Literal text is checked
// against the RFC grammar: non-ASCII characters are percent-encoded, existing
// %XX triplets are kept, and characters that may not appear in a template
// (space, '"', '<', '>', '\', '^', '`', '|', '{' or '}' outside an
// expression, control characters, a '%' not followed by two hex digits) are
// an error. Errors are *SyntaxError values (errors.Is(err, ErrSyntax)) that
// give the byte position.
func Parse(template string) (*Template, error) {
	t := &Template{raw: template}
	seen := make(map[string]struct{})
	litStart := 0
	var lit []byte // encoded literal being built, nil while it is a plain slice of template
	flushLit := func(end int) {
		var s string
		if lit != nil {
			s = string(lit)
			lit = nil
		} else {
			s = template[litStart:end]
		}
		if s != "" {
			t.parts = append(t.parts, part{lit: s})
			t.litLen += len(s)
		}
	}
	for i := 0; i < len(template); {
		c := template[i]
		switch {
		case c == '{':
			flushLit(i)
			e, next, err := parseExpression(template, i)
			if err != nil {
				return nil, err
			}
			for _, v := range e.vars {
				if _, ok := seen[v.name]; !ok {
					seen[v.name] = struct{}{}
					t.names = append(t.names, v.name)
				}
			}
			t.parts = append(t.parts, part{expr: e})
			i = next
			litStart = i
		case c == '}':
			return nil, &SyntaxError{Template: template, Pos: i, Msg: `"}" without a matching "{"`}
		case c == '%':
			if !isPctTriplet(template, i) {
				return nil, &SyntaxError{Template: template, Pos: i, Msg: `"%" not followed by two hex digits`}
			}
			if lit != nil {
				lit = append(lit, template[i:i+3]...)
			}
			i += 3
		case c < utf8.RuneSelf:
			if charClass[c]&classLiteral == 0 {
				return nil, &SyntaxError{Template: template, Pos: i, Msg: "character " + strconv.QuoteRune(rune(c)) + " is not allowed in a template literal"}
			}
			if lit != nil {
				lit = append(lit, c)
			}
			i++
		default:
			r, size := utf8.DecodeRuneInString(template[i:])
			if r == utf8.RuneError && size == 1 {
				return nil, &SyntaxError{Template: template, Pos: i, Msg: "invalid UTF-8"}
			}
			if lit == nil {
				lit = append(make([]byte, 0, len(template)-litStart+3*size), template[litStart:i]...)
			}
			for k := 0; k < size; k++ {
				lit = appendPct(lit, template[i+k])
			}
			i += size
		}
	}
	flushLit(len(template))
	return t, nil
}

// parseExpression parses the expression starting at template[start] == '{'
// and returns it with the index just past the closing '}'.
func parseExpression(template string, start int) (*expression, int, error) {
	i := start + 1
	synErr := func(pos int, msg string) (*expression, int, error) {
		return nil, 0, &SyntaxError{Template: template, Pos: pos, Msg: msg}
	}
	if i >= len(template) {
		return synErr(start, `unclosed "{"`)
	}
	e := &expression{op: &operators[0]}
	switch c := template[i]; c {
	case '+', '#', '.', '/', ';', '?', '&':
		e.op, _ = lookupOperator(c)
		i++
	case '=', ',', '!', '@', '|':
		return synErr(i, "operator "+strconv.QuoteRune(rune(c))+" is reserved for future extensions")
	case '}':
		return synErr(i, "empty expression")
	}
	for {
		// varname
		nameStart := i
		for i < len(template) {
			c := template[i]
			if charClass[c]&classVarchar != 0 {
				i++
				continue
			}
			if c == '%' {
				if !isPctTriplet(template, i) {
					return synErr(i, `"%" in a variable name not followed by two hex digits`)
				}
				i += 3
				continue
			}
			if c == '.' {
				if i == nameStart {
					return synErr(i, `variable name starts with "."`)
				}
				if template[i-1] == '.' {
					return synErr(i, `".." in a variable name`)
				}
				i++
				continue
			}
			break
		}
		if i >= len(template) {
			return synErr(start, `unclosed "{"`)
		}
		if i == nameStart {
			return synErr(i, "expected a variable name, found "+strconv.QuoteRune(runeAt(template, i)))
		}
		if template[i-1] == '.' {
			return synErr(i-1, `variable name ends with "."`)
		}
		v := varSpec{name: template[nameStart:i]}
		// modifier
		switch template[i] {
		case ':':
			i++
			digStart := i
			for i < len(template) && template[i] >= '0' && template[i] <= '9' {
				i++
			}
			if i >= len(template) {
				return synErr(start, `unclosed "{"`)
			}
			if i == digStart {
				return synErr(i, `prefix modifier ":" needs a length 1-9999`)
			}
			if template[digStart] == '0' {
				return synErr(digStart, "prefix length must start with 1-9")
			}
			if i-digStart > 4 {
				return synErr(digStart, "prefix length exceeds 9999")
			}
			v.prefix, _ = strconv.Atoi(template[digStart:i])
		case '*':
			v.explode = true
			i++
			if i >= len(template) {
				return synErr(start, `unclosed "{"`)
			}
		}
		e.vars = append(e.vars, v)
		switch c := template[i]; c {
		case ',':
			i++
		case '}':
			return e, i + 1, nil
		default:
			return synErr(i, "unexpected "+strconv.QuoteRune(runeAt(template, i))+` in expression (want "," or "}")`)
		}
	}
}

func runeAt(s string, i int) rune {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r
}

// String returns the template text as given to Parse.
func (t *Template) String() string { return t.raw }

// Names returns the variable names of the template in order of first
// appearance, without duplicates. The slice is a fresh copy.
func (t *Template) Names() []string {
	return append([]string(nil), t.names...)
}
