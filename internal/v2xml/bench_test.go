package v2xml_test

import (
	"encoding/xml"
	"testing"

	"github.com/chainpay-go/wechatpay/internal/v2xml"
)

// benchAnswer is a micropay answer (about 900 bytes, 19 fields).
var benchAnswer = []byte(`<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg>` +
	`<appid><![CDATA[wx2421b1c4370ec43b]]></appid><mch_id><![CDATA[10000100]]></mch_id><device_info><![CDATA[1000]]></device_info>` +
	`<nonce_str><![CDATA[GOp3TRyMXzbMlkun]]></nonce_str><sign><![CDATA[D6C76CB785F07992CDE05494BB7DF7FD]]></sign>` +
	`<result_code><![CDATA[SUCCESS]]></result_code><openid><![CDATA[oUpF8uN95-Ptaags6E_roPHg7AG0]]></openid>` +
	`<is_subscribe><![CDATA[N]]></is_subscribe><trade_type><![CDATA[MICROPAY]]></trade_type><bank_type><![CDATA[CCB_DEBIT]]></bank_type>` +
	`<total_fee>1</total_fee><coupon_fee><![CDATA[0]]></coupon_fee><fee_type><![CDATA[CNY]]></fee_type>` +
	`<transaction_id><![CDATA[1008450740201411110005820873]]></transaction_id><out_trade_no><![CDATA[1415757673]]></out_trade_no>` +
	`<attach><![CDATA[订单额外描述]]></attach><time_end><![CDATA[20141111170043]]></time_end></xml>`)

// BenchmarkDecode reads the answer into the field map (compare with
// BenchmarkUnmarshalStruct in the same run).
func BenchmarkDecode(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchAnswer)))
	for b.Loop() {
		if _, err := v2xml.Decode(benchAnswer); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnmarshalStruct is the peer: a hand-written client's
// xml.Unmarshal into a struct naming the same fields (no checks).
func BenchmarkUnmarshalStruct(b *testing.B) {
	var v struct {
		ReturnCode    string `xml:"return_code"`
		ReturnMsg     string `xml:"return_msg"`
		AppID         string `xml:"appid"`
		MchID         string `xml:"mch_id"`
		DeviceInfo    string `xml:"device_info"`
		NonceStr      string `xml:"nonce_str"`
		Sign          string `xml:"sign"`
		ResultCode    string `xml:"result_code"`
		OpenID        string `xml:"openid"`
		IsSubscribe   string `xml:"is_subscribe"`
		TradeType     string `xml:"trade_type"`
		BankType      string `xml:"bank_type"`
		TotalFee      string `xml:"total_fee"`
		CouponFee     string `xml:"coupon_fee"`
		FeeType       string `xml:"fee_type"`
		TransactionID string `xml:"transaction_id"`
		OutTradeNo    string `xml:"out_trade_no"`
		Attach        string `xml:"attach"`
		TimeEnd       string `xml:"time_end"`
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(benchAnswer)))
	for b.Loop() {
		if err := xml.Unmarshal(benchAnswer, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncode writes a 15-field request.
func BenchmarkEncode(b *testing.B) {
	m, err := v2xml.Decode(benchAnswer)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v2xml.Encode(m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarshalStruct is Encode's peer: xml.Marshal of a struct.
func BenchmarkMarshalStruct(b *testing.B) {
	type req struct {
		XMLName    xml.Name `xml:"xml"`
		AppID      string   `xml:"appid"`
		MchID      string   `xml:"mch_id"`
		NonceStr   string   `xml:"nonce_str"`
		Body       string   `xml:"body"`
		OutTradeNo string   `xml:"out_trade_no"`
		TotalFee   string   `xml:"total_fee"`
		Attach     string   `xml:"attach"`
		Sign       string   `xml:"sign"`
	}
	v := req{AppID: "wx2421b1c4370ec43b", MchID: "10000100", NonceStr: "GOp3TRyMXzbMlkun", Body: "Image形象店-深圳腾大-QQ公仔",
		OutTradeNo: "1415757673", TotalFee: "1", Attach: "订单额外描述", Sign: "D6C76CB785F07992CDE05494BB7DF7FD"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := xml.Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}
