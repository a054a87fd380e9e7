package wechatpaytest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/catalog"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// walkExceptions are the operations the catalogue walk does not expect a
// 2xx from, each with the reason. They are answered by a stateful
// scenario that, like the gateway, needs the object to exist first (the
// walk's made-up ids name none), or checks more than the catalogue says.
var walkExceptions = map[string]string{
	"GET v3/certificates":                   "public-key mode: the merchant has no platform certificates (WithCertificateMode serves them); 404 RESOURCE_NOT_EXISTS as the gateway answers",
	"GET v3/bill/tradebill":                 "stateful (bills): needs a bill for the date (SetBill); the fresh server has none: NO_STATEMENT_EXIST",
	"GET v3/bill/fundflowbill":              "stateful (bills): needs a fund bill for the date (SetBillSourceFor); the fresh server has none: NO_STATEMENT_EXIST",
	"GET v3/profitsharing/bills":            "stateful (bills): needs a profit-sharing bill for the date (SetBillSourceFor); the fresh server has none: NO_STATEMENT_EXIST",
	"GET v3/bill/sub-merchant-fundflowbill": "stateful (encrypted bills): needs the sub-merchant's bill for the date (SetSubMerchantBill); the fresh server has none: NO_STATEMENT_EXIST",
	"GET v3/ecommerce/bill/fundflowbill":    "stateful (encrypted bills): needs the platform's bill for the date (SetSubMerchantBill with no sub-merchant); the fresh server has none: NO_STATEMENT_EXIST",
	"GET v3/payscore/merchant-bill":         "stateful (encrypted bills): needs the service's bill for the date (SetPayscoreBill); the fresh server has none: NO_STATEMENT_EXIST",

	"GET v3/pay/transactions/id/{transaction_id}":                                     needsObject,
	"GET v3/pay/transactions/out-trade-no/{out_trade_no}":                             needsObject,
	"POST v3/pay/transactions/out-trade-no/{out_trade_no}/close":                      needsObject,
	"GET v3/pay/partner/transactions/id/{transaction_id}":                             needsObject,
	"GET v3/pay/partner/transactions/out-trade-no/{out_trade_no}":                     needsObject,
	"POST v3/pay/partner/transactions/out-trade-no/{out_trade_no}/close":              needsObject,
	"GET v3/combine-transactions/out-trade-no/{combine_out_trade_no}":                 needsObject,
	"POST v3/combine-transactions/out-trade-no/{combine_out_trade_no}/close":          needsObject,
	"GET v3/refund/domestic/refunds/{out_refund_no}":                                  needsObject,
	"POST v3/payscore/serviceorder/{out_order_no}/cancel":                             needsObject,
	"POST v3/payscore/serviceorder/{out_order_no}/complete":                           needsObject,
	"POST v3/payscore/serviceorder/{out_order_no}/modify":                             needsObject,
	"POST v3/payscore/serviceorder/{out_order_no}/sync":                               needsObject,
	"GET v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}":           needsObject,
	"POST v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}/cancel":   needsObject,
	"GET v3/fund-app/mch-transfer/transfer-bills/transfer-bill-no/{transfer_bill_no}": needsObject,

	"POST v3/refund/domestic/refunds":                      "stateful: the gateway needs one of transaction_id and out_trade_no (the catalogue marks neither required) and then a paid transaction to refund",
	"GET v3/payscore/serviceorder":                         "stateful: the gateway needs one of out_order_no and query_id (the catalogue marks neither required) and then the order",
	"POST v3/payscore/payafter-orders/{out_order_no}/sync": "stateful: the scenario checks appid and service_id against the order (the catalogue marks them optional), and the order must exist",
	"POST v3/combine-transactions/jsapi":                   "stateful: a JSAPI payment needs combine_payer_info.openid (the catalogue marks it optional)",
	"POST v3/pay/transactions/h5":                          "stateful: an H5 payment needs scene_info.payer_client_ip and h5_info (the catalogue marks them optional)",
	"POST v3/pay/partner/transactions/h5":                  "stateful: an H5 payment needs scene_info.payer_client_ip and h5_info (the catalogue marks them optional)",
}

// needsObject is the reason of a stateful operation on one object.
const needsObject = "stateful: answers about an object that must exist first, as on the gateway (404 for the walk's made-up id)"

// walkKey names an operation in walkExceptions.
func walkKey(op *catalog.Operation) string { return op.Method + " " + op.Template }

