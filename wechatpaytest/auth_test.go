package wechatpaytest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay/signer"
	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"
)

func TestSeedSyncSucceedsAndIsSigned(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := e.do("POST", seedTarget, seedBody)
	if a.Status != 200 {
		t.Fatalf("status = %d, body %s", a.Status, a.Body)
	}
	if err := e.verify(a); err != nil {
		t.Fatalf("answer does not verify: %v", err)
	}
	got := map[string]string{
		"appid": a.get("appid"), "mchid": a.get("mchid"), "out_order_no": a.get("out_order_no"),
		"state": a.get("state"), "collection.state": a.get("collection.state"),
	}
	want := map[string]string{
		"appid": "wxd678efh567hg6787", "mchid": e.srv.MchID, "out_order_no": "1234323JKHDFE1243252",
		"state": "DONE", "collection.state": "USER_PAID",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	if a.get("order_id") == "" {
		t.Errorf("answer has no order_id: %s", a.Body)
	}
	// A repeated identical request (a client retry) gets the same answer.
	again := e.do("POST", seedTarget, seedBody)
	if again.Status != 200 || string(again.Body) != string(a.Body) {
		t.Errorf("repeat: status %d body %s, want 200 %s", again.Status, again.Body, a.Body)
	}
	// A different sync on a DONE order is refused.
	other := e.do("POST", seedTarget, strings.Replace(seedBody, "20091225091010", "20091226091010", 1))
	if other.Status != 400 || other.get("code") != "ORDER_DONE" {
		t.Errorf("different sync: %d %s, want 400 ORDER_DONE", other.Status, other.Body)
	}
}

func TestAuthenticationFailures(t *testing.T) {
	t.Parallel()
	e := setup(t)
	good := func() string { return e.authorizeAt(time.Now(), "POST", seedTarget, seedBody) }
	replace := func(h, field, value string) string {
		i := strings.Index(h, field+`="`)
		j := strings.Index(h[i+len(field)+2:], `"`)
		return h[:i+len(field)+2] + value + h[i+len(field)+2+j:]
	}
	tests := []struct {
		name  string
		authz func() string
		body  string
		msg   string
	}{
		{"missing header", func() string { return "" }, seedBody, "Authorization"},
		{"wrong scheme", func() string { return strings.Replace(good(), signer.Scheme, "WECHATPAY2-SHA256-RSA4096", 1) }, seedBody, "scheme"},
		{"malformed fields", func() string { return signer.Scheme + ` mchid="1900000001"` }, seedBody, "malformed"},
		{"wrong mchid", func() string { return replace(good(), "mchid", "1900000002") }, seedBody, "mchid"},
		{"wrong serial", func() string { return replace(good(), "serial_no", strings.Repeat("A", 40)) }, seedBody, "serial_no"},
		{"stale timestamp", func() string { return e.authorizeAt(time.Now().Add(-301*time.Second), "POST", seedTarget, seedBody) }, seedBody, "timestamp"},
		{"future timestamp", func() string { return e.authorizeAt(time.Now().Add(301*time.Second), "POST", seedTarget, seedBody) }, seedBody, "timestamp"},
		{"millisecond timestamp", func() string {
			h := good()
			i := strings.Index(h, `timestamp="`) + len(`timestamp="`)
			return h[:i] + h[i:i+10] + "000" + h[i+10:]
		}, seedBody, "timestamp"},
		{"bad signature", func() string { return replace(good(), "signature", strings.Repeat("A", 344)) }, seedBody, "signature"},
		{"body changed after signing", good, strings.Replace(seedBody, "500001", "500002", 1), "signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.forTest(t)
			a := e.send("POST", seedTarget, tt.body, tt.authz(), nil)
			if a.Status != 401 || a.get("code") != "SIGN_ERROR" {
				t.Fatalf("got %d %s, want 401 SIGN_ERROR", a.Status, a.Body)
			}
			if !strings.Contains(a.get("message"), tt.msg) {
				t.Errorf("message %q does not mention %q", a.get("message"), tt.msg)
			}
			want := map[string]string{"method": "POST", "url": seedTarget}
			got := map[string]string{"method": a.get("detail.sign_information.method"), "url": a.get("detail.sign_information.url")}
			if n := jsonInt(a, "detail.sign_information.sign_message_length"); (n == 0) != (tt.name == "missing header" || tt.name == "wrong scheme" || tt.name == "malformed fields" || tt.name == "millisecond timestamp") {
				t.Errorf("sign_message_length = %d", n)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("sign_information (-want +got):\n%s", diff)
			}
			if err := e.verify(a); err != nil {
				t.Errorf("error answer does not verify: %v", err)
			}
		})
	}
	// Nothing of the above changed the order.
	if o, _ := e.srv.ServiceOrder("1234323JKHDFE1243252"); o.State != "DOING" {
		t.Errorf("order state = %s after refused requests, want DOING", o.State)
	}
}

