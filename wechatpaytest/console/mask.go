package console

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"sync"

	"github.com/chainpay-go/wechatpay/catalog"
)

// Masked is what the console shows instead of a secret or a personal value.
const Masked = "***"

// personalFields are body members masked in every body, whether or not the
// catalogue marks them: personal data of payers, payees and contacts.
var personalFields = map[string]bool{
	"name": true, "user_name": true, "real_name": true, "user_real_name": true, "true_name": true,
	"id_card_number": true, "id_card_name": true, "id_card_address": true, "id_number": true,
	"id_doc_number": true, "id_doc_name": true, "id_doc_address": true,
	"identification_number": true, "identification_name": true, "identification_address": true,
	"mobile": true, "mobile_phone": true, "phone": true, "phone_number": true, "tel": true,
	"email": true, "contact_name": true, "contact_email": true, "contact_id_number": true,
	"contact_id_card_number": true, "bank_account": true, "account_number": true, "account_name": true,
	"card_no": true, "card_number": true, "bank_card_no": true, "address": true,
}

// sensitiveCache holds, per catalogued operation, the names of the body
// members the catalogue marks encrypted (format base64 or x-is-sensitive).
// It is bounded by the catalogue's size.
var sensitiveCache sync.Map // "METHOD template" → map[string]bool

// sensitiveFor returns the names masked in the body of method uri: the
// personal fields and the operation's encrypted members.
func sensitiveFor(method, uri string) func(string) bool {
	path := uri
	if u, err := url.ParseRequestURI(uri); err == nil {
		path = u.Path
	}
	op, _, ok := catalog.Match(method, path)
	if !ok {
		return func(name string) bool { return personalFields[name] }
	}
	key := op.Method + " " + op.Template
	v, ok := sensitiveCache.Load(key)
	if !ok {
		names := map[string]bool{}
		collectEncrypted(op.Body, nil, names)
		v, _ = sensitiveCache.LoadOrStore(key, names)
	}
	names := v.(map[string]bool)
	return func(name string) bool { return personalFields[name] || names[name] }
}

// collectEncrypted adds the names of f's encrypted members to names.
func collectEncrypted(f, parent *catalog.Field, names map[string]bool) {
	if f == nil {
		return
	}
	if f.Name != "" {
		if f.Format == "base64" {
			names[f.Name] = true
		}
		if parent != nil {
			for _, s := range parent.Sensitive {
				if s == f.Name {
					names[f.Name] = true
				}
			}
		}
	}
	for i := range f.Fields {
		collectEncrypted(&f.Fields[i], f, names)
	}
	collectEncrypted(f.Items, f, names)
}

// maskBody replaces the value of every member of a JSON body that
// sensitive names by "***": strings and numbers, and every string and
// number inside an object or array such a member holds. The rest of the
// body is kept byte for byte. It reads a truncated or malformed body as far
// as it goes, so a cut body is masked too; a body that is not JSON at all
// comes back unchanged.
func maskBody(b []byte, sensitive func(string) bool) string {
	type frame struct{ object, expectKey bool }
	var (
		out     strings.Builder
		changed bool
		last    int     // b[last:] is not yet copied to out
		stack   []frame // open objects and arrays
		pending bool    // the next value belongs to a sensitive member
		inside  int     // > 0: within the container of a sensitive member opened at this depth
	)
	replace := func(from, to int) {
		if !changed {
			out.Grow(len(b))
			changed = true
		}
		out.Write(b[last:from])
		out.WriteString(`"` + Masked + `"`)
		last = to
	}
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '"':
			end := stringEnd(b, i)
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].expectKey {
				pending = sensitive(memberName(b[i:end]))
				i = end
				continue
			}
			if pending || inside > 0 {
				replace(i, end)
			}
			pending = false
			i = end
			continue
		case c == '-' || c >= '0' && c <= '9':
			end := i + 1
			for end < len(b) && strings.IndexByte("+-.eE0123456789", b[end]) >= 0 {
				end++
			}
			if pending || inside > 0 {
				replace(i, end)
			}
			pending = false
			i = end
			continue
		case c == '{' || c == '[':
			stack = append(stack, frame{object: c == '{', expectKey: c == '{'})
			if pending && inside == 0 {
				inside = len(stack)
			}
			pending = false
		case c == '}' || c == ']':
			if len(stack) > 0 {
				if inside == len(stack) {
					inside = 0
				}
				stack = stack[:len(stack)-1]
			}
		case c == ':':
			if n := len(stack); n > 0 {
				stack[n-1].expectKey = false
			}
		case c == ',':
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].expectKey = true
			}
			pending = false
		case c == 't' || c == 'f' || c == 'n':
			pending = false // true, false, null: nothing personal
		}
		i++
	}
	if !changed {
		return string(b)
	}
	out.Write(b[last:])
	return out.String()
}

// stringEnd returns the index after the string starting at b[i] (a quote),
// or len(b) when it is cut.
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(b)
}

// memberName decodes a quoted member name (escapes included).
func memberName(q []byte) string {
	if len(q) < 2 || q[len(q)-1] != '"' {
		return string(q[min(1, len(q)):]) // cut short
	}
	if bytes.IndexByte(q, '\\') < 0 {
		return string(q[1 : len(q)-1])
	}
	var s string
	if json.Unmarshal(q, &s) != nil {
		return ""
	}
	return s
}
