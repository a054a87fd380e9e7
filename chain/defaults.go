package chain

import (
	"maps"
	"net/url"

	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"

	"github.com/chainpay-go/wechatpay/catalog"
)

// Defaults are values a client fills into its calls: into every operation
// whose catalogue entry has the field (a top-level body field, a query
// parameter or a path variable of that name) and whose caller left it out.
// A default never overwrites a value the caller gave, an explicit JSON null
// included. Calls the catalogue does not know get none. Empty fields are
// not filled.
type Defaults struct {
	SpMchID   string // sp_mchid: the service provider's merchant ID
	SubMchID  string // sub_mchid
	SpAppID   string // sp_appid
	AppID     string // appid
	NotifyURL string // notify_url
}

// defaults is Defaults as name/value pairs (nil when all are empty).
type defaults struct{ names, values []string }

func newDefaults(d Defaults) *defaults {
	var out defaults
	for _, nv := range [...][2]string{{"sp_mchid", d.SpMchID}, {"sub_mchid", d.SubMchID}, {"sp_appid", d.SpAppID}, {"appid", d.AppID}, {"notify_url", d.NotifyURL}} {
		if nv[1] != "" {
			out.names = append(out.names, nv[0])
			out.values = append(out.values, nv[1])
		}
	}
	if len(out.names) == 0 {
		return nil
	}
	return &out
}

// withDefaults returns opts with the client's defaults filled in where the
// call's operation has the field and opts lacks it: a new map, the caller's
// untouched; opts itself when nothing is filled (or no default is set).
func (c *Client) withDefaults(ch *Chain, method string, opts O) O {
	if c.defaults == nil {
		return opts
	}
	tpl, err := ch.template()
	if err != nil {
		return opts // newRequest reports it
	}
	op, ok := catalog.Lookup(method, tpl.String())
	if !ok {
		return opts
	}
	out, cloned := opts, false
	clone := func() {
		if !cloned {
			out, cloned = copyOptions(opts, len(c.defaults.names)), true
		}
	}
	for i, name := range c.defaults.names {
		val := c.defaults.values[i]
		// A path variable.
		if contains(op.PathVars, name) && contains(tpl.Names(), name) {
			if v, given := opts[name]; !given || v == nil {
				clone()
				out[name] = val
			}
			continue
		}
		// A query parameter.
		if hasQueryParam(&op, name) {
			if q, done := queryWithDefault(out[keyQuery], name, val); done {
				clone()
				out[keyQuery] = q
			}
			continue
		}
		// A top-level body field (JSON bodies only).
		if op.Body == nil || op.Encoding != "" {
			continue
		}
		if _, has := op.Body.Member(name); !has {
			continue
		}
		if _, hasBody := out[keyBody]; hasBody {
			continue // a raw body is sent as given
		}
		if _, hasMedia := out[keyMedia]; hasMedia {
			continue
		}
		if j, done := jsonWithDefault(out[keyJSON], name, val); done {
			clone()
			out[keyJSON] = j
		}
	}
	return out
}

func hasQueryParam(op *catalog.Operation, name string) bool {
	for _, p := range op.Params {
		if p.In == catalog.LocationQuery && p.Name == name {
			return true
		}
	}
	return false
}

// queryWithDefault returns the query with name set to val when it lacks it.
func queryWithDefault(q any, name, val string) (any, bool) {
	switch x := q.(type) {
	case nil:
		return map[string]any{name: val}, true
	case map[string]any:
		if _, ok := x[name]; ok {
			return q, false
		}
		y := maps.Clone(x)
		y[name] = val
		return y, true
	case map[string]string:
		if _, ok := x[name]; ok {
			return q, false
		}
		y := maps.Clone(x)
		y[name] = val
		return y, true
	case map[string][]string:
		if _, ok := x[name]; ok {
			return q, false
		}
		y := maps.Clone(x)
		y[name] = []string{val}
		return y, true
	case url.Values:
		if x.Has(name) {
			return q, false
		}
		y := maps.Clone(x)
		y.Set(name, val)
		return y, true
	}
	return q, false // a type newRequest will refuse
}

// jsonWithDefault returns the body with the top-level member name set to
// val when it lacks it: a map is copied, any other value encoded once and
// the member added to the bytes.
func jsonWithDefault(j any, name, val string) (any, bool) {
	switch x := j.(type) {
	case nil:
		return j, false // no body given: none is made up
	case map[string]any:
		if _, ok := x[name]; ok {
			return j, false
		}
		y := maps.Clone(x)
		y[name] = val
		return y, true
	}
	b, err := encodeJSON(j)
	if err != nil || !gjson.ValidBytes(b) || !gjson.ParseBytes(b).IsObject() {
		return j, false // newRequest reports it, or not an object
	}
	if gjson.GetBytes(b, gjson.Escape(name)).Exists() {
		return j, false
	}
	out, err := sjson.SetBytes(b, name, val)
	if err != nil {
		return j, false
	}
	return out, true
}
