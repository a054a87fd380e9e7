package notify_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/internal/v2xml"
	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/signer"
)

// testAPIv2Key is a 32-character APIv2 key made up for these tests.
const testAPIv2Key = "Xk7Rq2Vn4Wz9Tb1Yc5Md8Pf3Gh6Js0La"

// v2PaymentBody is a payment result callback (WeChat Pay's documented
// example with the sign replaced). Its sign was computed independently in a
// shell over the sorted non-empty fields:
//
//	printf '%s' 'appid=wx2421b1c4370ec43b&attach=支付测试&bank_type=CFT&cash_fee=1&fee_type=CNY&is_subscribe=Y&mch_id=10000100&nonce_str=5d2b6c2a8db53831f7eda20af46e531c&openid=oUpF8uMEb4qRXf22hE3X68TekukE&out_trade_no=1409811653&result_code=SUCCESS&return_code=SUCCESS&time_end=20140903131540&total_fee=1&trade_type=JSAPI&transaction_id=1004400740201409030005092168&key=Xk7Rq2Vn4Wz9Tb1Yc5Md8Pf3Gh6Js0La' | openssl dgst -md5
const v2PaymentBody = `<xml>
  <appid><![CDATA[wx2421b1c4370ec43b]]></appid>
  <attach><![CDATA[支付测试]]></attach>
  <bank_type><![CDATA[CFT]]></bank_type>
  <cash_fee><![CDATA[1]]></cash_fee>
  <coupon_fee><![CDATA[]]></coupon_fee>
  <fee_type><![CDATA[CNY]]></fee_type>
  <is_subscribe><![CDATA[Y]]></is_subscribe>
  <mch_id><![CDATA[10000100]]></mch_id>
  <nonce_str><![CDATA[5d2b6c2a8db53831f7eda20af46e531c]]></nonce_str>
  <openid><![CDATA[oUpF8uMEb4qRXf22hE3X68TekukE]]></openid>
  <out_trade_no><![CDATA[1409811653]]></out_trade_no>
  <result_code><![CDATA[SUCCESS]]></result_code>
  <return_code><![CDATA[SUCCESS]]></return_code>
  <sign><![CDATA[6EA8520A9C6E176F00D2724CEF096B12]]></sign>
  <time_end><![CDATA[20140903131540]]></time_end>
  <total_fee>1</total_fee>
  <trade_type><![CDATA[JSAPI]]></trade_type>
  <transaction_id><![CDATA[1004400740201409030005092168]]></transaction_id>
</xml>`

// v2PaymentHMAC is the same callback with sign_type HMAC-SHA256; its sign
// was computed as above with sign_type=HMAC-SHA256 inserted in sorted place
// and `openssl dgst -sha256 -hmac Xk7Rq2Vn4Wz9Tb1Yc5Md8Pf3Gh6Js0La`.
var v2PaymentHMAC = strings.Replace(strings.Replace(v2PaymentBody, "6EA8520A9C6E176F00D2724CEF096B12",
	"4F415D6A5ED125FDCD1ED0189C43F13BECCBA4E31C776E23F16040C780BB9BD8", 1),
	"<time_end>", "<sign_type>HMAC-SHA256</sign_type><time_end>", 1)

// v2RefundBody is a refund result callback. Its req_info was computed
// independently in a shell (see signer's testReqInfo):
//
//	MK=$(printf '%s' Xk7Rq2Vn4Wz9Tb1Yc5Md8Pf3Gh6Js0La | openssl dgst -md5 -r | cut -c1-32)
//	printf '%s' "$v2RefundPlain" | openssl enc -aes-256-ecb -K $(printf '%s' $MK | xxd -p -c 64) | base64 -w0
const v2RefundBody = `<xml><return_code>SUCCESS</return_code><appid><![CDATA[wx2421b1c4370ec43b]]></appid><mch_id><![CDATA[10000100]]></mch_id><nonce_str><![CDATA[TeqClE3i0mvn3DrK]]></nonce_str>` +
	`<req_info><![CDATA[qJ7YAGyC/QduRcJLR3HsCHiaA43UbAFY2cSfDh4Jx+t7viiVqfA4r/fCrOcOXe1ctph9ROMEsBya3y+utfgbn1zbj2iB6peS38jkgRrOEEA4osb6xWk40QRfO60ma3D5YlzYOfpIvBdS7tXO0lizWcxGP/VThrY0sBdiDVwvhPywL6U20bU3sj9UMCoWZo/9JPMzjBWbKzEdssybRZ6vK2QwKwqMKM3cwHfBP32WhrT9OYGx4g/J+sZ9WIYgxPcmfYNmqD1i2mqOWg0zk+Q/7Uh1I5J+ThaCAmLd6X/7C83ct9Kq09gBGVKY3AR8dk3VPJYILwe9qLKXy+Ml4iSM1EIhhbjnUOLr7CrOEnU1F665DZxyxWfSUl8mq9W2+Fl4XiNq7eCp+Ta0F7ax5Ql/K7GS17/FvR/AH8KBIrD2HHRQliI20MRIQn9hMV350e9DJ4Yw5m7O0Z7KU75zVbS4E/82MFJDsvqwzv496txyt2GYEF+W7fA+rZ7NkOiWbpIojVii9O+FN6q725UKcgyX8gD/Ahazs4JwluG/QwrgcHM53Bw1k91RWV74GEeebgD1tyWyt09iiQcU0LkaMO25tA==]]></req_info></xml>`

