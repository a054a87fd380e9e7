package chain_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

const benchV2Key = "0123456789abcdefghijABCDEFGHIJ01"

// benchV2Answer is a signed micropay answer, the same bytes for every call.
var benchV2Answer = func() []byte {
	f := map[string]string{"return_code": "SUCCESS", "return_msg": "OK", "appid": "wxd678efh567hg6787", "mch_id": wechatpaytest.DefaultMchID,
		"nonce_str": "5K8264ILTKCH16CQ2502SI8ZNMTM67VS", "result_code": "SUCCESS", "openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
		"is_subscribe": "N", "trade_type": "MICROPAY", "bank_type": "OTHERS", "total_fee": "1", "cash_fee": "1",
		"transaction_id": "4200000001202612020000000001", "out_trade_no": "1217752501201407033233368018", "time_end": "20261202091010"}
	f["sign"] = md5Sign(f, benchV2Key)
	var b strings.Builder
	b.WriteString("<xml>")
	for k, v := range f {
		b.WriteString("<" + k + "><![CDATA[" + v + "]]></" + k + ">")
	}
	b.WriteString("</xml>")
	return []byte(b.String())
}()

// BenchmarkV2Micropay compares an APIv2 call through the chain with a
// hand-written encoding/xml + crypto/md5 client, against the same local
// server in the same run (issue 15: at most 1.1×).
//
// Figures (2026-12-02, 2 shared cores, load average 2.5 to 3.9, ten runs
// of -benchtime 3000x, chain then handwritten in each):
//
//	chain        median 153 µs/op  24.0 KB/op  288 allocs/op
//	handwritten  median 138 µs/op  28.9 KB/op  330 allocs/op
//	ratio        1.11 of the medians; per run 0.91 to 1.24, median 1.10
//
// The difference is resty's request machinery and the chain's call state
// (about 12 µs of CPU per call); parsing, signing and verifying cost the
// same on both sides, and the chain allocates less.
func BenchmarkV2Micropay(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write(benchV2Answer)
	}))
	defer srv.Close()
	ctx := context.Background()

	b.Run("chain", func(b *testing.B) {
		sim := wechatpaytest.NewServer()
		defer sim.Close()
		cfg := sim.Config()
		cfg.BaseURL, cfg.HTTPClient, cfg.APIv2Key = srv.URL, srv.Client(), benchV2Key
		c, err := wechatpay.New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		call := func() (*chain.Response, error) {
			return c.Chain("v2/pay/micropay").Post(ctx, chain.O{"xml": chain.O{
				"appid": "wxd678efh567hg6787", "body": "image形象店-深圳腾大- QQ公仔", "out_trade_no": "1217752501201407033233368018",
				"total_fee": 1, "spbill_create_ip": "14.23.150.211", "auth_code": "120061098828009406"}})
		}
		if _, err := call(); err != nil { // loads the catalogue once, outside the timing
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			resp, err := call()
			if err != nil {
				b.Fatal(err)
			}
			if resp.Get("result_code").String() != "SUCCESS" {
				b.Fatal(resp.String())
			}
		}
	})

	b.Run("handwritten", func(b *testing.B) {
		hc := srv.Client()
		b.ReportAllocs()
		for b.Loop() {
			var nb [16]byte
			_, _ = rand.Read(nb[:])
			req := micropayRequest{AppID: "wxd678efh567hg6787", MchID: wechatpaytest.DefaultMchID, NonceStr: hex.EncodeToString(nb[:]),
				SignType: "MD5", Body: "image形象店-深圳腾大- QQ公仔", OutTradeNo: "1217752501201407033233368018", TotalFee: 1,
				SpbillCreateIP: "14.23.150.211", AuthCode: "120061098828009406"}
			req.Sign = md5Sign(map[string]string{"appid": req.AppID, "mch_id": req.MchID, "nonce_str": req.NonceStr, "sign_type": req.SignType,
				"body": req.Body, "out_trade_no": req.OutTradeNo, "total_fee": "1", "spbill_create_ip": req.SpbillCreateIP, "auth_code": req.AuthCode}, benchV2Key)
			body, err := xml.Marshal(req)
			if err != nil {
				b.Fatal(err)
			}
			hr, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/pay/micropay", bytes.NewReader(body))
			hr.Header.Set("Content-Type", "text/xml")
			resp, err := hc.Do(hr)
			if err != nil {
				b.Fatal(err)
			}
			answer, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				b.Fatal(resp.StatusCode, err)
			}
			var fields xmlFields
			if err := xml.Unmarshal(answer, &fields); err != nil {
				b.Fatal(err)
			}
			m := make(map[string]string, len(fields.Fields))
			for _, f := range fields.Fields {
				m[f.XMLName.Local] = f.Value
			}
			if m["sign"] != md5Sign(m, benchV2Key) || m["return_code"] != "SUCCESS" || m["result_code"] != "SUCCESS" {
				b.Fatal(string(answer))
			}
		}
	})
}

type micropayRequest struct {
	XMLName        xml.Name `xml:"xml"`
	AppID          string   `xml:"appid"`
	MchID          string   `xml:"mch_id"`
	NonceStr       string   `xml:"nonce_str"`
	Sign           string   `xml:"sign"`
	SignType       string   `xml:"sign_type"`
	Body           string   `xml:"body"`
	OutTradeNo     string   `xml:"out_trade_no"`
	TotalFee       int      `xml:"total_fee"`
	SpbillCreateIP string   `xml:"spbill_create_ip"`
	AuthCode       string   `xml:"auth_code"`
}

type xmlFields struct {
	Fields []struct {
		XMLName xml.Name
		Value   string `xml:",chardata"`
	} `xml:",any"`
}
