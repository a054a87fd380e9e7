package chain

import (
	"net/http"

	"github.com/chainpay-go/wechatpay/signer"
)

// requestIDKey is signer.HeaderRequestID in canonical form: Header.Get
// with "Request-ID" allocates a canonical copy on every lookup.
var requestIDKey = http.CanonicalHeaderKey(signer.HeaderRequestID)

// The Accept and Content-Type values of JSON (APIv3) and XML (APIv2) calls.
const (
	acceptJSON      = "application/json"
	contentTypeJSON = "application/json"
	acceptXML       = "application/xml, text/xml"
	contentTypeXML  = "text/xml; charset=utf-8"
)

// callHeaders are a client's shared header sets for its plain calls (a
// JSON or XML body, no header of the caller's, no encryptor): built once
// in NewClient instead of a map per call. They are READ-ONLY: resty copies
// a request's headers into each attempt's *http.Request (the signature
// goes on the copy), and nothing else writes to request.header except a
// download, which is a GET and never gets a shared set.
type callHeaders struct {
	json http.Header
	xml  http.Header
}

func newCallHeaders(userAgent string) callHeaders {
	return callHeaders{
		json: http.Header{"Accept": {acceptJSON}, "User-Agent": {userAgent}, "Content-Type": {contentTypeJSON}},
		xml:  http.Header{"Accept": {acceptXML}, "User-Agent": {userAgent}, "Content-Type": {contentTypeXML}},
	}
}

// requestHeader returns a call's headers: Accept, User-Agent, Content-Type
// (when there is a body), Wechatpay-Serial (with an encryptor), then the
// caller's headers over them (except Content-Type for a multipart upload,
// which sets its own). A plain JSON or XML call gets the client's shared
// set.
func (c *Client) requestHeader(accept, contentType, serial string, user http.Header, media bool) http.Header {
	if len(user) == 0 && serial == "" {
		switch {
		case accept == acceptJSON && contentType == contentTypeJSON && c.headers.json != nil:
			return c.headers.json
		case accept == acceptXML && contentType == contentTypeXML && c.headers.xml != nil:
			return c.headers.xml
		}
	}
	h := make(http.Header, 4+len(user))
	h["Accept"] = []string{accept}
	h["User-Agent"] = []string{c.userAgent}
	if contentType != "" {
		h["Content-Type"] = []string{contentType}
	}
	if serial != "" {
		h["Wechatpay-Serial"] = []string{serial}
	}
	for k, v := range user {
		if k == "Content-Type" && media {
			continue
		}
		h[k] = v
	}
	return h
}
