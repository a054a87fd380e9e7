package chain_test

import (
	"context"
	"crypto/md5"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

func setupV2(t *testing.T, opts ...wechatpaytest.Option) (*wechatpaytest.Server, *chain.Client) {
	t.Helper()
	srv := wechatpaytest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv, srv.Client()
}

func micropayFields(outTradeNo, authCode string) chain.O {
	return chain.O{"appid": "wxd678efh567hg6787", "body": "image形象店-深圳腾大- QQ公仔", "out_trade_no": outTradeNo,
		"total_fee": 1, "spbill_create_ip": "14.23.150.211", "auth_code": authCode}
}

// md5Sign is the APIv2 MD5 signature computed here, independently of signer.
func md5Sign(fields map[string]string, key string) string {
	var names []string
	for k, v := range fields {
		if k != "sign" && v != "" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		b.WriteString(k + "=" + fields[k] + "&")
	}
	b.WriteString("key=" + key)
	sum := md5.Sum([]byte(b.String()))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

func TestV2CallStyles(t *testing.T) {
	t.Parallel()
	srv, c := setupV2(t)
	ctx := context.Background()
	then := func(r *chain.Response) (*chain.Response, error) { return r, nil }
	// The six styles of the PHP documentation (sync and async; pure chain,
	// declarative, property), then Do and the chained segment form. A v2
	// path has no variables, so the property style is the one string too.
	styles := []struct {
		name string
		call func(opts chain.O) (*chain.Response, error)
	}{
		{"sync pure chain", func(o chain.O) (*chain.Response, error) { return c.Chain("v2", "pay", "micropay").Post(ctx, o) }},
		{"sync declarative", func(o chain.O) (*chain.Response, error) { return c.Chain("v2/pay/micropay").Post(ctx, o) }},
		{"sync property", func(o chain.O) (*chain.Response, error) { return c.Chain("/v2/pay/micropay").Post(ctx, o) }},
		{"async pure chain", func(o chain.O) (*chain.Response, error) {
			return c.Chain("v2", "pay", "micropay").PostAsync(ctx, o).Then(then).Wait()
		}},
		{"async declarative", func(o chain.O) (*chain.Response, error) {
			return c.Chain("v2/pay/micropay").PostAsync(ctx, o).Then(then).Wait()
		}},
		{"async property", func(o chain.O) (*chain.Response, error) {
			return c.Chain("/v2/pay/micropay").PostAsync(ctx, o).Then(then).Wait()
		}},
		{"Do lower-case", func(o chain.O) (*chain.Response, error) { return c.Chain("v2/pay/micropay").Do(ctx, "post", o) }},
		{"DoAsync", func(o chain.O) (*chain.Response, error) {
			return c.Chain("v2/pay/micropay").DoAsync(ctx, "POST", o).Wait()
		}},
		{"chained segments", func(o chain.O) (*chain.Response, error) {
			return c.Chain("v2").Chain("pay").Chain("micropay").Post(ctx, o)
		}},
	}
	for i, st := range styles {
		no := "V2STYLE" + string(rune('A'+i))
		resp, err := st.call(chain.O{"xml": micropayFields(no, "134567890123456789")})
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got := map[string]any{
			"result_code": resp.Get("result_code").String(), "total_fee": resp.Get("total_fee").Value(),
			"out_trade_no": resp.Get("out_trade_no").String(), "verified": resp.Verified,
			"xml": strings.HasPrefix(string(resp.Body), "<xml>"),
		}
		want := map[string]any{"result_code": "SUCCESS", "total_fee": "1", "out_trade_no": no, "verified": true, "xml": true}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s: answer (-want +got):\n%s", st.name, d)
		}
	}
	reqs := srv.V2Requests()
	if len(reqs) != len(styles) {
		t.Fatalf("server read %d APIv2 requests, want %d", len(reqs), len(styles))
	}
	for _, r := range reqs {
		f := r.Fields
		if r.Path != "pay/micropay" || f["mch_id"] != srv.MchID || len(f["nonce_str"]) != 32 || f["sign_type"] != "MD5" ||
			f["sign"] != md5Sign(f, srv.APIv2Key) || f["total_fee"] != "1" {
			t.Errorf("request as received: path %q, mch_id %q, nonce_str %q, sign_type %q, total_fee %q, sign ok %v",
				r.Path, f["mch_id"], f["nonce_str"], f["sign_type"], f["total_fee"], f["sign"] == md5Sign(f, srv.APIv2Key))
		}
	}
}

// TestV2UserPaying follows WeChat Pay's advice: USERPAYING is an APIError
// (the call is not repeated); orderquery then sees the order paid.
func TestV2UserPaying(t *testing.T) {
	t.Parallel()
	srv, c := setupV2(t)
	ctx := context.Background()
	_, err := c.Chain("v2/pay/micropay").Post(ctx, chain.O{"xml": micropayFields("V2PAYING", wechatpaytest.V2AuthCodeUserPaying)})
	var ae *chain.APIError
	if !errors.As(err, &ae) || ae.Code != "USERPAYING" || !ae.Verified || ae.StatusCode != 200 || ae.Message == "" {
		t.Fatalf("micropay: want a verified APIError USERPAYING, got %v", err)
	}
	if n := len(srv.V2Requests()); n != 1 {
		t.Errorf("micropay sent %d times, want 1", n)
	}
	var states []string
	for range wechatpaytest.V2PayingQueries + 1 {
		resp, err := c.Chain("v2/pay/orderquery").Post(ctx, chain.O{"xml": chain.O{"appid": "wxd678efh567hg6787", "out_trade_no": "V2PAYING"}})
		if err != nil {
			t.Fatal(err)
		}
		states = append(states, resp.Get("trade_state").String())
	}
	if d := cmp.Diff([]string{"USERPAYING", "USERPAYING", "SUCCESS"}, states); d != "" {
		t.Errorf("trade_state (-want +got):\n%s", d)
	}
}

func TestV2Refusals(t *testing.T) {
	t.Parallel()
	srv, _ := setupV2(t)
	noKey := srv.Config()
	noKey.APIv2Key = ""
	noCert := srv.Config() // plain HTTP: no ClientCertificate
	ctx := context.Background()
	cases := []struct {
		name string
		cfg  chain.Config
		tpl  string
		opts chain.O
		want []error
		text string
	}{
		{"no APIv2 key", noKey, "v2/pay/micropay", chain.O{"xml": micropayFields("R1", "134567890123456789")},
			[]error{chain.ErrInvalidOptions, chain.ErrNoAPIv2Key}, "Config.APIv2Key"},
		{"certificate needed", noCert, "v2/secapi/pay/refund", chain.O{"xml": chain.O{"appid": "wx1", "out_trade_no": "R2"}},
			[]error{chain.ErrInvalidOptions, chain.ErrClientCertificateRequired}, "v2/secapi/pay/refund"},
		{"sign given", srv.Config(), "v2/pay/orderquery", chain.O{"xml": chain.O{"appid": "wx1", "out_trade_no": "R3", "sign": "X"}},
			[]error{chain.ErrInvalidOptions}, `drop "sign"`},
		{"xml and json", srv.Config(), "v2/pay/orderquery", chain.O{"xml": chain.O{}, "json": chain.O{}},
			[]error{chain.ErrInvalidOptions}, "mutually exclusive"},
		{"value not text", srv.Config(), "v2/pay/orderquery", chain.O{"xml": chain.O{"appid": func() {}}},
			[]error{chain.ErrInvalidOptions}, "appid"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := wechatpay.New(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			before := len(srv.V2Requests())
			_, err = c.Chain(tc.tpl).Post(ctx, tc.opts)
			for _, w := range tc.want {
				if !errors.Is(err, w) {
					t.Errorf("error %v does not match %v", err, w)
				}
			}
			if err == nil || !strings.Contains(err.Error(), tc.text) {
				t.Errorf("error %v does not say %q", err, tc.text)
			}
			if n := len(srv.V2Requests()); n != before {
				t.Errorf("%d requests sent", n-before)
			}
		})
	}
}

func TestV2ConfigChecks(t *testing.T) {
	t.Parallel()
	srv, _ := setupV2(t)
	cfg := srv.Config()
	cfg.APIv2Key = "short-secret"
	_, err := wechatpay.New(cfg)
	if !errors.Is(err, signer.ErrAPIv2KeyLength) || strings.Contains(err.Error(), "short-secret") {
		t.Errorf("short APIv2 key: %v", err)
	}
	cfg = srv.Config()
	cfg.HTTPClient = &http.Client{Transport: roundTripperFunc(http.DefaultTransport.RoundTrip)}
	cfg.ClientCertificate = otherCertificate(t)
	if _, err := wechatpay.New(cfg); err == nil || !strings.Contains(err.Error(), "ClientCertificate") {
		t.Errorf("certificate with a foreign transport: %v", err)
	}
}

// otherCertificate is a client certificate the simulator does not know.
func otherCertificate(t *testing.T) *tls.Certificate {
	key := testkeys.RSA(0)
	cert := testkeys.Certificate(t, key, 7, "another merchant")
	return &tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key}
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestV2Answers reads hand-made answers: FAIL codes, bad and missing signs,
// unsigned operations, and the retry rule.
func TestV2Answers(t *testing.T) {
	t.Parallel()
	const key = "0123456789abcdefghijABCDEFGHIJ01"
	signed := func(f map[string]string) map[string]string { f["sign"] = md5Sign(f, key); return f }
	cases := []struct {
		name     string
		tpl      string
		status   int
		answer   map[string]string
		raw      string
		wantCode string // APIError.Code; "" for a success
		verified bool
		verify   bool // a *VerifyError
		attempts int
	}{
		{name: "success", tpl: "v2/pay/orderquery", answer: signed(map[string]string{"return_code": "SUCCESS", "result_code": "SUCCESS", "trade_state": "SUCCESS"}), verified: true, attempts: 1},
		{name: "return FAIL unsigned", tpl: "v2/pay/orderquery", answer: map[string]string{"return_code": "FAIL", "return_msg": "签名错误"}, wantCode: "FAIL", attempts: 1},
		{name: "result FAIL", tpl: "v2/pay/orderquery", answer: signed(map[string]string{"return_code": "SUCCESS", "result_code": "FAIL", "err_code": "ORDERNOTEXIST", "err_code_des": "此交易订单号不存在"}), wantCode: "ORDERNOTEXIST", verified: true, attempts: 1},
		{name: "result FAIL bad sign", tpl: "v2/pay/orderquery", answer: map[string]string{"return_code": "SUCCESS", "result_code": "FAIL", "err_code": "SYSTEMERROR", "sign": "00"}, wantCode: "SYSTEMERROR", attempts: 1},
		{name: "success unsigned", tpl: "v2/pay/orderquery", answer: map[string]string{"return_code": "SUCCESS", "result_code": "SUCCESS"}, verify: true, attempts: 1},
		{name: "success tampered", tpl: "v2/pay/orderquery", answer: func() map[string]string {
			f := signed(map[string]string{"return_code": "SUCCESS", "result_code": "SUCCESS", "trade_state": "NOTPAY"})
			f["trade_state"] = "SUCCESS"
			return f
		}(), verify: true, attempts: 1},
		{name: "duplicate result_code", tpl: "v2/pay/orderquery", raw: "<xml><return_code>SUCCESS</return_code><result_code>SUCCESS</result_code><result_code>FAIL</result_code></xml>", verify: true, attempts: 1},
		{name: "red packet unsigned", tpl: "v2/mmpaymkttransfers/sendredpack", answer: map[string]string{"return_code": "SUCCESS", "result_code": "SUCCESS", "send_listid": "1"}, attempts: 1},
		{name: "red packet with a bad sign", tpl: "v2/mmpaymkttransfers/sendredpack", answer: map[string]string{"return_code": "SUCCESS", "result_code": "SUCCESS", "sign": "00"}, verify: true, attempts: 1},
		{name: "bill as text", tpl: "v2/pay/downloadbill", raw: "交易时间,公众账号ID\n", attempts: 1},
		{name: "micropay 500 not repeated", tpl: "v2/pay/micropay", status: 500, raw: "oops", wantCode: "", attempts: 1},
		{name: "orderquery 500 retried", tpl: "v2/pay/orderquery", status: 500, raw: "oops", wantCode: "", attempts: 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				if r.Header.Get("Authorization") != "" || r.URL.Path != "/"+strings.TrimPrefix(tc.tpl, "v2/") {
					t.Errorf("request %s with Authorization %q", r.URL.Path, r.Header.Get("Authorization"))
				}
				if tc.status != 0 {
					w.WriteHeader(tc.status)
				}
				if tc.raw != "" {
					_, _ = w.Write([]byte(tc.raw))
					return
				}
				b := "<xml>"
				for k, v := range tc.answer {
					b += "<" + k + "><![CDATA[" + v + "]]></" + k + ">"
				}
				_, _ = w.Write([]byte(b + "</xml>"))
			}))
			defer ts.Close()
			srv, _ := setupV2(t)
			cfg := srv.Config()
			cfg.BaseURL, cfg.HTTPClient, cfg.APIv2Key, cfg.RetryWait = ts.URL, ts.Client(), key, 1
			cfg.ClientCertificate = otherCertificate(t)
			c, err := wechatpay.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := c.Chain(tc.tpl).Post(context.Background(), chain.O{"xml": chain.O{"appid": "wx1", "out_trade_no": "T1"}})
			if int(n.Load()) != tc.attempts {
				t.Errorf("%d attempts, want %d", n.Load(), tc.attempts)
			}
			var ae *chain.APIError
			var ve *chain.VerifyError
			switch {
			case tc.verify:
				if !errors.As(err, &ve) || !errors.Is(err, signer.ErrBadSignature) {
					t.Fatalf("want a *VerifyError (ErrBadSignature), got %v", err)
				}
			case tc.status != 0:
				if !errors.As(err, &ae) || ae.StatusCode != tc.status {
					t.Fatalf("want an APIError %d, got %v", tc.status, err)
				}
			case tc.wantCode != "":
				if !errors.As(err, &ae) || ae.Code != tc.wantCode || ae.Verified != tc.verified || ae.Message == "" && tc.answer["err_code_des"]+tc.answer["return_msg"] != "" {
					t.Fatalf("want APIError %s verified=%v, got %#v", tc.wantCode, tc.verified, err)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if resp.Verified != tc.verified {
					t.Errorf("Verified %v, want %v", resp.Verified, tc.verified)
				}
				if tc.raw != "" && string(resp.Body) != tc.raw {
					t.Errorf("body %q", resp.Body)
				}
			}
		})
	}
}

