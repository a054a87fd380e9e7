package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/internal/testkeys"
)

// randomSecret is a fresh 32-character secret, like an APIv3 or APIv2 key.
func randomSecret(t *testing.T) string {
	t.Helper()
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// moveToProfile moves the WECHATPAY_* settings of the harness's
// environment into a profile (by profile key) and returns it.
func (h *simHarness) moveToProfile() map[string]any {
	p := map[string]any{}
	for _, st := range allSettings {
		if v := h.env[st.Env]; v != "" {
			p[st.Key] = v
			delete(h.env, st.Env)
		}
	}
	return p
}

// TestProfilesList: wxpay profiles shows name, merchant ID, serial, base URL
// and which keys are set, and none of the keys, key files' paths or
// contents, nor a secret written into the wrong key or into the URL.
func TestProfilesList(t *testing.T) {
	t.Parallel()
	h := setup(t)
	merchant := testkeys.RSA(0)
	gateway := testkeys.RSA(1)
	keyPEM := testkeys.PrivatePEM(t, merchant)
	keyFile := writeFile(t, h.dir, "keys/apiclient_key.pem", keyPEM, 0o600)
	pubFile := writeFile(t, h.dir, "keys/pub_key.pem", testkeys.PublicPEM(t, &gateway.PublicKey), 0o644)
	apiv3, apiv2, password, token := randomSecret(t), randomSecret(t), randomSecret(t), randomSecret(t)
	cfg := map[string]any{
		"default_profile": "shop",
		"profiles": map[string]any{
			"shop": map[string]any{"mchid": "1900000001", "serial": "5157F09EFDC096DE15EBE81A47057A7232F1B8E1", "private_key": keyPEM,
				"public_key_id": testPubKeyID, "public_key": pubFile, "apiv3_key": apiv3, "apiv2_key": apiv2,
				"base_url": "https://ops:" + password + "@api.example.com/gw/?token=" + token, "client_cert": "certs/apiclient_cert.p12"},
			"chain": map[string]any{"mchid": "1900000002", "serial": apiv3, "private_key": keyFile, "platform_certs": []string{"certs", "more/certs"}},
			"typo":  map[string]any{"mchid": apiv2, "base_url": "api.mch.weixin.qq.com/" + token},
		},
	}
	data, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, h.dir, "wxpay.json", string(data), 0o600)
	r := h.run("", "--config", path, "profiles")
	want := "" +
		"   NAME   MCHID                                          SERIAL                                    BASE_URL                                  PRIVATE_KEY  PUBLIC_KEY  PLATFORM_CERTS  APIV3_KEY  APIV2_KEY  CLIENT_CERT\n" +
		"   chain  1900000002                                     (not a serial: 32 characters, not shown)  https://api.mch.weixin.qq.com/ (default)  set          missing     set             missing    missing    missing\n" +
		"*  shop   1900000001                                     5157F09EFDC096DE15EBE81A47057A7232F1B8E1  https://api.example.com/gw/               set          set         missing         set        set        set\n" +
		"   typo   (not a merchant ID: 32 characters, not shown)  (no serial)                               (not a URL: 54 characters, not shown)     missing      missing     missing         missing    missing    missing\n"
	if diff := cmp.Diff(result{Code: exitOK, Stdout: want}, r); diff != "" {
		t.Errorf("wxpay profiles (-want +got):\n%s", diff)
	}
	for name, secret := range map[string]string{"APIv3 key": apiv3, "APIv2 key": apiv2, "URL password": password, "URL token": token,
		"key material": strings.Split(keyPEM, "\n")[1], "key file path": keyFile, "key folder": filepath.Dir(keyFile), "PEM line": "PRIVATE KEY"} {
		if strings.Contains(r.Stdout+r.Stderr, secret) {
			t.Errorf("the %s is shown:\n%s", name, r.Stdout)
		}
	}
}

// TestProfilesErrors: no file, a broken profile.
func TestProfilesErrors(t *testing.T) {
	t.Parallel()
	h := setup(t)
	broken := writeFile(t, h.dir, "broken.json", `{"profiles":{"a":{"mch_id":"1"}}}`, 0o600)
	empty := writeFile(t, h.dir, "empty.json", `{}`, 0o600)
	tests := []struct {
		name string
		args []string
		want result
	}{
		{"no default file", []string{"profiles"}, result{Code: exitUsage,
			Stderr: "wxpay: config file " + filepath.Join(h.dir, "config", "wxpay", "config.json") + " does not exist\nRun 'wxpay profiles --help' for usage.\n"}},
		{"unknown key", []string{"--config", broken, "profiles"}, result{Code: exitUsage,
			Stderr: "wxpay: config file " + broken + `, profile "a": json: unknown field "mch_id"` + "\nRun 'wxpay profiles --help' for usage.\n"}},
		{"no profiles", []string{"--config", empty, "profiles"}, result{Code: exitOK, Stderr: empty + " holds no profile\n"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, h.run("", tt.args...)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

// TestMchIDPicksProfile: --mchid picks the profile of that merchant among
// several; an unknown merchant ID, or one that two profiles share, is a
// usage error naming it.
func TestMchIDPicksProfile(t *testing.T) {
	t.Parallel()
	h := setupSim(t)
	merchant := h.moveToProfile()
	other := map[string]string{"mchid": "1900000002", "apiv3_key": randomSecret(t)}
	write := func(name string, profiles map[string]any) string {
		b, err := json.Marshal(map[string]any{"default_profile": "other", "profiles": profiles})
		if err != nil {
			t.Fatal(err)
		}
		return writeFile(t, h.dir, name, string(b), 0o600)
	}
	path := write("config/wxpay/config.json", map[string]any{"merchant": merchant, "other": other})
	twice := write("twice.json", map[string]any{"merchant": merchant, "copy": merchant, "other": other})
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // part of it
	}{
		{"--mchid picks the merchant's profile", []string{"--mchid", h.srv.MchID}, exitOK, "HTTP 200 OK"},
		{"without --mchid the default profile", nil, exitUsage, "missing merchant API certificate serial number (hex): set --serial"},
		{"--profile wins, --mchid overrides its mchid", []string{"--profile", "other", "--mchid", h.srv.MchID}, exitUsage, "missing merchant API certificate serial number (hex)"},
		{"unknown merchant", []string{"--mchid", "1900000009"}, exitUsage,
			"wxpay: --mchid 1900000009: no profile of " + path + " has this merchant ID (profiles: merchant (" + h.srv.MchID + "), other (1900000002)); choose one with --profile"},
		{"a secret given as --mchid is not echoed", []string{"--mchid", other["apiv3_key"]}, exitUsage,
			"wxpay: --mchid (not a merchant ID: 32 characters, not shown): no profile of " + path},
		{"two profiles for one merchant", []string{"--config", twice, "--mchid", h.srv.MchID}, exitUsage,
			"wxpay: --mchid " + h.srv.MchID + ": the profiles copy, merchant of " + twice + " all have this merchant ID: choose one with --profile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := h.run("", append(tt.args, seedArgs...)...)
			if r.Code != tt.code || !strings.Contains(r.Stderr, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", r.Code, r.Stderr, tt.code, tt.stderr)
			}
			if strings.Contains(r.Stderr, other["apiv3_key"]) {
				t.Errorf("the APIv3 key is shown: %s", r.Stderr)
			}
		})
	}
}
