package main

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/chainpay-go/wechatpay/catalog"
)

// mchidFields take WECHATPAY_MCHID in an example line: the gateway (and
// the sandbox) refuse a merchant id other than the caller's.
var mchidFields = []string{"mchid", "sp_mchid"}

// exampleLine is a wxpay command line for op: its required path variables,
// query parameters, headers and body fields, filled with example values.
func exampleLine(op catalog.Operation, env func(string) string) (string, error) {
	switch op.Encoding {
	case catalog.EncodingXML:
		return "", usageErrorf("%s %s is an APIv2 operation (XML, signed with the APIv2 key): wxpay sends APIv3 JSON calls", op.Method, op.Template)
	case catalog.EncodingMultipart:
		return "", usageErrorf("%s %s is an upload (multipart form): wxpay sends JSON calls", op.Method, op.Template)
	}
	args := []string{"wxpay", strings.ToLower(op.Method), op.Template}
	isPath := map[string]bool{}
	for _, v := range op.PathVars {
		isPath[v] = true
	}
	mchid := env("WECHATPAY_MCHID")
	for _, p := range op.Params {
		if !p.Required && p.In != catalog.LocationPath {
			continue
		}
		val := exampleText(&p.Field)
		if mchid != "" && slices.Contains(mchidFields, p.Name) {
			val = mchid
		}
		switch p.In {
		case catalog.LocationPath:
			args = append(args, p.Name+"="+val)
		case catalog.LocationQuery:
			args = append(args, p.Name+"=="+val)
		case catalog.LocationHeader:
			if strings.EqualFold(p.Name, "Wechatpay-Serial") {
				continue // set by an encryptor; wxpay warns when one is needed
			}
			args = append(args, p.Name+":"+val)
		}
	}
	// Path variables no parameter describes.
	for _, v := range op.PathVars {
		found := false
		for _, p := range op.Params {
			found = found || p.In == catalog.LocationPath && p.Name == v
		}
		if !found {
			args = append(args, v+"=example")
		}
	}
	if op.Body != nil && op.Method != "GET" {
		bodyItems(&args, op.Body, "", isPath, mchid)
	}
	for i, a := range args {
		args[i] = shellQuote(a)
	}
	return strings.Join(args, " "), nil
}

// bodyItems adds an ITEM per required leaf of f: name=value for a string,
// name:=json for other values; a required array or an object without
// required members is one name:=json item.
func bodyItems(args *[]string, f *catalog.Field, prefix string, isPath map[string]bool, mchid string) {
	for i := range f.Fields {
		m := &f.Fields[i]
		if !m.Required {
			continue
		}
		name := prefix + strings.ReplaceAll(m.Name, ".", `\.`)
		switch {
		case m.Type == "object" && hasRequiredMember(m):
			bodyItems(args, m, name+".", isPath, mchid)
		case m.Type == "string" || m.Type == "":
			val := exampleText(m)
			if mchid != "" && prefix == "" && slices.Contains(mchidFields, m.Name) {
				val = mchid
			}
			if prefix == "" && isPath[m.Name] {
				// name=value would set the path variable of that name.
				raw, _ := json.Marshal(val)
				*args = append(*args, name+":="+string(raw))
				continue
			}
			*args = append(*args, name+"="+val)
		default:
			*args = append(*args, name+":="+exampleJSON(m))
		}
	}
}

func hasRequiredMember(f *catalog.Field) bool {
	for i := range f.Fields {
		if f.Fields[i].Required {
			return true
		}
	}
	return false
}

// exampleText is a string value for f: its example (a JSON string
// unquoted), else its first enum value, else a placeholder by format.
func exampleText(f *catalog.Field) string {
	if len(f.Enum) > 0 && !slices.Contains(f.Enum, unquote(f.Example)) {
		return f.Enum[0]
	}
	if f.Example != "" {
		return unquote(f.Example)
	}
	switch f.Format {
	case "rfc3339":
		return "2026-01-01T00:00:00+08:00"
	case "date":
		return "2026-01-01"
	}
	if f.Type == "integer" || f.Type == "number" {
		return "1"
	}
	return "example"
}

// unquote returns a JSON string's text, or the JSON as it is.
func unquote(js string) string {
	var s string
	if json.Unmarshal([]byte(js), &s) == nil {
		return s
	}
	return js
}

// exampleJSON is a JSON value for f: its example when it has the field's
// type, else one built from the required members (an object) or one
// element (an array).
func exampleJSON(f *catalog.Field) string {
	if f.Example != "" && exampleFits(f) {
		return f.Example
	}
	switch f.Type {
	case "object":
		var b strings.Builder
		b.WriteByte('{')
		n := 0
		for i := range f.Fields {
			m := &f.Fields[i]
			if !m.Required {
				continue
			}
			if n > 0 {
				b.WriteByte(',')
			}
			n++
			k, _ := json.Marshal(m.Name)
			b.Write(k)
			b.WriteByte(':')
			b.WriteString(exampleJSON(m))
		}
		b.WriteByte('}')
		return b.String()
	case "array":
		if f.Items == nil {
			return "[]"
		}
		return "[" + exampleJSON(f.Items) + "]"
	case "integer", "number":
		if len(f.Enum) > 0 {
			return f.Enum[0]
		}
		return "1"
	case "boolean":
		return "false"
	}
	raw, _ := json.Marshal(exampleText(f))
	return string(raw)
}

// exampleFits reports whether f's example is JSON of f's type.
func exampleFits(f *catalog.Field) bool {
	var v any
	if json.Unmarshal([]byte(f.Example), &v) != nil {
		return false
	}
	switch v.(type) {
	case string:
		return f.Type == "string" || f.Type == ""
	case float64:
		return f.Type == "integer" || f.Type == "number"
	case bool:
		return f.Type == "boolean"
	case map[string]any:
		return f.Type == "object"
	case []any:
		return f.Type == "array"
	}
	return false
}
