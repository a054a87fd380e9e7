package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/chainpay-go/wechatpay"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// Files of a sandbox folder.
const (
	sandboxMerchantKey  = "merchant_key.pem"   // merchant API private key (0600)
	sandboxMerchantCert = "merchant_cert.pem"  // self-signed merchant certificate: its serial is WECHATPAY_SERIAL
	sandboxGatewayKey   = "wechatpay_key.pem"  // the gateway's private key, which signs answers (0600)
	sandboxGatewayPub   = "wechatpay_pub.pem"  // its public key: WECHATPAY_PUBLIC_KEY
	sandboxGatewayCert  = "wechatpay_cert.pem" // with --certificate-mode: its platform certificate, WECHATPAY_PLATFORM_CERTS
	sandboxEnv          = "sandbox.env"        // WECHATPAY_* for clients (0600: it holds the APIv3 and APIv2 keys)
	sandboxCA           = "ca.pem"             // with --tls: the certificate the sandbox serves HTTPS with, for clients to trust
)

// sandboxIdentity is everything a sandbox gateway and its clients share.
type sandboxIdentity struct {
	dir            string // absolute
	mchID          string
	merchantKey    *rsa.PrivateKey
	merchantSerial string
	gatewayKey     *rsa.PrivateKey
	publicKeyID    string
	apiv3Key       string
	apiv2Key       string
	merchantCert   *x509.Certificate
	tls            bool     // HTTPS with mutual TLS
	certMode       bool     // platform-certificate mode instead of public-key mode
	platformSerial string   // certMode: the platform certificate's serial (derived from gatewayKey)
	created        []string // files made on this run
}

// runSandbox runs the simulator until ctx ends.
func (a *app) runSandbox(c *cobra.Command, o *sandboxOptions) error {
	// The shared flags configure calls; the sandbox makes its own settings.
	for _, name := range a.g.flagNames() {
		if f := c.Flags().Lookup(name); f != nil && f.Changed {
			return usageErrorf("--%s is for calls, not for the sandbox: it makes its own settings and writes them to DIR/%s", name, sandboxEnv)
		}
	}
	dir := o.dir
	if dir == "" {
		dir = defaultSandboxDir(a.env)
		if dir == "" {
			return usageErrorf("no --dir given and neither XDG_CACHE_HOME nor HOME is set")
		}
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return usageErrorf("--addr %s: %w", o.addr, err)
	}
	id, err := loadOrCreateSandbox(dir, o.certMode)
	if err != nil {
		ln.Close()
		return err
	}
	id.tls = o.tls
	srv, err := newSandboxServer(id, ln) // closes ln on Close
	if err != nil {
		ln.Close()
		return err
	}
	defer srv.Close()
	if id.certMode {
		if err := id.platformCertificate(filepath.Join(id.dir, sandboxGatewayCert), srv.PlatformCertificate); err != nil {
			return err
		}
	}

	if id.tls {
		ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.TLSCertificate().Raw})
		if err := writeFileAtomic(filepath.Join(id.dir, sandboxCA), ca, 0o644); err != nil {
			return fmt.Errorf("sandbox: %w", err)
		}
	}
	envPath := filepath.Join(id.dir, sandboxEnv)
	if err := writeFileAtomic(envPath, []byte(id.envFile(srv.URL)+adminEnv(srv)), 0o600); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	base := srv.URL

	w := a.stderr
	if len(id.created) > 0 {
		fmt.Fprintf(w, "wxpay sandbox: made %s in %s\n", strings.Join(id.created, ", "), id.dir)
	} else {
		fmt.Fprintf(w, "wxpay sandbox: reusing the keys in %s\n", id.dir)
	}
	mode := "public-key mode, " + id.publicKeyID
	if id.certMode {
		mode = "platform-certificate mode, certificate " + id.platformSerial
	}
	fmt.Fprintf(w, "wxpay sandbox: WeChat Pay gateway simulator listening on %s (merchant %s, %s); Ctrl-C stops it\n", base, id.mchID, mode)
	fmt.Fprintf(w, "\nPoint a client at it:\n\n  set -a; . %s; set +a\n\nthen try the seed call:\n\n  %s\n\n", shellQuote(envPath), seedCall)
	fmt.Fprintf(w, "Every catalogued v3 operation answers. Act as the user, or send a notification, with:\n\n%s\n", controlHelp)
	fmt.Fprintf(w, "Force one answer with a header item, e.g.  '%s:code=NOT_ENOUGH'  (go doc wechatpaytest.OutcomeHeader).\n", wechatpaytest.OutcomeHeader)
	fmt.Fprintf(w, "The admin JSON API (records, notifications, outcome rules, clock, reset, faults, trigger) is at %s\n", srv.AdminURL())
	if tok := srv.AdminToken(); tok != "" {
		// The value stays out of the output (terminal scrollback, CI and
		// container logs): it is in the 0600 env file.
		fmt.Fprintf(w, "It is not on loopback, so it needs the header  Authorization: Bearer $%s  (the token is %s in %s)\n", envSandboxToken, envSandboxToken, shellQuote(envPath))
	}
	consoleURL, stopConsole, err := startConsole(srv)
	if err != nil {
		return err
	}
	defer stopConsole()
	fmt.Fprintf(w, "\nThe console (request log, notifications, actions, clock, faults; live) is at %s\n\n", consoleURL)
	// The env file path alone on stdout, for scripts.
	fmt.Fprintln(a.stdout, envPath)

	<-c.Context().Done()
	srv.Close()
	fmt.Fprintln(w, "wxpay sandbox: stopped")
	return nil
}

