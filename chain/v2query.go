package chain

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/chainpay-go/wechatpay/catalog"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/tidwall/gjson"
)

// APIv2 GETs.
//
// Six APIv2 operations of the catalogue are GETs whose fields travel in the
// query (appauth/getaccesstoken, the papay entrustweb contracts, …). A GET
// of such a template takes its fields in "query" and gets the APIv2
// treatment: the wire path without "v2/", the merchant id under mch_id
// when the operation has it and the caller left it out, sign_type where
// the operation allows only one, and sign (the same APIv2 signature as a
// body's) where the operation has a sign field; no Authorization. Their
// answers carry no sign. appauth/getaccesstoken answers JSON: a retcode
// other than 0 is an *APIError (Code the retcode, Message the retmsg).
//
// appauth/authindex and papay/entrustweb are pages for the user's
// browser, which answer a redirect or HTML: call them through the chain
// and the redirect is refused like any other. Build their URL with
// Client.V2QueryURL and send the user there.

// v2QueryOp is what a query-borne APIv2 GET needs of its operation.
type v2QueryOp struct {
	host     string // another host (x-base-uri), or ""
	mchID    bool   // the operation has a mch_id parameter
	signed   bool   // the query carries sign
	signType string // the only sign_type the operation takes, or ""
}

// v2QueryOps caches v2QueryOpOf for the catalogue's query-borne APIv2
// GETs only: six entries at most, however many templates are called.
var v2QueryOps sync.Map

// v2QueryOpOf returns the facts of the query-borne APIv2 GET at template,
// or nil when template is not one.
func v2QueryOpOf(template string) *v2QueryOp {
	if !strings.HasPrefix(template, "v2/") {
		return nil // every GET goes through here: the common case costs nothing
	}
	if v, ok := v2QueryOps.Load(template); ok {
		return v.(*v2QueryOp)
	}
	var o *v2QueryOp
	if op, ok := catalog.Lookup(http.MethodGet, template); ok && op.Encoding == catalog.EncodingXML && strings.HasPrefix(op.Template, "v2/") {
		o = &v2QueryOp{host: op.Host}
		for _, p := range op.Params {
			switch {
			case p.In != catalog.LocationQuery:
			case p.Name == "mch_id":
				o.mchID = true
			case p.Name == signer.FieldSign:
				o.signed = true
			case p.Name == "sign_type" && len(p.Enum) == 1:
				o.signType = p.Enum[0]
			}
		}
	}
	if o == nil {
		return nil
	}
	v, _ := v2QueryOps.LoadOrStore(template, o)
	return v.(*v2QueryOp)
}

// buildV2Query turns r, a GET whose path and query are final, into an
// APIv2 GET when its template is one (see above). It returns the problems
// (nothing is sent then).
func (c *Client) buildV2Query(r *request) []error {
	op := v2QueryOpOf(r.template)
	if op == nil {
		return nil
	}
	path, rawQuery, _ := strings.Cut(r.path, "?")
	q, err := c.signV2Query(op, rawQuery)
	if err != nil {
		return []error{err}
	}
	r.path = strings.TrimPrefix(path, "v2/") + "?" + q
	if base := v2Base(op.host, r.baseURL); base != r.baseURL {
		r.absURL = base + r.path
	}
	r.v2 = &v2Call{signType: "", signed: false, retrySafe: true}
	return nil
}

// signV2Query fills in and signs the fields of an APIv2 query.
func (c *Client) signV2Query(op *v2QueryOp, rawQuery string) (string, error) {
	vals, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", fmt.Errorf("%q: %w", keyQuery, err)
	}
	fields := make(map[string]string, len(vals)+3)
	for k, vs := range vals {
		if len(vs) != 1 {
			return "", fmt.Errorf("%q: %q given %d times: an APIv2 field takes one value", keyQuery, k, len(vs))
		}
		fields[k] = vs[0]
	}
	return c.signV2Fields(op, fields)
}

// signV2Fields fills in fields (mch_id, sign_type, sign, as op has them)
// and returns them as an encoded query.
func (c *Client) signV2Fields(op *v2QueryOp, fields map[string]string) (string, error) {
	if c.apiv2Key == "" && op.signed {
		return "", ErrNoAPIv2Key
	}
	if _, ok := fields[signer.FieldSign]; ok && op.signed {
		return "", fmt.Errorf("%q: drop %q, the client computes it", keyQuery, signer.FieldSign)
	}
	if _, ok := fields["mch_id"]; !ok && op.mchID {
		fields["mch_id"] = c.mchID
	}
	if _, ok := fields["sign_type"]; !ok && op.signType != "" {
		fields["sign_type"] = op.signType
	}
	if op.signed {
		sign, err := signer.SignV2(fields, c.apiv2Key, fields["sign_type"])
		if err != nil {
			return "", fmt.Errorf("%q: %w", keyQuery, err)
		}
		fields[signer.FieldSign] = sign
	}
	out := make(url.Values, len(fields))
	for k, v := range fields {
		out.Set(k, v)
	}
	return out.Encode(), nil
}

// V2QueryURL returns the signed URL of an APIv2 page for the user's
// browser (appauth/authindex, papay/entrustweb, …: any query-borne APIv2
// GET of the catalogue): template with its fields in query, filled in and
// signed as a GET through the chain would be. Nothing is sent.
//
// The APIv2 sign joins the values as they are (k=v&k2=v2…), so a value
// holding "&" or "=" can be split into other fields by whoever holds the
// URL with the sign still valid: never put a value the user controls into
// such a URL unchecked.
func (c *Client) V2QueryURL(template string, query map[string]string) (string, error) {
	op := v2QueryOpOf(strings.TrimLeft(template, "/"))
	if op == nil {
		return "", fmt.Errorf("chain: V2QueryURL %s: not an APIv2 GET of the catalogue", template)
	}
	fields := make(map[string]string, len(query)+3)
	maps.Copy(fields, query) // the caller's map stays as it is
	q, err := c.signV2Fields(op, fields)
	if err != nil {
		return "", fmt.Errorf("chain: V2QueryURL %s: %w", template, err)
	}
	return v2Base(op.host, c.baseURL) + strings.TrimPrefix(strings.TrimLeft(template, "/"), "v2/") + "?" + q, nil
}

// v2RetCode reads the JSON answer of a query-borne APIv2 GET
// (appauth/getaccesstoken): its retcode and retmsg, when it has them.
func v2RetCode(body []byte) (code, msg string, ok bool) {
	if !gjson.ValidBytes(body) {
		return "", "", false
	}
	rc := gjson.GetBytes(body, "retcode")
	if !rc.Exists() {
		return "", "", false
	}
	return rc.String(), gjson.GetBytes(body, "retmsg").String(), true
}
