package main

import (
	"bytes"
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// waitFile polls until path exists or the deadline passes.
func waitFile(t *testing.T, path string, within time.Duration, alive func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if alive != nil && !alive() {
			t.Fatalf("the sandbox ended before writing %s", path)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s did not appear within %s", path, within)
}

// startSandbox runs "wxpay sandbox" in-process until the returned stop is called.
func startSandbox(t *testing.T, h *harness, dir string, flags ...string) (stop func() result) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result, 1)
	args := append([]string{"sandbox", "--addr", "127.0.0.1:0", "--dir", dir}, flags...)
	baseURL := func() string {
		d, _ := os.ReadFile(filepath.Join(dir, sandboxEnv))
		return parseEnvFile(string(d))["WECHATPAY_BASE_URL"]
	}
	before := baseURL()
	go func() {
		var out, errb bytes.Buffer
		code := run(ctx, args, strings.NewReader(""), &out, &errb, h.getenv)
		done <- result{Code: code, Stdout: out.String(), Stderr: errb.String()}
	}()
	var finished *result
	waitFile(t, filepath.Join(dir, sandboxEnv), 60*time.Second, func() bool {
		select {
		case r := <-done:
			finished = &r
			return false
		default:
			return true
		}
	})
	// A reused folder already has the file: wait for this run's URL.
	for deadline := time.Now().Add(30 * time.Second); finished == nil && before != "" && baseURL() == before && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	return func() result {
		cancel()
		if finished != nil {
			return *finished
		}
		select {
		case r := <-done:
			return r
		case <-time.After(30 * time.Second):
			t.Fatal("the sandbox did not stop within 30s of cancellation")
			return result{}
		}
	}
}

func TestSandboxInProcess(t *testing.T) {
	t.Parallel()
	h := setup(t)
	dir := filepath.Join(h.dir, "sb")
	stop := startSandbox(t, h, dir)

	data, err := os.ReadFile(filepath.Join(dir, sandboxEnv))
	if err != nil {
		t.Fatal(err)
	}
	first := parseEnvFile(string(data))
	client := setup(t)
	for k, v := range first {
		client.env[k] = v
	}
	r := client.run("", seedArgs...)
	if r.Code != exitOK || gjson.Get(r.Stdout, "state").String() != "DONE" {
		t.Errorf("seed call against the sandbox: exit %d, stdout %s, stderr %s", r.Code, r.Stdout, r.Stderr)
	}
	// The control routes: a notification about the order the seed call finished.
	got := make(chan string, 1)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("Wechatpay-Serial")
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()
	r = client.run("", "post", "sandbox/notifications", "event_type=PAYSCORE.USER_PAID", "id="+wechatpaytest.DemoOutOrderNo, "url="+hook.URL)
	if r.Code != exitOK || gjson.Get(r.Stdout, "status").Int() != http.StatusNoContent {
		t.Errorf("notification from the sandbox: exit %d, stdout %s, stderr %s", r.Code, r.Stdout, r.Stderr)
	} else if serial := <-got; serial != first["WECHATPAY_PUBLIC_KEY_ID"] {
		t.Errorf("the notification names key %q, want the sandbox's %q", serial, first["WECHATPAY_PUBLIC_KEY_ID"])
	}
	// Bills too: the download_url names the sandbox's own address.
	r = client.run("", "download", "bill", "--date", wechatpaytest.DemoBillDate)
	if r.Code != exitOK || r.Stdout == "" {
		t.Errorf("bill from the sandbox: exit %d, stderr %s", r.Code, r.Stderr)
	}
	sr := stop()
	if sr.Code != exitOK {
		t.Errorf("sandbox exit %d; stderr %s", sr.Code, sr.Stderr)
	}
	for _, want := range []string{"set -a; . " + filepath.Join(dir, sandboxEnv) + "; set +a", seedCall, "made merchant_key.pem", controlHelp} {
		if !strings.Contains(sr.Stderr, want) {
			t.Errorf("sandbox stderr lacks %q:\n%s", want, sr.Stderr)
		}
	}
	if strings.TrimSpace(sr.Stdout) != filepath.Join(dir, sandboxEnv) {
		t.Errorf("sandbox stdout = %q, want the env file path", sr.Stdout)
	}

	// Modes: private material 0600.
	for name, want := range map[string]fs.FileMode{sandboxMerchantKey: 0o600, sandboxGatewayKey: 0o600, sandboxEnv: 0o600, sandboxMerchantCert: 0o644, sandboxGatewayPub: 0o644} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); runtime.GOOS != "windows" && got != want {
			t.Errorf("%s mode %o, want %o", name, got, want)
		}
	}
	// The env file names the files, and carries no key material itself.
	if want := filepath.Join(dir, sandboxMerchantKey); first["WECHATPAY_PRIVATE_KEY"] != want {
		t.Errorf("WECHATPAY_PRIVATE_KEY=%q, want %q", first["WECHATPAY_PRIVATE_KEY"], want)
	}
	if strings.Contains(string(data), "PRIVATE KEY-----") {
		t.Error("sandbox.env holds key material")
	}

	// A second run reuses everything: same keys, same settings but the URL.
	keys := map[string][]byte{}
	for _, n := range []string{sandboxMerchantKey, sandboxMerchantCert, sandboxGatewayKey, sandboxGatewayPub} {
		keys[n], _ = os.ReadFile(filepath.Join(dir, n))
	}
	stop = startSandbox(t, h, dir)
	// The file existed already: wait for the run to rewrite it with its URL.
	deadline := time.Now().Add(30 * time.Second)
	var second map[string]string
	for time.Now().Before(deadline) {
		d, _ := os.ReadFile(filepath.Join(dir, sandboxEnv))
		second = parseEnvFile(string(d))
		if second["WECHATPAY_BASE_URL"] != "" && second["WECHATPAY_BASE_URL"] != first["WECHATPAY_BASE_URL"] {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	sr = stop()
	if !strings.Contains(sr.Stderr, "reusing the keys in "+dir) {
		t.Errorf("second run stderr:\n%s", sr.Stderr)
	}
	for n, before := range keys {
		after, _ := os.ReadFile(filepath.Join(dir, n))
		if !bytes.Equal(before, after) {
			t.Errorf("%s was rewritten", n)
		}
	}
	delete(first, "WECHATPAY_BASE_URL")
	delete(second, "WECHATPAY_BASE_URL")
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("settings changed across runs (-first +second):\n%s", diff)
	}
}

