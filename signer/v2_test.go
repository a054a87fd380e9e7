package signer_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/signer"
)

// testAPIv2Key is a 32-character APIv2 key made up for these tests.
const testAPIv2Key = "Xk7Rq2Vn4Wz9Tb1Yc5Md8Pf3Gh6Js0La"

// v2Fields holds markup, '&', ']]>', Chinese, an empty field (left out) and
// a sign (left out).
var v2Fields = map[string]string{
	"mch_id":      "1900000109",
	"nonce_str":   "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
	"body":        "腾讯充值中心-QQ会员充值",
	"attach":      "a<b>&c]]>d",
	"total_fee":   "1",
	"sign_type":   "HMAC-SHA256",
	"device_info": "",
	"sign":        "ignored",
}

// The expected digests below were computed independently of this package,
// in a shell, from the signing string written out by hand:
//
//	S='attach=a<b>&c]]>d&body=腾讯充值中心-QQ会员充值&mch_id=1900000109&nonce_str=5K8264ILTKCH16CQ2502SI8ZNMTM67VS&sign_type=HMAC-SHA256&total_fee=1&key=Xk7Rq2Vn4Wz9Tb1Yc5Md8Pf3Gh6Js0La'
//	printf '%s' "$S" | openssl dgst -md5
//	printf '%s' "$S" | openssl dgst -sha256 -hmac Xk7Rq2Vn4Wz9Tb1Yc5Md8Pf3Gh6Js0La
//
// (python3 hashlib.md5 / hmac.new(key, S, sha256) give the same), then
// upper-cased. The WeChat Pay documentation's own example (appid
// wxd930ea5d5a258f4f, key 192006250b4c09247ec02edce69f6a2d) was computed
// the same way and matches the values published with it.
func TestSignV2Vectors(t *testing.T) {
	t.Parallel()
	docFields := map[string]string{"appid": "wxd930ea5d5a258f4f", "mch_id": "10000100", "device_info": "1000", "body": "test", "nonce_str": "ibuaiVcKdpRxkhJA"}
	const docKey = "192006250b4c09247ec02edce69f6a2d"
	tests := []struct {
		name, key, signType string
		fields              map[string]string
		want                string
	}{
		{"MD5 by default", testAPIv2Key, "", v2Fields, "9F50739ABF3B3121CE9E6AB83E1FBAA7"},
		{"MD5", testAPIv2Key, signer.SignTypeMD5, v2Fields, "9F50739ABF3B3121CE9E6AB83E1FBAA7"},
		{"HMAC-SHA256", testAPIv2Key, signer.SignTypeHMACSHA256, v2Fields, "E955625BDB5C47EC441730C21C0B38B59FD9DA7A687B0F01F9009305776AD58E"},
		{"documentation example, MD5", docKey, "MD5", docFields, "9A0A8659F005D6984697E2CA0A9CF3B7"},
		{"documentation example, HMAC-SHA256", docKey, "HMAC-SHA256", docFields, "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := signer.SignV2(tt.fields, tt.key, tt.signType)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("SignV2 = %s, want %s", got, tt.want)
			}
			signed := map[string]string{"sign": tt.want}
			for k, v := range tt.fields {
				if k != "sign" {
					signed[k] = v
				}
			}
			if err := signer.VerifyV2(signed, tt.key, tt.signType); err != nil {
				t.Errorf("VerifyV2: %v", err)
			}
			signed["sign"] = strings.ToLower(tt.want)
			if err := signer.VerifyV2(signed, tt.key, tt.signType); err != nil {
				t.Errorf("VerifyV2, lower-case hex: %v", err)
			}
		})
	}
}

func TestVerifyV2Refuses(t *testing.T) {
	t.Parallel()
	good := map[string]string{"return_code": "SUCCESS", "result_code": "SUCCESS", "out_trade_no": "T1", "nonce_str": "abc"}
	sign, err := signer.SignV2(good, testAPIv2Key, "")
	if err != nil {
		t.Fatal(err)
	}
	with := func(change func(m map[string]string)) map[string]string {
		m := map[string]string{"sign": sign}
		for k, v := range good {
			m[k] = v
		}
		change(m)
		return m
	}
	otherKey := strings.Repeat("k", 32)
	tests := []struct {
		name     string
		fields   map[string]string
		key      string
		signType string
		want     error
	}{
		{"changed value", with(func(m map[string]string) { m["result_code"] = "FAIL" }), testAPIv2Key, "", signer.ErrBadSignature},
		{"added field", with(func(m map[string]string) { m["attach"] = "x" }), testAPIv2Key, "", signer.ErrBadSignature},
		{"no sign", with(func(m map[string]string) { delete(m, "sign") }), testAPIv2Key, "", signer.ErrBadSignature},
		{"empty sign", with(func(m map[string]string) { m["sign"] = "" }), testAPIv2Key, "", signer.ErrBadSignature},
		{"other key", with(func(map[string]string) {}), otherKey, "", signer.ErrBadSignature},
		{"other algorithm", with(func(map[string]string) {}), testAPIv2Key, signer.SignTypeHMACSHA256, signer.ErrBadSignature},
		{"unknown algorithm", with(func(map[string]string) {}), testAPIv2Key, "SHA1", signer.ErrUnknownAlgorithm},
		{"short key", with(func(map[string]string) {}), "short", "", signer.ErrAPIv2KeyLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := signer.VerifyV2(tt.fields, tt.key, tt.signType)
			if !errors.Is(err, tt.want) {
				t.Fatalf("VerifyV2 error = %v, want %v", err, tt.want)
			}
			for _, secret := range []string{tt.key, sign} {
				if len(secret) > 8 && strings.Contains(err.Error(), secret) {
					t.Errorf("error %q holds a key or signature", err)
				}
			}
		})
	}
}

