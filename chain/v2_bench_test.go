package chain_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay/chain"
)

const benchV2Key = "0123456789abcdefghijABCDEFGHIJ01"

// benchV2Answer is a signed micropay answer, the same bytes for every call.
var benchV2Answer = func() []byte {
	f := map[string]string{"return_code": "SUCCESS", "return_msg": "OK", "appid": "wxd678efh567hg6787", "mch_id": testMchID,
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
// Figures (2026-12-03, 2 cores shared with other engineers' builds, load
// average 3.5 to 7; six runs, interleaved: medians of each side's calls
// within a run, ratio of those medians):
//
//	interleaved chain/handwritten   0.926 0.927 0.928 0.933 0.935 0.936
//	chain         17.9 KB, 160 allocs/op
//	handwritten   28.9 KB, 329 allocs/op
//
// Before this session's cuts (main at 0af2dab, same machine): 24.0 KB,
// 285 allocs/op, 1.08 to 1.09 interleaved (1.09 to 1.12 in the separate
// sub-benchmarks the day before). What closed the gap: internal/v2xml
// reads the usual answer shape without encoding/xml, the answer is read
// into one buffer of its Content-Length, the shared header set, the body
// reader per attempt. The per-call deadline (Config.Timeout, 30 s by
// default) still costs about 1 to 4 % (a client with Timeout -1 against
// one with the default, interleaved); it is kept: it is the documented
// bound of a call, retries included.
func BenchmarkV2Micropay(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write(benchV2Answer)
	}))
	defer srv.Close()
	ctx := context.Background()

	// The client is made outside both timings, without a simulator (whose
	// goroutines and keys would weigh on one side only).
	testKeys(b)
	c, err := chain.NewClient(chain.Config{
		MchID: testMchID, Serial: testMerchantSerial, Signer: mustSigner(b),
		PlatformKeys: map[string]*rsa.PublicKey{testPlatformSerial: &platformKey.PublicKey},
		BaseURL:      srv.URL, HTTPClient: srv.Client(), APIv2Key: benchV2Key,
	})
	if err != nil {
		b.Fatal(err)
	}

	b.Run("chain", func(b *testing.B) {
		call := func() (*chain.Response, error) {
			return c.Chain("v2/pay/micropay").Post(ctx, micropayOpts())
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
			handwrittenCall(b, ctx, hc, srv.URL)
		}
	})

	// interleaved: one call of each per iteration, in alternating order, so
	// that both meet the same load on a shared machine; reports each
	// side's median time per call and the ratio of the medians (the figure
	// issue 15 asks for; pairTimes in bench_test.go).
	b.Run("interleaved", func(b *testing.B) {
		hc := srv.Client()
		var pt pairTimes
		viaChain := func() {
			start := time.Now()
			resp, err := c.Chain("v2/pay/micropay").Post(ctx, micropayOpts())
			if err != nil {
				b.Fatal(err)
			}
			if resp.Get("result_code").String() != "SUCCESS" {
				b.Fatal(resp.String())
			}
			pt.a = append(pt.a, time.Since(start))
		}
		byHand := func() {
			start := time.Now()
			handwrittenCall(b, ctx, hc, srv.URL)
			pt.b = append(pt.b, time.Since(start))
		}
		pt.run(b, viaChain, byHand)
		pt.report(b, "chain", "handwritten")
	})
}

// micropayOpts is the chain's micropay call, the same fields as
// handwrittenCall's.
func micropayOpts() chain.O {
	return chain.O{"xml": chain.O{
		"appid": "wxd678efh567hg6787", "body": "image形象店-深圳腾大- QQ公仔", "out_trade_no": "1217752501201407033233368018",
		"total_fee": 1, "spbill_create_ip": "14.23.150.211", "auth_code": "120061098828009406"}}
}

// handwrittenCall is one micropay call as a hand-written client makes it:
// encoding/xml for the bodies, crypto/md5 (md5Sign) for the signatures.
func handwrittenCall(b *testing.B, ctx context.Context, hc *http.Client, base string) {
	var nb [16]byte
	_, _ = rand.Read(nb[:])
	req := micropayRequest{AppID: "wxd678efh567hg6787", MchID: testMchID, NonceStr: hex.EncodeToString(nb[:]),
		SignType: "MD5", Body: "image形象店-深圳腾大- QQ公仔", OutTradeNo: "1217752501201407033233368018", TotalFee: 1,
		SpbillCreateIP: "14.23.150.211", AuthCode: "120061098828009406"}
	req.Sign = md5Sign(map[string]string{"appid": req.AppID, "mch_id": req.MchID, "nonce_str": req.NonceStr, "sign_type": req.SignType,
		"body": req.Body, "out_trade_no": req.OutTradeNo, "total_fee": "1", "spbill_create_ip": req.SpbillCreateIP, "auth_code": req.AuthCode}, benchV2Key)
	body, err := xml.Marshal(req)
	if err != nil {
		b.Fatal(err)
	}
	hr, _ := http.NewRequestWithContext(ctx, "POST", base+"/pay/micropay", bytes.NewReader(body))
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
