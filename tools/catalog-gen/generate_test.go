package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/chainpay-go/wechatpay/catalog"
)

// tarball is the source beside every checkout under /work (../shared).
const tarball = "../../../shared/wechatpay-openapi/docs.tar.gz"

func needSource(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(tarball); errors.Is(err, os.ErrNotExist) {
		t.Skipf("no %s: the committed catalogue cannot be regenerated here", tarball)
	}
}

// TestCommittedCatalogueIsCurrent regenerates the catalogue and fails if
// the committed files differ (the data is compared decompressed, so that
// another compress/flate cannot fail it).
func TestCommittedCatalogueIsCurrent(t *testing.T) {
	needSource(t)
	files, st, err := generate(tarball)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join("../../catalog", name))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(name, ".gz") {
			want, got = gunzip(t, want), gunzip(t, got)
		}
		if !bytes.Equal(want, got) {
			t.Errorf("catalog/%s differs from what the generator writes: run go generate ./catalog", name)
		}
	}
	want := stats{
		Operations:   1155,
		ByFamily:     map[string]int{"v3": 993, "v2": 136, "hk": 21, "global": 5},
		WithPathVars: 528, // the source's 530 files with "{" include two {empty}.yaml: paths ending in "/"
		NeedsSerial:  116, // 115 listed in swagger.yaml, and the unlisted file's one
		Unreferenced: []string{"v3/ecommerce/subject-sub-merchants"},
	}
	st.RefsCut = 0
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rawFiles reads the YAML files of the tarball into plain Go values,
// without the generator's resolver, for cross-checks.
func rawFiles(t *testing.T) map[string]map[string]any {
	t.Helper()
	f, err := os.Open(tarball)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(h.Name, ".yaml") {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		out[strings.TrimPrefix(h.Name, "docs/")] = doc
	}
	return out
}

// TestEveryOperationAgainstTheYAML checks, for all 1,155 operations, the
// facts written directly in each path file: the title, the tags, the roles,
// and the names, locations and required flags of the parameters.
func TestEveryOperationAgainstTheYAML(t *testing.T) {
	needSource(t)
	raw := rawFiles(t)
	shared := raw["definitions/Parameters.yaml"]
	n := 0
	for _, op := range catalog.All() {
		file := op.Template
		if strings.HasSuffix(file, "/") {
			file += "{empty}" // the source's file for a path ending in "/"
		}
		doc := raw[file+".yaml"]
		yop, _ := doc[strings.ToLower(op.Method)].(map[string]any)
		if yop == nil {
			t.Errorf("%s %s: not in the YAML", op.Method, op.Template)
			continue
		}
		n++
		if s, _ := yop["summary"].(string); strings.TrimSpace(s) != op.Title {
			t.Errorf("%s %s: title %q, YAML %q", op.Method, op.Template, op.Title, s)
		}
		tags := yop["tags"]
		if tags == nil {
			tags = yop["tag"]
		}
		if diff := cmp.Diff(strList(tags), op.Tags); diff != "" {
			t.Errorf("%s %s: tags (-yaml +catalogue):\n%s", op.Method, op.Template, diff)
		}
		if diff := cmp.Diff(strList(yop["x-role"]), op.Roles); diff != "" {
			t.Errorf("%s %s: roles (-yaml +catalogue):\n%s", op.Method, op.Template, diff)
		}
		type param struct {
			In, Name string
			Required bool
		}
		var want, got []param
		params, _ := yop["parameters"].([]any)
		for _, p := range params {
			pm, _ := p.(map[string]any)
			if ref, ok := pm["$ref"].(string); ok {
				_, frag, _ := strings.Cut(ref, "#/")
				pm, _ = shared[frag].(map[string]any)
			}
			in, _ := pm["in"].(string)
			if in == "body" || in == "formData" {
				continue
			}
			name, _ := pm["name"].(string)
			req, _ := pm["required"].(bool)
			want = append(want, param{in, name, req || in == "path"})
		}
		for _, p := range op.Params {
			got = append(got, param{string(p.In), p.Name, p.Required})
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s %s: parameters (-yaml +catalogue):\n%s", op.Method, op.Template, diff)
		}
		if d, _ := yop["deprecated"].(bool); d != op.Deprecated {
			t.Errorf("%s %s: deprecated %v, YAML %v", op.Method, op.Template, op.Deprecated, d)
		}
	}
	if n != 1155 {
		t.Errorf("checked %d operations, want 1155", n)
	}
}

