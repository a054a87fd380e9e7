package chain

import (
	"testing"

	"github.com/chainpay-go/wechatpay/catalog"
)

// benchJSAPIOrder is a full JSAPI prepay body as a caller writes it.
func benchJSAPIOrder() O {
	return O{"json": []byte(`{"appid":"wxd678efh567hg6787","mchid":"1900000001","description":"Image形象店-深圳腾大-QQ公仔",` +
		`"attach":"自定义数据","out_trade_no":"1217752501201407033233368018","time_expire":"2018-06-08T10:34:56+08:00",` +
		`"notify_url":"https://www.weixin.qq.com/wxpay/pay.php","goods_tag":"WXG","support_fapiao":false,` +
		`"amount":{"total":100,"currency":"CNY"},"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},` +
		`"detail":{"cost_price":608800,"invoice_id":"微信123","goods_detail":[{"merchant_goods_id":"1246464644",` +
		`"wechatpay_goods_id":"1001","goods_name":"iPhoneX 256G","quantity":1,"unit_price":528800}]},` +
		`"scene_info":{"payer_client_ip":"14.23.150.211","device_id":"013467007045764","store_info":{"id":"0001",` +
		`"name":"腾讯大厦分店","area_code":"440305","address":"广东省深圳市南山区科技中一道10000号"}},` +
		`"settle_info":{"profit_sharing":false}}`)}
}

// BenchmarkNewRequestJSAPI builds (and checks) a JSAPI prepay request as a
// call does before signing, in each mode: Strict minus Off is the cost of
// the catalogue check inside the client.
func BenchmarkNewRequestJSAPI(b *testing.B) {
	catalog.Len() // the first load is BenchmarkLoad's, in package catalog
	for _, mode := range []catalog.Mode{catalog.Off, catalog.Strict} {
		b.Run(mode.String(), func(b *testing.B) {
			c := newTestClient(b)
			c.validation.mode = mode
			opts := benchJSAPIOrder()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Chain("v3/pay/transactions/jsapi").newRequest("POST", opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
