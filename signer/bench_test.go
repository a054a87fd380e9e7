package signer_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/signer"
)

// benchBody is a typical JSAPI order body (about 400 bytes).
var benchBody = []byte(`{"appid":"wxd678efh567hg6787","mchid":"1230000109","description":"Image形象店-深圳腾大-QQ公仔",` +
	`"out_trade_no":"1217752501201407033233368018","time_expire":"2018-06-08T10:34:56+08:00","attach":"自定义数据说明",` +
	`"notify_url":"https://www.weixin.qq.com/wxpay/pay.php","goods_tag":"WXG","amount":{"total":100,"currency":"CNY"},` +
	`"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},"detail":{"cost_price":608800,"invoice_id":"微信123"}}`)

const benchTarget = "/v3/pay/transactions/jsapi"

// BenchmarkSign is one full request signature: nonce, message, RSA-2048 sign, header.
func BenchmarkSign(b *testing.B) {
	f := setup(b)
	a := &signer.Authorizer{MchID: "1230000109", Serial: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1", Signer: f.merchant}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Authorize(ctx, "POST", benchTarget, benchBody); err != nil {
			b.Fatal(err)
		}
	}
}

// constSigner returns a fixed signature: it isolates everything Authorize does
// besides the RSA operation.
type constSigner string

func (c constSigner) Sign(context.Context, []byte) (string, error) { return string(c), nil }

// BenchmarkBuildMessageAndHeader is BenchmarkSign without the RSA operation: nonce,
// timestamp, message and Authorization header (compare with BenchmarkSign).
func BenchmarkBuildMessageAndHeader(b *testing.B) {
	a := &signer.Authorizer{MchID: "1230000109", Serial: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
		Signer: constSigner(strings.Repeat("A", 344))} // a 2048-bit signature is 344 base64 chars
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Authorize(ctx, "POST", benchTarget, benchBody); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify is one full answer verification: header checks, key lookup,
// message, RSA-2048 verify.
func BenchmarkVerify(b *testing.B) {
	f := setup(b)
	h := f.signed(b, benchBody)
	b.ReportAllocs()
	for b.Loop() {
		if err := f.verifier.Verify(h, benchBody); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyParallel measures Verify under concurrent use (KeyStore reads are lock-free).
func BenchmarkVerifyParallel(b *testing.B) {
	f := setup(b)
	h := f.signed(b, benchBody)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := f.verifier.Verify(h, benchBody); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
