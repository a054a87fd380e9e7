package main

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/chainpay-go/wechatpay/catalog"
)

// maxDepth bounds schema nesting (the source's deepest tree is far less).
const maxDepth = 64

// schemas turns Swagger schemas into catalogue field trees.
type schemas struct {
	src *source
	// stack holds the $ref targets being resolved, so that a schema that
	// refers to itself is cut instead of looping.
	stack map[*yaml.Node]bool
	cut   int // recursive references cut
}

// field converts the schema node n, found in file, into a Field (Name and
// Required are set by the caller, which knows the member name and its
// parent's required list).
func (s *schemas) field(file string, n *yaml.Node, depth int) (catalog.Field, error) {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return catalog.Field{}, nil
	}
	if depth > maxDepth {
		return catalog.Field{}, fmt.Errorf("%s: schema nested deeper than %d", file, maxDepth)
	}
	var f catalog.Field
	if ref := str(get(n, "$ref")); ref != "" {
		tf, tn, err := s.src.resolve(file, ref)
		if err != nil {
			return f, err
		}
		if s.stack[tn] {
			s.cut++
			f.Type = "object"
		} else {
			s.stack[tn] = true
			f, err = s.field(tf, tn, depth+1)
			delete(s.stack, tn)
			if err != nil {
				return f, err
			}
		}
		// Siblings of $ref in the source carry type and example.
		if t := strings.TrimSpace(str(get(n, "type"))); t != "" {
			f.Type = t
		}
		if ex := get(n, "example"); ex != nil {
			f.Example = example(ex, f.Type)
		}
		return f, nil
	}
	if all := get(n, "allOf"); all != nil {
		for _, part := range all.Content {
			pf, err := s.field(file, part, depth+1)
			if err != nil {
				return f, err
			}
			merge(&f, pf)
		}
	}
	own, err := s.plain(file, n, depth)
	if err != nil {
		return f, err
	}
	merge(&f, own)
	// A required list beside allOf may name members of the parts.
	for _, name := range strs(get(n, "required")) {
		for i := range f.Fields {
			if f.Fields[i].Name == name {
				f.Fields[i].Required = true
			}
		}
	}
	return f, nil
}

// plain reads the facts written in n itself (not through $ref or allOf).
func (s *schemas) plain(file string, n *yaml.Node, depth int) (catalog.Field, error) {
	f := catalog.Field{
		Type:   strings.TrimSpace(str(get(n, "type"))),
		Format: strings.TrimSpace(str(get(n, "format"))),
		CDATA:  boolean(get(n, "x-cdata")),
		Key:    str(get(n, "x-key")),
	}
	if ml := str(get(n, "maxLength")); ml != "" {
		if v, err := strconv.Atoi(ml); err == nil && v > 0 {
			f.MaxLength = v
		}
	}
	if e := get(n, "enum"); e != nil && e.Kind == yaml.SequenceNode {
		for _, v := range e.Content {
			if v = deref(v); v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
				f.Enum = append(f.Enum, v.Value)
			}
		}
	}
	f.Sensitive = strs(get(n, "x-is-sensitive"))
	if ex := get(n, "example"); ex != nil {
		f.Example = example(ex, f.Type)
	}
	required := map[string]bool{}
	if r := get(n, "required"); r != nil && r.Kind == yaml.SequenceNode {
		for _, name := range strs(r) {
			required[name] = true
		}
	}
	for _, kv := range pairs(get(n, "properties")) {
		m, err := s.field(file, kv[1], depth+1)
		if err != nil {
			return f, err
		}
		m.Name = kv[0].Value
		m.Required = required[m.Name]
		f.Fields = append(f.Fields, m)
	}
	if f.Type == "" && len(f.Fields) > 0 {
		f.Type = "object"
	}
	if it := get(n, "items"); it != nil {
		item, err := s.field(file, it, depth+1)
		if err != nil {
			return f, err
		}
		f.Items = &item
		if f.Type == "" {
			f.Type = "array"
		}
	}
	if j := get(n, "x-json"); j != nil {
		jf, err := s.field(file, j, depth+1)
		if err != nil {
			return f, err
		}
		f.JSON = &jf
	}
	return f, nil
}

