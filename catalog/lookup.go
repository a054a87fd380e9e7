package catalog

import (
	"slices"
	"strings"
)

// All returns every operation, sorted by Template, then Method. The slice is
// the caller's; the operations in it share their contents with the
// catalogue and must not be modified.
func All() []Operation {
	return slices.Clone(load().ops)
}

// Len returns the number of operations without copying them.
func Len() int { return len(load().ops) }

// Templates returns the distinct templates, sorted.
func Templates() []string { return slices.Clone(load().templates) }

// Lookup finds the operation for method (any case) and template. The
// template may be written in any of the chain's syntaxes — {name}, <name>,
// a whole segment _name_ or $name$ — with or without a leading "/" and with
// any variable names: "v3/x/{id}" finds "v3/x/{out_trade_no}". A query or
// fragment ("?…", "#…") is ignored. APIv2 operations are found by their
// catalogue template ("v2/pay/closeorder") and by their wire path
// ("pay/closeorder").
//
// Where two templates differ only in their variables' names (the catalogue
// has one such pair: v3/apply4subject/applyment/{applyment_id}/cancel and
// …/{business_code}/cancel), the one whose names match is returned, else
// the first in template order.
//
// A template that matches no operation as written is then matched as a
// concrete path, its literal segments filling variables
// ("v3/pay/transactions/id/4200000001" finds
// "v3/pay/transactions/id/{transaction_id}"); Match also returns the values.
// Lookup is case-sensitive in the path, like the gateway.
func Lookup(method, template string) (Operation, bool) {
	if op := lookup(method, template); op != nil {
		return *op, true
	}
	return Operation{}, false
}

// lookup is Lookup returning a pointer into the catalogue (nil when none).
func lookup(method, template string) *Operation {
	c := load()
	key, names := shapeKey(method, template)
	if ids := c.byShape[key]; len(ids) > 0 {
		if len(ids) > 1 {
			for _, id := range ids {
				if slices.Equal(c.ops[id].PathVars, names) {
					return &c.ops[id]
				}
			}
		}
		return &c.ops[ids[0]]
	}
	if op, _ := c.match(method, template, false); op != nil {
		return op
	}
	return nil
}

// Match finds the operation a concrete request path belongs to and returns
// the values of its path variables ("v3/refund/domestic/refunds/R1" gives
// v3/refund/domestic/refunds/{out_refund_no} and out_refund_no=R1). At each
// segment a literal of the catalogue wins over a variable. Values are
// returned as written (not percent-decoded). A leading "/" and a query are
// ignored. It is what a server needs, given the path of a request.
func Match(method, path string) (Operation, map[string]string, bool) {
	op, vals := load().match(method, path, true)
	if op == nil {
		return Operation{}, nil, false
	}
	return *op, vals, true
}

// match walks the path tree; with values it also collects the variables.
func (c *catalogue) match(method, path string, values bool) (*Operation, map[string]string) {
	path = trimPath(path)
	segs := strings.Split(upper(method)+"/"+path, "/")
	id, ok := walk(c.tree, segs)
	if !ok {
		return nil, nil
	}
	op := &c.ops[id]
	if !values {
		return op, nil
	}
	vals := map[string]string{}
	// The operation may have been found by its wire path.
	for _, p := range []string{op.Template, op.WirePath} {
		tsegs := strings.Split(p, "/")
		if p == "" || len(tsegs) != len(segs)-1 {
			continue
		}
		for i, ts := range tsegs {
			if isVarSegment(ts) {
				vals[ts[1:len(ts)-1]] = segs[i+1]
			}
		}
		break
	}
	return op, vals
}

// walk finds the operation for segs below n, preferring literal segments.
func walk(n *node, segs []string) (int32, bool) {
	if len(segs) == 0 {
		if len(n.ops) > 0 {
			return n.ops[0], true
		}
		return 0, false
	}
	if next := n.lit[segs[0]]; next != nil {
		if id, ok := walk(next, segs[1:]); ok {
			return id, true
		}
	}
	if n.vars != nil && segs[0] != "" {
		return walk(n.vars, segs[1:])
	}
	return 0, false
}

// Search returns the operations whose template or title contains every
// word (case-insensitive), in All's order. No words match every operation.
func Search(words ...string) []Operation {
	var lower []string
	for _, w := range words {
		for f := range strings.FieldsSeq(w) {
			lower = append(lower, strings.ToLower(f))
		}
	}
	var out []Operation
	for _, op := range load().ops {
		text := strings.ToLower(op.Method + " " + op.Template + " " + op.Wire() + " " + op.Title)
		ok := true
		for _, w := range lower {
			if !strings.Contains(text, w) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, op)
		}
	}
	return out
}

// shapeKey turns method and a template in any chain syntax into the index
// key "METHOD shape" and the variable names in order.
func shapeKey(method, template string) (string, []string) {
	template = trimPath(template)
	var b strings.Builder
	b.Grow(len(method) + 1 + len(template))
	b.WriteString(upper(method))
	b.WriteByte(' ')
	var names []string
	for i := 0; ; i++ {
		seg, rest, more := strings.Cut(template, "/")
		if i > 0 {
			b.WriteByte('/')
		}
		if name, ok := varName(seg); ok {
			b.WriteString("{}")
			names = append(names, name)
		} else {
			b.WriteString(seg)
		}
		if !more {
			break
		}
		template = rest
	}
	return b.String(), names
}

// trimPath drops a leading "/" and a query or fragment.
func trimPath(p string) string {
	p = strings.TrimPrefix(p, "/")
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	return p
}

// upper returns an ASCII method in upper case, without allocating when it
// already is.
func upper(m string) string {
	for i := 0; i < len(m); i++ {
		if 'a' <= m[i] && m[i] <= 'z' {
			return strings.ToUpper(m)
		}
	}
	return m
}

// isVarSegment reports whether a catalogue segment is a {name} variable.
func isVarSegment(seg string) bool {
	return len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}'
}

// varName reports whether seg is a whole-segment variable in one of the
// chain syntaxes and returns its name: {name} (an RFC 6570 operator or
// modifier is dropped: {+name}, {name*}), <name>, _name_ or $name$.
func varName(seg string) (string, bool) {
	if len(seg) < 3 {
		return "", false
	}
	first, last := seg[0], seg[len(seg)-1]
	inner := seg[1 : len(seg)-1]
	switch {
	case first == '{' && last == '}', first == '<' && last == '>':
		inner = strings.TrimLeft(inner, "+#./;?&")
		inner = strings.TrimRight(inner, "*")
		if k := strings.IndexByte(inner, ':'); k >= 0 {
			inner = inner[:k]
		}
		return inner, inner != "" && !strings.ContainsAny(inner, "{}<>,")
	case first == '_' && last == '_', first == '$' && last == '$':
		return inner, isName(inner)
	}
	return "", false
}

// isName reports whether s is an RFC 6570 varname: ALPHA, DIGIT, "_" and
// %XX triplets, with single inner dots.
func isName(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '.':
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			i += 2
		default:
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
