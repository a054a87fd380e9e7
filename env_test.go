package wechatpay_test

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

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/google/go-cmp/cmp"
)

// envFiles writes a private key, a public key and two certificates into a temp dir.
type envFiles struct {
	dir, privateKey, publicKey string
	certs                      []string // paths
	serials                    []string
	other, otherSerial         string // a second folder with one certificate
}

func setupEnvFiles(t *testing.T) *envFiles {
	t.Helper()
	k := testkeys.RSA(0)
	dir := t.TempDir()
	f := &envFiles{dir: dir}
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
	f.other = filepath.Join(dir, "other")
	if err := os.Mkdir(f.other, 0o700); err != nil {
		t.Fatal(err)
	}
	write(filepath.Join("other", "c.cer"), testkeys.PEM("CERTIFICATE", testkeys.Certificate(t, k, 0x99AA, "platform").Raw))
	f.otherSerial = "99AA"
	return f
}

func lookup(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func serialsOf(m map[string]*rsa.PublicKey) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestConfigFromLookup(t *testing.T) {
	t.Parallel()
	f := setupEnvFiles(t)
	base := func(extra map[string]string) map[string]string {
		m := map[string]string{wechatpay.EnvMchID: "1900000001", wechatpay.EnvSerial: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1", wechatpay.EnvPrivateKey: f.privateKey}
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
		{"public key", base(map[string]string{wechatpay.EnvPublicKeyID: "PUB_KEY_ID_0114232134912410000000000000", wechatpay.EnvPublicKey: f.publicKey}),
			[]string{"PUB_KEY_ID_0114232134912410000000000000"}, "", false},
		{"certificate folder", base(map[string]string{wechatpay.EnvPlatformCerts: filepath.Join(f.dir, "certs")}), f.serials, "", false},
		{"certificate list", base(map[string]string{wechatpay.EnvPlatformCerts: f.certs[0] + "," + f.certs[1]}), f.serials, "", false},
		{"certificate list with the OS separator", base(map[string]string{wechatpay.EnvPlatformCerts: f.certs[0] + string(os.PathListSeparator) + f.certs[1]}), f.serials, "", false},
		{"certificate PEM text", base(map[string]string{wechatpay.EnvPlatformCerts: string(pemText)}), f.serials[:1], "", false},
		{"certificate PEM text with escaped line breaks", base(map[string]string{wechatpay.EnvPlatformCerts: strings.ReplaceAll(strings.TrimSpace(string(pemText)), "\n", `\n`)}), f.serials[:1], "", false},
		{"two certificates as PEM text", base(map[string]string{wechatpay.EnvPlatformCerts: string(pemText) + string(pemText2)}), f.serials, "", false},
		{"two folders", base(map[string]string{wechatpay.EnvPlatformCerts: filepath.Join(f.dir, "certs") + "," + f.other}), append(append([]string(nil), f.serials...), f.otherSerial), "", false},
		{"folder, PEM text and file on lines", base(map[string]string{wechatpay.EnvPlatformCerts: f.other + "\n" + string(pemText) + "\n" + f.certs[1]}),
			[]string{f.otherSerial, f.serials[0], f.serials[1]}, "", false},
		{"file, then PEM text with escaped line breaks", base(map[string]string{wechatpay.EnvPlatformCerts: f.certs[1] + "," + strings.ReplaceAll(strings.TrimSpace(string(pemText)), "\n", `\n`)}),
			f.serials, "", false},
		{"folder given as a file URL", base(map[string]string{wechatpay.EnvPlatformCerts: "file://" + f.other}), []string{f.otherSerial}, "", false},
		{"a folder of the list is empty", base(map[string]string{wechatpay.EnvPlatformCerts: f.other + "," + t.TempDir()}), nil, "holds no .pem", false},
		{"PEM text without a certificate", base(map[string]string{wechatpay.EnvPlatformCerts: "-----BEGIN CERTIFICATE----- MIIB -----END CERTIFICATE-----"}), nil, wechatpay.EnvPlatformCerts, false},
		{"both (migration)", base(map[string]string{wechatpay.EnvPublicKeyID: "PUB_KEY_ID_01", wechatpay.EnvPublicKey: f.publicKey, wechatpay.EnvPlatformCerts: f.certs[0]}),
			append([]string{"PUB_KEY_ID_01"}, f.serials[0]), "", false},
		{"no mchid", map[string]string{wechatpay.EnvSerial: "AB"}, nil, wechatpay.EnvMchID, true},
		{"no serial", map[string]string{wechatpay.EnvMchID: "1"}, nil, wechatpay.EnvSerial, true},
		{"no private key", map[string]string{wechatpay.EnvMchID: "1", wechatpay.EnvSerial: "AB"}, nil, wechatpay.EnvPrivateKey, true},
		{"no platform keys", base(nil), nil, wechatpay.EnvPlatformCerts, true},
		{"id without key", base(map[string]string{wechatpay.EnvPublicKeyID: "PUB_KEY_ID_01"}), nil, wechatpay.EnvPublicKey, true},
		{"key without id", base(map[string]string{wechatpay.EnvPublicKey: f.publicKey}), nil, wechatpay.EnvPublicKeyID, true},
		{"id without prefix", base(map[string]string{wechatpay.EnvPublicKeyID: "0114", wechatpay.EnvPublicKey: f.publicKey}), nil, "PUB_KEY_ID_", false},
		{"unreadable private key", base(map[string]string{wechatpay.EnvPrivateKey: filepath.Join(f.dir, "nope.pem"), wechatpay.EnvPlatformCerts: f.certs[0]}), nil, wechatpay.EnvPrivateKey, false},
		{"empty folder", base(map[string]string{wechatpay.EnvPlatformCerts: t.TempDir()}), nil, wechatpay.EnvPlatformCerts, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := wechatpay.ConfigFromLookup(lookup(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || errors.Is(err, wechatpay.ErrMissingEnv) != tt.missing {
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
			if diff := cmp.Diff(want, serialsOf(cfg.PlatformKeys)); diff != "" {
				t.Errorf("platform keys (-want +got):\n%s", diff)
			}
			if cfg.PrivateKey == nil || cfg.MchID != "1900000001" {
				t.Errorf("config %+v", cfg)
			}
		})
	}
}

func TestEnvVars(t *testing.T) {
	t.Parallel()
	want := []string{"WECHATPAY_MCHID", "WECHATPAY_SERIAL", "WECHATPAY_PRIVATE_KEY", "WECHATPAY_PUBLIC_KEY_ID", "WECHATPAY_PUBLIC_KEY",
		"WECHATPAY_PLATFORM_CERTS", "WECHATPAY_APIV3_KEY", "WECHATPAY_BASE_URL", "WECHATPAY_BACKUP_BASE_URL", "WECHATPAY_APIV2_KEY", "WECHATPAY_CLIENT_CERT", "WECHATPAY_CLIENT_KEY"}
	if diff := cmp.Diff(want, wechatpay.EnvVars()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestConfigFromLookupNamesEveryProblem: every missing or malformed
// variable is named in one error.
func TestConfigFromLookupNamesEveryProblem(t *testing.T) {
	t.Parallel()
	f := setupEnvFiles(t)
	_, err := wechatpay.ConfigFromLookup(lookup(map[string]string{
		wechatpay.EnvSerial:      "XYZ-not-hex",
		wechatpay.EnvPrivateKey:  filepath.Join(f.dir, "nope.pem"),
		wechatpay.EnvPublicKeyID: "0114",
		wechatpay.EnvPublicKey:   f.publicKey,
		wechatpay.EnvAPIv3Key:    "short-secret-apiv3",
		wechatpay.EnvBaseURL:     "api.mch.weixin.qq.com",
		wechatpay.EnvAPIv2Key:    "short-secret-apiv2",
		wechatpay.EnvClientCert:  filepath.Join(f.dir, "apiclient_cert.pem"),
	}))
	var ee *wechatpay.EnvError
	if !errors.As(err, &ee) || !errors.Is(err, wechatpay.ErrMissingEnv) {
		t.Fatalf("want an *EnvError matching ErrMissingEnv, got %v", err)
	}
	var named []string
	for _, p := range ee.Problems {
		named = append(named, strings.Fields(p.Error())[0])
	}
	want := []string{wechatpay.EnvMchID, wechatpay.EnvSerial + ":", wechatpay.EnvPrivateKey + ":", wechatpay.EnvPublicKeyID + ":", wechatpay.EnvAPIv3Key + ":", wechatpay.EnvAPIv2Key + ":", wechatpay.EnvClientCert + ":", wechatpay.EnvBaseURL + ":"}
	if diff := cmp.Diff(want, named); diff != "" {
		t.Errorf("variables named, one per problem (-want +got):\n%s\n%v", diff, err)
	}
	if strings.Contains(err.Error(), "short-secret-apiv3") || strings.Contains(err.Error(), "short-secret-apiv2") {
		t.Errorf("the error shows the APIv3 key: %v", err)
	}
}

// TestConfigFromLookupPartial: with an *EnvError the Config holds what could
// be read, so a program needing only some settings can use it.
func TestConfigFromLookupPartial(t *testing.T) {
	t.Parallel()
	f := setupEnvFiles(t)
	cfg, err := wechatpay.ConfigFromLookup(lookup(map[string]string{wechatpay.EnvPrivateKey: f.privateKey, wechatpay.EnvAPIv2Key: strings.Repeat("k", 32)}))
	if !errors.Is(err, wechatpay.ErrMissingEnv) {
		t.Fatalf("err = %v, want ErrMissingEnv", err)
	}
	got := []any{cfg.PrivateKey != nil, cfg.APIv2Key, cfg.MchID, len(cfg.PlatformKeys)}
	if diff := cmp.Diff([]any{true, strings.Repeat("k", 32), "", 0}, got); diff != "" {
		t.Errorf("partial config (-want +got):\n%s", diff)
	}
}

// TestConfigFromLookupHidesValues: a secret given to the wrong variable is
// named by its variable and never printed back.
func TestConfigFromLookupHidesValues(t *testing.T) {
	t.Parallel()
	const secret = "Zq8xW3vN7mK2pL9sT4yB6cR1dF5gH0jA" // 32 bytes, like an APIv3 key
	f := setupEnvFiles(t)
	tests := []struct {
		name, variable, value string
		extra                 map[string]string
	}{
		{"serial", wechatpay.EnvSerial, secret, nil},
		{"platform certificates", wechatpay.EnvPlatformCerts, secret, nil},
		{"second entry of the certificate list", wechatpay.EnvPlatformCerts, f.certs[0] + "," + secret, nil},
		{"private key", wechatpay.EnvPrivateKey, secret, nil},
		{"public key", wechatpay.EnvPublicKey, secret, nil},
		{"public key id", wechatpay.EnvPublicKeyID, secret, nil},
		{"client certificate", wechatpay.EnvClientCert, secret, map[string]string{wechatpay.EnvClientKey: f.privateKey}},
		{"client key", wechatpay.EnvClientKey, secret, map[string]string{wechatpay.EnvClientCert: f.certs[0]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{wechatpay.EnvMchID: "1900000001", wechatpay.EnvSerial: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
				wechatpay.EnvPrivateKey: f.privateKey, wechatpay.EnvPublicKeyID: "PUB_KEY_ID_01", wechatpay.EnvPublicKey: f.publicKey}
			for k, v := range tt.extra {
				env[k] = v
			}
			env[tt.variable] = tt.value
			_, err := wechatpay.ConfigFromLookup(lookup(env))
			var ee *wechatpay.EnvError
			if !errors.As(err, &ee) {
				t.Fatalf("err = %v, want *EnvError", err)
			}
			var named []string
			for _, p := range ee.Problems {
				var ep *wechatpay.EnvProblem
				if errors.As(p, &ep) {
					named = append(named, ep.Var)
				}
			}
			if diff := cmp.Diff([]string{tt.variable}, named); diff != "" {
				t.Errorf("problems name (-want +got):\n%s\n%v", diff, err)
			}
			if strings.Contains(err.Error(), secret[:12]) {
				t.Errorf("the value is printed: %v", err)
			}
		})
	}
}
