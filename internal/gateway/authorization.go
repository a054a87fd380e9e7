package gateway

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/chainpay-go/wechatpay/signer"
)

// ErrAuthorization is wrapped by every ParseAuthorization error.
var ErrAuthorization = errors.New("gateway: malformed Authorization header")

// Authorization holds the fields of an APIv3 Authorization header.
type Authorization struct {
	MchID, Nonce, Signature, Timestamp, Serial string
}

// String formats a back into a header value (see signer.FormatAuthorization).
func (a *Authorization) String() string {
	return signer.FormatAuthorization(a.MchID, a.Nonce, a.Signature, a.Timestamp, a.Serial)
}

// Message returns the signing message the header's signature should cover for a
// request with the given method, request target and body.
func (a *Authorization) Message(method, requestTarget string, body []byte) []byte {
	b := make([]byte, 0, len(method)+len(requestTarget)+len(a.Timestamp)+len(a.Nonce)+len(body)+5)
	b = append(b, method...)
	b = append(b, '\n')
	b = append(b, requestTarget...)
	b = append(b, '\n')
	return append(b, signer.BuildVerifyMessage(a.Timestamp, a.Nonce, body)...)
}

// authFields maps a header parameter name to its Authorization field.
var authFields = [...]struct {
	name string
	get  func(*Authorization) *string
}{
	{"mchid", func(a *Authorization) *string { return &a.MchID }},
	{"nonce_str", func(a *Authorization) *string { return &a.Nonce }},
	{"signature", func(a *Authorization) *string { return &a.Signature }},
	{"timestamp", func(a *Authorization) *string { return &a.Timestamp }},
	{"serial_no", func(a *Authorization) *string { return &a.Serial }},
}

// ParseAuthorization parses an APIv3 Authorization header strictly, as the gateway
// would: the scheme WECHATPAY2-SHA256-RSA2048, one space, then comma-separated
// name="value" pairs with no spaces; each of mchid, nonce_str, signature, timestamp and
// serial_no exactly once (any order), no other parameter, no empty value, no quote,
// comma or backslash inside a value, and a timestamp of decimal digits. Errors wrap
// ErrAuthorization and never contain the signature.
func ParseAuthorization(header string) (*Authorization, error) {
	rest, ok := strings.CutPrefix(header, signer.Scheme+" ")
	if !ok {
		scheme, _, _ := strings.Cut(header, " ")
		return nil, fmt.Errorf("%w: scheme %s, want %q followed by one space", ErrAuthorization, showName(scheme, 40), signer.Scheme)
	}
	a := &Authorization{}
	var seen [len(authFields)]bool
	for part := range strings.SplitSeq(rest, ",") {
		name, quoted, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("%w: parameter %s is not name=\"value\"", ErrAuthorization, showName(name, 20))
		}
		idx := -1
		for i, f := range authFields {
			if f.name == name {
				idx = i
				break
			}
		}
		if idx < 0 {
			return nil, fmt.Errorf("%w: unknown parameter %s", ErrAuthorization, showName(name, 20))
		}
		if seen[idx] {
			return nil, fmt.Errorf("%w: parameter %q appears twice", ErrAuthorization, name)
		}
		seen[idx] = true
		if len(quoted) < 2 || quoted[0] != '"' || quoted[len(quoted)-1] != '"' {
			return nil, fmt.Errorf("%w: parameter %s: value must be in double quotes", ErrAuthorization, name)
		}
		v := quoted[1 : len(quoted)-1]
		if v == "" {
			return nil, fmt.Errorf("%w: parameter %s is empty", ErrAuthorization, name)
		}
		if !headerSafe(v) {
			return nil, fmt.Errorf("%w: parameter %s has a space, quote, comma, backslash or control character", ErrAuthorization, name)
		}
		*authFields[idx].get(a) = v
	}
	var missing []string
	for i, f := range authFields {
		if !seen[i] {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: missing %s", ErrAuthorization, strings.Join(missing, ", "))
	}
	if !allDigits(a.Timestamp) || len(a.Timestamp) > 12 {
		return nil, fmt.Errorf("%w: timestamp %q is not Unix seconds", ErrAuthorization, clip(a.Timestamp))
	}
	return a, nil
}

// showName quotes a scheme or parameter name for an error message when it is short
// (at most max bytes) and made of letters, digits, '_' and '-' only; anything else may
// be (part of) the signature and is not shown.
func showName(name string, max int) string {
	ok := len(name) <= max
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
	}
	if ok {
		return strconv.Quote(name)
	}
	return fmt.Sprintf("(%d bytes, not shown: it may hold the signature)", len(name))
}

// clip shortens untrusted text for error messages.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// headerSafe reports whether s can sit inside a quoted Authorization parameter:
// printable ASCII without '"', ',' or '\\' (as signer's Authorizer writes them).
func headerSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == ',' || c == '\\' {
			return false
		}
	}
	return true
}

// allDigits reports whether s is a non-empty run of ASCII digits.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}
