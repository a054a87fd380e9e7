package wechatpaytest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/catalog"
	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/internal/v2xml"
	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

func TestV2Callbacks(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	cfg := srv.Config()
	cc := srv.ClientCertificate()
	cfg.ClientCertificate = &cc
	c, err := chain.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Chain("v2/pay/micropay").Post(ctx, chain.O{"xml": chain.O{"appid": "wx1", "body": "b", "out_trade_no": "CB1",
		"total_fee": 3, "spbill_create_ip": "1.1.1.1", "auth_code": "134567890123456789"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Chain("v2/secapi/pay/refund").Post(ctx, chain.O{"xml": chain.O{"appid": "wx1", "out_trade_no": "CB1",
		"out_refund_no": "CB1-R", "total_fee": 3, "refund_fee": 2}}); err != nil {
		t.Fatal(err)
	}
	p, err := notify.NewV2Parser(srv.APIv2Key)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	pay := httptest.NewServer(p.PaymentHandler(func(_ context.Context, n *notify.V2Notification) error {
		got = append(got, "pay "+n.Get("out_trade_no").String()+" "+n.Get("total_fee").String())
		return nil
	}))
	defer pay.Close()
	refund := httptest.NewServer(p.RefundHandler(func(_ context.Context, n *notify.V2Notification) error {
		got = append(got, "refund "+n.Get("out_refund_no").String()+" "+n.Get("refund_fee").String()+" "+n.Get("refund_status").String())
		return nil
	}))
	defer refund.Close()

	body, err := srv.V2PaymentCallback("CB1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.SendV2Callback(ctx, pay.URL, body); err != nil {
		t.Fatal(err)
	}
	body, err = srv.V2RefundCallback("CB1-R")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.SendV2Callback(ctx, refund.URL, body); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"pay CB1 3", "refund CB1-R 2 SUCCESS"}, got); d != "" {
		t.Errorf("callbacks (-want +got):\n%s", d)
	}
	// A handler with another key refuses: 401, not acknowledged.
	other, _ := notify.NewV2Parser("ffffffffffffffffffffffffffffffff")
	wrong := httptest.NewServer(other.PaymentHandler(func(context.Context, *notify.V2Notification) error { return nil }))
	defer wrong.Close()
	body, _ = srv.V2PaymentCallback("CB1")
	if code, err := srv.SendV2Callback(ctx, wrong.URL, body); !errors.Is(err, wechatpaytest.ErrV2CallbackRefused) || code != 401 {
		t.Errorf("wrong key: %d %v", code, err)
	}
	if _, err := srv.V2PaymentCallback("NONE"); err == nil {
		t.Error("a callback for an unknown order")
	}
}

// TestV2GenericResponder sends every catalogued APIv2 POST operation its
// required fields, signed, and then the same without each field in turn.
func TestV2GenericResponder(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	hc := srv.HTTPClient()
	post := func(path string, f map[string]string) map[string]string {
		t.Helper()
		body, err := v2xml.Encode(f)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := hc.Post(srv.URL+"/"+path, "text/xml", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		ans, err := v2xml.Decode(data)
		if err != nil {
			t.Fatalf("%s: answer %q: %v", path, data, err)
		}
		return ans
	}
	n := 0
	for _, op := range catalog.All() {
		if op.Encoding != catalog.EncodingXML || op.Method != "POST" || op.Body == nil {
			continue
		}
		n++
		f := map[string]string{}
		var required []string
		for _, m := range op.Body.Fields {
			if m.Required && m.Name != "sign" {
				f[m.Name] = "1"
				required = append(required, m.Name)
			}
		}
		for _, name := range []string{"mch_id", "mchid", "combine_mch_id"} {
			if _, ok := f[name]; ok {
				f[name] = srv.MchID
			}
		}
		if st, ok := op.Body.Member("sign_type"); ok && len(st.Enum) == 1 {
			f["sign_type"] = st.Enum[0]
		} else if _, ok := f["sign_type"]; ok {
			f["sign_type"] = "HMAC-SHA256"
		}
		f["nonce_str"] = "5K8264ILTKCH16CQ2502SI8ZNMTM67VS"
		sign := func(f map[string]string) map[string]string {
			g := maps.Clone(f)
			g["sign"], _ = signer.SignV2(g, srv.APIv2Key, g["sign_type"])
			return g
		}
		ans := post(op.Wire(), sign(f))
		if ans["return_code"] != "SUCCESS" {
			t.Errorf("%s: %v", op.Template, ans)
			continue
		}
		if _, signed := op.Response.Member("sign"); signed && ans["result_code"] == "SUCCESS" {
			if err := signer.VerifyV2(ans, srv.APIv2Key, f["sign_type"]); err != nil {
				t.Errorf("%s: answer sign: %v", op.Template, err)
			}
		}
		for _, name := range required {
			if name == "nonce_str" || name == "transaction_id" || name == "out_trade_no" || name == "out_refund_no" || name == "refund_id" {
				continue // one of the identifying alternatives is enough
			}
			g := maps.Clone(f)
			delete(g, name)
			if ans := post(op.Wire(), sign(g)); ans["return_code"] != "FAIL" || !strings.Contains(ans["return_msg"], name) {
				t.Errorf("%s without %s: %v", op.Template, name, ans)
			}
		}
		bad := sign(f)
		bad["sign"] = "00"
		if ans := post(op.Wire(), bad); ans["return_code"] != "FAIL" {
			t.Errorf("%s with a bad sign: %v", op.Template, ans)
		}
	}
	if n < 100 {
		t.Errorf("only %d APIv2 operations tried", n)
	}
}
