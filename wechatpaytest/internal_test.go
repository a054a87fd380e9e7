package wechatpaytest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/catalog"
)

func TestNonceCacheForgetsOutsideTheWindow(t *testing.T) {
	t.Parallel()
	var c nonceCache
	now := time.Now().Unix()
	for i := 0; i < 100; i++ {
		if !c.add(string(rune('a'+i%26))+strings.Repeat("x", i), now, now) {
			t.Fatalf("nonce %d seen twice", i)
		}
	}
	if c.add("a", now, now) {
		t.Errorf("replay accepted")
	}
	if c.len() != 100 {
		t.Errorf("len = %d, want 100", c.len())
	}
	later := now + int64(window.Seconds()) + 1
	if !c.add("fresh", later, later) {
		t.Errorf("new nonce refused")
	}
	if c.len() != 1 {
		t.Errorf("after the window: %d nonces remembered, want 1", c.len())
	}
}

func TestTruncateSignMessage(t *testing.T) {
	t.Parallel()
	tests := []struct{ msg, want string }{
		{"POST\n/v3/a\n1554208460\nNONCE\n{\"appid\":\"wx\"}\n", "POST\n/v3/a\n1554208460\nNONCE\n{\"appid\"\n"},
		{"GET\n/v3/a\n1554208460\nNONCE\n\n", "GET\n/v3/a\n1554208460\nNONCE\n\n"},
		{"GET\n/v3/a\n", "GET\n/v3/a\n"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, truncateSignMessage([]byte(tt.msg))); diff != "" {
			t.Errorf("truncateSignMessage(%q) (-want +got):\n%s", tt.msg, diff)
		}
	}
}

func FuzzParseUpload(f *testing.F) {
	f.Add([]byte("--b\r\nContent-Disposition: form-data; name=\"meta\"\r\n\r\n{\"filename\":\"a.png\",\"sha256\":\"00\"}\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\nPNG\r\n--b--\r\n"), "b")
	f.Add([]byte("--b--\r\n"), "b")
	f.Add([]byte(""), "")
	f.Add([]byte("--x\r\n\r\n"), "x")
	f.Fuzz(func(t *testing.T, body []byte, boundary string) {
		up, err := parseUpload(body, boundary)
		if err == nil && up.Meta == nil {
			t.Errorf("parseUpload succeeded without a meta part")
		}
	})
}

func FuzzAuthenticate(f *testing.F) {
	f.Add(`WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="abc",signature="AAAA",timestamp="1554208460",serial_no="ABC"`, "/v3/x", "{}")
	f.Add(`WECHATPAY2-SHA256-RSA2048 `, "/", "")
	f.Add(`Bearer x`, "/v3/x?a=b", "")
	f.Add(`WECHATPAY2-SHA256-RSA2048 mchid="1900000001",mchid="1900000001"`, "/v3/x", "")
	s, err := newServer(WithoutFixtures())
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(s.Close)
	f.Fuzz(func(t *testing.T, header, target, body string) {
		r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/", strings.NewReader(body))
		r.RequestURI = target
		r.Header.Set("Authorization", header)
		status, eb := s.authenticate(r, []byte(body))
		// Nobody but the merchant key can sign, so every fuzzed header fails.
		if eb == nil || status != http.StatusUnauthorized || eb.Code != "SIGN_ERROR" {
			t.Errorf("authenticate(%q) = %d %+v, want 401 SIGN_ERROR", header, status, eb)
		}
	})
}

// BenchmarkGenericResponder measures the generic catalogue responder on a
// JSAPI prepay (the scenario's route bypassed): matching the path, the checks in the gateway's
// order and building the answer from the response schema, without the
// RSA signature (BenchmarkSignAnswer is that peer, measured in the same run).
func BenchmarkGenericResponder(b *testing.B) {
	s, err := newServer(WithoutFixtures())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const path = "/v3/pay/transactions/jsapi"
	body := []byte(`{"appid":"wxd678efh567hg6787","mchid":"1230000109","description":"Image形象店-深圳腾大-QQ公仔",` +
		`"out_trade_no":"1217752501201407033233368018","time_expire":"2018-06-08T10:34:56+08:00","attach":"自定义数据说明",` +
		`"notify_url":"https://www.weixin.qq.com/wxpay/pay.php","goods_tag":"WXG","amount":{"total":100,"currency":"CNY"},` +
		`"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},"detail":{"cost_price":608800,"invoice_id":"微信123",` +
		`"goods_detail":[{"merchant_goods_id":"1246464644","wechatpay_goods_id":"1001","goods_name":"iPhoneX 256G","quantity":1,"unit_price":528800}]},` +
		`"scene_info":{"payer_client_ip":"14.23.150.211","device_id":"013467007045764","store_info":{"id":"0001","name":"腾讯大厦分店","area_code":"440305","address":"广东省深圳市南山区科技中一道10000号"}},` +
		`"settle_info":{"profit_sharing":false}}`)
	req := &Request{Method: "POST", Path: path, Body: body, Query: url.Values{}, Header: http.Header{}, srv: s}
	if _, _, ok := genericOperation("POST", path); !ok {
		b.Fatalf("%s is not catalogued", path)
	}
	b.ReportAllocs()
	for b.Loop() {
		op, vars, _ := genericOperation("POST", path)
		status, out := s.generic(req, op, vars, nil)
		if status != http.StatusOK || len(out.([]byte)) == 0 {
			b.Fatalf("%d %s", status, out)
		}
	}
}

// BenchmarkSignAnswer is the RSA signature of an answer, the peer of
// BenchmarkGenericResponder.
func BenchmarkSignAnswer(b *testing.B) {
	s, err := newServer(WithoutFixtures())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	body := []byte(`{"refund_id":"50000000382019052709732678859","out_refund_no":"1217752501201407033233368018"}`)
	h := http.Header{}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := s.signInto(ctx, h, body, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzGenericResponder sends arbitrary bodies and queries to arbitrary
// catalogued operations: the responder never panics, refuses with a
// PARAM_ERROR naming a location, or answers JSON.
func FuzzGenericResponder(f *testing.F) {
	s, err := newServer(WithoutFixtures())
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(s.Close)
	ops := catalog.All()
	f.Add(uint16(0), []byte(`{}`), "a=b")
	f.Add(uint16(500), []byte(`{"amount":{"total":"x"},"payer":[1,2]}`), "")
	f.Add(uint16(900), []byte(`[`), "mchid=%zz")
	f.Add(uint16(77), []byte(`{"sub_orders":[{},{"amount":null}]}`), "limit=-1")
	f.Fuzz(func(t *testing.T, i uint16, body []byte, rawQuery string) {
		op := &ops[int(i)%len(ops)]
		vars := map[string]string{}
		for _, n := range op.PathVars {
			vars[n] = "v"
		}
		q, _ := url.ParseQuery(rawQuery)
		req := &Request{Method: op.Method, Body: body, Query: q, Header: http.Header{}, srv: s}
		status, out := s.generic(req, op, vars, nil)
		switch status {
		case http.StatusBadRequest:
			eb, ok := out.(*ErrorBody)
			if !ok || eb.Code != "PARAM_ERROR" || eb.Detail.(FieldDetail).Location == "" {
				t.Fatalf("%s %s: refusal %#v", op.Method, op.Template, out)
			}
		case http.StatusOK:
			if b, ok := out.([]byte); !ok || !gjson.ValidBytes(b) {
				t.Fatalf("%s %s: answer %q is not JSON", op.Method, op.Template, out)
			}
		case http.StatusNoContent:
		default:
			t.Fatalf("%s %s: status %d", op.Method, op.Template, status)
		}
	})
}
