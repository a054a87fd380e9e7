package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/internal/testkeys"
)

// resolveWith parses args as the shared flags and resolves the settings.
func resolveWith(t *testing.T, env map[string]string, args ...string) (*settings, error) {
	t.Helper()
	g := newGlobalOptions()
	fs := pflag.NewFlagSet("wxpay", pflag.ContinueOnError)
	g.register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return g.resolve(fs, func(k string) string { return env[k] })
}

func TestResolvePriority(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := writeFile(t, dir, "config/wxpay/config.json", `{
  "default_profile": "shop",
  "profiles": {
    "shop":  {"mchid": "1000000001", "serial": "AAAA", "private_key": "/file/key.pem", "apiv3_key": "file-apiv3",
              "platform_certs": "/certs/a.pem,/certs/b.pem", "base_url": "http://file.example/"},
    "other": {"mchid": "2000000002", "public_key_id": "PUB_KEY_ID_1", "public_key": "/file/pub.pem", "platform_certs": ["/c1", "/c2"]}
  }
}`, 0o600)
	env := map[string]string{"XDG_CONFIG_HOME": filepath.Join(dir, "config"), "HOME": dir}

	t.Run("file only (default_profile)", func(t *testing.T) {
		s, err := resolveWith(t, env)
		if err != nil {
			t.Fatal(err)
		}
		want := &settings{MchID: "1000000001", Serial: "AAAA", PrivateKey: "/file/key.pem", APIv3Key: "file-apiv3",
			PlatformCerts: []string{"/certs/a.pem", "/certs/b.pem"}, BaseURL: "http://file.example/"}
		if diff := cmp.Diff(want, s, cmp.AllowUnexported(settings{}), cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".from" }, cmp.Ignore())); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		if got := s.from["mchid"]; !strings.Contains(got, `profile "shop" of `+cfg) {
			t.Errorf("from = %q", got)
		}
	})
	t.Run("env over file, flag over env", func(t *testing.T) {
		e := map[string]string{"WECHATPAY_MCHID": "3000000003", "WECHATPAY_SERIAL": "BBBB", "WECHATPAY_PLATFORM_CERTS": "/e1" + string(filepath.ListSeparator) + "/e2"}
		for k, v := range env {
			e[k] = v
		}
		s, err := resolveWith(t, e, "--serial", "CCCC", "--platform-certs", "/f1,/f2", "--platform-certs", "/f3")
		if err != nil {
			t.Fatal(err)
		}
		got := []string{s.MchID, s.from["mchid"], s.Serial, s.from["serial"], s.PrivateKey, strings.Join(s.PlatformCerts, " ")}
		want := []string{"3000000003", "WECHATPAY_MCHID", "CCCC", "--serial", "/file/key.pem", "/f1 /f2 /f3"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("--profile", func(t *testing.T) {
		s, err := resolveWith(t, env, "--profile", "other")
		if err != nil {
			t.Fatal(err)
		}
		got := []string{s.MchID, s.PublicKeyID, s.PublicKey, strings.Join(s.PlatformCerts, " "), s.BaseURL}
		want := []string{"2000000002", "PUB_KEY_ID_1", "/file/pub.pem", "/c1 /c2", chain.DefaultBaseURL}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("--config elsewhere", func(t *testing.T) {
		p := writeFile(t, t.TempDir(), "c.json", `{"profiles":{"default":{"mchid":"4"}}}`, 0o600)
		s, err := resolveWith(t, env, "--config", p)
		if err != nil || s.MchID != "4" {
			t.Errorf("mchid %q, err %v", s.MchID, err)
		}
	})
}

// TestProfileRelativePaths: relative key and certificate paths in a profile
// are relative to the config file's folder, not to where wxpay runs.
func TestProfileRelativePaths(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "config/wxpay/config.json", `{"profiles": {"default": {
  "private_key": "keys/apiclient_key.pem", "public_key_id": "PUB_KEY_ID_1", "public_key": "file://keys/pub.pem",
  "platform_certs": ["certs", "/abs/c.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"]}}}`, 0o600)
	env := map[string]string{"XDG_CONFIG_HOME": filepath.Join(dir, "config"), "HOME": dir, "WECHATPAY_PUBLIC_KEY_ID": "PUB_KEY_ID_2"}
	s, err := resolveWith(t, env)
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(dir, "config", "wxpay")
	want := []any{filepath.Join(base, "keys", "apiclient_key.pem"), "file://keys/pub.pem",
		[]string{filepath.Join(base, "certs"), "/abs/c.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"}}
	if diff := cmp.Diff(want, []any{s.PrivateKey, s.PublicKey, s.PlatformCerts}); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// Values from flags and the environment stay relative to the working folder.
	s, err = resolveWith(t, env, "--private-key", "rel.pem")
	if err != nil || s.PrivateKey != "rel.pem" {
		t.Errorf("--private-key rel.pem resolved to %q (%v)", s.PrivateKey, err)
	}
}

func TestResolveErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "good.json", `{"profiles":{"a":{"mchid":"1"},"b":{"mchid":"2"}}}`, 0o600)
	writeFile(t, dir, "bad.json", `{"profiles":`, 0o600)
	writeFile(t, dir, "typo.json", `{"profiles":{"default":{"mch_id":"1"}}}`, 0o600)
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"missing explicit config", nil, []string{"--config", filepath.Join(dir, "none.json")}, "config file " + filepath.Join(dir, "none.json") + " does not exist"},
		{"unknown profile", nil, []string{"--config", filepath.Join(dir, "good.json"), "--profile", "c"}, `has no profile "c" (profiles: a, b)`},
		{"broken json", nil, []string{"--config", filepath.Join(dir, "bad.json")}, "config file " + filepath.Join(dir, "bad.json")},
		{"unknown key", nil, []string{"--config", filepath.Join(dir, "typo.json")}, `unknown field "mch_id"`},
		{"key id without key", map[string]string{"WECHATPAY_PUBLIC_KEY_ID": "PUB_KEY_ID_1"}, nil,
			"missing WeChat Pay public key (file path or PEM): set --public-key or WECHATPAY_PUBLIC_KEY"},
		{"key without id", map[string]string{"WECHATPAY_PUBLIC_KEY": "/p.pem"}, nil,
			"missing WeChat Pay public key ID (PUB_KEY_ID_...): set --public-key-id or WECHATPAY_PUBLIC_KEY_ID"},
		{"profile without file", map[string]string{"HOME": dir}, []string{"--profile", "x"}, "does not exist"},
	}
	for _, tt := range tests {
		s, err := resolveWith(t, tt.env, tt.args...)
		if err == nil {
			// The halves of a pair are checked where the keys are read.
			_, err = s.config(useCall)
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) || !isUsage(err) {
			t.Errorf("%s: err = %v, want a usage error containing %q", tt.name, err, tt.want)
		}
	}
}

