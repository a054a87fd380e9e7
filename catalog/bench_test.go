package catalog

import (
	"encoding/json"
	"testing"
)

// BenchmarkLoad is the first load of the whole catalogue: decompress,
// decode every operation, build the indexes.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := decode(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLookup finds an operation by a template in the chain syntax
// with other variable names than the catalogue's.
func BenchmarkLookup(b *testing.B) {
	load()
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := Lookup("POST", "v3/payscore/payafter-orders/<id>/sync"); !ok {
			b.Fatal("not found")
		}
	}
}

// BenchmarkLookupConcrete is a template without variables.
func BenchmarkLookupConcrete(b *testing.B) {
	load()
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := Lookup("POST", "v3/pay/transactions/jsapi"); !ok {
			b.Fatal("not found")
		}
	}
}

// BenchmarkLookupConcretePath is Lookup given a path with its values
// written in: the template index misses, the path tree matches.
func BenchmarkLookupConcretePath(b *testing.B) {
	load()
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := Lookup("GET", "v3/pay/transactions/id/4200000001"); !ok {
			b.Fatal("not found")
		}
	}
}

// BenchmarkMatch matches a concrete request path and returns its values.
func BenchmarkMatch(b *testing.B) {
	load()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, ok := Match("GET", "/v3/refund/domestic/refunds/R20261202"); !ok {
			b.Fatal("not found")
		}
	}
}

// benchJSAPI is a full JSAPI prepay body.
var benchJSAPI = []byte(`{"appid":"wxd678efh567hg6787","mchid":"1230000109","description":"Image形象店-深圳腾大-QQ公仔",` +
	`"attach":"自定义数据","out_trade_no":"1217752501201407033233368018","time_expire":"2018-06-08T10:34:56+08:00",` +
	`"notify_url":"https://www.weixin.qq.com/wxpay/pay.php","goods_tag":"WXG","support_fapiao":false,` +
	`"amount":{"total":100,"currency":"CNY"},"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},` +
	`"detail":{"cost_price":608800,"invoice_id":"微信123","goods_detail":[{"merchant_goods_id":"1246464644",` +
	`"wechatpay_goods_id":"1001","goods_name":"iPhoneX 256G","quantity":1,"unit_price":528800}]},` +
	`"scene_info":{"payer_client_ip":"14.23.150.211","device_id":"013467007045764","store_info":{"id":"0001",` +
	`"name":"腾讯大厦分店","area_code":"440305","address":"广东省深圳市南山区科技中一道10000号"}},` +
	`"settle_info":{"profit_sharing":false}}`)

// BenchmarkValidateJSAPI is the Strict check of a JSAPI prepay call, as a
// client makes it before signing: find the operation, walk the body.
func BenchmarkValidateJSAPI(b *testing.B) {
	load()
	req := Request{Body: benchJSAPI}
	if f := Validate("POST", "v3/pay/transactions/jsapi", req); len(f) != 0 {
		b.Fatalf("findings: %v", f)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(benchJSAPI)))
	for b.Loop() {
		if f := Validate("POST", "v3/pay/transactions/jsapi", req); len(f) != 0 {
			b.Fatal(f)
		}
	}
}

// BenchmarkValidateJSAPIFindings is the same call with three problems.
func BenchmarkValidateJSAPIFindings(b *testing.B) {
	load()
	body := []byte(`{"appid":"wxd678efh567hg6787","mchid":"1230000109","description":"QQ公仔",` +
		`"out_trade_no":"1217752501201407033233368018","notify_url":"https://www.weixin.qq.com/wxpay/pay.php",` +
		`"amount":{"totl":"100"},"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},"limit_pay":["cash"]}`)
	req := Request{Body: body}
	b.ReportAllocs()
	for b.Loop() {
		if f := Validate("POST", "v3/pay/transactions/jsapi", req); len(f) != 3 {
			b.Fatal(f)
		}
	}
}

// BenchmarkUnmarshalJSAPIPeer is the floor to compare with: encoding/json
// merely decoding the same body into a map, checking nothing.
func BenchmarkUnmarshalJSAPIPeer(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchJSAPI)))
	for b.Loop() {
		var v map[string]any
		if err := json.Unmarshal(benchJSAPI, &v); err != nil {
			b.Fatal(err)
		}
	}
}