// walkSkip says why an operation is not walked ("" to walk it).
func walkSkip(op *catalog.Operation) string {
	switch {
	case strings.HasPrefix(op.Template, "v2/"):
		return "APIv2 (XML, another signature): not simulated"
	case op.Template == "v3/webhooks":
		return "the notification format, not an operation of the gateway"
	case op.Encoding == catalog.EncodingMultipart:
		return "an upload"
	case op.Response != nil && op.Response.Type == "file", strings.Contains(op.Template, "download"),
		strings.HasSuffix(op.Template, "/images/{media_id}"):
		return "a download"
	}
	return ""
}

// exampleOf makes a valid value for f from the catalogue: its example
// when that fits, an enum's first value, or a typed placeholder; for an
// object its required members; for an array one element.
func exampleOf(f *catalog.Field, mchid string) any {
	typ := f.Type
	if typ == "" && len(f.Fields) > 0 {
		typ = "object"
	}
	switch typ {
	case "object":
		o := map[string]any{}
		for i := range f.Fields {
			m := &f.Fields[i]
			if m.Required {
				o[m.Name] = exampleOf(m, mchid)
			}
		}
		return o
	case "array":
		if f.Items == nil {
			return []any{}
		}
		return []any{exampleOf(f.Items, mchid)}
	}
	if typ == "string" && (f.Name == "mchid" || f.Name == "sp_mchid" || f.Name == "combine_mchid" || f.Name == "mch_id") {
		return mchid
	}
	if len(f.Enum) > 0 {
		v := f.Enum[0]
		if typ == "integer" || typ == "number" {
			return json.Number(v)
		}
		if typ == "boolean" {
			return v == "true"
		}
		return v
	}
	if f.Example != "" {
		var v any
		dec := json.NewDecoder(strings.NewReader(f.Example))
		dec.UseNumber()
		if err := dec.Decode(&v); err == nil {
			switch x := v.(type) {
			case string:
				if typ == "string" || typ == "" {
					if f.MaxLength > 0 && len([]rune(x)) > f.MaxLength {
						x = string([]rune(x)[:f.MaxLength])
					}
					if x != "" {
						return x
					}
				}
			case json.Number:
				if typ == "number" || (typ == "integer" && !strings.ContainsAny(x.String(), ".eE")) {
					return x
				}
			case bool:
				if typ == "boolean" {
					return x
				}
			}
		}
	}
	switch typ {
	case "integer", "number":
		return json.Number("1")
	case "boolean":
		return true
	}
	s := "x1"
	if f.MaxLength == 1 {
		s = "x"
	}
	return s
}

// paramValue is exampleOf for a path or query parameter, as text.
func paramValue(p *catalog.Param, mchid string) string {
	switch v := exampleOf(&p.Field, mchid).(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	default:
		return fmt.Sprint(v)
	}
}

// walkCall is one request of the walk.
type walkCall struct {
	opts    chain.O
	query   map[string]string
	body    map[string]any
	removed string // the field removed, as detail.field names it
}

// buildCall makes a valid request for op from the catalogue.
func buildCall(op *catalog.Operation, srv *wechatpaytest.Server) walkCall {
	c := walkCall{opts: chain.O{}, query: map[string]string{}}
	for i := range op.Params {
		p := &op.Params[i]
		switch p.In {
		case catalog.LocationPath:
			c.opts[p.Name] = paramValue(p, srv.MchID)
		case catalog.LocationQuery:
			if p.Required {
				c.query[p.Name] = paramValue(p, srv.MchID)
			}
		}
	}
	for name := range c.opts { // the catalogue names a few path parameters unlike its template
		if !slices.Contains(op.PathVars, name) {
			delete(c.opts, name)
		}
	}
	for _, name := range op.PathVars {
		if _, ok := c.opts[name]; !ok {
			c.opts[name] = "x1"
		}
	}
	if op.Body != nil && op.Encoding == "" {
		if b, ok := exampleOf(op.Body, srv.MchID).(map[string]any); ok && (len(b) > 0 || op.Method != "GET") {
			c.body = b
		}
	}
	return c
}

func (c walkCall) options(op *catalog.Operation, srv *wechatpaytest.Server) chain.O {
	o := chain.O{}
	for k, v := range c.opts {
		o[k] = v
	}
	if len(c.query) > 0 {
		o["query"] = c.query
	}
	if c.body != nil {
		o["json"] = c.body
	}
	if h := c.headers(op, srv); len(h) > 0 {
		o["headers"] = h
	}
	return o
}

// headers are the request's headers: Wechatpay-Serial where the operation
// sends encrypted fields (as a client with an encryptor does), and the
// other required headers from the catalogue's examples.
func (c walkCall) headers(op *catalog.Operation, srv *wechatpaytest.Server) map[string]string {
	h := map[string]string{}
	if op.NeedsSerial {
		h["Wechatpay-Serial"] = srv.SigningSerial()
	}
	for i := range op.Params {
		p := &op.Params[i]
		if p.In == catalog.LocationHeader && p.Required && !strings.EqualFold(p.Name, "Wechatpay-Serial") {
			h[p.Name] = paramValue(p, srv.MchID)
		}
	}
	return h
}