func TestNeed(t *testing.T) {
	t.Parallel()
	s, err := resolveWith(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range allSettings {
		if st == setBaseURL {
			continue
		}
		err := s.need(st)
		if err == nil || !strings.Contains(err.Error(), "--"+st.Flag+" or "+st.Env) {
			t.Errorf("need(%s) = %v, want it to name --%s and %s", st.Key, err, st.Flag, st.Env)
		}
	}
	if err := s.needVerification(); err == nil || !strings.Contains(err.Error(), "WECHATPAY_PUBLIC_KEY_ID") || !strings.Contains(err.Error(), "WECHATPAY_PLATFORM_CERTS") {
		t.Errorf("needVerification() = %v", err)
	}
}

func TestPlatformCertsPEMText(t *testing.T) {
	t.Parallel()
	key, _ := merchantKey(t)
	gw, _ := gatewayKey(t)
	var pemText strings.Builder
	var serials []string
	for i, k := range []*rsa.PrivateKey{key, gw} {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(int64(0xABC0 + i)), Subject: pkix.Name{CommonName: "t"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
		if err != nil {
			t.Fatal(err)
		}
		pemText.WriteString(testkeys.PEM("CERTIFICATE", der))
		serials = append(serials, strings.ToUpper(tmpl.SerialNumber.Text(16)))
	}
	s, err := resolveWith(t, map[string]string{"WECHATPAY_PLATFORM_CERTS": pemText.String()})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := s.verificationKeys()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for k := range keys {
		got = append(got, k)
	}
	sort.Strings(got)
	if diff := cmp.Diff(serials, got); diff != "" {
		t.Errorf("serials (-want +got):\n%s", diff)
	}
}

// TestProfileCall runs a call configured only by a config-file profile,
// with one setting overridden by the environment and one by a flag.
func TestProfileCall(t *testing.T) {
	t.Parallel()
	h := setupSim(t)
	profile := h.moveToProfile()
	b, err := json.Marshal(map[string]any{"profiles": map[string]any{"sim": profile, "broken": map[string]string{"mchid": "1"}}})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, h.dir, "config/wxpay/config.json", string(b), 0o600)
	if r := h.run("", append([]string{"--profile", "sim"}, seedArgs...)...); r.Code != exitOK {
		t.Errorf("--profile sim: exit %d, stderr %s", r.Code, r.Stderr)
	}
	// No profile chosen, none called default: settings are missing.
	if r := h.run("", seedArgs...); r.Code != exitUsage || !strings.Contains(r.Stderr, "set --mchid or WECHATPAY_MCHID") {
		t.Errorf("no profile: exit %d, stderr %s", r.Code, r.Stderr)
	}
	// The environment wins over the file, the flag over the environment.
	h.env["WECHATPAY_MCHID"] = "1"
	if r := h.run("", append([]string{"--profile", "sim"}, seedArgs...)...); r.Code != exitClientError {
		t.Errorf("env mchid over profile: exit %d (want 4: the gateway refuses merchant 1), stderr %s", r.Code, r.Stderr)
	}
	if r := h.run("", append([]string{"--profile", "sim", "--mchid", h.srv.MchID}, seedArgs...)...); r.Code != exitOK {
		t.Errorf("--mchid over env: exit %d, stderr %s", r.Code, r.Stderr)
	}
}

func TestDefaultPaths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name              string
		env               map[string]string
		config, sandboxes string
	}{
		{"XDG", map[string]string{"XDG_CONFIG_HOME": "/x/config", "XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"},
			filepath.Join("/x/config", "wxpay", "config.json"), filepath.Join("/x/cache", "wxpay", "sandbox")},
		{"relative XDG is ignored", map[string]string{"XDG_CONFIG_HOME": "config", "XDG_CACHE_HOME": "cache", "HOME": "/home/u"},
			filepath.Join("/home/u", ".config", "wxpay", "config.json"), filepath.Join("/home/u", ".cache", "wxpay", "sandbox")},
		{"HOME only", map[string]string{"HOME": "/home/u"},
			filepath.Join("/home/u", ".config", "wxpay", "config.json"), filepath.Join("/home/u", ".cache", "wxpay", "sandbox")},
		{"neither", map[string]string{}, "", ""},
	}
	for _, tt := range tests {
		env := func(k string) string { return tt.env[k] }
		got := []string{defaultConfigPath(env), defaultSandboxDir(env)}
		if diff := cmp.Diff([]string{tt.config, tt.sandboxes}, got); diff != "" {
			t.Errorf("%s: (-want +got):\n%s", tt.name, diff)
		}
	}
}

// TestConfigFileCapped: --config reads at most maxConfigFile bytes, so
// /dev/zero or a huge file ends with a usage error instead of eating memory.
func TestConfigFileCapped(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := writeFile(t, dir, "big.json", `{"profiles":{}}`+strings.Repeat(" ", maxConfigFile), 0o600)
	tests := []struct{ name, path string }{
		{"large file", big},
		{"endless device", "/dev/zero"},
	}
	for _, tt := range tests {
		if tt.path == "/dev/zero" {
			if _, err := os.Stat(tt.path); err != nil {
				continue
			}
		}
		_, err := resolveWith(t, nil, "--config", tt.path)
		want := fmt.Sprintf("config file %s is larger than %d bytes", tt.path, maxConfigFile)
		if err == nil || !strings.Contains(err.Error(), want) || !isUsage(err) {
			t.Errorf("%s: err = %v, want a usage error containing %q", tt.name, err, want)
		}
	}
}
