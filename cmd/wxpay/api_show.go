package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/chainpay-go/wechatpay/catalog"
)

// ANSI styles for a terminal.
const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
	ansiRed   = "\x1b[31m"
	ansiCyan  = "\x1b[36m"
)

// maxExample is how much of an example value a table shows.
const maxExample = 48

// showOperation writes the description of op: a heading, then one table
// per part (path variables, query, headers, body, response).
func showOperation(w io.Writer, op catalog.Operation, color bool) error {
	st := func(style, s string) string {
		if color && s != "" {
			return style + s + ansiReset
		}
		return s
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s  %s\n", st(ansiBold, op.Method), st(ansiBold, op.Template), op.Title)
	var facts []string
	if len(op.Tags) > 0 {
		facts = append(facts, "tags: "+strings.Join(op.Tags, ", "))
	}
	if len(op.Roles) > 0 {
		facts = append(facts, "roles: "+strings.Join(op.Roles, ", "))
	}
	for _, f := range facts {
		fmt.Fprintf(&b, "  %s\n", f)
	}
	var notes []string
	if op.WirePath != "" {
		notes = append(notes, "sent as /"+op.WirePath)
	}
	if op.Host != "" {
		notes = append(notes, "served by "+op.Host)
	}
	switch op.Encoding {
	case catalog.EncodingXML:
		notes = append(notes, "APIv2: XML body")
	case catalog.EncodingMultipart:
		notes = append(notes, "multipart upload")
	}
	if op.NeedsSerial {
		notes = append(notes, "sends encrypted fields: needs an encryptor (Wechatpay-Serial)")
	}
	if op.CertRequired {
		notes = append(notes, "mutual TLS with the merchant API certificate")
	}
	if op.Deprecated {
		notes = append(notes, st(ansiRed, "deprecated"))
	}
	for _, n := range notes {
		fmt.Fprintf(&b, "  %s\n", n)
	}
	for _, part := range []struct {
		title string
		in    catalog.Location
	}{{"Path variables", catalog.LocationPath}, {"Query", catalog.LocationQuery}, {"Headers", catalog.LocationHeader}} {
		var rows [][]string
		for _, p := range op.Params {
			if p.In == part.in {
				rows = append(rows, fieldRow(p.Name, 0, &p.Field))
			}
		}
		writeTable(&b, part.title, rows, color)
	}
	for _, part := range []struct {
		title string
		f     *catalog.Field
	}{{"Body", op.Body}, {"Response", op.Response}} {
		if part.f == nil {
			continue
		}
		var rows [][]string
		treeRows(&rows, part.f, 0)
		if len(rows) == 0 {
			rows = append(rows, fieldRow("(the whole body)", 0, part.f))
		}
		writeTable(&b, part.title, rows, color)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// treeRows adds a row per member of f, depth-first, members indented
// under their object; an array's element members follow it, the array
// written name[].
func treeRows(rows *[][]string, f *catalog.Field, depth int) {
	for i := range f.Fields {
		m := &f.Fields[i]
		name := m.Name
		inner := m
		for inner.Type == "array" && inner.Items != nil {
			name += "[]"
			inner = inner.Items
		}
		*rows = append(*rows, fieldRow(name, depth, m))
		treeRows(rows, inner, depth+1)
		if inner.JSON != nil {
			treeRows(rows, inner.JSON, depth+1)
		}
	}
}

// fieldRow is one table row: name, type, required mark, example, enum.
func fieldRow(name string, depth int, f *catalog.Field) []string {
	typ, prefix := f.Type, ""
	for it := f; it.Type == "array" && it.Items != nil; it = it.Items {
		prefix += "array of "
		typ = prefix + cmpOr(it.Items.Type, "any")
	}
	var extra []string
	if f.Format != "" {
		extra = append(extra, f.Format)
	}
	if f.MaxLength > 0 {
		extra = append(extra, "≤"+strconv.Itoa(f.MaxLength))
	}
	if len(f.Sensitive) > 0 || f.Format == "base64" {
		extra = append(extra, "encrypted")
	}
	if len(extra) > 0 {
		typ += " (" + strings.Join(extra, ", ") + ")"
	}
	req := ""
	if f.Required {
		req = "*"
	}
	enum := f.Enum
	if len(enum) == 0 && f.Items != nil {
		enum = f.Items.Enum
	}
	ex := f.Example
	if utf8.RuneCountInString(ex) > maxExample {
		ex = string([]rune(ex)[:maxExample-1]) + "…"
	}
	return []string{strings.Repeat("  ", depth) + name, typ, req, ex, strings.Join(enum, " | ")}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// writeTable writes a titled table with columns padded to their display
// width (a wide character counts two). The required column is red and the
// names bold on a terminal.
func writeTable(b *strings.Builder, title string, rows [][]string, color bool) {
	if len(rows) == 0 {
		return
	}
	head := []string{"NAME", "TYPE", "REQ", "EXAMPLE", "ENUM"}
	widths := make([]int, len(head))
	for _, r := range append([][]string{head}, rows...) {
		for i, cell := range r {
			widths[i] = max(widths[i], displayWidth(cell))
		}
	}
	fmt.Fprintf(b, "\n%s\n", title)
	line := func(r []string, header bool) {
		var l strings.Builder
		l.WriteString("  ")
		for i, cell := range r {
			if i == len(r)-1 {
				cell = strings.TrimRight(cell, " ")
			}
			styled := cell
			switch {
			case !color || cell == "":
			case header:
				styled = ansiDim + cell + ansiReset
			case i == 0:
				styled = ansiBold + cell + ansiReset
			case i == 2:
				styled = ansiRed + cell + ansiReset
			case i == 4:
				styled = ansiCyan + cell + ansiReset
			}
			l.WriteString(styled)
			if i < len(r)-1 {
				l.WriteString(strings.Repeat(" ", widths[i]-displayWidth(cell)+2))
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	line(head, true)
	for _, r := range rows {
		line(r, false)
	}
}

// displayWidth is the terminal width of s: East Asian wide characters
// count two columns.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r), unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r),
			unicode.Is(unicode.Hangul, r), r >= 0xFF00 && r <= 0xFF60, r >= 0x3000 && r <= 0x303F:
			n += 2
		default:
			n++
		}
	}
	return n
}