// TestSandboxCertificateMode: --certificate-mode signs with a platform
// certificate that the env file names and /v3/certificates serves, so
// 'certificates download' works against the sandbox, bootstrap included; the
// public key ID survives the round trip to certificate mode and back.
func TestSandboxCertificateMode(t *testing.T) {
	t.Parallel()
	h := setup(t)
	dir := filepath.Join(h.dir, "sb")
	readEnv := func() map[string]string {
		d, err := os.ReadFile(filepath.Join(dir, sandboxEnv))
		if err != nil {
			t.Fatal(err)
		}
		return parseEnvFile(string(d))
	}
	stop := startSandbox(t, h, dir)
	pubMode := readEnv()
	stop()

	stop = startSandbox(t, h, dir, "--certificate-mode")
	env := readEnv()
	if env["WECHATPAY_PLATFORM_CERTS"] != filepath.Join(dir, sandboxGatewayCert) || env["WECHATPAY_PUBLIC_KEY_ID"] != "" || env["WECHATPAY_PUBLIC_KEY"] != "" {
		t.Errorf("certificate-mode sandbox.env: %v", env)
	}
	client := setup(t)
	for k, v := range env {
		client.env[k] = v
	}
	if r := client.run("", seedArgs...); r.Code != exitOK {
		t.Errorf("seed call: exit %d, stderr %s", r.Code, r.Stderr)
	}
	serial, err := signer.CertificateSerial(env["WECHATPAY_PLATFORM_CERTS"])
	if err != nil {
		t.Fatal(err)
	}
	// Bootstrap: no verification key yet, only the APIv3 key.
	delete(client.env, "WECHATPAY_PLATFORM_CERTS")
	certs := filepath.Join(client.dir, "certs")
	r := client.run("", "certificates", "download", "-o", certs)
	if r.Code != exitOK || !strings.Contains(r.Stdout, serial) {
		t.Fatalf("certificates download: exit %d, stdout %s, stderr %s", r.Code, r.Stdout, r.Stderr)
	}
	if r := client.run("", "get", "v3/certificates", "--platform-certs", certs); r.Code != exitOK {
		t.Errorf("call verified by the downloaded certificates: exit %d, stderr %s", r.Code, r.Stderr)
	}
	stop()

	// Restarted in certificate mode: same serial, file reused.
	stop = startSandbox(t, h, dir, "--certificate-mode")
	if got, _ := signer.CertificateSerial(filepath.Join(dir, sandboxGatewayCert)); got != serial {
		t.Errorf("platform serial changed across runs: %s, then %s", serial, got)
	}
	if sr := stop(); !strings.Contains(sr.Stderr, "certificate "+serial) {
		t.Errorf("second certificate-mode run: %s", sr.Stderr)
	}
	// Back to public-key mode: the same settings as before.
	stop = startSandbox(t, h, dir)
	again := readEnv()
	stop()
	delete(pubMode, "WECHATPAY_BASE_URL")
	delete(again, "WECHATPAY_BASE_URL")
	if diff := cmp.Diff(pubMode, again); diff != "" {
		t.Errorf("public-key settings changed by a certificate-mode run (-before +after):\n%s", diff)
	}
}