func strList(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// TestSpotChecks checks a dozen operations' resolved trees against what
// their YAML says (read by hand from the source).
func TestSpotChecks(t *testing.T) {
	needSource(t)
	op := func(method, template string) catalog.Operation {
		t.Helper()
		o, ok := catalog.Lookup(method, template)
		if !ok || o.Template != template {
			t.Fatalf("no %s %s", method, template)
		}
		return o
	}
	field := func(f *catalog.Field, path string) *catalog.Field {
		t.Helper()
		for name := range strings.SplitSeq(path, ".") {
			if name == "[]" {
				f = f.Items
			} else {
				f, _ = f.Member(name)
			}
			if f == nil {
				t.Fatalf("no field %s", path)
			}
		}
		return f
	}
	type facts struct {
		Type, Format string
		Required     bool
		Enum         []string
		MaxLength    int
		Sensitive    []string
		Example      string
	}
	of := func(f *catalog.Field) facts {
		return facts{f.Type, f.Format, f.Required, f.Enum, f.MaxLength, f.Sensitive, f.Example}
	}
	check := func(what string, got, want facts) {
		t.Helper()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", what, diff)
		}
	}

	// 1. JSAPI: allOf of Transaction.yaml#TransactionDirection (a fragment
	// without a leading slash), #TransactionBase and its own members.
	jsapi := op("POST", "v3/pay/transactions/jsapi")
	check("jsapi appid", of(field(jsapi.Body, "appid")), facts{Type: "string", Required: true, Example: `"wxd678efh567hg6787"`})
	check("jsapi amount.total", of(field(jsapi.Body, "amount.total")), facts{Type: "integer", Required: true, Example: "100"})
	check("jsapi time_expire", of(field(jsapi.Body, "time_expire")), facts{Type: "string", Format: "rfc3339", Example: `"2018-06-08T10:34:56+08:00"`})
	// nested arrays: an array of objects in an object, an array of enums
	check("jsapi goods_detail quantity", of(field(jsapi.Body, "detail.goods_detail.[].quantity")), facts{Type: "integer", Required: true, Example: "1"})
	check("jsapi limit_pay items", of(field(jsapi.Body, "limit_pay.[]")), facts{Type: "string", Enum: []string{"no_balance", "no_credit", "no_debit", "balance_only"}})
	if !jsapi.NeedsSerial || jsapi.Title != "JSAPI下单API" || jsapi.Encoding != "" {
		t.Errorf("jsapi: NeedsSerial %v, title %q, encoding %q", jsapi.NeedsSerial, jsapi.Title, jsapi.Encoding)
	}
	// 2. APIv2 closeorder: wire path, XML, maxLength and enum
	closeOrder := op("POST", "v2/pay/closeorder")
	if closeOrder.Wire() != "pay/closeorder" || closeOrder.Encoding != catalog.EncodingXML {
		t.Errorf("closeorder: wire %q, encoding %q", closeOrder.Wire(), closeOrder.Encoding)
	}
	check("closeorder sign_type", of(field(closeOrder.Body, "sign_type")), facts{Type: "string", MaxLength: 32, Enum: []string{"MD5", "HMAC-SHA256"}, Example: `"HMAC-SHA256"`})
	check("closeorder return_code", of(field(closeOrder.Response, "return_code")), facts{Type: "string", Required: true, MaxLength: 16, Enum: []string{"SUCCESS", "FAIL"}, Example: `"SUCCESS"`})
	// 3. HK certificates: a sensitive object in a response array
	check("hk certificates", of(field(op("GET", "hk/v3/certificates").Response, "data.[].encrypt_certificate")), facts{Type: "object", Sensitive: []string{"ciphertext"}})
	// 4. x-base-uri, and its misspelling x-baseuri
	if h := op("POST", "v2/risk/getpublickey").Host; h != "https://fraud.mch.weixin.qq.com/" {
		t.Errorf("getpublickey host %q", h)
	}
	if h := op("GET", "v3/global/certificates").Host; h != "https://apihk.mch.weixin.qq.com/" {
		t.Errorf("global certificates host %q", h)
	}
	// 5. deprecated
	if !op("PATCH", "v3/discount-card/orders/{out_order_no}").Deprecated {
		t.Error("discount-card order update is not deprecated")
	}
	// 6. tags under the misspelled key "tag"
	if diff := cmp.Diff([]string{"收付通∙充值"}, op("POST", "v3/platsolution/ecommerce/recharge-employees").Tags); diff != "" {
		t.Errorf("recharge-employees tags (-want +got):\n%s", diff)
	}
	// 7. the path file swagger.yaml does not list
	sub := op("GET", "v3/ecommerce/subject-sub-merchants")
	if sub.Params[1].Name != "organization_type" || !sub.Params[1].Required || len(sub.Params[1].Enum) != 6 {
		t.Errorf("subject-sub-merchants organization_type: %+v", sub.Params[1])
	}
	// 8. mutual TLS
	if !op("POST", "v2/secapi/pay/refund").CertRequired {
		t.Error("v2 refund: x-api-cert-required not set")
	}
	// 9. multipart upload
	up := op("POST", "v3/merchant/media/upload")
	if up.Encoding != catalog.EncodingMultipart || up.Body == nil {
		t.Fatalf("media upload: encoding %q", up.Encoding)
	}
	if f := field(up.Body, "file"); f.Type != "file" || !f.Required {
		t.Errorf("media upload file part: %+v", *f)
	}
	// 10. the seed's payscore sync
	sync := op("POST", "v3/payscore/payafter-orders/{out_order_no}/sync")
	if sync.Title != "支付分订单同步" || !slices.Equal(sync.PathVars, []string{"out_order_no"}) {
		t.Errorf("payscore sync: %q %v", sync.Title, sync.PathVars)
	}
	check("payscore sync type", of(field(sync.Body, "type")), facts{Type: "string", Enum: []string{"Order_Paid"}}) // neither required nor exemplified in the YAML
	// 11. query parameters with enums
	bill := op("GET", "v3/bill/tradebill")
	if p := bill.Params[3]; p.Name != "tar_type" || p.In != catalog.LocationQuery || !slices.Equal(p.Enum, []string{"GZIP"}) {
		t.Errorf("tradebill tar_type: %+v", p)
	}
	// 12. a refund's amount.from: an array of objects with required members
	check("refund amount.from account", of(field(op("POST", "v3/refund/domestic/refunds").Body, "amount.from.[].account")), facts{Type: "string", Required: true, Example: `"AVAILABLE"`})
}

func TestConstName(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"v3/pay/transactions/jsapi":                             "V3PayTransactionsJSAPI",
		"v3/refund/domestic/refunds/{out_refund_no}":            "V3RefundDomesticRefundsByOutRefundNo",
		"v3/pay/transactions/out-trade-no/{out_trade_no}/close": "V3PayTransactionsOutTradeNoByOutTradeNoClose",
		"v2/secapi/mch/modifyInstitutionsub":                    "V2SecapiMchModifyInstitutionsub",
		"hk/v3/merchants/{sub_mchid}":                           "HKV3MerchantsBySubMchid",
		"v3/merchant/media/video_upload":                        "V3MerchantMediaVideoUpload",
		"v3/merchant-service/images/{media_id}":                 "V3MerchantServiceImagesByMediaID",
	}
	for in, want := range tests {
		if got := constName(in); got != want {
			t.Errorf("constName(%q) = %q, want %q", in, got, want)
		}
	}
	if _, err := checkNames([]string{"v3/a-b", "v3/a_b"}); err == nil {
		t.Error("checkNames accepted two templates with one name")
	}
}
