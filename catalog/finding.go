package catalog

import (
	"strings"
)

// Kind is what a Finding is about.
type Kind int

// Kinds of findings.
const (
	UnknownOperation Kind = iota + 1 // no operation for the method and template
	Missing                          // a required path variable, query parameter, header or body field is absent
	UnknownField                     // a body field the operation does not describe
	WrongType                        // a JSON value of the wrong type
	NotInEnum                        // a value outside the field's enum
	TooLong                          // a string over maxLength characters
	NeedsEncryptor                   // encrypted fields sent without an encryptor (no Wechatpay-Serial)
	InvalidJSON                      // the body is not JSON
)

var kindNames = [...]string{
	UnknownOperation: "unknown operation",
	Missing:          "missing",
	UnknownField:     "unknown field",
	WrongType:        "wrong type",
	NotInEnum:        "not in enum",
	TooLong:          "too long",
	NeedsEncryptor:   "needs encryptor",
	InvalidJSON:      "invalid JSON",
}

// String returns a short lower-case name of the kind.
func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(?)"
}

// Finding is one problem of a call. It never holds a value of the call —
// only names, types, lengths and the catalogue's own facts — so it is safe
// to log.
type Finding struct {
	Kind     Kind
	Location Location // path, query, header or body
	// Field names what is wrong: a path variable, query parameter or
	// header name, or a body field as a dotted path with array indexes
	// ("amount.total", "detail.goods_detail.0.quantity", the wxpay ITEM
	// syntax); "" for the operation or the whole body.
	Field string
	// Issue says what is wrong, in English, e.g. "required",
	// "want integer, got string", "not one of the allowed values: A, B".
	Issue string
	// Suggestions are the nearest names (an unknown field) or operations
	// ("METHOD template", an unknown operation), nearest first.
	Suggestions []string
}

// Pointer returns Field as the gateway writes detail.field for the body, a
// JSON pointer ("/amount/total"); for other locations it is Field itself.
func (f Finding) Pointer() string {
	if f.Location != LocationBody {
		return f.Field
	}
	if f.Field == "" {
		return "/"
	}
	var b strings.Builder
	for seg := range strings.SplitSeq(f.Field, ".") {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(seg, "~", "~0"), "/", "~1"))
	}
	return b.String()
}

// Error is String: a Finding is an error, so a client can list findings
// as the problems of one error (errors.As finds a catalog.Finding).
func (f Finding) Error() string { return f.String() }

// String formats the finding as "location field: issue".
func (f Finding) String() string {
	var b strings.Builder
	b.WriteString(string(f.Location))
	if f.Field != "" {
		b.WriteByte(' ')
		b.WriteString(f.Field)
	}
	b.WriteString(": ")
	b.WriteString(f.Issue)
	return b.String()
}