// merge lays src over dst: scalars of src win when set, members are
// appended (a member of the same name is replaced in place).
func merge(dst *catalog.Field, src catalog.Field) {
	if src.Type != "" {
		dst.Type = src.Type
	}
	if src.Format != "" {
		dst.Format = src.Format
	}
	if len(src.Enum) > 0 {
		dst.Enum = src.Enum
	}
	if src.MaxLength > 0 {
		dst.MaxLength = src.MaxLength
	}
	if len(src.Sensitive) > 0 {
		dst.Sensitive = src.Sensitive
	}
	if src.Example != "" {
		dst.Example = src.Example
	}
	if src.Items != nil {
		dst.Items = src.Items
	}
	if src.JSON != nil {
		dst.JSON = src.JSON
	}
	dst.CDATA = dst.CDATA || src.CDATA
	if src.Key != "" {
		dst.Key = src.Key
	}
	for _, m := range src.Fields {
		replaced := false
		for i := range dst.Fields {
			if dst.Fields[i].Name == m.Name {
				m.Required = m.Required || dst.Fields[i].Required
				dst.Fields[i] = m
				replaced = true
				break
			}
		}
		if !replaced {
			dst.Fields = append(dst.Fields, m)
		}
	}
}

// example renders an example node as JSON text, typed like its field: a
// string field's example 1900000109 becomes "1900000109", an integer
// field's "100" becomes 100. A null example is none.
func example(n *yaml.Node, typ string) string {
	n = deref(n)
	if n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return ""
	}
	if n.Kind == yaml.ScalarNode {
		switch typ {
		case "string":
			return quote(n.Value)
		case "integer":
			if _, err := strconv.ParseInt(n.Value, 10, 64); err == nil {
				return n.Value
			}
			if _, err := strconv.ParseUint(n.Value, 10, 64); err == nil {
				return n.Value
			}
		case "number":
			if v, err := strconv.ParseFloat(n.Value, 64); err == nil && !math.IsInf(v, 0) && !math.IsNaN(v) {
				return strconv.FormatFloat(v, 'f', -1, 64)
			}
		case "boolean":
			if n.Value == "true" || n.Value == "false" {
				return n.Value
			}
		}
	}
	var b strings.Builder
	writeJSON(&b, n)
	return b.String()
}

// writeJSON writes a YAML node as JSON, keeping the order of mapping keys.
func writeJSON(b *strings.Builder, n *yaml.Node) {
	n = deref(n)
	switch n.Kind {
	case yaml.MappingNode:
		b.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(quote(n.Content[i].Value))
			b.WriteByte(':')
			writeJSON(b, n.Content[i+1])
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, c)
		}
		b.WriteByte(']')
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			b.WriteString("null")
		case "!!bool":
			var v bool
			if n.Decode(&v) == nil && v {
				b.WriteString("true")
			} else {
				b.WriteString("false")
			}
		case "!!int":
			if _, err := strconv.ParseInt(n.Value, 10, 64); err == nil {
				b.WriteString(n.Value)
				return
			}
			var v int64
			if n.Decode(&v) == nil {
				b.WriteString(strconv.FormatInt(v, 10))
				return
			}
			b.WriteString(quote(n.Value))
		case "!!float":
			var v float64
			if n.Decode(&v) == nil && !math.IsInf(v, 0) && !math.IsNaN(v) {
				b.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
				return
			}
			b.WriteString(quote(n.Value))
		default:
			b.WriteString(quote(n.Value))
		}
	default:
		b.WriteString("null")
	}
}

// quote returns s as a JSON string (HTML characters are not escaped).
func quote(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}