const v2RefundPlain = `<root><out_refund_no><![CDATA[R20261128001]]></out_refund_no><out_trade_no><![CDATA[T20261128001]]></out_trade_no><refund_fee><![CDATA[88]]></refund_fee><refund_id><![CDATA[50000000382019052709732678859]]></refund_id><refund_status><![CDATA[SUCCESS]]></refund_status><success_time><![CDATA[2026-11-28 20:00:00]]></success_time><total_fee><![CDATA[888]]></total_fee><transaction_id><![CDATA[4200000001202611280000000001]]></transaction_id></root>`

func v2Parser(t testing.TB, opts ...notify.Option) *notify.V2Parser {
	t.Helper()
	p, err := notify.NewV2Parser(testAPIv2Key, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// v2Generate returns GenerateV2Payment(fields), failing the test on error.
func v2Generate(t testing.TB, fields map[string]string) string {
	t.Helper()
	b, err := notify.GenerateV2Payment(fields, testAPIv2Key)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestV2ParsePaymentVectors(t *testing.T) {
	t.Parallel()
	p := v2Parser(t)
	for _, tt := range []struct{ name, body, signType string }{
		{"MD5", v2PaymentBody, "MD5"},
		{"HMAC-SHA256", v2PaymentHMAC, "HMAC-SHA256"},
	} {
		n, err := p.ParsePaymentRaw([]byte(tt.body))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if n.SignType != tt.signType || n.Info != nil || n.InfoXML != nil || string(n.Body) != tt.body {
			t.Errorf("%s: notification %+v", tt.name, n)
		}
		if n.Get("out_trade_no").String() != "1409811653" || n.Get("total_fee").Int() != 1 || n.Get("attach").String() != "支付测试" ||
			n.Fields["coupon_fee"] != "" || n.Fields["result_code"] != "SUCCESS" {
			t.Errorf("%s: fields %v", tt.name, n.Fields)
		}
	}
}

func TestV2ParsePaymentRefuses(t *testing.T) {
	t.Parallel()
	p := v2Parser(t, notify.WithMaxBodySize(4096))
	// A signed FAIL result, then a second result_code SUCCESS slipped in
	// after it: one reader sees FAIL, another SUCCESS; it must be refused.
	failed := v2Generate(t, map[string]string{"out_trade_no": "T1", "result_code": "FAIL", "err_code": "NOTENOUGH"})
	twoCodes := strings.Replace(failed, "</xml>", "<result_code>SUCCESS</result_code></xml>", 1)
	otherKey, err := notify.GenerateV2Payment(map[string]string{"out_trade_no": "T1"}, strings.Repeat("k", 32))
	if err != nil {
		t.Fatal(err)
	}
	// GenerateV2Payment refuses an unknown sign_type: change it afterwards.
	sm3 := strings.Replace(v2Generate(t, map[string]string{"sign_type": "HMAC-SHA256"}), "HMAC-SHA256", "SM3", 1)
	tests := []struct {
		name string
		body string
		want []error
		text string
	}{
		{"tampered", strings.Replace(v2PaymentBody, "<total_fee>1<", "<total_fee>100<", 1), []error{signer.ErrBadSignature}, "does not match"},
		{"no sign", strings.Replace(v2PaymentBody, "<sign><![CDATA[6EA8520A9C6E176F00D2724CEF096B12]]></sign>", "", 1), []error{signer.ErrBadSignature}, "no sign"},
		{"sign_type changed", strings.Replace(v2PaymentHMAC, "HMAC-SHA256</sign_type>", "MD5</sign_type>", 1), []error{signer.ErrBadSignature}, ""},
		{"sign_type removed", strings.Replace(v2PaymentHMAC, "<sign_type>HMAC-SHA256</sign_type>", "", 1), []error{signer.ErrBadSignature}, ""},
		{"other key", string(otherKey), []error{signer.ErrBadSignature}, ""},
		{"unknown sign_type", sm3, []error{notify.ErrMalformed, signer.ErrUnknownAlgorithm}, "SM3"},
		{"duplicate result_code", twoCodes, []error{notify.ErrMalformed, v2xml.ErrDuplicateKey}, "result_code"},
		{"DTD", `<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>` + v2PaymentBody, []error{notify.ErrMalformed, v2xml.ErrUnsafe}, ""},
		{"not XML", `{"return_code":"SUCCESS"}`, []error{notify.ErrMalformed}, ""},
		{"return_code FAIL", v2Generate(t, map[string]string{"return_code": "FAIL", "return_msg": "bad"}), []error{notify.ErrMalformed}, `return_code "FAIL"`},
		{"no result_code", v2Generate(t, map[string]string{"result_code": ""}), []error{notify.ErrMalformed}, "without result_code"},
		{"too large", v2Generate(t, map[string]string{"attach": strings.Repeat("x", 5000)}), []error{notify.ErrBodyTooLarge}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n, err := p.ParsePaymentRaw([]byte(tt.body))
			checkV2Refused(t, n, err, tt.want, tt.text)
		})
	}
}

// checkV2Refused checks that a V2Parser refused a callback with an error
// matching every sentinel in want, starting with "notify: ", saying text and
// not holding the APIv2 key.
func checkV2Refused(t *testing.T, n *notify.V2Notification, err error, want []error, text string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted %+v", n)
	}
	for _, w := range want {
		if !errors.Is(err, w) {
			t.Errorf("error = %v, want %v", err, w)
		}
	}
	if !strings.HasPrefix(err.Error(), "notify: ") || !strings.Contains(err.Error(), text) {
		t.Errorf("error = %v, want it to start with notify: and say %q", err, text)
	}
	if strings.Contains(err.Error(), testAPIv2Key) {
		t.Errorf("error holds the APIv2 key: %v", err)
	}
}

func TestV2ParseRefund(t *testing.T) {
	t.Parallel()
	p := v2Parser(t)
	n, err := p.ParseRefundRaw([]byte(v2RefundBody))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(v2RefundPlain, string(n.InfoXML)); diff != "" {
		t.Errorf("InfoXML (-want +got):\n%s", diff)
	}
	wantInfo := map[string]string{
		"out_refund_no": "R20261128001", "out_trade_no": "T20261128001", "refund_fee": "88", "refund_id": "50000000382019052709732678859",
		"refund_status": "SUCCESS", "success_time": "2026-11-28 20:00:00", "total_fee": "888", "transaction_id": "4200000001202611280000000001",
	}
	if diff := cmp.Diff(wantInfo, n.Info); diff != "" {
		t.Errorf("Info (-want +got):\n%s", diff)
	}
	if n.Get("refund_fee").Int() != 88 || n.Get("refund_status").String() != "SUCCESS" || n.Fields["mch_id"] != "10000100" || n.SignType != "" {
		t.Errorf("notification %+v", n)
	}
}

func TestV2ParseRefundRefuses(t *testing.T) {
	t.Parallel()
	p := v2Parser(t, notify.WithMaxBodySize(4096))
	gen := func(fields, info map[string]string, key string) string {
		t.Helper()
		b, err := notify.GenerateV2Refund(fields, info, key)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	good := map[string]string{"out_refund_no": "R1", "refund_status": "SUCCESS"}
	notXML, err := signer.EncryptReqInfo(testAPIv2Key, []byte("refund_status=SUCCESS"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		body string
		want []error
		text string
	}{
		{"other key", gen(nil, good, strings.Repeat("k", 32)), []error{signer.ErrAPIv2Key}, ""},
		{"plaintext not XML", `<xml><return_code>SUCCESS</return_code><req_info>` + notXML + `</req_info></xml>`, []error{signer.ErrAPIv2Key}, "not an APIv2 XML document"},
		{"req_info not base64", `<xml><return_code>SUCCESS</return_code><req_info>%%%</req_info></xml>`, []error{notify.ErrMalformed}, "base64"},
		{"req_info cut", strings.Replace(v2RefundBody, "tA==]]>", "]]>", 1), []error{notify.ErrMalformed}, ""},
		{"no req_info", `<xml><return_code>SUCCESS</return_code></xml>`, []error{notify.ErrMalformed}, "without req_info"},
		{"return_code FAIL", gen(map[string]string{"return_code": "FAIL"}, good, testAPIv2Key), []error{notify.ErrMalformed}, "FAIL"},
		{"no refund_status", gen(nil, map[string]string{"out_refund_no": "R1"}, testAPIv2Key), []error{notify.ErrMalformed}, "refund_status"},
		{"duplicate field", strings.Replace(v2RefundBody, "<appid>", "<req_info>x</req_info><appid>", 1), []error{notify.ErrMalformed, v2xml.ErrDuplicateKey}, "req_info"},
		{"too large", gen(map[string]string{"appid": strings.Repeat("x", 5000)}, good, testAPIv2Key), []error{notify.ErrBodyTooLarge}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n, err := p.ParseRefundRaw([]byte(tt.body))
			checkV2Refused(t, n, err, tt.want, tt.text)
		})
	}
}

func TestNewV2ParserRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		key  string
		opts []notify.Option
		text []string
	}{
		{"short key", "short", nil, []string{"32 characters"}},
		{"APIv3-only options", testAPIv2Key, []notify.Option{notify.WithNow(time.Now), notify.WithTimestampWindow(time.Minute), notify.WithUnknownSerial(func(string) {})},
			[]string{"WithNow", "WithTimestampWindow", "WithUnknownSerial"}},
		{"zero body size", testAPIv2Key, []notify.Option{notify.WithMaxBodySize(0)}, []string{"max body size"}},
	}
	for _, tt := range tests {
		_, err := notify.NewV2Parser(tt.key, tt.opts...)
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		for _, text := range tt.text {
			if !strings.Contains(err.Error(), text) {
				t.Errorf("%s: error = %v, want it to name %s", tt.name, err, text)
			}
		}
	}
	if _, err := notify.NewV2Parser(testAPIv2Key, nil, notify.WithMaxBodySize(10), notify.WithErrorLog(func(context.Context, error) {})); err != nil {
		t.Errorf("the options that apply: %v", err)
	}
}

