package keysrc_test

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/internal/keysrc"
	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/signer"
)

func TestPrivateKey(t *testing.T) {
	t.Parallel()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p8 := testkeys.PrivatePEM(t, key)
	path := filepath.Join(t.TempDir(), "apiclient_key.pem")
	if err := os.WriteFile(path, []byte(p8), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		v       string
		wantErr error
	}{
		{"PEM text", p8, nil},
		{"PEM text with escaped line breaks", strings.ReplaceAll(p8, "\n", `\n`), nil},
		{"file path", path, nil},
		{"file URL", "file://" + path, nil},
		{"file URL localhost", "file://localhost" + path, nil},
		{"missing file", path + ".missing", os.ErrNotExist},
		{"bad file URL", "file://%zz", signer.ErrNoKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := keysrc.PrivateKey(tt.v)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || !k.Equal(key) {
				t.Fatalf("PrivateKey = %v, want the key", err)
			}
		})
	}
}
