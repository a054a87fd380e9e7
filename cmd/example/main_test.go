package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
	"github.com/google/go-cmp/cmp"
)

// mapEnv is a getenv over a map.
func mapEnv(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// sections splits run's output into style name → the JSON printed for it.
func sections(t *testing.T, out string) (names []string, bodies map[string]string) {
	t.Helper()
	bodies = map[string]string{}
	for _, part := range strings.Split(out, "\n== ")[1:] {
		head, body, _ := strings.Cut(part, "\n")
		name, rest, ok := strings.Cut(head, ": ")
		if !ok || !strings.HasPrefix(rest, "200, verified, Request-ID ") {
			t.Errorf("section header %q", head)
		}
		names = append(names, name)
		bodies[name] = strings.TrimSpace(body)
	}
	return names, bodies
}

func checkSixStyles(t *testing.T, out string) {
	t.Helper()
	names, bodies := sections(t, out)
	want := make([]string, len(styles))
	for i, st := range styles {
		want[i] = st.name
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Fatalf("styles printed (-want +got):\n%s\noutput:\n%s", diff, out)
	}
	first := bodies[names[0]]
	for _, n := range names {
		if !strings.Contains(bodies[n], `"out_order_no": "1234323JKHDFE1243252"`) || !strings.Contains(bodies[n], `"state": "DONE"`) {
			t.Errorf("%s printed:\n%s", n, bodies[n])
		}
		if bodies[n] != first {
			t.Errorf("%s printed a different answer than %s:\n%s\nvs\n%s", n, names[0], bodies[n], first)
		}
		if !strings.Contains(bodies[n], "\n  \"") {
			t.Errorf("%s: JSON is not indented", n)
		}
	}
}

func TestRunAgainstInProcessSimulator(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(context.Background(), &out, mapEnv(nil)); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "in-process simulator") {
		t.Errorf("output does not say it uses the simulator:\n%s", out.String())
	}
	checkSixStyles(t, out.String())
}

// writePEM writes PEM text to dir/name and returns the path.
func writePEM(t *testing.T, dir, name, pemText string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(pemText), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunFromEnvironment(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"public key", "platform certificates"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			var opts []wechatpaytest.Option
			if mode == "platform certificates" {
				opts = append(opts, wechatpaytest.WithCertificateMode())
			}
			srv := wechatpaytest.NewServer(opts...)
			t.Cleanup(srv.Close)
			dir := t.TempDir()
			env := map[string]string{
				wechatpay.EnvMchID:      srv.MchID,
				wechatpay.EnvSerial:     srv.MerchantSerial,
				wechatpay.EnvPrivateKey: writePEM(t, dir, "apiclient_key.pem", testkeys.PrivatePEM(t, srv.MerchantKey)),
				wechatpay.EnvBaseURL:    srv.URL,
			}
			if mode == "public key" {
				env[wechatpay.EnvPublicKeyID] = srv.PlatformSerial
				env[wechatpay.EnvPublicKey] = testkeys.PublicPEM(t, &srv.PlatformKey.PublicKey)
			} else {
				certDir := filepath.Join(dir, "certs")
				if err := os.Mkdir(certDir, 0o700); err != nil {
					t.Fatal(err)
				}
				writePEM(t, certDir, "wechatpay_"+srv.PlatformSerial+".pem", testkeys.PEM("CERTIFICATE", srv.PlatformCertificate.Raw))
				env[wechatpay.EnvPlatformCerts] = certDir
			}
			var out bytes.Buffer
			if err := run(context.Background(), &out, mapEnv(env)); err != nil {
				t.Fatalf("run: %v\n%s", err, out.String())
			}
			if !strings.Contains(out.String(), "from WECHATPAY_* variables") {
				t.Errorf("output does not say it uses the variables:\n%s", out.String())
			}
			checkSixStyles(t, out.String())
			if n := len(srv.Requests()); n != len(styles) {
				t.Errorf("the configured server got %d requests, want %d", n, len(styles))
			}
		})
	}
}

func TestRunReportsMissingVariable(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := run(context.Background(), &out, mapEnv(map[string]string{wechatpay.EnvMchID: "1900000001"}))
	if !errors.Is(err, wechatpay.ErrMissingEnv) || !strings.Contains(err.Error(), wechatpay.EnvSerial) {
		t.Fatalf("err = %v, want one naming %s", err, wechatpay.EnvSerial)
	}
}

func TestRunFailsOnGatewayError(t *testing.T) {
	t.Parallel()
	srv := wechatpaytest.NewServer(wechatpaytest.WithoutFixtures())
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	env := map[string]string{
		wechatpay.EnvMchID:       srv.MchID,
		wechatpay.EnvSerial:      srv.MerchantSerial,
		wechatpay.EnvPrivateKey:  writePEM(t, dir, "k.pem", testkeys.PrivatePEM(t, srv.MerchantKey)),
		wechatpay.EnvPublicKeyID: srv.PlatformSerial,
		wechatpay.EnvPublicKey:   writePEM(t, dir, "pub.pem", testkeys.PublicPEM(t, &srv.PlatformKey.PublicKey)),
		wechatpay.EnvBaseURL:     srv.URL,
	}
	var out bytes.Buffer
	err := run(context.Background(), &out, mapEnv(env))
	if err == nil || !strings.Contains(err.Error(), "ORDER_NOT_EXIST") || !strings.Contains(err.Error(), "Request-ID") {
		t.Fatalf("err = %v, want the ORDER_NOT_EXIST with its Request-ID", err)
	}
}
