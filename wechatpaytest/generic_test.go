package wechatpaytest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/catalog"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// scenarioPrefixes are the templates stateful scenarios answer.
var scenarioPrefixes = []string{"v3/pay/", "v3/payscore/", "v3/refund/domestic/", "v3/combine-transactions", "v3/fund-app/mch-transfer/transfer-bills",
	"v3/merchant/media", "v3/certificates", "v3/bill/", "v3/billdownload", "v3/ecommerce/bill/", "v3/marketing/favor/media", "v3/merchant-service/images"}

// genericOp returns the first catalogued operation the generic responder
// answers for which pred holds.
func genericOp(t *testing.T, pred func(op *catalog.Operation) bool) catalog.Operation {
	t.Helper()
	for _, op := range catalog.All() {
		if walkSkip(&op) != "" {
			continue
		}
		stateful := false
		for _, p := range scenarioPrefixes {
			stateful = stateful || strings.HasPrefix(op.Template, p)
		}
		if !stateful && pred(&op) {
			return op
		}
	}
	t.Fatal("no such operation in the catalogue")
	return catalog.Operation{}
}

// target expands op's template with the walk's path values and query.
func target(op *catalog.Operation, c walkCall) string {
	p := "/" + op.Template
	for _, name := range op.PathVars {
		v, _ := c.opts[name].(string)
		p = strings.Replace(p, "{"+name+"}", url.PathEscape(v), 1)
	}
	if len(c.query) > 0 {
		q := url.Values{}
		for k, v := range c.query {
			q.Set(k, v)
		}
		p += "?" + q.Encode()
	}
	return p
}

