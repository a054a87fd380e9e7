package catalog_test

import (
	"strconv"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/catalog"
)

// jsapiBody is a complete JSAPI order (the catalogue's own examples).
const jsapiBody = `{"appid":"wxd678efh567hg6787","mchid":"1230000109","description":"Image形象店-深圳腾大-QQ公仔",` +
	`"out_trade_no":"1217752501201407033233368018","notify_url":"https://www.weixin.qq.com/wxpay/pay.php",` +
	`"amount":{"total":100,"currency":"CNY"},"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},` +
	`"detail":{"goods_detail":[{"merchant_goods_id":"1246464644","quantity":1,"unit_price":528800}]}}`

// jsapi returns jsapiBody with old replaced by new (once).
func jsapi(old, new string) []byte {
	if !strings.Contains(jsapiBody, old) {
		panic("jsapi: no " + old)
	}
	return []byte(strings.Replace(jsapiBody, old, new, 1))
}

func TestValidate(t *testing.T) {
	t.Parallel()
	const jsapiT = "v3/pay/transactions/jsapi"
	type f = catalog.Finding
	tests := []struct {
		name             string
		method, template string
		req              catalog.Request
		want             []catalog.Finding
	}{
		{"a complete JSAPI order", "POST", jsapiT, catalog.Request{Body: []byte(jsapiBody)}, nil},
		{"unknown operation, typo", "POST", "v3/pay/transaction/jsapi", catalog.Request{}, []f{{
			Kind: catalog.UnknownOperation, Location: "path",
			Issue:       "no such operation in the catalogue (version " + catalog.SourceVersion + "); did you mean POST v3/pay/transactions/jsapi?",
			Suggestions: []string{"POST v3/pay/transactions/jsapi", "POST v3/pay/transactions/app", "POST v3/pay/transactions/h5"},
		}}},
		{"unknown operation, other method", "GET", jsapiT, catalog.Request{}, []f{{
			Kind: catalog.UnknownOperation, Location: "path",
			Issue:       "the catalogue has this path only with another method; did you mean POST v3/pay/transactions/jsapi?",
			Suggestions: []string{"POST v3/pay/transactions/jsapi"},
		}}},
		{"missing path variable", "GET", "v3/refund/domestic/refunds/{out_refund_no}", catalog.Request{}, []f{
			{Kind: catalog.Missing, Location: "path", Field: "out_refund_no", Issue: "required"},
		}},
		{"path variable under the caller's own name", "GET", "v3/refund/domestic/refunds/<no>",
			catalog.Request{PathVars: map[string]string{"no": "R1"}}, nil},
		{"path values written into the path", "GET", "v3/pay/transactions/id/4200000001",
			catalog.Request{Query: map[string][]string{"mchid": {"1230000109"}}}, nil},
		{"missing query parameter", "GET", "v3/pay/transactions/id/{transaction_id}",
			catalog.Request{PathVars: map[string]string{"transaction_id": "4200000001"}}, []f{
				{Kind: catalog.Missing, Location: "query", Field: "mchid", Issue: "required"},
			}},
		{"query value outside its enum", "GET", "v3/bill/tradebill",
			catalog.Request{Query: map[string][]string{"bill_date": {"2019-06-11"}, "tar_type": {"ZIP"}}}, []f{
				{Kind: catalog.NotInEnum, Location: "query", Field: "tar_type", Issue: "not one of the allowed values: GZIP"},
			}},
		{"missing header", "POST", "v3/marketing/partnerships/build",
			catalog.Request{Body: []byte(`{}`)}, nil}, // filled in below
		{"missing nested body field", "POST", jsapiT, catalog.Request{Body: jsapi(`"total":100,`, ``)}, []f{
			{Kind: catalog.Missing, Location: "body", Field: "amount.total", Issue: "required"},
		}},
		{"missing field in an array element", "POST", jsapiT, catalog.Request{Body: jsapi(`"quantity":1,`, ``)}, []f{
			{Kind: catalog.Missing, Location: "body", Field: "detail.goods_detail.0.quantity", Issue: "required"},
		}},
		{"null counts as absent", "POST", jsapiT, catalog.Request{Body: jsapi(`"appid":"wxd678efh567hg6787"`, `"appid":null`)}, []f{
			{Kind: catalog.Missing, Location: "body", Field: "appid", Issue: "required"},
		}},
		{"no body at all", "POST", jsapiT, catalog.Request{}, []f{
			{Kind: catalog.Missing, Location: "body", Issue: "the operation takes a JSON body"},
		}},
		{"unknown field with a suggestion", "POST", jsapiT, catalog.Request{Body: jsapi(`"currency"`, `"currncy"`)}, []f{
			{Kind: catalog.UnknownField, Location: "body", Field: "amount.currncy",
				Issue: `not a field of this operation; did you mean "currency"?`, Suggestions: []string{"currency"}},
		}},
		{"unknown field without a near name", "POST", jsapiT, catalog.Request{Body: jsapi(`"appid"`, `"zzz":1,"appid"`)}, []f{
			{Kind: catalog.UnknownField, Location: "body", Field: "zzz", Issue: "not a field of this operation", Suggestions: []string{}},
		}},
		{"wrong type: string for integer", "POST", jsapiT, catalog.Request{Body: jsapi(`"total":100`, `"total":"100"`)}, []f{
			{Kind: catalog.WrongType, Location: "body", Field: "amount.total", Issue: "want integer, got string"},
		}},
		{"wrong type: fraction for integer", "POST", jsapiT, catalog.Request{Body: jsapi(`"total":100`, `"total":1.5`)}, []f{
			{Kind: catalog.WrongType, Location: "body", Field: "amount.total", Issue: "want integer, got a number with a fraction or exponent"},
		}},
		{"wrong type: array for object", "POST", jsapiT, catalog.Request{Body: jsapi(`"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}`, `"payer":[]`)}, []f{
			{Kind: catalog.WrongType, Location: "body", Field: "payer", Issue: "want object, got array"},
		}},
		{"wrong type: the body is an array", "POST", jsapiT, catalog.Request{Body: []byte(`[]`)}, []f{
			{Kind: catalog.WrongType, Location: "body", Issue: "want object, got array"},
		}},
		{"value outside an enum, in an array", "POST", jsapiT, catalog.Request{Body: jsapi(`"payer"`, `"limit_pay":["no_credit","cash"],"payer"`)}, []f{
			{Kind: catalog.NotInEnum, Location: "body", Field: "limit_pay.1",
				Issue: "not one of the allowed values: no_balance, no_credit, no_debit, balance_only"},
		}},
		{"string over maxLength", "POST", "v3/marketing/busifavor/coupons/associate", catalog.Request{Body: []byte(
			`{"stock_id":"1","coupon_code":"一二三四五六七八九十一二三四五六","out_trade_no":"T","out_request_no":"R"}`)}, []f{
			{Kind: catalog.TooLong, Location: "body", Field: "coupon_code", Issue: "longer than 15 characters (16)"},
		}},
		{"maxLength counts characters, not bytes", "POST", "v3/marketing/busifavor/coupons/associate", catalog.Request{Body: []byte(
			`{"stock_id":"1","coupon_code":"一二三四五六七八九十一二三四五","out_trade_no":"T","out_request_no":"R"}`)}, nil},
		{"encrypted field without an encryptor", "POST", jsapiT, catalog.Request{Body: jsapi(`"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"`,
			`"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","identity":{"type":"IDCARD","number":"x","name":"y"}`)}, []f{
			{Kind: catalog.NeedsEncryptor, Location: "header", Field: "Wechatpay-Serial",
				Issue: "the body sets the encrypted field payer.identity.number: use an encryptor (it encrypts the field and sets Wechatpay-Serial)"},
		}},
		{"encrypted field with an encryptor", "POST", jsapiT, catalog.Request{Encryptor: true, Body: jsapi(`"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"`,
			`"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","identity":{"type":"IDCARD","number":"x","name":"y"}`)}, nil},
		{"encrypted field with a Wechatpay-Serial header", "POST", jsapiT, catalog.Request{
			Header: map[string][]string{"wechatpay-serial": {"PUB_KEY_ID_0114232134912410000000000000"}},
			Body: jsapi(`"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"`,
				`"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","identity":{"type":"IDCARD","number":"x","name":"y"}`)}, nil},
		{"an operation whose encrypted fields are not marked", "GET", "v3/capital/capitallhh/banks/search-banks-by-bank-account",
			catalog.Request{Query: map[string][]string{"account_number": {"x"}}}, []f{
				{Kind: catalog.NeedsEncryptor, Location: "header", Field: "Wechatpay-Serial",
					Issue: "the operation sends encrypted fields: use an encryptor (it encrypts them and sets Wechatpay-Serial)"},
			}},
		{"invalid JSON", "POST", jsapiT, catalog.Request{Body: []byte(`{"appid":`)}, []f{
			{Kind: catalog.InvalidJSON, Location: "body", Issue: "not valid JSON (near byte 9)"},
		}},
		{"trailing garbage", "POST", jsapiT, catalog.Request{Body: []byte(jsapiBody + `x`)}, []f{
			{Kind: catalog.InvalidJSON, Location: "body", Issue: "not valid JSON (near byte " + strconv.Itoa(len(jsapiBody)) + ")"},
		}},
	}
	// The partnerships operation requires an Idempotency-Key header.
	for i := range tests {
		if tests[i].template == "v3/marketing/partnerships/build" {
			op, ok := catalog.Lookup("POST", tests[i].template)
			if !ok {
				t.Fatal("no partnerships/build")
			}
			tests[i].want = nil
			tests[i].want = append(tests[i].want, f{Kind: catalog.Missing, Location: "header", Field: "Idempotency-Key", Issue: "required"})
			for _, m := range op.Body.Fields {
				if m.Required {
					tests[i].want = append(tests[i].want, f{Kind: catalog.Missing, Location: "body", Field: m.Name, Issue: "required"})
				}
			}
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := catalog.Validate(tt.method, tt.template, tt.req)
			if diff := gocmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Validate(%s %s) (-want +got):\n%s", tt.method, tt.template, diff)
			}
		})
	}
}

