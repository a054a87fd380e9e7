package signer_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/signer"
)

// testReqInfoPlain is a refund result as WeChat Pay encrypts it into req_info.
const testReqInfoPlain = `<root><out_refund_no><![CDATA[R20261128001]]></out_refund_no><out_trade_no><![CDATA[T20261128001]]></out_trade_no><refund_fee><![CDATA[88]]></refund_fee><refund_id><![CDATA[50000000382019052709732678859]]></refund_id><refund_status><![CDATA[SUCCESS]]></refund_status><success_time><![CDATA[2026-11-28 20:00:00]]></success_time><total_fee><![CDATA[888]]></total_fee><transaction_id><![CDATA[4200000001202611280000000001]]></transaction_id></root>`

// testReqInfo was computed independently in a shell:
//
//	MK=$(printf '%s' Xk7Rq2Vn4Wz9Tb1Yc5Md8Pf3Gh6Js0La | openssl dgst -md5 -r | cut -c1-32)   # a20057a0ff042bdc4f128e6ee1ebd90b
//	printf '%s' "$testReqInfoPlain" | openssl enc -aes-256-ecb -K $(printf '%s' $MK | xxd -p -c 64) | base64 -w0
//
// (openssl enc pads with PKCS#7; the AES key is the 32 ASCII characters of
// the lower-case hex MD5.)
const testReqInfo = "qJ7YAGyC/QduRcJLR3HsCHiaA43UbAFY2cSfDh4Jx+t7viiVqfA4r/fCrOcOXe1ctph9ROMEsBya3y+utfgbn1zbj2iB6peS38jkgRrOEEA4osb6xWk40QRfO60ma3D5YlzYOfpIvBdS7tXO0lizWcxGP/VThrY0sBdiDVwvhPywL6U20bU3sj9UMCoWZo/9JPMzjBWbKzEdssybRZ6vK2QwKwqMKM3cwHfBP32WhrT9OYGx4g/J+sZ9WIYgxPcmfYNmqD1i2mqOWg0zk+Q/7Uh1I5J+ThaCAmLd6X/7C83ct9Kq09gBGVKY3AR8dk3VPJYILwe9qLKXy+Ml4iSM1EIhhbjnUOLr7CrOEnU1F665DZxyxWfSUl8mq9W2+Fl4XiNq7eCp+Ta0F7ax5Ql/K7GS17/FvR/AH8KBIrD2HHRQliI20MRIQn9hMV350e9DJ4Yw5m7O0Z7KU75zVbS4E/82MFJDsvqwzv496txyt2GYEF+W7fA+rZ7NkOiWbpIojVii9O+FN6q725UKcgyX8gD/Ahazs4JwluG/QwrgcHM53Bw1k91RWV74GEeebgD1tyWyt09iiQcU0LkaMO25tA=="

func TestDecryptReqInfoVector(t *testing.T) {
	t.Parallel()
	got, err := signer.DecryptReqInfo(testAPIv2Key, testReqInfo)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(testReqInfoPlain, string(got)); diff != "" {
		t.Errorf("DecryptReqInfo (-want +got):\n%s", diff)
	}
	again, err := signer.EncryptReqInfo(testAPIv2Key, []byte(testReqInfoPlain))
	if err != nil {
		t.Fatal(err)
	}
	if again != testReqInfo {
		t.Errorf("EncryptReqInfo differs from openssl's output:\n%s", again)
	}
}

func TestReqInfoRoundTrip(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 15, 16, 17, 32} {
		plain := strings.Repeat("x", n)
		ct, err := signer.EncryptReqInfo(testAPIv2Key, []byte(plain))
		if err != nil {
			t.Fatal(err)
		}
		got, err := signer.DecryptReqInfo(testAPIv2Key, ct)
		if err != nil || string(got) != plain {
			t.Errorf("%d bytes: DecryptReqInfo = %q, %v", n, got, err)
		}
	}
}

func TestDecryptReqInfoRefuses(t *testing.T) {
	t.Parallel()
	raw, _ := base64.StdEncoding.DecodeString(testReqInfo)
	tail := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	wrongPad := append([]byte(nil), raw...)
	wrongPad[len(wrongPad)-1] ^= 0x55 // last block decrypts to noise
	tests := []struct {
		name, key, in string
		want          error
		text          string
	}{
		{"wrong key", strings.Repeat("k", 32), testReqInfo, signer.ErrAPIv2Key, ""},
		{"altered last block", testAPIv2Key, tail(wrongPad), signer.ErrAPIv2Key, ""},
		{"short key", "short", testReqInfo, signer.ErrAPIv2KeyLength, ""},
		{"not base64", testAPIv2Key, "%%%", nil, "not base64"},
		{"not whole blocks", testAPIv2Key, tail(raw[:20]), nil, "not a positive multiple"},
		{"empty", testAPIv2Key, "", nil, "not a positive multiple"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := signer.DecryptReqInfo(tt.key, tt.in)
			if err == nil {
				t.Fatalf("DecryptReqInfo = %q, want an error", got)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
			if tt.want == nil && (errors.Is(err, signer.ErrAPIv2Key) || !strings.Contains(err.Error(), tt.text)) {
				t.Errorf("error = %v, want a malformed-input error containing %q", err, tt.text)
			}
		})
	}
}