func TestGenerateV2(t *testing.T) {
	t.Parallel()
	p := v2Parser(t)
	fields := map[string]string{"out_trade_no": "T1", "total_fee": "888", "sign_type": "HMAC-SHA256", "sign": "stale"}
	body, err := notify.GenerateV2Payment(fields, testAPIv2Key)
	if err != nil {
		t.Fatal(err)
	}
	n, err := p.ParsePaymentRaw(body)
	if err != nil {
		t.Fatalf("ParsePaymentRaw(GenerateV2Payment): %v\n%s", err, body)
	}
	if n.SignType != "HMAC-SHA256" || n.Get("total_fee").Int() != 888 || n.Fields["return_code"] != "SUCCESS" || len(n.Fields["nonce_str"]) != 32 {
		t.Errorf("notification %+v", n)
	}
	if fields["sign"] != "stale" || len(fields) != 4 {
		t.Errorf("GenerateV2Payment changed its argument: %v", fields)
	}
	info := map[string]string{"out_refund_no": "R1", "refund_status": "SUCCESS", "refund_fee": "1"}
	body, err = notify.GenerateV2Refund(map[string]string{"mch_id": "1900000109"}, info, testAPIv2Key)
	if err != nil {
		t.Fatal(err)
	}
	r, err := p.ParseRefundRaw(body)
	if err != nil {
		t.Fatalf("ParseRefundRaw(GenerateV2Refund): %v\n%s", err, body)
	}
	if diff := cmp.Diff(info, r.Info); diff != "" || !strings.HasPrefix(string(r.InfoXML), "<root>") || r.Fields["mch_id"] != "1900000109" {
		t.Errorf("refund %+v; Info (-want +got):\n%s", r, diff)
	}
	if _, err := notify.GenerateV2Payment(map[string]string{"bad name": "1"}, testAPIv2Key); err == nil || !strings.Contains(err.Error(), "GenerateV2Payment") {
		t.Errorf("GenerateV2Payment with a bad field name: error = %v", err)
	}
	if _, err := notify.GenerateV2Refund(nil, info, "short"); !errors.Is(err, signer.ErrAPIv2KeyLength) {
		t.Errorf("GenerateV2Refund with a short key: error = %v", err)
	}
}

