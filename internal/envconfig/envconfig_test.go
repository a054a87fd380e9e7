package envconfig_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chainpay-go/wechatpay/internal/envconfig"
	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/google/go-cmp/cmp"
)

// files writes a private key, a public key and two certificates into a temp dir.
type files struct {
	dir, privateKey, publicKey string
	certs                      []string // paths
	serials                    []string
}

func setup(t *testing.T) *files {
	t.Helper()
	k := testkeys.RSA(0)
	dir := t.TempDir()
	f := &files{dir: dir}
	write := func(name, pemText string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(pemText), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	f.privateKey = write("apiclient_key.pem", testkeys.PrivatePEM(t, k))
	f.publicKey = write("pub_key.pem", testkeys.PublicPEM(t, &k.PublicKey))
	if err := os.Mkdir(filepath.Join(dir, "certs"), 0o700); err != nil {
		t.Fatal(err)
	}
	for i, serial := range []int64{0x1A2B3C4D, 0x5E6F7081} {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "platform"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
		cder, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
		if err != nil {
			t.Fatal(err)
		}
		f.certs = append(f.certs, write(filepath.Join("certs", []string{"a.pem", "b.crt"}[i]), testkeys.PEM("CERTIFICATE", cder)))
		f.serials = append(f.serials, strings.ToUpper(big.NewInt(serial).Text(16)))
	}
	if err := os.WriteFile(filepath.Join(dir, "certs", "README.txt"), []byte("not a cert"), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

func getenv(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func serials(m map[string]*rsa.PublicKey) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestLoad(t *testing.T) {
	t.Parallel()
	f := setup(t)
	base := func(extra map[string]string) map[string]string {
		m := map[string]string{envconfig.MchID: "1900000001", envconfig.Serial: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1", envconfig.PrivateKey: f.privateKey}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	pemText, _ := os.ReadFile(f.certs[0])
	pemText2, _ := os.ReadFile(f.certs[1])
	tests := []struct {
		name    string
		env     map[string]string
		keys    []string
		wantErr string // substring; "" for success
		missing bool
	}{
		{"public key", base(map[string]string{envconfig.PublicKeyID: "PUB_KEY_ID_0114232134912410000000000000", envconfig.PublicKey: f.publicKey}),
			[]string{"PUB_KEY_ID_0114232134912410000000000000"}, "", false},
		{"certificate folder", base(map[string]string{envconfig.PlatformCerts: filepath.Join(f.dir, "certs")}), f.serials, "", false},
		{"certificate list", base(map[string]string{envconfig.PlatformCerts: f.certs[0] + "," + f.certs[1]}), f.serials, "", false},
		{"certificate list with the OS separator", base(map[string]string{envconfig.PlatformCerts: f.certs[0] + string(os.PathListSeparator) + f.certs[1]}), f.serials, "", false},
		{"certificate PEM text", base(map[string]string{envconfig.PlatformCerts: string(pemText)}), f.serials[:1], "", false},
		{"certificate PEM text with escaped line breaks", base(map[string]string{envconfig.PlatformCerts: strings.ReplaceAll(strings.TrimSpace(string(pemText)), "\n", `\n`)}), f.serials[:1], "", false},
		{"two certificates as PEM text", base(map[string]string{envconfig.PlatformCerts: string(pemText) + string(pemText2)}), f.serials, "", false},
		{"PEM text without a certificate", base(map[string]string{envconfig.PlatformCerts: "-----BEGIN CERTIFICATE----- MIIB -----END CERTIFICATE-----"}), nil, envconfig.PlatformCerts, false},
		{"both (migration)", base(map[string]string{envconfig.PublicKeyID: "PUB_KEY_ID_01", envconfig.PublicKey: f.publicKey, envconfig.PlatformCerts: f.certs[0]}),
			append([]string{"PUB_KEY_ID_01"}, f.serials[0]), "", false},
		{"no mchid", map[string]string{envconfig.Serial: "AB"}, nil, envconfig.MchID, true},
		{"no serial", map[string]string{envconfig.MchID: "1"}, nil, envconfig.Serial, true},
		{"no private key", map[string]string{envconfig.MchID: "1", envconfig.Serial: "AB"}, nil, envconfig.PrivateKey, true},
		{"no platform keys", base(nil), nil, envconfig.PlatformCerts, true},
		{"id without key", base(map[string]string{envconfig.PublicKeyID: "PUB_KEY_ID_01"}), nil, envconfig.PublicKey, true},
		{"key without id", base(map[string]string{envconfig.PublicKey: f.publicKey}), nil, envconfig.PublicKeyID, true},
		{"id without prefix", base(map[string]string{envconfig.PublicKeyID: "0114", envconfig.PublicKey: f.publicKey}), nil, "PUB_KEY_ID_", false},
		{"unreadable private key", base(map[string]string{envconfig.PrivateKey: filepath.Join(f.dir, "nope.pem")}), nil, envconfig.PrivateKey, false},
		{"empty folder", base(map[string]string{envconfig.PlatformCerts: t.TempDir()}), nil, envconfig.PlatformCerts, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := envconfig.Load(getenv(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || errors.Is(err, envconfig.ErrMissing) != tt.missing {
					t.Fatalf("err = %v, want one naming %s (missing: %v)", err, tt.wantErr, tt.missing)
				}
				if strings.Contains(err.Error(), "PRIVATE KEY") {
					t.Errorf("error shows key material: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := append([]string(nil), tt.keys...)
			sort.Strings(want)
			if diff := cmp.Diff(want, serials(cfg.PlatformKeys)); diff != "" {
				t.Errorf("platform keys (-want +got):\n%s", diff)
			}
			if cfg.PrivateKey == nil || cfg.MchID != "1900000001" {
				t.Errorf("config %+v", cfg)
			}
		})
	}
}

func TestPresent(t *testing.T) {
	t.Parallel()
	if envconfig.Present(getenv(nil)) {
		t.Errorf("Present with nothing set")
	}
	if envconfig.Present(getenv(map[string]string{"WECHATPAY_OTHER": "x", envconfig.MchID: "  "})) {
		t.Errorf("Present with only blanks and unrelated variables")
	}
	if !envconfig.Present(getenv(map[string]string{envconfig.BaseURL: "https://api2.mch.weixin.qq.com/"})) {
		t.Errorf("not Present with WECHATPAY_BASE_URL set")
	}
}