// publicKeyIDComment starts the line of a certificate-mode sandbox.env that
// keeps the public key ID for a later run in public-key mode.
const publicKeyIDComment = "# public-key mode (without --certificate-mode): "

const seedCall = `wxpay post 'v3/payscore/payafter-orders/{out_order_no}/sync' out_order_no=1234323JKHDFE1243252 appid=wxd678efh567hg6787 service_id=500001 type=Order_Paid detail.paid_time=20091225091010`

// controlHelp lists the sandbox's control routes (wechatpaytest.WithControlRoutes).
const controlHelp = `  wxpay post 'sandbox/transactions/{out_trade_no}/pay' out_trade_no=…
  wxpay post 'sandbox/partner/transactions/{sub_mchid}/{out_trade_no}/pay' sub_mchid=… out_trade_no=…
  wxpay post 'sandbox/combine-transactions/{combine_out_trade_no}/pay' combine_out_trade_no=…
  wxpay post 'sandbox/payscore/serviceorder/{out_order_no}/confirm' out_order_no=…
  wxpay post 'sandbox/transfer-bills/{out_bill_no}/confirm' out_bill_no=…
  wxpay post sandbox/notifications event_type=TRANSACTION.SUCCESS id=OUT_TRADE_NO url=http://127.0.0.1:8080/notify
`

// envSandboxToken carries the admin API's token in sandbox.env, written
// only when the sandbox is not on loopback. The admin API itself is always
// at WECHATPAY_BASE_URL + wechatpaytest.AdminPrefix.
const envSandboxToken = "WXPAY_SANDBOX_TOKEN"

// adminEnv is the part of sandbox.env for the admin API: its token, if any.
func adminEnv(srv *wechatpaytest.Server) string {
	if tok := srv.AdminToken(); tok != "" {
		return "# The token of the sandbox's admin API (" + srv.AdminURL() + ", not WeChat Pay's).\n" + envSandboxToken + "=" + shellQuote(tok) + "\n"
	}
	return ""
}

// newSandboxServer starts the simulator with the sandbox's keys. NewServer
// panics when it cannot start; that becomes an error here.
func newSandboxServer(id *sandboxIdentity, ln net.Listener) (srv *wechatpaytest.Server, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("sandbox: starting the simulator: %v", r)
		}
	}()
	opts := []wechatpaytest.Option{
		wechatpaytest.WithMchID(id.mchID),
		wechatpaytest.WithMerchantKey(id.merchantKey, id.merchantSerial),
		wechatpaytest.WithPlatformKey(id.gatewayKey, id.publicKeyID),
		wechatpaytest.WithAPIv3Key(id.apiv3Key),
		wechatpaytest.WithAPIv2Key(id.apiv2Key),
		wechatpaytest.WithClientCertificate(id.merchantCert),
		wechatpaytest.WithListener(ln),
		wechatpaytest.WithControlRoutes(),
		wechatpaytest.WithAdmin(),
	}
	if id.tls {
		opts = append(opts, wechatpaytest.WithTLS())
	}
	if id.certMode {
		opts = append(opts, wechatpaytest.WithPlatformKey(id.gatewayKey, id.platformSerial), wechatpaytest.WithCertificateMode())
	}
	return wechatpaytest.NewServer(opts...), nil
}

// defaultSandboxDir is $XDG_CACHE_HOME/wxpay/sandbox or ~/.cache/wxpay/sandbox.
func defaultSandboxDir(env func(string) string) string {
	return xdgPath(env, "XDG_CACHE_HOME", ".cache", "sandbox")
}

