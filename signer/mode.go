package signer

import (
	"net/url"
	"strings"
)

// VerifyMode says how the answer to a request is verified.
type VerifyMode int

const (
	// VerifyBody verifies Wechatpay-Signature over "TIMESTAMP\nNONCE\nBODY\n". The default.
	VerifyBody VerifyMode = iota
	// VerifyNone: the answer carries no signature (file and image downloads).
	VerifyNone
	// VerifyStatementSHA1: overseas statements; the signed body is
	// {"sha1":"<Wechatpay-Statement-Sha1>"} and the file must hash to that value.
	VerifyStatementSHA1
)

// String returns the mode's name.
func (m VerifyMode) String() string {
	switch m {
	case VerifyBody:
		return "VerifyBody"
	case VerifyNone:
		return "VerifyNone"
	case VerifyStatementSHA1:
		return "VerifyStatementSHA1"
	}
	return "VerifyMode(?)"
}

// VerificationFor decides, from the request's method and path alone (never from the
// answer), how its answer must be verified. path may have a leading slash or not, a
// query string, or be an absolute http(s) URL. Segments are matched exactly, so
// /v3/billdownload/file-evil, /v3/billdownload/file/x or an escaped variant get
// VerifyBody; so do empty and dot segments. Unsigned answers (VerifyNone), all for GET:
//
//	/v3/billdownload/file
//	/v3/merchant-service/images/{media_id}         (not /upload; the id may span segments)
//	/v3/global/merchant-service/images/{media_id}  (not /upload)
//	/v3/new-tax-control-fapiao/download
//	/v3/transferdownload/elecvoucherfile
//	/v3/transferdownload/signfile
//
// VerifyStatementSHA1 for GET /v3/statements, /v3/global/statements and
// /hk/v3/statements. Everything else, and every other method, is VerifyBody.
func VerificationFor(method, path string) VerifyMode {
	if !strings.EqualFold(method, "GET") {
		return VerifyBody
	}
	p := path
	if l := strings.ToLower(p); strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://") {
		u, err := url.Parse(p)
		if err != nil {
			return VerifyBody
		}
		p = u.EscapedPath()
	}
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	p = strings.TrimPrefix(p, "/")
	seg := strings.Split(p, "/")
	switch len(seg) {
	case 3:
		switch {
		case seg[0] == "v3" && seg[1] == "billdownload" && seg[2] == "file",
			seg[0] == "v3" && seg[1] == "new-tax-control-fapiao" && seg[2] == "download",
			seg[0] == "v3" && seg[1] == "transferdownload" && (seg[2] == "elecvoucherfile" || seg[2] == "signfile"):
			return VerifyNone
		case seg[0] == "v3" && seg[1] == "global" && seg[2] == "statements",
			seg[0] == "hk" && seg[1] == "v3" && seg[2] == "statements":
			return VerifyStatementSHA1
		}
	case 2:
		if seg[0] == "v3" && seg[1] == "statements" {
			return VerifyStatementSHA1
		}
	}
	if len(seg) >= 4 && seg[0] == "v3" {
		rest := seg[1:]
		if rest[0] == "global" {
			rest = rest[1:]
		}
		if len(rest) >= 3 && rest[0] == "merchant-service" && rest[1] == "images" && mediaID(rest[2:]) {
			return VerifyNone
		}
	}
	return VerifyBody
}

// mediaID reports whether the segments after /images/ name a media id: at least one
// segment, none empty or a dot segment (also percent-encoded), and not exactly
// "upload". A media id may hold "/" when sent raw ({+media_id}), hence several segments.
// A segment that decodes to text with a "." or ".." piece between "/" or "\" (such as
// "..%2F..%2Fpay") is refused too: a server or proxy that decodes %2F before resolving
// dot segments would route it to another API, whose answer must then be verified.
func mediaID(segs []string) bool {
	if len(segs) == 0 {
		return false
	}
	for _, s := range segs {
		u, err := url.PathUnescape(s)
		if err != nil || u == "" || len(segs) == 1 && u == "upload" {
			return false
		}
		for piece := range strings.FieldsFuncSeq(u, func(r rune) bool { return r == '/' || r == '\\' }) {
			if piece == "." || piece == ".." {
				return false
			}
		}
	}
	return true
}
