package signer_test

import (
	"crypto/rsa"
	"errors"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/signer"
)

func TestNormalizeSerial(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		wantErr  error
		wantMsg  string
	}{
		{in: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1", want: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"},
		{in: "  5157f09efdc096de15ebe81a47057a7232f1b8e1\n", want: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"},
		{in: "0ABC", want: "0ABC"},
		{in: "1234567890123456789012345678901234567890", want: "1234567890123456789012345678901234567890"}, // 40 digits: a plausible hex serial
		{in: "PUB_KEY_ID_0114232134912410000000000000", want: "PUB_KEY_ID_0114232134912410000000000000"},
		{in: " pub_key_id_0114232134912410000000000000", want: "PUB_KEY_ID_0114232134912410000000000000"},
		{in: "Pub_Key_Id_01142321349124100000000000ab", want: "PUB_KEY_ID_01142321349124100000000000AB"},
		// 463503411316297389371048587431917787163208448225 is 0x51303637F91112D93F0C63FE073AAB5BE4AFF8E1 in decimal.
		{in: "463503411316297389371048587431917787163208448225", wantErr: signer.ErrDecimalSerial, wantMsg: "its hex form is 51303637F91112D93F0C63FE073AAB5BE4AFF8E1"},
		// A serial with a leading zero digit: WeChat Pay prints all 40 hex digits, a decimal tool drops it.
		{in: "57695881630579109672551728465758925132512052583", wantErr: signer.ErrDecimalSerial, wantMsg: "its hex form is 0A1B2C3D4E5F60718293A4B5C6D7E8F901234567"},
		{in: "", wantErr: signer.ErrInvalidSerial, wantMsg: "empty"},
		{in: "   ", wantErr: signer.ErrInvalidSerial, wantMsg: "empty"},
		{in: "5157F09EFDC096DE15EBE81A47057A7232F1B8EG", wantErr: signer.ErrInvalidSerial, wantMsg: `'G' at 39`},
		{in: "51:57:F0", wantErr: signer.ErrInvalidSerial, wantMsg: "remove the colons"},
		{in: "0x5157F0", wantErr: signer.ErrInvalidSerial, wantMsg: "0x prefix"},
		{in: strings.Repeat("AB", 33), wantErr: signer.ErrInvalidSerial, wantMsg: "66 hex digits"},
		{in: "PUB_KEY_ID_", wantErr: signer.ErrInvalidSerial},
		{in: "PUB_KEY_ID_01 2", wantErr: signer.ErrInvalidSerial},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := signer.NormalizeSerial(tt.in)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantMsg) {
					t.Fatalf("NormalizeSerial(%q) err = %v, want %v containing %q", tt.in, err, tt.wantErr, tt.wantMsg)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("NormalizeSerial(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestCheckMerchantSerial(t *testing.T) {
	t.Parallel()
	keys(t)
	platform := map[string]*rsa.PublicKey{
		"5157F09EFDC096DE15EBE81A47057A7232F1B8E1": &platformKey.PublicKey,
		"PUB_KEY_ID_0114232134912410000000000000":  &other.PublicKey,
	}
	tests := []struct {
		serial  string
		wantErr bool
	}{
		{"5157F09EFDC096DE15EBE81A47057A7232F1B8E1", true},
		{"5157f09efdc096de15ebe81a47057a7232f1b8e1", true},
		{"PUB_KEY_ID_0114232134912410000000000000", true},
		{"6B2A3C6C5D8E9F00112233445566778899AABBCC", false},
		{"", false},
	}
	for _, tt := range tests {
		err := signer.CheckMerchantSerial(tt.serial, platform)
		if got := errors.Is(err, signer.ErrSerialIsPlatformKey); got != tt.wantErr {
			t.Errorf("CheckMerchantSerial(%q) = %v, want ErrSerialIsPlatformKey: %v", tt.serial, err, tt.wantErr)
		}
	}
	if err := signer.CheckMerchantSerial("ABC", nil); err != nil {
		t.Errorf("nil map: %v", err)
	}
}
