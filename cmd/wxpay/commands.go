package main

import (
	"github.com/spf13/cobra"
)

// sandboxOptions are the flags of wxpay sandbox.
type sandboxOptions struct {
	addr     string
	dir      string
	certMode bool
	tls      bool
}

func (a *app) sandboxCommand() *cobra.Command {
	o := &sandboxOptions{}
	c := &cobra.Command{
		Use:   "sandbox [--addr 127.0.0.1:8080] [--dir DIR]",
		Short: "Run a local WeChat Pay gateway simulator and write an env file for it",
		Long: `sandbox runs the wechatpaytest gateway simulator on --addr until interrupted
(Ctrl-C or SIGTERM). It keeps its keys in DIR:

  merchant_key.pem    the merchant API private key (mode 0600)
  merchant_cert.pem   the merchant API certificate (its serial is WECHATPAY_SERIAL)
  wechatpay_key.pem   the gateway's signing key (mode 0600)
  wechatpay_pub.pem   the gateway's public key, for verifying its answers
  sandbox.env         WECHATPAY_* variables pointing any client at the sandbox
                      (mode 0600: it holds the APIv3 and APIv2 keys)

The sandbox answers APIv2 (XML) calls too: wxpay post v2/pay/micropay …
(auth_code 134500000000000001 takes the USERPAYING path: query
v2/pay/orderquery until it is paid). With --tls it serves HTTPS and asks for
the merchant certificate (mutual TLS) on the operations that need it; it
writes its CA to ca.pem, and sandbox.env then sets WECHATPAY_CLIENT_CERT and
WECHATPAY_CLIENT_KEY (merchant_cert.pem and merchant_key.pem) and
SSL_CERT_FILE=ca.pem, which Go programs on Linux and the BSDs trust.

With --certificate-mode the gateway signs with a platform certificate instead
of a public key (PUB_KEY_ID_...) and serves it at GET /v3/certificates (try
'wxpay certificates download'); it is written to wechatpay_cert.pem and
sandbox.env sets WECHATPAY_PLATFORM_CERTS instead of WECHATPAY_PUBLIC_KEY_ID
and WECHATPAY_PUBLIC_KEY.

A DIR that already holds keys is reused, not overwritten, so the settings stay
valid across restarts (only WECHATPAY_BASE_URL follows --addr). The env file's
path is printed on stdout. Load it with

  set -a; . DIR/sandbox.env; set +a

and wxpay, cmd/example or any WeChat Pay client calls the sandbox.`,
		Example: `  wxpay sandbox --dir ./sandbox &
  set -a; . ./sandbox/sandbox.env; set +a
  wxpay post 'v3/payscore/payafter-orders/{out_order_no}/sync' out_order_no=1234323JKHDFE1243252 \
      appid=wxd678efh567hg6787 service_id=500001 type=Order_Paid detail.paid_time=20091225091010`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error { return a.runSandbox(c, o) },
	}
	c.Flags().StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	c.Flags().BoolVar(&o.tls, "tls", false, "serve HTTPS, with mutual TLS on the APIv2 operations that need the merchant certificate; writes ca.pem")
	c.Flags().BoolVar(&o.certMode, "certificate-mode", false, "sign with a platform certificate (served at /v3/certificates) instead of a public key")
	c.Flags().StringVar(&o.dir, "dir", "", "folder for keys and sandbox.env (default $XDG_CACHE_HOME/wxpay/sandbox or ~/.cache/wxpay/sandbox)")
	c.AddCommand(a.sandboxAdminCommands()...) // trigger, listen, resend, clock, reset: sandbox_cmds.go
	return c
}

// certificatesOptions are the flags of wxpay certificates download.
type certificatesOptions struct {
	out string
}