// ownFindings are the catalogue's findings on the walk's own request,
// but for those the simulator lets pass as the catalogue's own mistakes
// (a path parameter the template does not have).
func ownFindings(op *catalog.Operation, r catalog.Request) []catalog.Finding {
	var out []catalog.Finding
	for _, f := range op.Validate(r) {
		if f.Kind == catalog.Missing && f.Location == catalog.LocationPath && !slices.Contains(op.PathVars, f.Field) {
			continue
		}
		out = append(out, f)
	}
	return out
}

// withoutRequired returns a copy of c with one required body member (or,
// with none, one required query parameter) removed.
func (c walkCall) withoutRequired(op *catalog.Operation) (walkCall, bool) {
	if c.body != nil && op.Body != nil {
		for i := range op.Body.Fields {
			m := &op.Body.Fields[i]
			if _, ok := c.body[m.Name]; m.Required && ok {
				b := map[string]any{}
				for k, v := range c.body {
					if k != m.Name {
						b[k] = v
					}
				}
				out := c
				out.body, out.removed = b, "/"+m.Name
				return out, true
			}
		}
	}
	for i := range op.Params {
		p := &op.Params[i]
		if _, ok := c.query[p.Name]; p.In == catalog.LocationQuery && p.Required && ok {
			q := map[string]string{}
			for k, v := range c.query {
				if k != p.Name {
					q[k] = v
				}
			}
			out := c
			out.query, out.removed = q, p.Name
			return out, true
		}
	}
	return c, false
}

func call(ctx context.Context, c *chain.Client, op *catalog.Operation, o chain.O) (*chain.Response, error) {
	ch := c.Chain(op.Template)
	switch op.Method {
	case "GET":
		return ch.Get(ctx, o)
	case "POST":
		return ch.Post(ctx, o)
	case "PUT":
		return ch.Put(ctx, o)
	case "PATCH":
		return ch.Patch(ctx, o)
	case "DELETE":
		return ch.Delete(ctx, o)
	}
	return nil, fmt.Errorf("method %s", op.Method)
}

