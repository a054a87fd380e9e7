package wechatpay

import (
	"strings"
	"testing"
)

func FuzzCertFiles(f *testing.F) {
	f.Add("/a.pem,/b.pem")
	f.Add(" /a.pem : /b.crt ,")
	f.Add(",,,")
	f.Add("")
	f.Fuzz(func(t *testing.T, v string) {
		files, err := certFiles(v)
		if err == nil && len(files) == 0 {
			t.Errorf("certFiles(%q) returned nothing and no error", v)
		}
		for _, p := range files {
			if p == "" || p != strings.TrimSpace(p) || strings.Contains(p, ",") {
				t.Errorf("certFiles(%q) gave %q", v, p)
			}
		}
	})
}

func FuzzConfigFromLookup(f *testing.F) {
	f.Add("1900000001", "AB12", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", "PUB_KEY_ID_01", "x")
	f.Add("", "", "", "", "")
	f.Fuzz(func(t *testing.T, mchid, serial, key, id, pub string) {
		env := map[string]string{EnvMchID: mchid, EnvSerial: serial, EnvPrivateKey: key, EnvPublicKeyID: id, EnvPublicKey: pub}
		_, err := ConfigFromLookup(func(k string) string { return env[k] })
		if err == nil {
			t.Fatalf("ConfigFromLookup accepted a fuzzed private key")
		}
		if strings.Contains(key, "-----BEGIN") && len(key) > 16 && strings.Contains(err.Error(), key) {
			t.Errorf("error repeats the private key value: %v", err)
		}
	})
}

func FuzzSplitPEM(f *testing.F) {
	f.Add("/a.pem,-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n/b.pem")
	f.Add(`-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----`)
	f.Add("-----BEGIN X----- -----END")
	f.Fuzz(func(t *testing.T, v string) {
		blocks, rest, err := splitPEM(v)
		if err != nil {
			return
		}
		if strings.Contains(rest, "-----BEGIN") {
			t.Errorf("splitPEM(%q) left PEM text in %q", v, rest)
		}
		if len(rest) > len(v)+len(blocks) {
			t.Errorf("splitPEM(%q): rest %d bytes, more than the input", v, len(rest))
		}
	})
}