func (a *app) certificatesCommand() *cobra.Command {
	c := group(&cobra.Command{
		Use:   "certificates",
		Short: "Work with WeChat Pay platform certificates",
	})
	o := &certificatesOptions{}
	dl := &cobra.Command{
		Use:   "download -o DIR",
		Short: "Download, decrypt and verify the platform certificates into DIR",
		Long: `download fetches GET /v3/certificates, decrypts each certificate with the
APIv3 key, checks the answer's signature and writes one PEM file per
certificate into DIR, named by serial number. It needs the merchant settings
and the APIv3 key; configured verification keys are used when present.`,
		Example: `  wxpay certificates download -o ./certs
  wxpay get v3/certificates --platform-certs ./certs`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error { return a.runCertificatesDownload(c, o) },
	}
	dl.Flags().StringVarP(&o.out, "output", "o", "", "folder to write the certificates into (required)")
	c.AddCommand(dl)
	return c
}

func (a *app) notifyCommand() *cobra.Command {
	c := group(&cobra.Command{
		Use:   "notify",
		Short: "Verify or decrypt a captured WeChat Pay callback",
		Long: `notify reads a captured callback (notification) from FILE, or stdin when FILE
is - or absent. Two forms are accepted: the JSON form
({"headers":{...},"body":"<raw body>"}), or the raw HTTP/1.1 request
text (request line, headers, blank line, body).`,
	})
	verify := &cobra.Command{
		Use:   "verify [FILE]",
		Short: "Check a captured callback's signature; print its body",
		Long: `verify checks the Wechatpay-* headers and the signature of a captured callback
against the configured WeChat Pay public key or platform certificates and
prints the raw body to stdout. Exit status 3 when the signature does not
verify. The timestamp window is not applied: captures are verified later.`,
		Args: maxOneArg,
		RunE: func(c *cobra.Command, args []string) error { return a.runNotify(c, args, false) },
	}
	decrypt := &cobra.Command{
		Use:   "decrypt [FILE]",
		Short: "Verify a captured callback, then print its decrypted resource",
		Long: `decrypt verifies a captured callback like 'notify verify', then decrypts its
resource with the APIv3 key and prints the plaintext JSON to stdout.`,
		Args: maxOneArg,
		RunE: func(c *cobra.Command, args []string) error { return a.runNotify(c, args, true) },
	}
	for _, sc := range []*cobra.Command{verify, decrypt} {
		sc.Flags().StringVar(&a.pretty, "pretty", string(prettyAuto), "stdout JSON: auto, all, format, colors, none")
	}
	c.AddCommand(verify, decrypt)
	return c
}

// signOptions are the flags of wxpay sign jsapi|app.
type signOptions struct {
	appID    string
	prepayID string
}

func (a *app) signCommand() *cobra.Command {
	c := group(&cobra.Command{
		Use:   "sign",
		Short: "Make the pay-sign parameters a front end needs to pay a prepay_id, or an APIv2 signature",
	})
	mk := func(use, short, long, example string, app bool) *cobra.Command {
		o := &signOptions{}
		sc := &cobra.Command{
			Use:     use,
			Short:   short,
			Long:    long,
			Example: example,
			Args:    noArgs,
			RunE:    func(c *cobra.Command, args []string) error { return a.runSign(c, o, app) },
		}
		sc.Flags().StringVar(&o.appID, "appid", "", "the AppID the prepay_id was made for (required)")
		sc.Flags().StringVar(&o.prepayID, "prepay-id", "", "the prepay_id from the order call (required)")
		sc.Flags().StringVar(&a.pretty, "pretty", string(prettyAuto), "stdout JSON: auto, all, format, colors, none")
		return sc
	}
	c.AddCommand(
		mk("jsapi --appid APPID --prepay-id PREPAY_ID", "Sign for JSAPI / mini program (wx.requestPayment)",
			`jsapi prints the JSON object {appId, timeStamp, nonceStr, package, signType, paySign}
for WeixinJSBridge or wx.requestPayment, signed with the merchant private key.`,
			`  wxpay sign jsapi --appid wxd678efh567hg6787 --prepay-id wx201410272009395522657a690389285100`, false),
		mk("app --appid APPID --prepay-id PREPAY_ID", "Sign for the APP SDK (PayReq)",
			`app prints the JSON object {appid, partnerid, prepayid, package, noncestr, timestamp, sign}
for the WeChat OpenSDK, signed with the merchant private key.`,
			`  wxpay sign app --appid wxd678efh567hg6787 --prepay-id wx201410272009395522657a690389285100`, true),
		a.signV2Command(),
	)
	return c
}

