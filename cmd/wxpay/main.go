// Command wxpay calls WeChat Pay APIv3 from the command line, httpie style:
// it signs the request with the merchant key, verifies the answer's
// signature, and prints the JSON.
//
//	go install github.com/chainpay-go/wechatpay/cmd/wxpay@latest
//	wxpay post 'v3/payscore/payafter-orders/{out_order_no}/sync' out_order_no=1234323JKHDFE1243252 \
//	    appid=wxd678efh567hg6787 service_id=500001 type=Order_Paid detail.paid_time=20091225091010
//
// wxpay help (or wxpay COMMAND --help) prints the same reference in short.
//
// # A local sandbox
//
// wxpay sandbox runs the library's gateway simulator (package wechatpaytest)
// as a standalone server and writes an env file that points any client at it:
//
//	wxpay sandbox --addr 127.0.0.1:8080 --dir ./sandbox &  # stop it with kill %1 (SIGTERM); in the foreground, Ctrl-C
//	set -a; . ./sandbox/sandbox.env; set +a
//
// stdout then gets the verified answer of a call, stderr "HTTP 200 OK
// Request-ID: …". The folder holds merchant_key.pem (0600),
// merchant_cert.pem, wechatpay_key.pem (the simulator's signing key, 0600),
// wechatpay_pub.pem and sandbox.env (0600: it holds the APIv3 key) with
// WECHATPAY_MCHID, WECHATPAY_SERIAL, WECHATPAY_PRIVATE_KEY,
// WECHATPAY_PUBLIC_KEY_ID, WECHATPAY_PUBLIC_KEY, WECHATPAY_APIV3_KEY and
// WECHATPAY_BASE_URL. A folder that already holds keys is reused, never
// overwritten, so the settings stay valid across restarts (only
// WECHATPAY_BASE_URL follows --addr). The same env file works for go run
// ./cmd/example and any other WeChat Pay client. --addr 127.0.0.1:0 picks a
// free port; the env file's path is printed on stdout.
//
// The sandbox's merchant is 1900000001. It holds the paid demo order
// 1217752501201407033233368018, the payscore order of the seed call, and a
// trade bill for 2019-06-11. --certificate-mode signs with a platform
// certificate instead of a public key: the certificate is served at GET
// /v3/certificates (so wxpay certificates download works against the
// sandbox) and written to wechatpay_cert.pem, and sandbox.env then sets
// WECHATPAY_PLATFORM_CERTS instead of WECHATPAY_PUBLIC_KEY_ID and
// WECHATPAY_PUBLIC_KEY. The sandbox makes its own settings and refuses the
// call flags (--mchid, --base-url, …).
//
// The sandbox prints the URL of its browser console (a loopback port of
// its own: the request log, the notifications with every delivery attempt,
// and actions) and serves an admin JSON API at /sandbox/admin/ on its own
// address. Subcommands steer a running sandbox through that API:
//
//	wxpay sandbox trigger TRANSACTION.SUCCESS --url http://127.0.0.1:9000/notify  # create, pay, notify
//	wxpay sandbox trigger REFUND.SUCCESS --id 1217752501201407033233368018
//	wxpay sandbox listen --forward-to http://127.0.0.1:9000/notify  # every notification, each attempt printed
//	wxpay sandbox resend ID                                         # one more attempt, now
//	wxpay sandbox clock advance 2h                                  # business time (also 1d); signatures stay on real time
//	wxpay sandbox reset [SCENARIO]                                  # everything, or one scenario's state
//
// They find the API from --admin URL, else $WXPAY_SANDBOX_ADMIN, else
// WECHATPAY_BASE_URL of DIR/sandbox.env (--dir, default the sandbox's
// folder) + /sandbox/admin/. A sandbox that listens off loopback demands
// the token it prints at start; the subcommands read it from
// $WXPAY_SANDBOX_TOKEN, else from WXPAY_SANDBOX_TOKEN of the same
// sandbox.env, and send it to that file's sandbox only. There is no token
// flag: command lines are visible to every user of the machine.
//
// # Calls: wxpay METHOD TEMPLATE [ITEM…]
//
// METHOD is get, post, put, patch or delete (any case). TEMPLATE is the API
// path; {name} marks a path variable (<name> and a whole _name_ or $name$
// segment work too). Items:
//
//	name=value             a path variable if TEMPLATE names it, else a JSON string field;
//	                       dots nest: out_trade_no=1217752501201407033233368018, detail.paid_time=20091225091010
//	name:=json             a raw JSON field: amount.total:=100, settle:=true, goods:='[{"id":1}]'
//	name==value            a query parameter (repeatable): mchid==1230000109
//	Header:value           a request header: Wechatpay-Serial:PUB_KEY_ID_0114232134912410000000000000
//	--json @file.json, -   the whole body from a file or stdin (not combinable with body items)
//
// The separator that comes first in an item wins (== over =, := over : at
// the same place), so X-Note:a=b is a header and note=a:b a field. A
// backslash makes = or : part of a name (a\=b=c); \. is a literal dot in a
// field name. Values are sent exactly as typed: an OpenID such as
// oUpF8uMuAJO_M2pxb1Q9zNjWeS6o or an order number is never re-cased.
// TEMPLATE goes on the wire as typed, as a one-string path does in the
// library: v3/pay/transactions/out-trade-no/ABCdef123 sends ABCdef123. A
// path variable escapes its value ("/" becomes %2F). To send a body field
// named like a path variable, use := with a JSON string:
// out_trade_no:='"X"'. An item that would overwrite an earlier one (a=1 a=2,
// a=1 a.b=2) or an empty path variable (id=) is refused with status 2.
//
//	wxpay post v3/pay/transactions/native appid=wxd678efh567hg6787 mchid=$WECHATPAY_MCHID \
//	    description='Image形象店-深圳腾大-QQ公仔' out_trade_no=DEMO$(date +%s) \
//	    notify_url=https://www.weixin.qq.com/wxpay/pay.php amount.total:=1 amount.currency=CNY
//	wxpay -v get v3/certificates   # headers on stderr, signature="<redacted>"
//
// Every call is first checked against the catalogue (package catalog): a
// finding (an unknown path, a missing or unknown field, a wrong type, a value
// outside an enum, a string over its maxLength) is a "wxpay: warning:" line
// on stderr and the call goes out anyway, since the gateway has the last
// word; --strict refuses the call with every finding (status 2, nothing sent).
//
// # Output and exit status
//
// The answer body goes to stdout only after its signature verified:
// pretty-printed and coloured on a terminal, the raw bytes when piped
// (--pretty all|format|colors|none). A 4xx/5xx error body is printed too
// when it verified, or when it carries no signature headers at all (a
// proxy's 502: stderr marks it [unverified], the status is still 4 or 5). An
// error body whose signature fails is not printed (status 3).
//
//	0  2xx
//	4  4xx answer (PARAM_ERROR, ORDER_NOT_EXIST, …)
//	5  5xx answer (after the client's retries)
//	3  the answer failed verification (bad signature, unknown serial, stale timestamp, probe,
//	   a 2xx without signature headers), a bill whose hash does not match, or a capture that
//	   does not verify; nothing is printed to stdout
//	2  usage or configuration error (bad item, missing setting, unreadable key, a --json or
//	   capture FILE that does not exist or does not parse)
//	1  anything else (network, I/O, a capture that verifies but does not decrypt with the APIv3 key)
//
// # Configuration
//
// Flags win over environment variables, which win over a profile of the
// config file:
//
//	flag                                variable                   config key
//	--mchid                             WECHATPAY_MCHID            mchid
//	--serial                            WECHATPAY_SERIAL           serial
//	--private-key (path or PEM)         WECHATPAY_PRIVATE_KEY      private_key
//	--public-key-id                     WECHATPAY_PUBLIC_KEY_ID    public_key_id
//	--public-key (path or PEM)          WECHATPAY_PUBLIC_KEY       public_key
//	--platform-certs (folder or list)   WECHATPAY_PLATFORM_CERTS   platform_certs (string or array)
//	--apiv3-key                         WECHATPAY_APIV3_KEY        apiv3_key
//	--base-url                          WECHATPAY_BASE_URL         base_url
//	--backup-base-url (or - for none)   WECHATPAY_BACKUP_BASE_URL  backup_base_url
//
// The config file is --config FILE, by default
// $XDG_CONFIG_HOME/wxpay/config.json or ~/.config/wxpay/config.json (keep it
// mode 0600: it may hold the APIv3 key). Relative paths in a profile are
// relative to the config file's folder:
//
//	{
//	  "default_profile": "shop",
//	  "profiles": {
//	    "shop":   {"mchid": "1230000109", "serial": "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
//	               "private_key": "/etc/wxpay/shop/apiclient_key.pem",
//	               "public_key_id": "PUB_KEY_ID_0112300001092024102800112300001",
//	               "public_key": "/etc/wxpay/shop/pub_key.pem"},
//	    "legacy": {"mchid": "1900000109", "serial": "…", "private_key": "…",
//	               "platform_certs": "/etc/wxpay/legacy/certs", "apiv3_key": "…"}
//	  }
//	}
//
// --profile NAME picks a profile; without it --mchid MCHID picks the
// profile of that merchant (an unknown one is an error naming it), else the
// file's default_profile, else a profile named default, is used. With
// --profile, --mchid overrides the profile's mchid. 'wxpay profiles' lists
// the profiles: name, mchid, serial, base URL and which keys are set.
//
// The values are read and checked by wechatpay.ConfigFromLookup, the same
// loader as WECHATPAY_* alone (platform_certs: files, folders and PEM text,
// any number of each). A missing setting is reported with the flag and
// variable to set, e.g. "wxpay: missing merchant ID: set --mchid or
// WECHATPAY_MCHID (or "mchid" in a config-file profile)"; a malformed one
// names where its value came from: "merchant private key (from --private-key)",
// "(from WECHATPAY_PRIVATE_KEY)" or "(from profiles.shop.private_key, profile
// "shop" of FILE)". Key material, the APIv3 and APIv2 keys are never printed.
//
// # Other commands
//
//	wxpay certificates download -o ./certs   # GET /v3/certificates, decrypt, verify, write wechatpay_<serial>.pem
//	                                         # (public-key mode: exits 4; sandbox: --certificate-mode)
//	wxpay get v3/certificates --platform-certs ./certs
//	wxpay notify verify callback.json        # check a captured callback's signature, print the raw body
//	wxpay notify decrypt < callback.http     # verify, then print the decrypted resource JSON
//	wxpay sign jsapi --appid wxd678efh567hg6787 --prepay-id wx201410272009395522657a690389285100
//	wxpay sign app   --appid wxd678efh567hg6787 --prepay-id wx201410272009395522657a690389285100
//	wxpay download bill --date 2026-11-27 -o tradebill.csv   # sandbox's demo bill: --date 2019-06-11
//	wxpay download bill --type fund --date 2026-11-27 --account-type BASIC --tar-type GZIP \
//	    --keep-compressed -o fund.csv.gz                     # real gateway only: no fund-flow bills in the sandbox
//	wxpay completion bash > ~/.local/share/bash-completion/completions/wxpay  # also zsh, fish, powershell
//	wxpay api ls refund domestic             # method, template, title a line (all 1,155 without words)
//	wxpay api show post v3/pay/transactions/jsapi   # path variables, query, headers, body and response trees
//	eval "$(wxpay api example post v3/pay/transactions/native)"   # a ready call with example values
//
// Completion covers commands, METHODs and catalogue TEMPLATEs. download bill
// asks GET v3/bill/tradebill (or fundflowbill) for the day's bill, streams
// the file from its download_url and checks it against hash_type and
// hash_value; the file is written (0600) only when the hash matches. A
// mismatch exits 3, leaves no file behind and prints nothing to stdout
// (without -o the bill is kept in a temporary file and copied to stdout only
// after its hash matched). A progress bar is drawn on stderr when it is a
// terminal (--progress always|never to force). --format csv|json|table
// prints the records instead of the file (read by package bill: csv without
// backticks, one JSON object a line, or an aligned table) and --summary the
// summary checked against them; a summary or hash mismatch exits 3 with
// nothing on stdout:
//
//	wxpay download bill --date 2019-06-11 --format table --summary
//
// A captured callback is either the JSON that notify.WriteCaptured writes
// ({"headers":{…},"body":"<raw body>"}) or the raw HTTP request text.
// Captures are verified at their own Wechatpay-Timestamp, so an old capture
// still verifies.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
