// Package pathtpl expands the path templates of WeChat Pay API calls.
//
// It implements all of RFC 6570 (URI Template) level 4 — the operators
// none, + # . / ; ? &, prefix modifiers :N and explode * — plus the chain
// syntaxes used by the wechatpay client (see Normalize):
//
//	v3/payscore/payafter-orders/{out_order_no}/sync   RFC 6570
//	v3/payscore/payafter-orders/<out_order_no>/sync   <name> → {name}
//	v3/payscore/payafter-orders/_out_order_no_/sync   whole _name_ segment (PHP SDK)
//	v3/payscore/payafter-orders/$out_order_no$/sync   whole $name$ segment (Node SDK)
//
// A path written as one string keeps its literal text byte for byte.
// Only NormalizeSegment, for paths given segment by segment, re-cases
// literals the PHP SDK's way (payafterOrders → payafter-orders).
//
// Parse and ParseChain return an immutable *Template that is safe for
// concurrent use; the package-level Expand and ParseChain keep parsed
// templates in a bounded cache, so a repeated expansion does no parsing.
//
// # Strict expansion
//
// Template.Expand follows the RFC: an undefined variable expands to nothing.
// Template.ExpandStrict is meant for requests: it returns one *MissingError
// listing every missing or empty variable, and refuses a value that would
// form a whole "." or ".." path segment of the result (*DotSegmentError):
// "v3/orders/{id}" with id ".." is refused, "v3/file{ext}" with ext "." is
// not.
//
// # Injection safety
//
// In simple {var} expansion (and with the operators . / ; ? &) every byte
// other than ALPHA, DIGIT and "-._~" is percent-encoded as UTF-8 — "/",
// "?", "#", "%", CR, LF and NUL included — so a value can never add a path
// segment, a query or a fragment, and an existing "%2F" in a value is sent
// as "%252F". Values are sent exactly as given: never case-folded, never
// normalized.
//
// Reserved expansion {+var} (and fragment expansion {#var}) keeps "/", "?",
// "#" and existing %XX triplets. It is the one way to pass a pre-built path,
// and it is UNSAFE for untrusted input: such a value can add segments, a
// query or a fragment. Use it only with values the program built itself.
package pathtpl