func TestSignErrorCarriesSignInformation(t *testing.T) {
	t.Parallel()
	e := setup(t)
	h := e.authorizeAt(time.Now(), "POST", seedTarget, seedBody)
	a := e.send("POST", seedTarget, strings.Replace(seedBody, "500001", "500009", 1), h, nil)
	info := a.get("detail.sign_information.truncated_sign_message")
	if !strings.HasPrefix(info, "POST\n"+seedTarget+"\n") || !strings.HasSuffix(info, "\n{\"appid\"\n") {
		t.Errorf("truncated_sign_message = %q", info)
	}
	if n := int(jsonInt(a, "detail.sign_information.sign_message_length")); n < len(seedBody)+len(seedTarget) {
		t.Errorf("sign_message_length = %d, too small", n)
	}
}

func jsonInt(a *answer, path string) int64 {
	return gjson.GetBytes(a.Body, path).Int()
}

func TestReplayedNonceIsRefused(t *testing.T) {
	t.Parallel()
	e := setup(t)
	h, err := e.auth.Authorize(context.Background(), "GET", "/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid="+e.srv.MchID, nil)
	if err != nil {
		t.Fatal(err)
	}
	target := "/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=" + e.srv.MchID
	first := e.send("GET", target, "", h, nil)
	if first.Status != 200 {
		t.Fatalf("first: %d %s", first.Status, first.Body)
	}
	second := e.send("GET", target, "", h, nil)
	if second.Status != 401 || second.get("code") != "SIGN_ERROR" || !strings.Contains(second.get("message"), "nonce") {
		t.Fatalf("replay: %d %s, want 401 SIGN_ERROR about the nonce", second.Status, second.Body)
	}
}

func TestRawRequestTargetIsSigned(t *testing.T) {
	t.Parallel()
	e := setup(t)
	// Signed with an encoded query, sent re-encoded differently: must fail.
	signedTarget := "/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=" + e.srv.MchID + "&x=a%20b"
	sentTarget := "/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=" + e.srv.MchID + "&x=a+b"
	h := e.authorizeAt(time.Now(), "GET", signedTarget, "")
	if a := e.send("GET", sentTarget, "", h, nil); a.Status != 401 {
		t.Errorf("re-encoded target: %d %s, want 401", a.Status, a.Body)
	}
	h = e.authorizeAt(time.Now(), "GET", signedTarget, "")
	if a := e.send("GET", signedTarget, "", h, nil); a.Status != 200 {
		t.Errorf("exact target: %d %s, want 200", a.Status, a.Body)
	}
}

func TestWechatpaySerialOfEncryptedRequests(t *testing.T) {
	t.Parallel()
	e := setup(t)
	target := "/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=" + e.srv.MchID
	ok := e.send("GET", target, "", e.authorizeAt(time.Now(), "GET", target, ""), map[string][]string{"Wechatpay-Serial": {e.srv.PlatformSerial}})
	if ok.Status != 200 {
		t.Errorf("known Wechatpay-Serial: %d %s", ok.Status, ok.Body)
	}
	bad := e.send("GET", target, "", e.authorizeAt(time.Now(), "GET", target, ""), map[string][]string{"Wechatpay-Serial": {"PUB_KEY_ID_0000"}})
	if bad.Status != 400 || bad.get("detail.location") != "header" {
		t.Errorf("unknown Wechatpay-Serial: %d %s", bad.Status, bad.Body)
	}
}

// TestSignErrorDoesNotEchoTheSignature: a header without the scheme (only
// the parameters, or a bare signature) is refused without repeating it.
func TestSignErrorDoesNotEchoTheSignature(t *testing.T) {
	t.Parallel()
	e := setup(t)
	good := e.authorizeAt(time.Now(), "POST", seedTarget, seedBody)
	params := strings.TrimPrefix(good, signer.Scheme+" ")
	i := strings.Index(good, `signature="`) + len(`signature="`)
	sig := good[i : i+strings.Index(good[i:], `"`)]
	for _, h := range []string{params, sig, strings.Replace(good, signer.Scheme+" ", signer.Scheme+"_", 1)} {
		a := e.send("POST", seedTarget, seedBody, h, nil)
		if a.Status != 401 || a.get("code") != "SIGN_ERROR" {
			t.Errorf("got %d %s, want 401 SIGN_ERROR", a.Status, a.Body)
		}
		if strings.Contains(string(a.Body), sig[:16]) {
			t.Errorf("answer repeats the signature: %s", a.Body)
		}
	}
	// A plain wrong scheme is still named.
	a := e.send("POST", seedTarget, seedBody, strings.Replace(good, signer.Scheme, "WECHATPAY2-SHA256-RSA4096", 1), nil)
	if !strings.Contains(a.get("message"), `"WECHATPAY2-SHA256-RSA4096"`) {
		t.Errorf("message %q does not name the scheme", a.get("message"))
	}
}