// billOptions are the flags of wxpay download bill.
type billOptions struct {
	kind           string // trade or fund
	date           string
	billType       string
	accountType    string
	tarType        string
	out            string
	progress       string
	keepCompressed bool
	format         string // csv, json or table: records instead of the file (billrecords.go)
	summary        bool   // print the checked summary
	subMchID       string // --type sub-merchant (download_encrypted.go)
	serviceID      string // --type payscore (download_encrypted.go)
}

func (a *app) downloadCommand() *cobra.Command {
	c := group(&cobra.Command{
		Use:   "download",
		Short: "Download files such as bills",
	})
	o := &billOptions{}
	bill := &cobra.Command{
		Use:   "bill --date YYYY-MM-DD [--type trade|fund|sub-merchant|ecommerce|payscore] [-o FILE]",
		Short: "Download a trade or fund-flow bill and check its hash",
		Long: `bill asks for the bill of a day (GET /v3/bill/tradebill or /v3/bill/fundflowbill),
downloads the file from the download_url of the answer, and checks it against
the answer's hash_type/hash_value before reporting success. The file goes to
-o FILE (written only once the hash matches; mode 0600), or stdout (likewise
only once it matches). A gzip bill
(--tar-type GZIP) is decompressed unless --keep-compressed. A progress bar is
shown on stderr when it is a terminal. Exit status 3 when the hash does not match.
--format prints the records instead (read by package bill), --summary the
summary checked against them; exit status 3 also when the summary does not match.
Encrypted bills: --type sub-merchant (--sub-mchid, --account-type, default BASIC),
ecommerce (account ALL) or payscore (--service-id) lists the parts, then each
part is downloaded, decrypted (merchant key), checked against its hash and
written in order; exit status 3 when a part fails its tag or hash.`,
		Example: `  wxpay download bill --date 2026-11-27 -o tradebill.csv
  wxpay download bill --date 2026-11-27 --bill-type ALL --format table --summary
  wxpay download bill --type fund --date 2026-11-27 --account-type BASIC --tar-type GZIP --keep-compressed -o fundflow.csv.gz
  wxpay download bill --type sub-merchant --sub-mchid 1900000109 --date 2026-11-27 --tar-type GZIP -o sub-fundflow.csv`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error { return a.runDownloadBill(c, o) },
	}
	bill.Flags().StringVar(&o.kind, "type", "trade", "bill kind: trade, fund, or encrypted: sub-merchant, ecommerce, payscore")
	bill.Flags().StringVar(&o.date, "date", "", "bill date, YYYY-MM-DD (required)")
	bill.Flags().StringVar(&o.billType, "bill-type", "", "trade bill type: ALL, SUCCESS or REFUND (default: the API's)")
	bill.Flags().StringVar(&o.accountType, "account-type", "", "fund bill account: BASIC, OPERATION or FEES (default: the API's; sub-merchant: BASIC, ecommerce: ALL)")
	bill.Flags().StringVar(&o.tarType, "tar-type", "", "GZIP for a compressed file (default: uncompressed)")
	bill.Flags().StringVarP(&o.out, "output", "o", "", "file to write: a new or regular file (default stdout, also - or /dev/stdout)")
	bill.Flags().BoolVar(&o.keepCompressed, "keep-compressed", false, "with --tar-type GZIP, write the gzip file as served (the hash is still checked)")
	bill.Flags().StringVar(&o.progress, "progress", "auto", "progress bar on stderr: auto (on a terminal), always, never")
	bill.Flags().StringVar(&o.format, "format", "", "print the records instead of the file: csv (no backticks), json (one object a line) or table (aligned); the summary is checked")
	bill.Flags().BoolVar(&o.summary, "summary", false, "print the checked summary (to stdout, or to stderr with --format)")
	encryptedBillFlags(bill, o)
	c.AddCommand(bill)
	return c
}