func TestSandboxRefusesMismatchedKeys(t *testing.T) {
	t.Parallel()
	h := setup(t)
	dir := filepath.Join(h.dir, "sb")
	_, otherPEM := gatewayKey(t)
	writeFile(t, dir, sandboxGatewayPub, otherPEM, 0o644) // not the gateway key made next
	r := h.run("", "sandbox", "--addr", "127.0.0.1:0", "--dir", dir)
	if r.Code != exitError || !strings.Contains(r.Stderr, "does not belong to "+sandboxGatewayKey) {
		t.Errorf("exit %d, stderr %q", r.Code, r.Stderr)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, sandboxGatewayPub)); string(got) != otherPEM {
		t.Error("an existing file was overwritten")
	}
}

func TestEnvFileQuoting(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"plain", "/path with space/key.pem", "it's", `back\slash`, "", "a'b'c"} {
		got := parseEnvFile("X=" + shellQuote(v) + "\n")["X"]
		if got != v {
			t.Errorf("shellQuote/parseEnvFile(%q) round trip = %q", v, got)
		}
	}
}

// TestSandboxSecondProcess builds wxpay, runs "wxpay sandbox" as one process
// and the seed call as another, configured only by sourcing sandbox.env.
func TestSandboxSecondProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs two processes")
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no POSIX shell to source sandbox.env")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build wxpay")
	}
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "wxpay")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	build := exec.CommandContext(ctx, goBin, "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// A clean environment: no WECHATPAY_* from the machine running the tests.
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WECHATPAY_") && !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "XDG_") {
			env = append(env, kv)
		}
	}
	env = append(env, "HOME="+tmp)
	dir := filepath.Join(tmp, "sandbox dir") // a space, to check the quoting

	var sbOut, sbErr bytes.Buffer
	sb := exec.Command(bin, "sandbox", "--addr", "127.0.0.1:0", "--dir", dir)
	sb.Env, sb.Stdout, sb.Stderr = env, &sbOut, &sbErr
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- sb.Wait() }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		_ = sb.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = sb.Process.Kill()
			<-exited
			t.Error("the sandbox did not stop within 20s of SIGTERM")
		}
	}
	t.Cleanup(stop)
	alive := func() bool {
		select {
		case err := <-exited:
			exited <- err
			return false
		default:
			return true
		}
	}
	waitFile(t, filepath.Join(dir, sandboxEnv), 60*time.Second, alive)

	script := `set -a; . "$1"; set +a; exec "$2" post 'v3/payscore/payafter-orders/{out_order_no}/sync' out_order_no=1234323JKHDFE1243252 appid=wxd678efh567hg6787 service_id=500001 type=Order_Paid detail.paid_time=20091225091010`
	call := exec.CommandContext(ctx, sh, "-c", script, "sh", filepath.Join(dir, sandboxEnv), bin)
	call.Env = env
	var out, errb bytes.Buffer
	call.Stdout, call.Stderr = &out, &errb
	if err := call.Run(); err != nil {
		t.Fatalf("seed call: %v\nstdout: %s\nstderr: %s\nsandbox stderr: %s", err, out.String(), errb.String(), sbErr.String())
	}
	if got := gjson.Get(out.String(), "out_order_no").String(); got != "1234323JKHDFE1243252" {
		t.Errorf("seed call stdout %q", out.String())
	}
	if !strings.HasPrefix(errb.String(), "HTTP 200 OK  Request-ID: ") {
		t.Errorf("seed call stderr %q", errb.String())
	}
	stop()
	if !strings.Contains(sbErr.String(), "wxpay sandbox: stopped") {
		t.Errorf("sandbox did not stop cleanly; stderr:\n%s", sbErr.String())
	}
}

func FuzzEnvFileQuoting(f *testing.F) {
	for _, s := range []string{"", "plain", "/a b/c.pem", "it's", `\`, "''", "a\tb", "x=y", "#hash", "$HOME"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if strings.ContainsAny(v, "\n\r") {
			return // env files are line based; wxpay never writes such values
		}
		line := "X=" + shellQuote(v) + "\n"
		if got := parseEnvFile(line)["X"]; got != v {
			t.Fatalf("round trip of %q via %q = %q", v, line, got)
		}
	})
}
