package signer_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/signer"
)

// FuzzDecryptReqInfo feeds arbitrary req_info strings to DecryptReqInfo. It
// must never panic; what it accepts must encrypt back to the same
// ciphertext (ECB with PKCS#7 is deterministic), and a refusal must not
// echo the key.
func FuzzDecryptReqInfo(f *testing.F) {
	f.Add(testReqInfo)
	f.Add(testReqInfo[:24])
	f.Add("AAAAAAAAAAAAAAAAAAAAAA==")
	f.Add("%%%")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		plain, err := signer.DecryptReqInfo(testAPIv2Key, in)
		if err != nil {
			if strings.Contains(err.Error(), testAPIv2Key) {
				t.Fatalf("error holds the key: %v", err)
			}
			if plain != nil {
				t.Fatal("plaintext returned with an error")
			}
			return
		}
		again, err := signer.EncryptReqInfo(testAPIv2Key, plain)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := base64.StdEncoding.DecodeString(in)
		got, _ := base64.StdEncoding.DecodeString(again)
		if !bytes.Equal(want, got) {
			t.Fatalf("accepted %q, which does not encrypt back to itself", in)
		}
	})
}

// FuzzVerifyV2 feeds arbitrary fields and signatures to VerifyV2: it must
// never panic, must accept only the sign SignV2 computes, and must fail only
// with its documented sentinels or a field-name error.
func FuzzVerifyV2(f *testing.F) {
	f.Add("out_trade_no", "T1", "result_code", "SUCCESS", "", "")
	f.Add("a", "1&b=2", "c", "", "HMAC-SHA256", "X")
	f.Add("a=b", "1", "sign", "x", "MD5", "")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2, signType, sign string) {
		fields := map[string]string{k1: v1, k2: v2}
		if sign != "" {
			fields["sign"] = sign
		}
		err := signer.VerifyV2(fields, testAPIv2Key, signType)
		want, serr := signer.SignV2(fields, testAPIv2Key, signType)
		if err == nil {
			if serr != nil || !strings.EqualFold(fields["sign"], want) {
				t.Fatalf("accepted sign %q for %q (SignV2 = %q, %v)", fields["sign"], fields, want, serr)
			}
			return
		}
		for _, s := range []error{signer.ErrBadSignature, signer.ErrUnknownAlgorithm} {
			if errors.Is(err, s) {
				return
			}
		}
		if !strings.Contains(err.Error(), "field name") {
			t.Fatalf("unexpected error %v", err)
		}
	})
}
