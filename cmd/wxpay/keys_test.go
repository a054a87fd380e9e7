package main

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// TestConfigProblemNamesSource: a malformed setting is named after where
// its value came from (the flag, the variable or the profile key) and its
// value, a secret given to the wrong setting, is never printed.
func TestConfigProblemNamesSource(t *testing.T) {
	t.Parallel()
	const secret = "Zq8xW3vN7mK2pL9sT4yB6cR1dF5gH0jA" // 32 bytes, like an APIv3 key
	_, keyPEM := merchantKey(t)
	_, pubPEM := gatewayKey(t)
	dir := t.TempDir()
	valid := map[setting]string{
		setMchID:       "1900000001",
		setSerial:      "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
		setPrivateKey:  writeFile(t, dir, "apiclient_key.pem", keyPEM, 0o600),
		setPublicKeyID: testPubKeyID,
		setPublicKey:   writeFile(t, dir, "pub_key.pem", pubPEM, 0o644),
	}
	bad := []struct {
		name  string
		st    setting
		value string
	}{
		{"mchid with a space", setMchID, secret[:16] + " " + secret[16:]},
		{"serial not hex", setSerial, secret},
		{"private key no file", setPrivateKey, secret},
		{"private key broken PEM", setPrivateKey, "-----BEGIN PRIVATE KEY-----\n" + secret + secret + "\n-----END PRIVATE KEY-----\n"},
		{"public key id without prefix", setPublicKeyID, secret},
		{"public key no file", setPublicKey, secret},
		{"platform certificates no file", setPlatformCerts, secret},
		{"APIv3 key length", setAPIv3Key, secret[:20]},
		{"APIv2 key length", setAPIv2Key, secret[:20]},
		{"base URL scheme", setBaseURL, "ftp://" + secret},
		{"client certificate no file", setClientCert, secret},
	}
	for _, b := range bad {
		for _, source := range []string{"flag", "env", "profile"} {
			t.Run(b.name+"/"+source, func(t *testing.T) {
				t.Parallel()
				home := t.TempDir()
				env := map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, "config")}
				for st, v := range valid {
					env[st.Env] = v
				}
				var args []string
				var want string
				switch source {
				case "flag":
					args, want = []string{"--" + b.st.Flag, b.value}, "--"+b.st.Flag
				case "env":
					env[b.st.Env], want = b.value, b.st.Env
				case "profile":
					delete(env, b.st.Env)
					var v any = b.value
					if b.st == setPlatformCerts {
						v = []string{b.value}
					}
					data, err := json.Marshal(map[string]any{"profiles": map[string]any{"shop": map[string]any{b.st.Key: v}}})
					if err != nil {
						t.Fatal(err)
					}
					path := writeFile(t, home, "wxpay.json", string(data), 0o600)
					args = []string{"--config", path, "--profile", "shop"}
					want = "profiles.shop." + b.st.Key + `, profile "shop" of ` + path
				}
				s, err := resolveWith(t, env, args...)
				if err != nil {
					t.Fatal(err)
				}
				_, err = s.config(useCall)
				if err == nil {
					t.Fatal("accepted")
				}
				msg := err.Error()
				got := map[string]any{
					"usage error":      isUsage(err),
					"problems":         strings.Count(msg, "(from "),
					"names the source": strings.Contains(msg, "(from "+want),
					"shows the value":  strings.Contains(msg, secret[:12]) || strings.Contains(msg, secret[20:]),
				}
				wantGot := map[string]any{"usage error": true, "problems": 1, "names the source": true, "shows the value": false}
				if diff := cmp.Diff(wantGot, got); diff != "" {
					t.Errorf("(-want +got):\n%s\nerror: %s", diff, msg)
				}
			})
		}
	}
}