func TestFindingPointerAndString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		f            catalog.Finding
		pointer, str string
	}{
		{catalog.Finding{Location: "body", Field: "amount.total", Issue: "required"}, "/amount/total", "body amount.total: required"},
		{catalog.Finding{Location: "body", Field: "detail.goods_detail.0.quantity", Issue: "x"}, "/detail/goods_detail/0/quantity", "body detail.goods_detail.0.quantity: x"},
		{catalog.Finding{Location: "body", Issue: "not valid JSON"}, "/", "body: not valid JSON"},
		{catalog.Finding{Location: "query", Field: "mchid", Issue: "required"}, "mchid", "query mchid: required"},
	}
	for _, tt := range tests {
		if got := tt.f.Pointer(); got != tt.pointer {
			t.Errorf("%v.Pointer() = %q, want %q", tt.f, got, tt.pointer)
		}
		if got := tt.f.String(); got != tt.str {
			t.Errorf("String() = %q, want %q", got, tt.str)
		}
	}
}

func TestValidateBoundsFindings(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("{")
	for i := range 1000 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"x` + strings.Repeat("y", i%7) + `":1`)
	}
	b.WriteString("}")
	got := catalog.Validate("POST", "v3/pay/transactions/jsapi", catalog.Request{Body: []byte(b.String())})
	if len(got) != catalog.MaxFindings {
		t.Errorf("%d findings, want at most MaxFindings (%d)", len(got), catalog.MaxFindings)
	}
}

func TestFindingsHoldNoValues(t *testing.T) {
	t.Parallel()
	const secret = "SECRET-VALUE-42"
	body := `{"appid":"` + secret + strings.Repeat("x", 40) + `","mchid":1,"payer":{"identity":{"type":"` + secret + `"}},"amount":{"total":"` + secret + `"}}`
	got := catalog.Validate("POST", "v3/pay/transactions/jsapi", catalog.Request{Body: []byte(body),
		Query: map[string][]string{"x": {secret}}})
	got = append(got, catalog.Validate("GET", "v3/bill/tradebill", catalog.Request{Query: map[string][]string{"tar_type": {secret}}})...)
	got = append(got, catalog.Validate("GET", "v3/x/"+"y", catalog.Request{})...)
	if len(got) < 4 {
		t.Fatalf("only %d findings", len(got))
	}
	for _, f := range got {
		if strings.Contains(f.String(), secret) {
			t.Errorf("finding holds a value: %s", f)
		}
	}
}

// TestHostileInputStaysCheap: a huge unknown key or template gets no
// suggestion search over its whole length (the test would take minutes).
func TestHostileInputStaysCheap(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("a", 4<<20)
	got := catalog.Validate("POST", "v3/pay/transactions/jsapi", catalog.Request{Body: []byte(`{"` + huge + `":1}`)})
	if len(got) == 0 || got[0].Kind != catalog.UnknownField || len(got[0].Suggestions) != 0 || len(got[0].Field) > 200 {
		t.Errorf("huge key: %d findings", len(got))
	}
	got = catalog.Validate("POST", "v3/"+huge, catalog.Request{})
	if len(got) != 1 || got[0].Kind != catalog.UnknownOperation {
		t.Errorf("huge template: %v", len(got))
	}
}