const (
	v2Ack    = `<xml><return_code><![CDATA[SUCCESS]]></return_code></xml>`
	v2FailFn = `<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[notification not processed]]></return_msg></xml>`
)

func v2Fail(msg string) string {
	return `<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[` + msg + `]]></return_msg></xml>`
}

func TestV2Handlers(t *testing.T) {
	t.Parallel()
	var logged atomic.Int32
	p := v2Parser(t, notify.WithMaxBodySize(4096), notify.WithErrorLog(func(context.Context, error) { logged.Add(1) }))
	errBusiness := errors.New("database is down: password=hunter2")
	refund, err := notify.GenerateV2Refund(nil, map[string]string{"out_refund_no": "R1", "refund_status": "SUCCESS"}, strings.Repeat("k", 32))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		refund     bool
		method     string
		body       string
		fnErr      error
		wantStatus int
		wantBody   string
		wantCalled bool
	}{
		{"payment", false, "POST", v2PaymentBody, nil, 200, v2Ack, true},
		{"payment, fn fails", false, "POST", v2PaymentBody, errBusiness, 500, v2FailFn, true},
		{"payment, fn picks status", false, "POST", v2PaymentBody, notify.Fail(503, "busy, retry later", errBusiness), 503, v2Fail("busy, retry later"), true},
		{"payment, fn message with ]]>", false, "POST", v2PaymentBody, notify.Fail(503, "a]]>b", nil), 503, v2Fail("a]]]]><![CDATA[>b"), true},
		{"payment, fn message XML cannot carry", false, "POST", v2PaymentBody, notify.Fail(503, "a\x00b", nil), 503, v2FailFn, true},
		{"payment, tampered", false, "POST", strings.Replace(v2PaymentBody, "<total_fee>1<", "<total_fee>2<", 1), nil, 401, v2Fail("signature verification failed"), false},
		{"payment, malformed", false, "POST", "<xml>", nil, 400, v2Fail("malformed notification"), false},
		{"payment, unknown sign_type", false, "POST", strings.Replace(v2PaymentHMAC, "HMAC-SHA256</sign_type>", "SM3</sign_type>", 1), nil, 400, v2Fail("unknown sign_type"), false},
		{"payment, too large", false, "POST", v2Generate(t, map[string]string{"attach": strings.Repeat("x", 5000)}), nil, 413, v2Fail("body too large"), false},
		{"payment, GET", false, "GET", "", nil, 405, v2Fail("method not allowed"), false},
		{"refund", true, "POST", v2RefundBody, nil, 200, v2Ack, true},
		{"refund, fn fails", true, "POST", v2RefundBody, errBusiness, 500, v2FailFn, true},
		{"refund, other key", true, "POST", string(refund), nil, 401, v2Fail("req_info does not decrypt"), false},
		{"refund, malformed", true, "POST", `<xml><return_code>SUCCESS</return_code></xml>`, nil, 400, v2Fail("malformed notification"), false},
		{"refund sent to the payment handler", false, "POST", v2RefundBody, nil, 401, v2Fail("signature verification failed"), false},
		{"payment sent to the refund handler", true, "POST", v2PaymentBody, nil, 400, v2Fail("malformed notification"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var called bool
			fn := func(_ context.Context, n *notify.V2Notification) error {
				called = true
				if n.Get("out_trade_no").String() == "" && n.Get("out_refund_no").String() == "" {
					return errors.New("no order number")
				}
				return tt.fnErr
			}
			h := p.PaymentHandler(fn)
			if tt.refund {
				h = p.RefundHandler(fn)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, "/notify/v2", strings.NewReader(tt.body)))
			res := rec.Result()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tt.wantStatus || string(body) != tt.wantBody || called != tt.wantCalled {
				t.Errorf("got %d %s (fn called %v), want %d %s (fn called %v)", res.StatusCode, body, called, tt.wantStatus, tt.wantBody, tt.wantCalled)
			}
			if ct := res.Header.Get("Content-Type"); ct != "text/xml; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if strings.Contains(string(body), "hunter2") {
				t.Errorf("answer leaks fn's error: %s", body)
			}
		})
	}
	t.Cleanup(func() {
		if logged.Load() == 0 {
			t.Error("WithErrorLog was never called")
		}
	})
}

// TestV2HandlerOverHTTP posts a generated callback to a real server.
func TestV2HandlerOverHTTP(t *testing.T) {
	t.Parallel()
	p := v2Parser(t)
	var got atomic.Value
	srv := httptest.NewServer(p.PaymentHandler(func(_ context.Context, n *notify.V2Notification) error {
		got.Store(n.Get("transaction_id").String())
		return nil
	}))
	t.Cleanup(srv.Close)
	body := v2Generate(t, map[string]string{"transaction_id": "4200000001", "out_trade_no": "T1"})
	resp, err := http.Post(srv.URL, "text/xml", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	ack, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(ack) != v2Ack || got.Load() != "4200000001" {
		t.Errorf("answer %d %s, transaction_id %v", resp.StatusCode, ack, got.Load())
	}
}