func TestV2HMACAndSandboxOperations(t *testing.T) {
	t.Parallel()
	srv, _ := setupV2(t)
	cfg := srv.Config()
	cc := srv.ClientCertificate() // over plain HTTP the simulator cannot check it; the client still wants it
	cfg.ClientCertificate = &cc
	c, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// HMAC-SHA256 requested by the caller: the answer verifies with it.
	o := micropayFields("V2HMAC", "134567890123456789")
	o["sign_type"] = signer.SignTypeHMACSHA256
	resp, err := c.Chain("v2/pay/micropay").Post(ctx, chain.O{"xml": o})
	if err != nil || !resp.Verified {
		t.Fatalf("HMAC-SHA256 micropay: %v", err)
	}
	// A missing field: the simulator names it.
	_, err = c.Chain("v2/pay/micropay").Post(ctx, chain.O{"xml": chain.O{"appid": "wx1", "out_trade_no": "V2MISS", "total_fee": 1, "spbill_create_ip": "1.1.1.1", "auth_code": "134567890123456789"}})
	var ae *chain.APIError
	if !errors.As(err, &ae) || ae.Code != "FAIL" || !strings.Contains(ae.Message, "body") {
		t.Errorf("missing body: %v", err)
	}
	// Refund, refundquery, a red packet and a transfer.
	if _, err := c.Chain("v2/pay/micropay").Post(ctx, chain.O{"xml": micropayFields("V2REF", "134567890123456789")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Chain("v2/secapi/pay/refund").Post(ctx, chain.O{"xml": chain.O{"appid": "wx1", "out_trade_no": "V2REF", "out_refund_no": "V2REF-1", "total_fee": 1, "refund_fee": 1}}); err != nil {
		t.Fatal(err)
	}
	resp, err = c.Chain("v2/pay/refundquery").Post(ctx, chain.O{"xml": chain.O{"appid": "wx1", "out_refund_no": "V2REF-1"}})
	if err != nil || resp.Get("refund_status_0").String() != "SUCCESS" {
		t.Fatalf("refundquery: %v", err)
	}
	resp, err = c.Chain("v2/mmpaymkttransfers/sendredpack").Post(ctx, chain.O{"xml": chain.O{"mch_billno": "B1", "wxappid": "wx1",
		"send_name": "s", "re_openid": "o1", "total_amount": 100, "total_num": 1, "wishing": "w", "client_ip": "1.1.1.1", "act_name": "a", "remark": "r"}})
	if err != nil || resp.Verified || resp.Get("send_listid").String() == "" {
		t.Fatalf("sendredpack: %v", err)
	}
	resp, err = c.Chain("v2/mmpaymkttransfers/promotion/transfers").Post(ctx, chain.O{"xml": chain.O{"mch_appid": "wx1", "partner_trade_no": "P1",
		"openid": "o1", "check_name": "NO_CHECK", "amount": 100, "desc": "d", "spbill_create_ip": "1.1.1.1"}})
	if err != nil || resp.Get("payment_no").String() == "" {
		t.Fatalf("transfers: %v", err)
	}
	if got := srv.V2Requests(); got[len(got)-1].Fields["mchid"] != srv.MchID {
		t.Errorf("transfers: the merchant id goes under mchid: %v", got[len(got)-1].Fields)
	}
}

func TestV2MutualTLS(t *testing.T) {
	t.Parallel()
	srv, c := setupV2(t, wechatpaytest.WithTLS())
	ctx := context.Background()
	if _, err := c.Chain("v2/pay/micropay").Post(ctx, chain.O{"xml": micropayFields("V2TLS", "134567890123456789")}); err != nil {
		t.Fatal(err)
	}
	refund := chain.O{"xml": chain.O{"appid": "wx1", "out_trade_no": "V2TLS", "out_refund_no": "V2TLS-1", "total_fee": 1, "refund_fee": 1}}
	if _, err := c.Chain("v2/secapi/pay/refund").Post(ctx, refund); err != nil {
		t.Fatalf("refund with the certificate: %v", err)
	}
	if r := srv.V2Requests(); !r[len(r)-1].ClientCert {
		t.Error("the server saw no client certificate")
	}
	// Another certificate: the server refuses.
	cfg := srv.Config()
	cfg.ClientCertificate = otherCertificate(t)
	c2, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c2.Chain("v2/secapi/pay/refund").Post(ctx, refund)
	var ae *chain.APIError
	if !errors.As(err, &ae) || ae.Code != "FAIL" || !strings.Contains(ae.Message, "certificate") {
		t.Errorf("refund with another certificate: %v", err)
	}
}

func TestV2LogsHoldNoSign(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	var logs strings.Builder
	cfg := srv.Config()
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg.LogBodies = true
	c, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Chain("v2/pay/micropay").Post(context.Background(), chain.O{"xml": micropayFields("V2LOG", "134567890123456789")}); err != nil {
		t.Fatal(err)
	}
	r := srv.V2Requests()[0]
	if strings.Contains(logs.String(), r.Fields["sign"]) || strings.Count(logs.String(), "[redacted]") != 2 {
		t.Errorf("the logs hold a sign:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "V2LOG") {
		t.Errorf("the logs lack the bodies:\n%s", logs.String())
	}
}

// TestV2FillsTheOperationsNames: the merchant id goes under the
// operation's own field and an HMAC-SHA256-only operation is signed so.
func TestV2FillsTheOperationsNames(t *testing.T) {
	t.Parallel()
	srv, c := setupV2(t)
	resp, err := c.Chain("v2/pay/closecombinedorder").Post(context.Background(), chain.O{"xml": chain.O{
		"combine_appid": "wxd678efh567hg6787", "combine_out_trade_no": "C1",
		"sub_order_list": []chain.O{{"mchid": "1900000001", "out_trade_no": "S1"}}}})
	if err != nil || !resp.Verified {
		t.Fatalf("closecombinedorder: %v", err)
	}
	f := srv.V2Requests()[0].Fields
	got := map[string]string{"combine_mch_id": f["combine_mch_id"], "sign_type": f["sign_type"], "mch_id": f["mch_id"]}
	if d := cmp.Diff(map[string]string{"combine_mch_id": srv.MchID, "sign_type": "HMAC-SHA256", "mch_id": ""}, got); d != "" {
		t.Errorf("fields filled in (-want +got):\n%s", d)
	}
}
