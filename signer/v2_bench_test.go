package signer_test

import (
	"crypto/md5"
	"encoding/hex"
	"sort"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/signer"
)

// benchV2Fields is a typical micropay request (15 fields).
var benchV2Fields = map[string]string{
	"appid": "wx2421b1c4370ec43b", "mch_id": "10000100", "nonce_str": "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
	"body": "Image形象店-深圳腾大-QQ公仔", "out_trade_no": "1217752501201407033233368018", "total_fee": "888",
	"spbill_create_ip": "14.23.150.211", "auth_code": "120061098828009406", "device_info": "013467007045764",
	"attach": "订单额外描述", "goods_tag": "WXG", "fee_type": "CNY", "limit_pay": "no_credit",
	"detail": `{"cost_price":608800,"goods_detail":[{"goods_id":"1001","quantity":1,"price":888}]}`, "sign_type": "MD5",
}

// BenchmarkSignV2 is one APIv2 MD5 signature (compare with
// BenchmarkSignV2HandWritten in the same run).
func BenchmarkSignV2(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := signer.SignV2(benchV2Fields, testAPIv2Key, signer.SignTypeMD5); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignV2HandWritten is the peer: the signature as a hand-written
// client computes it (sort, strings.Builder, crypto/md5, ToUpper).
func BenchmarkSignV2HandWritten(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		keys := make([]string, 0, len(benchV2Fields))
		for k, v := range benchV2Fields {
			if k != "sign" && v != "" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		var sb strings.Builder
		for _, k := range keys {
			sb.WriteString(k + "=" + benchV2Fields[k] + "&")
		}
		sb.WriteString("key=" + testAPIv2Key)
		sum := md5.Sum([]byte(sb.String()))
		_ = strings.ToUpper(hex.EncodeToString(sum[:]))
	}
}