// TestCatalogueWalk calls every catalogued v3, hk and global operation that
// takes a JSON body or none through the library in Strict mode (the
// simulator's ready configuration), with a request built from the
// catalogue's examples and required fields: each answers a verified 2xx.
// Then one required field is removed: the library refuses the call before
// sending it, naming the field, and with validation Off for that call the
// simulator answers a verified 400 PARAM_ERROR naming it.
func TestCatalogueWalk(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var walked, answered, refused, strictRefused, withRequired int
	skipped := map[string]int{}
	var failures, listed, off []string
	for _, op := range catalog.All() {
		if why := walkSkip(&op); why != "" {
			skipped[why]++
			continue
		}
		walked++
		// Each operation on a fresh server without fixtures: no state
		// left by another operation or a demo fixture answers for it.
		srv := wechatpaytest.NewServer(wechatpaytest.WithoutFixtures(), wechatpaytest.WithRecordLimit(4))
		cfg := srv.Config()
		cfg.DisableRetries = true
		c, err := wechatpay.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		wc := buildCall(&op, srv)
		body, _ := json.Marshal(wc.body)
		if wc.body == nil {
			body = nil
		}
		pathVars := map[string]string{}
		for _, n := range op.PathVars {
			pathVars[n], _ = wc.opts[n].(string)
		}
		hdr := map[string][]string{}
		for k, v := range wc.headers(&op, srv) {
			hdr[k] = []string{v}
		}
		q := map[string][]string{}
		for k, v := range wc.query {
			q[k] = []string{v}
		}
		cr := catalog.Request{PathVars: pathVars, Query: q, Header: hdr, Body: body}
		if f := ownFindings(&op, cr); len(f) > 0 {
			failures = append(failures, fmt.Sprintf("%s: the walk's own request fails the catalogue: %v", walkKey(&op), f))
			srv.Close()
			continue
		}
		opts := wc.options(&op, srv)
		if all := op.Validate(cr); len(all) > 0 {
			// The catalogue's own mistake (a path parameter its template
			// lacks): Strict refuses every call, the simulator lets it pass.
			opts["validation"] = catalog.Off
			off = append(off, fmt.Sprintf("%s: sent with validation Off, the catalogue says %v", walkKey(&op), all))
		}
		resp, err := call(ctx, c, &op, opts)
		bad, removable := wc.withoutRequired(&op)
		var strictErr, badErr error
		if removable && err == nil {
			badOpts := bad.options(&op, srv)
			_, strictErr = call(ctx, c, &op, badOpts) // Strict: refused before sending
			badOpts["validation"] = catalog.Off
			_, badErr = call(ctx, c, &op, badOpts) // the simulator's answer
		}
		srv.Close()
		reason, exempt := walkExceptions[walkKey(&op)]
		switch {
		case err == nil && resp.Verified && resp.StatusCode/100 == 2:
			answered++
			if resp.StatusCode == 200 && !gjson.ValidBytes(resp.Body) {
				failures = append(failures, fmt.Sprintf("%s: the answer is not JSON: %s", walkKey(&op), resp.Body))
			} else if problems := checkShape(op.Response, gjson.ParseBytes(resp.Body), ""); resp.StatusCode == 200 && len(problems) > 0 {
				failures = append(failures, fmt.Sprintf("%s: the answer lacks the response schema's %v: %s", walkKey(&op), problems, resp.Body))
			}
			if exempt {
				failures = append(failures, fmt.Sprintf("%s: listed (%s) but answered %d", walkKey(&op), reason, resp.StatusCode))
			}
		case exempt:
			listed = append(listed, walkKey(&op)+": "+reason)
			continue
		default:
			failures = append(failures, fmt.Sprintf("%s: %v", walkKey(&op), describe(resp, err)))
			continue
		}

		if !removable {
			continue
		}
		withRequired++
		loc := "body "
		if !strings.HasPrefix(bad.removed, "/") {
			loc = "query "
		}
		if want := loc + strings.TrimPrefix(bad.removed, "/") + ": required"; errors.Is(strictErr, chain.ErrInvalidOptions) && strings.Contains(strictErr.Error(), want) {
			strictRefused++
		} else {
			failures = append(failures, fmt.Sprintf("%s without %s in Strict mode: %v, want a refusal naming %q", walkKey(&op), bad.removed, strictErr, want))
		}
		var apiErr *chain.APIError
		if errors.As(badErr, &apiErr) && apiErr.StatusCode == 400 && apiErr.Verified &&
			gjson.GetBytes(apiErr.Body, "code").String() == "PARAM_ERROR" && gjson.GetBytes(apiErr.Body, "detail.field").String() == bad.removed {
			refused++
			continue
		}
		failures = append(failures, fmt.Sprintf("%s without %s: %v", walkKey(&op), bad.removed, describe(nil, badErr)))
	}
	sort.Strings(listed)
	t.Logf("%d/%d operations answered (a verified 2xx); %d listed with their reason; without a required field %d/%d refused by the simulator, %d/%d by the library in Strict mode",
		answered, walked, len(listed), refused, withRequired, strictRefused, withRequired)
	for _, l := range listed {
		t.Logf("listed: %s", l)
	}
	for _, l := range off {
		t.Logf("%s", l)
	}
	t.Logf("not walked: %v", skipped)
	for i, f := range failures {
		if i == 40 {
			t.Errorf("… and %d more", len(failures)-40)
			break
		}
		t.Error(f)
	}
	fmt.Printf("%d/%d operations answered\n", answered, walked)
}

// checkShape reports the required members of the response schema f the
// answer v lacks or has with another JSON type.
func checkShape(f *catalog.Field, v gjson.Result, path string) []string {
	if f == nil {
		return nil
	}
	typ := f.Type
	if typ == "" && len(f.Fields) > 0 {
		typ = "object"
	}
	ok := true
	switch typ {
	case "object":
		ok = v.IsObject()
	case "array":
		ok = v.IsArray()
	case "string":
		ok = v.Type == gjson.String
	case "integer", "number":
		ok = v.Type == gjson.Number
	case "boolean":
		ok = v.Type == gjson.True || v.Type == gjson.False
	}
	if !ok {
		return []string{path + " (want " + typ + ")"}
	}
	var out []string
	for i := range f.Fields {
		m := &f.Fields[i]
		mv := v.Get(gjson.Escape(m.Name))
		switch {
		case mv.Exists():
			out = append(out, checkShape(m, mv, path+"/"+m.Name)...)
		case m.Required:
			out = append(out, path+"/"+m.Name)
		}
	}
	if f.Items != nil && v.IsArray() {
		for i, el := range v.Array() {
			out = append(out, checkShape(f.Items, el, path+"/"+strconv.Itoa(i))...)
		}
	}
	return out
}

// describe shortens a failed call for the test's report.
func describe(resp *chain.Response, err error) string {
	var apiErr *chain.APIError
	switch {
	case errors.As(err, &apiErr):
		return strconv.Itoa(apiErr.StatusCode) + " " + string(apiErr.Body)
	case err != nil:
		return err.Error()
	default:
		return fmt.Sprintf("%d verified=%v %s", resp.StatusCode, resp.Verified, resp.Body)
	}
}