func TestSignV2RefusesAmbiguousNames(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"", "a=b", "a&b"} {
		_, err := signer.SignV2(map[string]string{name: "1", "b": "2"}, testAPIv2Key, "")
		if err == nil || !strings.Contains(err.Error(), "field name") {
			t.Errorf("SignV2 with field name %q: error = %v", name, err)
		}
	}
}

// TestSignV2EmptyAndSignOmitted: empty values and sign do not change the
// signature; every other field does.
func TestSignV2EmptyAndSignOmitted(t *testing.T) {
	t.Parallel()
	base := map[string]string{"a": "1", "b": "2"}
	want, err := signer.SignV2(base, testAPIv2Key, "")
	if err != nil {
		t.Fatal(err)
	}
	for name, m := range map[string]map[string]string{
		"empty field": {"a": "1", "b": "2", "c": ""},
		"sign":        {"a": "1", "b": "2", "sign": "X"},
	} {
		if got, _ := signer.SignV2(m, testAPIv2Key, ""); got != want {
			t.Errorf("%s changed the signature", name)
		}
	}
	if got, _ := signer.SignV2(map[string]string{"a": "1", "b": "2", "c": " "}, testAPIv2Key, ""); got == want {
		t.Error("a field holding a space was left out")
	}
}

func TestCheckAPIv2Key(t *testing.T) {
	t.Parallel()
	if err := signer.CheckAPIv2Key(testAPIv2Key); err != nil {
		t.Errorf("32 characters: %v", err)
	}
	for _, k := range []string{"", strings.Repeat("a", 31), strings.Repeat("a", 33)} {
		if err := signer.CheckAPIv2Key(k); !errors.Is(err, signer.ErrAPIv2KeyLength) {
			t.Errorf("%d characters: error = %v", len(k), err)
		}
	}
}

// The paySign values below were computed independently in a shell:
//
//	S='appId=wxd678efh567hg6787&nonceStr=0123456789ABCDEFGHIJKLMNOPQRSTUV&package=prepay_id=wx201410272009395522657a690389285100&signType=MD5&timeStamp=1414561699&key=Xk7Rq2Vn4Wz9Tb1Yc5Md8Pf3Gh6Js0La'
//	printf '%s' "$S" | openssl dgst -md5
//
// and, with signType=HMAC-SHA256 in S, `openssl dgst -sha256 -hmac
// Xk7Rq2Vn4Wz9Tb1Yc5Md8Pf3Gh6Js0La`; upper-cased.
func TestSignJSAPIV2(t *testing.T) {
	t.Parallel()
	const prepay = "wx201410272009395522657a690389285100"
	for _, tt := range []struct{ signType, wantType, want string }{
		{"", "MD5", "3D42AC41C605D774B232C315C8A22637"},
		{"HMAC-SHA256", "HMAC-SHA256", "9AA37B839729B0AE4955617252FE1F1D1FF194BB07B2E886F8DD8A771CE084F4"},
	} {
		seq := make([]byte, 48) // bytes 0..47 give the nonce 0-9A-V
		for i := range seq {
			seq[i] = byte(i)
		}
		p, err := signer.SignJSAPIV2("wxd678efh567hg6787", prepay, testAPIv2Key, tt.signType,
			signer.WithNow(fixedClock(1414561699)), signer.WithRand(bytes.NewReader(seq)))
		if err != nil {
			t.Fatal(err)
		}
		want := &signer.JSAPIParams{AppID: "wxd678efh567hg6787", TimeStamp: "1414561699", NonceStr: "0123456789ABCDEFGHIJKLMNOPQRSTUV",
			Package: "prepay_id=" + prepay, SignType: tt.wantType, PaySign: tt.want}
		if diff := cmp.Diff(want, p); diff != "" {
			t.Errorf("SignJSAPIV2(%q) (-want +got):\n%s", tt.signType, diff)
		}
	}
}

func TestSignJSAPIV2Refuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, appID, prepayID, key, signType, want string
	}{
		{"package string", "wx1", "prepay_id=wx2", testAPIv2Key, "", "bare prepay_id"},
		{"empty appID", "", "wx2", testAPIv2Key, "", "appID is empty"},
		{"short key", "wx1", "wx2", "short", "", "32 characters"},
		{"unknown sign type", "wx1", "wx2", testAPIv2Key, "RSA", "sign_type"},
	}
	for _, tt := range tests {
		if _, err := signer.SignJSAPIV2(tt.appID, tt.prepayID, tt.key, tt.signType); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}
