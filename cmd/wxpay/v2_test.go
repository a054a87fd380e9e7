package main

import (
	"crypto/md5"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

func TestPostV2(t *testing.T) {
	t.Parallel()
	h := setupSim(t)
	h.env["WECHATPAY_APIV2_KEY"] = h.srv.APIv2Key
	r := h.run("", "post", "v2/pay/micropay", "appid=wxd678efh567hg6787", "body=image形象店", "out_trade_no=CLI1",
		"total_fee:=1", "spbill_create_ip=14.23.150.211", "auth_code=134567890123456789", `scene_info:={"store_info":{"id":"SZ001"}}`)
	if r.Code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", r.Code, r.Stderr)
	}
	got := map[string]string{}
	for _, k := range []string{"return_code", "result_code", "total_fee", "out_trade_no"} {
		got[k] = gjson.Get(r.Stdout, k).String()
	}
	want := map[string]string{"return_code": "SUCCESS", "result_code": "SUCCESS", "total_fee": "1", "out_trade_no": "CLI1"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("stdout (-want +got):\n%s\n%s", d, r.Stdout)
	}
	reqs := h.srv.V2Requests()
	if len(reqs) != 1 || reqs[0].Fields["total_fee"] != "1" || reqs[0].Fields["scene_info"] != `{"store_info":{"id":"SZ001"}}` {
		t.Fatalf("received %+v", reqs)
	}

	// A business failure: the answer goes to stdout as JSON, the exit status says it failed.
	r = h.run("", "post", "v2/pay/micropay", "appid=wx1", "body=b", "out_trade_no=CLI2", "total_fee:=1",
		"spbill_create_ip=1.1.1.1", "auth_code="+wechatpaytest.V2AuthCodeUserPaying)
	if r.Code == exitOK || gjson.Get(r.Stdout, "err_code").String() != "USERPAYING" || !strings.Contains(r.Stderr, "USERPAYING") {
		t.Errorf("USERPAYING: exit %d stdout %s stderr %s", r.Code, r.Stdout, r.Stderr)
	}

	// No APIv2 key: refused before sending.
	delete(h.env, "WECHATPAY_APIV2_KEY")
	r = h.run("", "post", "v2/pay/orderquery", "appid=wx1", "out_trade_no=CLI1")
	if r.Code != exitUsage || !strings.Contains(r.Stderr, "APIv2Key") || len(h.srv.V2Requests()) != 2 {
		t.Errorf("no key: exit %d stderr %s", r.Code, r.Stderr)
	}
}

func TestSignV2(t *testing.T) {
	t.Parallel()
	const key = "192006250b4c09247ec02edce69f6a2d"
	// The string WeChat Pay's signing guide walks through, hashed here with crypto/md5.
	want := func(s string) string {
		sum := md5.Sum([]byte(s + "&key=" + key))
		return strings.ToUpper(hex.EncodeToString(sum[:]))
	}("appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA")
	h := setup(t)
	h.env["WECHATPAY_APIV2_KEY"] = key
	cases := []struct {
		name  string
		stdin string
		args  []string
	}{
		{"items", "", []string{"sign", "v2", "appid=wxd930ea5d5a258f4f", "mch_id=10000100", "device_info=1000", "body=test", "nonce_str=ibuaiVcKdpRxkhJA"}},
		{"body on stdin, its sign left out", "<xml><appid>wxd930ea5d5a258f4f</appid><mch_id>10000100</mch_id><device_info>1000</device_info><body>test</body><nonce_str>ibuaiVcKdpRxkhJA</nonce_str><sign>X</sign></xml>",
			[]string{"sign", "v2", "--body", "-"}},
	}
	for _, tc := range cases {
		r := h.run(tc.stdin, tc.args...)
		if r.Code != exitOK || gjson.Get(r.Stdout, "sign").String() != want || gjson.Get(r.Stdout, "sign_type").String() != "MD5" {
			t.Errorf("%s: exit %d stdout %s stderr %s; want sign %s", tc.name, r.Code, r.Stdout, r.Stderr, want)
		}
	}
	r := h.run("", "sign", "v2", "--sign-type", "HMAC-SHA256", "a=b")
	if r.Code != exitOK || len(gjson.Get(r.Stdout, "sign").String()) != 64 {
		t.Errorf("HMAC-SHA256: exit %d stdout %s stderr %s", r.Code, r.Stdout, r.Stderr)
	}
	for _, bad := range [][]string{{"sign", "v2"}, {"sign", "v2", "--sign-type", "SHA1", "a=b"}, {"sign", "v2", "q==1"}} {
		if r := h.run("", bad...); r.Code != exitUsage {
			t.Errorf("%v: exit %d, want usage; stderr %s", bad, r.Code, r.Stderr)
		}
	}
}