// TestConfigMissingNamesEverySource: a setting a command needs and nobody
// set names the flag, the variable and the profile key; half a pair names
// where the other half came from.
func TestConfigMissingNamesEverySource(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := writeFile(t, dir, "c.json", `{"profiles":{"p":{"public_key_id":"PUB_KEY_ID_01"}}}`, 0o600)
	tests := []struct {
		name string
		env  map[string]string
		args []string
		u    use
		want string
	}{
		{"call without mchid", nil, nil, useCall,
			`missing merchant ID: set --mchid or WECHATPAY_MCHID (or "mchid" in a config-file profile)`},
		{"bootstrap without APIv3 key", map[string]string{"WECHATPAY_MCHID": "1", "WECHATPAY_SERIAL": "AB", "WECHATPAY_PRIVATE_KEY": "/k.pem"}, nil, useBootstrap,
			`missing APIv3 key (32 bytes): set --apiv3-key or WECHATPAY_APIV3_KEY (or "apiv3_key" in a config-file profile)`},
		{"signing without the key", nil, nil, usePrivateKey,
			`missing merchant API private key (file path or PEM): set --private-key or WECHATPAY_PRIVATE_KEY (or "private_key" in a config-file profile)`},
		{"verification without a key", nil, nil, useVerification,
			"missing WeChat Pay verification key: set --public-key-id and --public-key (WECHATPAY_PUBLIC_KEY_ID, WECHATPAY_PUBLIC_KEY), or --platform-certs (WECHATPAY_PLATFORM_CERTS)"},
		{"key id from a flag", nil, []string{"--public-key-id", "PUB_KEY_ID_01"}, useVerification,
			`missing WeChat Pay public key (file path or PEM): set --public-key or WECHATPAY_PUBLIC_KEY (or "public_key" in a config-file profile); it goes with --public-key-id`},
		{"key id from a profile", nil, []string{"--config", path, "--profile", "p"}, useVerification,
			`missing WeChat Pay public key (file path or PEM): set --public-key or WECHATPAY_PUBLIC_KEY (or "public_key" in a config-file profile); it goes with profiles.p.public_key_id, profile "p" of ` + path},
		{"client key alone", map[string]string{"WECHATPAY_CLIENT_KEY": "/k.pem"}, nil, useCall,
			`missing merchant API certificate for mutual TLS: apiclient_cert.pem (with --client-key) or apiclient_cert.p12: set --client-cert or WECHATPAY_CLIENT_CERT (or "client_cert" in a config-file profile); it goes with WECHATPAY_CLIENT_KEY`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"HOME": t.TempDir()}
			for k, v := range tt.env {
				env[k] = v
			}
			s, err := resolveWith(t, env, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.config(tt.u)
			var got string
			if err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" || !isUsage(err) {
				t.Errorf("usage error %v (-want +got):\n%s", isUsage(err), diff)
			}
		})
	}
}

// TestConfigTakesOnlyWhatTheCommandUses: a broken setting a command does not
// take does not stop it (sign needs the private key alone).
func TestConfigTakesOnlyWhatTheCommandUses(t *testing.T) {
	t.Parallel()
	_, keyPEM := merchantKey(t)
	env := map[string]string{"HOME": t.TempDir(), "WECHATPAY_PRIVATE_KEY": keyPEM,
		"WECHATPAY_PLATFORM_CERTS": "/nonexistent", "WECHATPAY_SERIAL": "not hex", "WECHATPAY_APIV3_KEY": "short"}
	s, err := resolveWith(t, env)
	if err != nil {
		t.Fatal(err)
	}
	if k, err := s.loadPrivateKey(); err != nil || k == nil {
		t.Errorf("loadPrivateKey() = %v, %v", k, err)
	}
	if _, err := s.config(useCall); err == nil {
		t.Error("a call accepted the broken settings")
	}
}

// TestBootstrapAndFolderLists: with only the APIv3 key in a profile (no
// WeChat Pay key), certificates download works; the folder it wrote then
// verifies calls as one entry of a list of folders, from the profile
// (relative to the file), a flag or the environment.
func TestBootstrapAndFolderLists(t *testing.T) {
	t.Parallel()
	h := setupSim(t, wechatpaytest.WithCertificateMode())
	prof := h.moveToProfile()
	base := filepath.Join(h.dir, "config", "wxpay")
	write := func() {
		b, err := json.Marshal(map[string]any{"profiles": map[string]any{"default": prof}})
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, base, "config.json", string(b), 0o600)
	}
	write()
	if r := h.run("", "certificates", "download", "-o", filepath.Join(base, "downloaded")); r.Code != exitOK {
		t.Fatalf("bootstrap: exit %d, stderr %s", r.Code, r.Stderr)
	}
	// A second folder holding some other certificate.
	other := testkeys.Certificate(t, testkeys.RSA(2), 0x5EED, "other")
	writeFile(t, base, "others/other.pem", testkeys.PEM("CERTIFICATE", other.Raw), 0o644)

	prof["platform_certs"] = []string{"others", "downloaded"}
	write()
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
	}{
		{"profile list of folders", nil, nil, exitOK},
		{"flag list wins over the profile", nil, []string{"--platform-certs", filepath.Join(base, "others")}, exitVerify},
		{"flag list of folders", nil, []string{"--platform-certs", filepath.Join(base, "others") + "," + filepath.Join(base, "downloaded")}, exitOK},
		{"environment list of folders", map[string]string{"WECHATPAY_PLATFORM_CERTS": filepath.Join(base, "others") + string(os.PathListSeparator) + filepath.Join(base, "downloaded")}, nil, exitOK},
	}
	for _, tt := range tests {
		env := maps.Clone(h.env)
		maps.Copy(env, tt.env)
		var out, errb bytes.Buffer
		code := run(t.Context(), append(tt.args, "get", "v3/certificates"), strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
		if code != tt.code {
			t.Errorf("%s: exit %d, want %d; stderr %s", tt.name, code, tt.code, errb.String())
		}
	}
}