// loadOrCreateSandbox reads the sandbox identity from dir, making whatever
// is missing. Existing files are never overwritten; files that do not belong
// together are an error.
func loadOrCreateSandbox(dir string, certMode bool) (*sandboxIdentity, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	id := &sandboxIdentity{dir: abs, certMode: certMode}
	path := func(name string) string { return filepath.Join(abs, name) }

	// Settings kept in sandbox.env from an earlier run.
	prev := map[string]string{}
	if data, err := os.ReadFile(path(sandboxEnv)); err == nil {
		prev = parseEnvFile(string(data))
		// A certificate-mode env file keeps the public key ID in a comment.
		for _, line := range strings.Split(string(data), "\n") {
			if rest, ok := strings.CutPrefix(line, publicKeyIDComment); ok {
				prev[publicKeyIDComment] = parseEnvFile(rest)[wechatpay.EnvPublicKeyID]
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("sandbox: %w", err)
	}

	if id.merchantKey, err = id.privateKey(path(sandboxMerchantKey)); err != nil {
		return nil, err
	}
	cert, err := id.certificate(path(sandboxMerchantCert), id.merchantKey)
	if err != nil {
		return nil, err
	}
	id.merchantSerial, id.merchantCert = signer.SerialOf(cert), cert
	if id.gatewayKey, err = id.privateKey(path(sandboxGatewayKey)); err != nil {
		return nil, err
	}
	if err := id.publicKey(path(sandboxGatewayPub), id.gatewayKey); err != nil {
		return nil, err
	}

	if certMode {
		if id.platformSerial, err = platformSerialFor(&id.gatewayKey.PublicKey); err != nil {
			return nil, err
		}
	}

	id.mchID = prev[wechatpay.EnvMchID]
	if id.mchID == "" {
		id.mchID = wechatpaytest.DefaultMchID
	}
	id.publicKeyID = prev[wechatpay.EnvPublicKeyID]
	if id.publicKeyID == "" {
		id.publicKeyID = prev[publicKeyIDComment]
	}
	if !strings.HasPrefix(id.publicKeyID, signer.PublicKeyIDPrefix) {
		id.publicKeyID = signer.PublicKeyIDPrefix + randomDigits(28)
	}
	id.apiv3Key = prev[wechatpay.EnvAPIv3Key]
	if len(id.apiv3Key) != 32 {
		id.apiv3Key = randomAlnum(32)
	}
	id.apiv2Key = prev[wechatpay.EnvAPIv2Key]
	if signer.CheckAPIv2Key(id.apiv2Key) != nil {
		id.apiv2Key = randomAlnum(32)
	}
	return id, nil
}

// privateKey loads the RSA key at path, or makes one there (mode 0600).
func (id *sandboxIdentity) privateKey(path string) (*rsa.PrivateKey, error) {
	if _, err := os.Stat(path); err == nil {
		k, err := signer.LoadPrivateKey(path)
		if err != nil {
			return nil, fmt.Errorf("sandbox: %s: %w", path, err)
		}
		return k, nil
	}
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	if err := id.create(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return nil, err
	}
	return k, nil
}

// certificate loads the certificate at path (it must be key's), or makes a
// self-signed one with a 160-bit serial.
func (id *sandboxIdentity) certificate(path string, key *rsa.PrivateKey) (*x509.Certificate, error) {
	if _, err := os.Stat(path); err == nil {
		cert, err := signer.LoadCertificate(path)
		if err != nil {
			return nil, fmt.Errorf("sandbox: %s: %w", path, err)
		}
		if pub, ok := cert.PublicKey.(*rsa.PublicKey); !ok || !pub.Equal(&key.PublicKey) {
			return nil, fmt.Errorf("sandbox: %s does not belong to %s; move both away to start afresh", path, sandboxMerchantKey)
		}
		return cert, nil
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 159))
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	serial.SetBit(serial, 156, 1) // 40 hex digits
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "wxpay sandbox merchant", Organization: []string{"wxpay sandbox"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(5, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	if err := id.create(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// publicKey checks the public key at path against key, or writes it.
func (id *sandboxIdentity) publicKey(path string, key *rsa.PrivateKey) error {
	if _, err := os.Stat(path); err == nil {
		pub, err := signer.LoadPublicKey(path)
		if err != nil {
			return fmt.Errorf("sandbox: %s: %w", path, err)
		}
		if !pub.Equal(&key.PublicKey) {
			return fmt.Errorf("sandbox: %s does not belong to %s; move both away to start afresh", path, sandboxGatewayKey)
		}
		return nil
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	return id.create(path, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o644)
}

// platformSerialFor derives the sandbox's platform certificate serial from
// the gateway key (40 upper-case hex digits), so that it stays the same across
// restarts without being stored.
func platformSerialFor(pub *rsa.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("sandbox: %w", err)
	}
	sum := sha1.Sum(der)
	sum[0] = sum[0]&0x0f | 0x50 // positive, and 40 hex digits
	return strings.ToUpper(hex.EncodeToString(sum[:])), nil
}

// platformCertificate checks the certificate at path against the gateway
// (same key and serial), or writes the one the simulator serves.
func (id *sandboxIdentity) platformCertificate(path string, served *x509.Certificate) error {
	if _, err := os.Stat(path); err == nil {
		cert, err := signer.LoadCertificate(path)
		if err != nil {
			return fmt.Errorf("sandbox: %s: %w", path, err)
		}
		if pub, ok := cert.PublicKey.(*rsa.PublicKey); !ok || !pub.Equal(&id.gatewayKey.PublicKey) || signer.SerialOf(cert) != id.platformSerial {
			return fmt.Errorf("sandbox: %s does not belong to %s; move it away to start afresh", path, sandboxGatewayKey)
		}
		return nil
	}
	if served == nil {
		return errors.New("sandbox: the simulator has no platform certificate")
	}
	return id.create(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: served.Raw}), 0o644)
}

// create writes a new file; it never replaces an existing one.
func (id *sandboxIdentity) create(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	id.created = append(id.created, filepath.Base(path))
	return nil
}

// envFile is sandbox.env: shell assignments of the WECHATPAY_* variables.
func (id *sandboxIdentity) envFile(baseURL string) string {
	vars := map[string]string{
		wechatpay.EnvMchID:       id.mchID,
		wechatpay.EnvSerial:      id.merchantSerial,
		wechatpay.EnvPrivateKey:  filepath.Join(id.dir, sandboxMerchantKey),
		wechatpay.EnvPublicKeyID: id.publicKeyID,
		wechatpay.EnvPublicKey:   filepath.Join(id.dir, sandboxGatewayPub),
		wechatpay.EnvAPIv3Key:    id.apiv3Key,
		wechatpay.EnvBaseURL:     baseURL,
		wechatpay.EnvAPIv2Key:    id.apiv2Key,
	}
	if id.tls {
		vars[wechatpay.EnvClientCert] = filepath.Join(id.dir, sandboxMerchantCert)
		vars[wechatpay.EnvClientKey] = filepath.Join(id.dir, sandboxMerchantKey)
	}
	if id.certMode {
		// Answers are signed by the platform certificate; the public key ID
		// is kept as a comment so that it survives a switch back.
		delete(vars, wechatpay.EnvPublicKeyID)
		delete(vars, wechatpay.EnvPublicKey)
		vars[wechatpay.EnvPlatformCerts] = filepath.Join(id.dir, sandboxGatewayCert)
	}
	var b strings.Builder
	b.WriteString("# WeChat Pay settings for the wxpay sandbox (a local simulator, not WeChat Pay).\n")
	b.WriteString("# Load with:  set -a; . " + shellQuote(filepath.Join(id.dir, sandboxEnv)) + "; set +a\n")
	for _, name := range wechatpay.EnvVars() {
		if v, ok := vars[name]; ok {
			b.WriteString(name + "=" + shellQuote(v) + "\n")
		}
	}
	if id.tls {
		b.WriteString("# The sandbox's HTTPS certificate; Go programs on Linux and the BSDs read SSL_CERT_FILE.\n")
		b.WriteString("SSL_CERT_FILE=" + shellQuote(filepath.Join(id.dir, sandboxCA)) + "\n")
	}
	if id.certMode {
		b.WriteString(publicKeyIDComment + wechatpay.EnvPublicKeyID + "=" + shellQuote(id.publicKeyID) + "\n")
	}
	return b.String()
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:@%+,=") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// parseEnvFile reads NAME=value lines as shellQuote writes them.
func parseEnvFile(data string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(data, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		name, raw, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		out[name] = shellUnquote(raw)
	}
	return out
}

// shellUnquote undoes shellQuote (single quotes and backslash escapes).
func shellUnquote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				b.WriteString(s[i+1:])
				return b.String()
			}
			b.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func randomAlnum(n int) string { return randomFrom(n, alnum) }

func randomDigits(n int) string { return randomFrom(n, "0123456789") }

func randomFrom(n int, alphabet string) string {
	b := make([]byte, n)
	max := big.NewInt(int64(len(alphabet)))
	for i := range b {
		v, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		b[i] = alphabet[v.Int64()]
	}
	return string(b)
}