func (c walkCall) json(t *testing.T) string {
	t.Helper()
	if c.body == nil {
		return ""
	}
	b, err := json.Marshal(c.body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sendCall sends c for op with the given extra headers.
func sendCall(e *env, op *catalog.Operation, c walkCall, hdr http.Header) *answer {
	e.t.Helper()
	body := c.json(e.t)
	tg := target(op, c)
	authz, err := e.auth.Authorize(e.t.Context(), op.Method, tg, []byte(body))
	if err != nil {
		e.t.Fatal(err)
	}
	return e.send(op.Method, tg, body, authz, hdr)
}

func requiredQuery(op *catalog.Operation) bool {
	for _, p := range op.Params {
		if p.In == catalog.LocationQuery && p.Required {
			return true
		}
	}
	return false
}

func requiredBody(op *catalog.Operation) bool {
	if op.Body == nil || op.Encoding != "" {
		return false
	}
	for _, f := range op.Body.Fields {
		if f.Required {
			return true
		}
	}
	return false
}

// TestGenericCheckOrder: the first failure in the gateway's order (query,
// body, then Wechatpay-Serial) is the one answered, signed, with
// detail.field, location and issue.
func TestGenericCheckOrder(t *testing.T) {
	t.Parallel()
	e := setup(t)
	both := genericOp(t, func(op *catalog.Operation) bool { return requiredQuery(op) && requiredBody(op) })
	c := buildCall(&both, e.srv)
	noQuery, _ := c.withoutRequired(&catalog.Operation{Params: both.Params}) // a query parameter only
	noBody, _ := c.withoutRequired(&both)
	noBoth := noQuery
	noBoth.body = noBody.body
	if a := sendCall(e, &both, noBoth, nil); a.Status != 400 || a.get("detail.location") != "query" || a.get("detail.field") != noQuery.removed || e.verify(a) != nil {
		t.Errorf("%s without a query parameter and a body field: %d %s, want the query's PARAM_ERROR first", walkKey(&both), a.Status, a.Body)
	}

	serial := genericOp(t, func(op *catalog.Operation) bool { return op.NeedsSerial && requiredBody(op) && !requiredQuery(op) })
	c = buildCall(&serial, e.srv)
	noBody, _ = c.withoutRequired(&serial)
	unknown := http.Header{"Wechatpay-Serial": {"PUB_KEY_ID_0000000000000000000000000000"}}
	tests := []struct {
		name   string
		call   walkCall
		hdr    http.Header
		status int
		field  string
	}{
		{"valid", c, http.Header{"Wechatpay-Serial": {e.srv.SigningSerial()}}, 200, ""},
		{"body field missing and an unknown serial", noBody, unknown, 400, noBody.removed},
		{"an unknown serial", c, unknown, 400, "Wechatpay-Serial"},
	}
	for _, tt := range tests {
		a := sendCall(e, &serial, tt.call, tt.hdr)
		if a.Status != tt.status || a.get("detail.field") != tt.field || e.verify(a) != nil {
			t.Errorf("%s %s: %d %s, want %d naming %q", walkKey(&serial), tt.name, a.Status, a.Body, tt.status, tt.field)
		}
	}
	if a := sendCall(e, &serial, noBody, nil); a.get("detail.location") != "body" || a.get("message") == "" || a.get("detail.issue") == "" {
		t.Errorf("body error %s: want location, message and issue", a.Body)
	}
}

// TestGenericAnswer: a valid request gets the response schema's fields,
// echoing the request's values of the same name, the same answer every
// time; an operation with no response body answers 204.
func TestGenericAnswer(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var echoed string
	op := genericOp(t, func(op *catalog.Operation) bool {
		if op.Response == nil || !requiredBody(op) {
			return false
		}
		for _, f := range op.Body.Fields {
			if r, ok := op.Response.Member(f.Name); ok && f.Required && f.Type == "string" && r.Type == "string" && len(f.Enum) == 0 && f.Name != "mchid" {
				echoed = f.Name
				return true
			}
		}
		return false
	})
	c := buildCall(&op, e.srv)
	c.body[echoed] = "ECHO-4711"
	a := sendCall(e, &op, c, http.Header{"Wechatpay-Serial": {e.srv.SigningSerial()}})
	if a.Status != 200 || a.get(echoed) != "ECHO-4711" || e.verify(a) != nil {
		t.Fatalf("%s: %d %s, want %s echoed", walkKey(&op), a.Status, a.Body, echoed)
	}
	if problems := checkShape(op.Response, gjson.ParseBytes(a.Body), ""); len(problems) > 0 {
		t.Errorf("%s: answer lacks %v", walkKey(&op), problems)
	}
	again := sendCall(e, &op, c, http.Header{"Wechatpay-Serial": {e.srv.SigningSerial()}})
	if diff := cmp.Diff(string(a.Body), string(again.Body)); diff != "" {
		t.Errorf("the same request, another answer (-first +again):\n%s", diff)
	}

	none := genericOp(t, func(op *catalog.Operation) bool { return op.Response == nil && op.Method == "POST" && !op.NeedsSerial })
	if a := sendCall(e, &none, buildCall(&none, e.srv), nil); a.Status != 204 || len(a.Body) != 0 || e.verify(a) != nil {
		t.Errorf("%s: %d %q, want a signed 204 with no body", walkKey(&none), a.Status, a.Body)
	}
}

// TestGenericLetsDoubtsPass: a body member the catalogue does not describe
// is taken, with a note in the request's record.
func TestGenericLetsDoubtsPass(t *testing.T) {
	t.Parallel()
	e := setup(t)
	op := genericOp(t, func(op *catalog.Operation) bool { return requiredBody(op) && !op.NeedsSerial && op.Response != nil })
	c := buildCall(&op, e.srv)
	c.body["published_yesterday"] = "x"
	a := sendCall(e, &op, c, nil)
	if a.Status != 200 {
		t.Fatalf("%s with an unknown member: %d %s, want 200", walkKey(&op), a.Status, a.Body)
	}
	recs := e.srv.Requests()
	notes := recs[len(recs)-1].Notes
	if len(notes) != 1 || !strings.Contains(notes[0], "published_yesterday") {
		t.Errorf("notes %q, want one naming published_yesterday", notes)
	}
}

// TestScenariosWinOverTheGenericAnswer: a scenario's route answers its
// operation, and a user's route answers before both.
func TestScenariosWinOverTheGenericAnswer(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := e.do("POST", "/v3/pay/transactions/native", payBody(e.srv, "WIN000001", ""))
	if a.Status != 200 || !strings.HasPrefix(a.get("code_url"), "weixin://wxpay/bizpayurl?pr=") {
		t.Errorf("native: %d %s, want the scenario's code_url", a.Status, a.Body)
	}
	op := genericOp(t, func(op *catalog.Operation) bool {
		return op.Method == "GET" && len(op.PathVars) == 1 && !requiredQuery(op)
	})
	c := buildCall(&op, e.srv)
	e.srv.Handle(op.Method, "/"+op.Template, func(r *wechatpaytest.Request) (int, any) {
		return http.StatusOK, map[string]string{"mine": r.Param(op.PathVars[0])}
	})
	if a := sendCall(e, &op, c, nil); a.get("mine") != c.opts[op.PathVars[0]] {
		t.Errorf("%s with a user route: %d %s", walkKey(&op), a.Status, a.Body)
	}
}
