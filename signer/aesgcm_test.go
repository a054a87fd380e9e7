package signer_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/internal/gateway"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/google/go-cmp/cmp"
)

const (
	testAPIv3Key = "0123456789abcdefghijklmnopqrstuv"
	testNonce    = "fdasflkja484"
	testAAD      = "transaction"
)

func TestAESGCMRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, aad string
		plain     []byte
	}{
		{"with AAD", testAAD, []byte(`{"transaction_id":"4200000000"}`)},
		{"empty AAD", "", []byte(`{"a":1}`)},
		{"empty plaintext", testAAD, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ct, err := gateway.EncryptAESGCM(testAPIv3Key, testNonce, tt.aad, tt.plain)
			if err != nil {
				t.Fatal(err)
			}
			got, err := signer.DecryptAESGCM(testAPIv3Key, testNonce, tt.aad, ct)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(tt.plain), string(got)); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
	n, err := gateway.NewAESGCMNonce()
	if err != nil || len(n) != 12 {
		t.Fatalf("NewAESGCMNonce = %q, %v", n, err)
	}
}

func TestAESGCMFailures(t *testing.T) {
	t.Parallel()
	plain := []byte(`{"secret":"card number"}`)
	ct, err := gateway.EncryptAESGCM(testAPIv3Key, testNonce, testAAD, plain)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(ct)
	flipped := append([]byte(nil), raw...)
	flipped[0] ^= 1
	wrongKey := "vutsrqponmlkjihgfedcba9876543210"
	tests := []struct {
		name, key, nonce, aad, ct string
		wantErr                   error
		wantMsg                   string
	}{
		{"wrong key", wrongKey, testNonce, testAAD, ct, signer.ErrAPIv3Key, "the APIv3 key is probably wrong"},
		{"wrong AAD", testAPIv3Key, testNonce, "certificate", ct, signer.ErrAPIv3Key, `associated_data "certificate"`},
		{"missing AAD", testAPIv3Key, testNonce, "", ct, signer.ErrAPIv3Key, ""},
		{"wrong nonce", testAPIv3Key, "fdasflkja485", testAAD, ct, signer.ErrAPIv3Key, ""},
		{"flipped bit", testAPIv3Key, testNonce, testAAD, base64.StdEncoding.EncodeToString(flipped), signer.ErrAPIv3Key, ""},
		{"truncated by one byte", testAPIv3Key, testNonce, testAAD, base64.StdEncoding.EncodeToString(raw[:len(raw)-1]), signer.ErrAPIv3Key, ""},
		{"truncated below the tag", testAPIv3Key, testNonce, testAAD, base64.StdEncoding.EncodeToString(raw[:15]), nil, "truncated"},
		{"empty ciphertext", testAPIv3Key, testNonce, testAAD, "", nil, "truncated"},
		{"not base64", testAPIv3Key, testNonce, testAAD, "%%%", nil, "not base64"},
		{"31-byte key", testAPIv3Key[:31], testNonce, testAAD, ct, signer.ErrAPIv3KeyLength, "got 31 bytes"},
		{"64-byte key", testAPIv3Key + testAPIv3Key, testNonce, testAAD, ct, signer.ErrAPIv3KeyLength, "got 64 bytes"},
		{"short nonce", testAPIv3Key, "abc", testAAD, ct, nil, "nonce must be 12 bytes, got 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := signer.DecryptAESGCM(tt.key, tt.nonce, tt.aad, tt.ct)
			if err == nil {
				t.Fatalf("DecryptAESGCM succeeded: %q", got)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wantMsg) || !strings.HasPrefix(msg, "signer: ") {
				t.Fatalf("err %q lacks %q", msg, tt.wantMsg)
			}
			for _, secret := range []string{tt.key, wrongKey, testAPIv3Key, testAPIv3Key[:31], "card number"} {
				if strings.Contains(msg, secret) {
					t.Fatalf("error leaks %q: %s", secret, msg)
				}
			}
		})
	}
	if _, err := gateway.EncryptAESGCM("short", testNonce, "", plain); !errors.Is(err, signer.ErrAPIv3KeyLength) {
		t.Fatalf("EncryptAESGCM short key: %v", err)
	}
}
