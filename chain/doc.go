// Package chain is the request pipeline of the WeChat Pay APIv3 client: a
// URL-template builder on top of resty that signs every attempt, verifies
// every answer and hands back the raw JSON.
//
// A [Client] is made by the root package (wechatpay.New) or by [NewClient]. It
// is safe for concurrent use: make one per merchant and share it.
// Requests are described by a [Chain], an immutable path template:
//
//	c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync")        // declarative (RFC 6570)
//	c.Chain("v3/payscore/payafter-orders/<out_order_no>/sync")        // the design-card form
//	c.Chain("v3", "payscore", "payafterOrders", "_out_order_no_", "sync") // segments
//	c.Chain("v3").Chain("payscore").Chain("payafterOrders").Chain("_out_order_no_").Chain("sync")
//
// All four produce the same template, v3/payscore/payafter-orders/{out_order_no}/sync,
// and so the same signed request. A path given as one string (holding a "/")
// is sent as written; only the segment-by-segment form re-cases camelCase
// literals, as the PHP SDK does (see [Client.Chain]). $out_order_no$ (the
// Node SDK's spelling) is understood in both. The PHP SDK's "property style"
// ($instance['v3/…']) has no separate form in Go: it is the declarative call with
// the whole path in one string. A Chain parses its template once and may be kept
// in a variable and shared between goroutines.
//
// A call takes a context and an options map [O]:
//
//	resp, err := c.Chain("v3/payscore/payafter-orders/{out_order_no}/sync").Post(ctx, chain.O{
//		"out_order_no": "1234323JKHDFE1243252",
//		"json": map[string]any{"appid": "wxd678efh567hg6787", "service_id": "500001",
//			"type": "Order_Paid", "detail": map[string]any{"paid_time": "20091225091010"}},
//	})
//
// Keys of the options map:
//
//   - the template's variable names: path values, all required and non-empty
//     (a variable may not be named like one of the keys below);
//   - "json": a Go value (encoded once, HTML escaping off), or []byte,
//     json.RawMessage or string sent verbatim after a validity check;
//   - "query": map[string]any, map[string]string or url.Values, encoded sorted by key;
//     path and query values are turned into text by one function,
//     pathtpl.FormatScalar, so strings, numbers, bools and named types of
//     them (type OrderNo string) read the same in both;
//   - "headers": map[string]string or http.Header;
//   - "body": []byte, string or io.Reader sent as is (Content-Type from "headers");
//   - "media": an upload made with [File] or [Media];
//   - "encryptor": the [Encryptor] used for sensitive fields, which makes the
//     request carry its Wechatpay-Serial.
//
// Anything else is refused with an error wrapping [ErrInvalidOptions] before a
// byte is sent, and so are missing path values, "json" with "body", invalid
// JSON, header values containing CR or LF, and a path that expands to a
// fragment ("#"), which would never reach the server.
//
// Each attempt (retries included) is signed last, over the final
// URL.RequestURI() and the exact body bytes, with a fresh nonce and timestamp.
// Answers are verified before the caller sees them: a 2xx answer that fails is a
// [*VerifyError]; a non-2xx answer is an [*APIError] whose Verified field tells
// whether its signature checked out.
//
// # Errors
//
// Every error of a call starts with "chain: ", the method, the BaseURL and
// the path template, e.g. "chain: GET
// https://api.mch.weixin.qq.com/v3/pay/transactions/id/{transaction_id}: …",
// so it shows which URL was called but never the expanded path values
// (order numbers, openids). The method may be given in any case: "get" is
// sent as GET. Configuration mistakes say what to check: a 401 SIGN_ERROR
// [APIError] has a Hint that Config.PrivateKey and Config.Serial must belong
// to the same merchant API certificate, with the serial sent; a 2xx answer
// whose signature does not match the configured key of its serial is a
// [VerifyError] naming the serial, with a Hint to check Config.PlatformKeys
// or refresh the certificates.
//
// # Verification
//
// Answers are verified against the client's [signer.KeyStore] before the caller
// sees them, over the raw body bytes, as [signer.VerificationFor] decides from
// the request's method and path:
//
//   - a 2xx answer that verifies is a *Response with Verified true;
//   - a 2xx answer on the unsigned list (bill and image downloads …) is a
//     *Response with Verified false;
//   - a 2xx answer that fails is a [*VerifyError]: errors.Is finds the signer
//     sentinel (signer.ErrBadSignature, ErrTimestampSkew, ErrUnknownSerial,
//     ErrProbeSignature, ErrMissingHeader) and VerifyError.Response holds the
//     answer for diagnosis;
//   - any other status is an [*APIError]. It is verified when it carries a
//     signature; a failed or absent signature does not turn it into a
//     VerifyError (the call failed either way) but leaves Verified false and,
//     on failure, VerifyErr set. Do not act on the Code of an unverified error.
//
// # APIv2
//
// The "xml" option makes an APIv2 call (templates v2/…, sent without the
// v2/ prefix): a map of fields (chain.O or map[string]string; scalars as
// pathtpl.FormatScalar writes them, maps and slices as JSON text). The
// client fills in nonce_str, the merchant id under the operation's field
// name (mch_id, mchid, combine_mch_id: the catalogue's), sign_type where
// the operation has it, and sign (Config.APIv2Key; ErrNoAPIv2Key without
// it). Operations marked x-api-cert-required are refused before sending
// without Config.ClientCertificate (ErrClientCertificateRequired).
//
// Answers are read with Response.Get as the equivalent JSON object (every
// value a string; Response.Body keeps the XML). return_code FAIL and
// result_code FAIL are *APIError (Code FAIL and return_msg, or err_code
// and err_code_des). An answer carrying sign, and every SUCCESS answer of
// an operation whose answers are signed, must verify with the request's
// sign_type, else *VerifyError; only operations whose answers carry no
// sign (red packets, transfers, bill downloads) skip the check.
//
// APIv2 calls are retried (5xx, 429, connection errors) only when they are
// queries (…query…, get…, download…). A payment-making call is never
// re-sent: for micropay, USERPAYING, SYSTEMERROR and BANKERROR are handed
// back as *APIError and a connection error as it is; query
// v2/pay/orderquery with the same out_trade_no until trade_state settles,
// and reverse (v2/secapi/pay/reverse) an order that does not; never send
// micropay again with the same auth_code.
//
// The six APIv2 GETs (appauth/getaccesstoken, the papay entrustweb
// contracts, …) take their fields in "query", filled in and signed the same
// way; the browser pages among them (appauth/authindex, papay/entrustweb)
// are given to the user as a URL from Client.V2QueryURL. "media" on
// v2/secapi/mch/uploadmedia sends the APIv2 upload form (mch_id, the
// file's MD5 as media_hash, sign_type HMAC-SHA256, sign).
//
// # Retries and time
//
// 5xx and connection errors (a connection that breaks while the answer
// is read included) are retried, DefaultMaxRetries (2) times by
// default, with jittered exponential backoff (RetryWait doubling up to
// RetryMaxWait) or the answer's Retry-After (seconds or an HTTP date). A
// Retry-After longer than RetryMaxWait, or a wait that would outlive the
// context's deadline, ends the retries and returns the last answer. The
// client's Timeout (DefaultTimeout, 30 s) bounds the whole call, retries
// included. Cancelling ctx ends the call at once: errors.Is(err, ctx.Err()).
// BaseURL defaults to DefaultBaseURL; see Failover for the backup host.
//
// A rate-limited answer (429, or the code FREQUENCY_LIMITED or
// RATELIMIT_EXCEED with any status) follows one rule per case:
//   - GET (a query: safe to repeat): retried like a 5xx, within MaxRetries
//     and the deadline, after Retry-After when the answer has one;
//   - any other method (creating, closing, refunding …): the *APIError is
//     returned at once, without waiting; the limit is the caller's to
//     respect (package merchants has limiters), and the caller decides
//     when to send the same business parameters again.
//
// # Failover
//
// WeChat Pay runs a second entry point, [DefaultBackupBaseURL]
// (https://api2.wechatpay.cn/), for when the primary cannot be reached; the
// official Java SDK switches to it on network failures. A client whose
// BaseURL is DefaultBaseURL (or empty) does the same. Config.BackupBaseURL
// names another backup (for any BaseURL: another BaseURL has none unless it
// is set); [NoBackupBaseURL] ("-") turns the failover off.
//
//   - Only an attempt that never had a connection moves: net/http looked for
//     one (httptrace GetConn) and never got one (GotConn): a DNS failure, a
//     refused or timed-out dial, a failed or timed-out TLS handshake.
//     net/http reports GotConn before it writes a byte, over HTTP/1 and
//     HTTP/2, so such a request cannot have reached the gateway. The next
//     attempt goes to the other host, signed afresh; it is one of the call's
//     retries (MaxRetries or the "retries" option, within the deadline), and
//     the first move of a call does not wait for the backoff.
//   - A host that drops packets makes a dial hang for the dialer's timeout
//     (30 s in resty's and net/http's default transports: the whole default
//     Timeout). An attempt that may move waits at most 10 s for a
//     connection, or what is left of the call's time if that is shorter
//     (half of it when another attempt may follow on the other host: the
//     call's first move, with retries left), and then ends as one that had
//     none ("no connection to HOST within 10s"); the dial itself goes on in
//     the background until the dialer gives up, as net/http does with a
//     cancelled request's dial. A wait cut short by the caller's deadline
//     does not count against the primary below: a slow link with callers
//     in a hurry does not switch the client.
//   - An attempt that had a connection may have reached the gateway: it is
//     retried by the usual rules on the same host (a POST whose connection
//     broke is sent again there, never to the other host, even when a later
//     attempt is refused), except a GET or HEAD, safe to repeat, which moves
//     when its connection broke before an answer. An answer, whatever its status, keeps the call where it is.
//   - A certificate that fails verification, the end of the caller's
//     context, or a transport of the caller's that does not report
//     net/http's traces (no GetConn) is no reason to move.
//   - After 3 attempts in a row without a connection to the primary, the
//     client's calls start on the backup for a minute; then one call probes
//     the primary (the others stay on the backup until the probe is
//     answered). A probe that gets a connection brings the calls back to the
//     primary; a refused one starts another minute (a probe of a host that
//     drops packets costs its call the connection wait above). The state
//     belongs to the client and is shared by all its calls.
//   - A call's error, and APIError.BaseURL or VerifyError.BaseURL, name the
//     host of its last attempt.
//   - Config.Logger gets a Warn record for each move (method, template,
//     attempt, the two base URLs, the connection error) and whenever calls
//     change their starting host; never a path value or a header.
//   - Only APIv3 calls move. APIv2 calls (the "xml" option) stay on BaseURL,
//     and so does a download whose download_url is not on BaseURL. A
//     download_url may name the backup host (a bill asked of the backup).
//   - With a backup, each attempt carries a small httptrace (GetConn,
//     GotConn), its own context and a timer for the connection: about ten
//     allocations a call.
//
// resty knows one host per request, and its retries (like the default retry
// condition this package replaces) do not ask whether a failed request was
// written: a connection error is retried on the same URL. This package keeps
// resty's retry loop and picks the host of each attempt in the pre-request
// hook, before signing, from what the previous attempt's connection did.
//
// # What resty does, and what this package does itself
//
// resty runs every call: it builds each attempt's *http.Request from the
// headers and body bytes, retries (SetRetryCount, one retry condition that
// replaces resty's default, SetRetryAfter for Retry-After and the backoff,
// SetRetryMaxWaitTime), reads JSON answers with its body limit, and calls
// the pre-request hook in which every attempt is signed. Bodies, io.Reader
// ones included, are read once before the first attempt and resent byte for
// byte. These pieces stay hand-written, each for a reason resty does not
// cover:
//
//   - Signing inside each attempt: resty's OnBeforeRequest runs before the
//     URL and body are final, so the signature is made in the pre-request
//     hook over the final URL.RequestURI() and the exact body bytes, with a
//     fresh nonce and timestamp. That hook sees only the *http.Request, so
//     the call's state reaches it through the request context.
//   - net/http's own resends: net/http silently resends a request on a new
//     connection when a reused one dies, below resty, with the same nonce;
//     a GotConn trace re-signs such a try, and a try that still repeats a
//     signature (a transport that copies requests) is detected and retried.
//   - Answers capped by size and streamed downloads: JSON answers are read
//     inside the attempt (a cut body is retried) and refused above 64 MiB;
//     downloads stream with their own idle timeout and hash checks, which
//     resty's whole-body reading cannot do.
//   - When to stop: resty would clamp a long Retry-After to RetryMaxWait and
//     sleep into the deadline; the retry-wait callback ends the retries
//     instead and the last answer is returned, as documented above.
//   - Uploads: the multipart body is built once (meta JSON signed, file
//     hashed, size limits checked) and resent identically; resty's multipart
//     rebuilds it per attempt from readers that may not rewind.
//   - The query: encoded with url.Values as resty's SetQueryParams would,
//     but into the path before anything is sent, so the whole target is
//     checked (no fragment, strict values) where the options are.
//
// # Logging
//
// With Config.Logger set, each attempt logs method, template, attempt,
// status, Request-ID, duration and, before a retry, the wait. Headers are
// never logged, so neither is the Authorization signature; bodies only with
// LogBodies, at debug level (bodies can hold personal data: names and phone
// numbers are usually OAEP-encrypted, addresses and amounts are not). A
// JSON handler's record:
//
//	{"level":"INFO","msg":"wechatpay request","method":"POST","template":"v3/payscore/payafter-orders/{out_order_no}/sync",
//	 "attempt":1,"status":200,"request_id":"08F78BB5AF0610D302...","duration":41000000}
//
// # Checking calls against the API catalogue
//
// Before a call is signed, it is checked against package catalog: the
// operation for its method and template, its path values, query, headers
// and JSON body (missing and unknown fields, types, enums, maxLength, an
// encrypted field sent without an encryptor). [Config].Validation says what
// follows: catalog.Warn, the default, logs each finding once per method and
// template through Config.Logger (at warn level, without values) and sends
// the call anyway; catalog.Strict refuses it with one *OptionsError listing
// every finding (errors.Is ErrInvalidOptions; errors.As finds each
// catalog.Finding); catalog.Off skips the check. The simulator's client
// (wechatpaytest) is Strict.
//
// The catalogue can be stale: where it and the gateway disagree, the
// gateway wins. Turn the check off for one call with the "validation"
// option, chain.O{"validation": catalog.Off} (or tighten one call with
// catalog.Strict), and report the stale entry as the catalog package doc
// says.
//
// # Middleware, in order
//
// A call made through a Chain (Do, Get, Post … and the …Async forms; not
// the downloads) goes through these steps, in this order:
//
//  1. Config.Middleware, outermost first ([Middleware], like net/http
//     middleware: func(next Handler) Handler). Each sees a [Call]: the
//     method, the template (never the expanded path), a shallow copy of the
//     options map and the catalog.Operation; it may change the method and
//     the options, answer the call itself without calling next (a cache, a
//     fake), or look at the answer next returns.
//  2. Config.Defaults are filled in where the catalogue operation has the
//     field and the options lack it (never over a value given).
//  3. The options are checked and the request built; then the catalogue
//     check (Config.Validation or the "validation" option; in Warn mode a
//     deprecated operation is logged once per template).
//  4. The retry loop: each attempt is signed last, sent, and then shown to
//     Config.AttemptObservers ([AttemptObserver]) with its number, the
//     signed request, the status, Request-ID or error, and why it is
//     retried. They observe only: the request has gone out.
//  5. The answer is read and verified, and handed back out through the
//     middleware, innermost first.
//
// An error a middleware or an observer returns itself ends the call as a
// [*MiddlewareError] naming its stage and position (errors.Is/As reach its
// own error); an observer's error stops the retries. A panic in either is
// not recovered by the client: it unwinds through Do to the caller (in the
// …Async forms, the Future fails with "async step panicked"). There is no
// global state: middleware lives in the Config of one client. Without
// middleware the pipeline pays one nil check per step.
//
// # Per-call settings
//
// Three options override the client's settings for one call:
// "validation" (a catalog.Mode), "timeout" (a time.Duration bounding the
// call, retries included; negative: none) and "retries" (an int, 0 for
// none, at most [MaxCallRetries]). They are option keys like the others, so
// a middleware can set them too.
//
// # Pages
//
// [Chain.Items] is an iter.Seq2 over every item of an operation that pages
// with offset and limit (catalog.Operation.Paging), fetching pages as the
// loop goes; each page is a call through the middleware.
//
// # Async
//
// The …Async methods return a [*Future] with Then, Otherwise and Wait, like the
// promises of the PHP SDK.
//
// # Sensitive fields
//
// [Client.Encryptor] returns an [Encryptor] for WeChat Pay's public key (a
// PUB_KEY_ID_… key preferred; [Client.EncryptorFor] picks a serial). Its
// Encrypt is RSA-OAEP (base64); pass the Encryptor under "encryptor" and the
// request carries the matching Wechatpay-Serial.
//
// # Files
//
// Uploads and downloads go through the same pipeline as JSON calls: every
// attempt is signed, and the parts users usually get wrong are done here:
// the meta JSON the signature must cover, the bill hash check, gzip, media
// ids with "/", "+" and "=" in them. ExampleClient_DownloadBill runs an
// upload, the image back and a bill against the simulator.
//
// Uploads: [File](path) (read at each call) or [Media](filename, reader)
// (read once, reused by retries) under "media", POSTed to
// v3/merchant/media/upload, v3/merchant/media/video_upload,
// v3/marketing/favor/media/image-upload and similar APIs. The body is
// multipart/form-data with a meta part (application/json,
// {"filename":…,"sha256":…}) and a file part whose content type comes from
// the extension; the signature covers the meta JSON as sent. WithMeta adds
// fields for APIs that want more. An unknown extension, or a file over 2 MB
// (images) or 5 MB (videos), is refused before anything is sent. Do not
// build the multipart body yourself under "body": the whole body would be
// signed, not the meta part, and the gateway answers 401 SIGN_ERROR.
//
// Bills: [ParseBillInfo] reads the answer of GET v3/bill/tradebill,
// fundflowbill, …; [Client.DownloadBill] streams the file to any io.Writer
// and [Client.DownloadBillToFile] to a path.
//
//   - The file streams in constant memory (one 32 KiB buffer and, for gzip,
//     one decompressor).
//   - gzip is undone transparently: a tar_type=GZIP bill arrives as a raw
//     gzip file (no Content-Encoding), recognised by its magic bytes 1f 8b;
//     a Content-Encoding: gzip answer is undone too. [KeepCompressed] writes
//     the gzip file as served (the hash is still checked, over the
//     decompressed stream computed on the side).
//   - The hash is checked over the uncompressed content, as WeChat Pay
//     computes it: SHA1, and SM3 (pure Go, checked against the two examples
//     of GB/T 32905-2016 and OpenSSL). Another hash_type is refused before
//     sending ([ErrUnsupportedHash]); a mismatch is [ErrHashMismatch]; a body
//     that ends early (short of Content-Length, a cut chunked or gzip
//     stream, a reset) wraps io.ErrUnexpectedEOF.
//   - On any error, what DownloadBill wrote to w is incomplete or wrong:
//     discard it. DownloadBillToFile does that: it writes a temporary file
//     (mode 0600) in the target directory and renames it only after the
//     hash matched; on error it removes it and leaves the path untouched.
//   - download_url must be on the client's API host (same scheme, host and
//     port as BaseURL, or as the backup host: see Failover); another host is
//     refused before anything is sent, so a signed request never goes to a
//     host named by data. The request is signed with the URL's path and
//     query as sent.
//
// [Client.OpenBill] gives the download as a stream instead, for reading
// records with package bill as they arrive (bill.NewReader(stream,
// bill.TradeAll)): its last Read returns the hash failure, so bill's Err
// reports it and records read before Err returned nil come from an
// unverified file.
//
// Encrypted bills (a service provider's sub-merchant fund bill, an
// e-commerce platform's fund bill, a payscore merchant bill) come as a list
// of parts, each encrypted with AES-256-GCM under its own key:
// [ParseEncryptedBillList] reads the answer, [Client.DownloadEncryptedBill]
// writes the plaintext bill to w, [Client.DownloadEncryptedBillToFile] to a
// path. Each part's encrypt_key is decrypted with RSA-OAEP SHA-1 by the
// merchant key (Config.PrivateKey, a Config.Signer implementing
// signer.Decrypter, or [WithDecrypter]) before anything is downloaded; the
// parts stream in bill_sequence order through the GCM opener, gzip is
// undone, and each part's SHA-1 is checked. A part that fails is a
// [*BillPartError] naming it ([ErrDecrypt] for a tag or key failure,
// [ErrHashMismatch]); as for plain bills, w must then be discarded.
//
// Images: [Client.DownloadImage](ctx, mediaID, w) is
// c.Chain("v3/merchant-service/images/{media_id}").Download(…). {media_id}
// sends the base64 id as one path segment (%2F, %2B, %3D, as in WeChat
// Pay's own curl example), which the gateway decodes once. An id that is
// already percent-encoded (copied from a URL) goes in {+media_id}, which
// passes %XX triplets through; a raw id there would split the path.
//
// [Chain.Download] streams any GET; whether the answer is verified is
// decided by the request path alone (signer.VerificationFor): the unsigned
// list (v3/billdownload/file, v3/merchant-service/images/…,
// v3/global/merchant-service/images/…, v3/new-tax-control-fapiao/download,
// v3/transferdownload/elecvoucherfile, v3/transferdownload/signfile) streams
// without verification; statements (v3/statements, v3/global/statements,
// hk/v3/statements) verify the headers first, stream, then check the body's
// SHA-1 against the signed Wechatpay-Statement-Sha1 (ErrHashMismatch);
// anything else is read (at most 64 MiB), verified, and only then written
// to w. A non-2xx answer is an *APIError, as for JSON calls.
//
// Download options and limits: [WithProgress](func(received, total int64))
// is called after every read (received counts bytes off the wire,
// compressed for gzip files; total is Content-Length or -1). Downloads have
// no overall deadline: the client's Timeout is an idle timeout instead
// ([ErrIdleTimeout] when less than 1 KiB arrives in that long, so a trickle
// of a byte now and then ends too; [WithIdleTimeout], d < 0 for none); bound
// the whole download with ctx. [WithMaxSize](n) caps the content written
// (decompressed): [ErrTooLarge] beyond; DownloadImage (an unsigned answer)
// is capped at [DefaultImageMaxSize] (16 MiB) unless told otherwise. 5xx, 429 and
// connection errors are retried until the body starts; a download that
// breaks afterwards is not resumed: call again. [DownloadResult] tells
// StatusCode, RequestID (quote it to WeChat Pay support), ContentLength,
// Received, Written, Gunzipped, Verified, HashType/Hash and Attempts, and is
// returned with most errors too, so Written tells how much reached w.
//
// # Cost
//
// Figures from a shared 2-core machine (AMD EPYC, Go 1.26; they vary with
// load):
//
//   - BenchmarkChainPost vs BenchmarkBaselineNetHTTP (the seed call on
//     loopback: sign, send, verify; the floor encodes a typed struct and
//     reads the answer with gjson, no JSON maps): 22.9 KB vs 18.6 KB, 183
//     vs 161 allocs; BenchmarkChainPostVsFloor (one call of each per
//     iteration, medians): 1.00–1.01× the floor's time (≈ 2.5 ms, most of
//     it the RSA operations of both ends). With a backup host configured
//     (BenchmarkChainPostWithBackup: every client of the default BaseURL)
//     the failover's per-attempt connection trace adds 13 allocs and
//     ≈ 1 KB (196 allocs), no measurable time.
//   - BenchmarkV2Micropay (an APIv2 micropay against a hand-written
//     encoding/xml + crypto/md5 client, same local server): 0.93× its time
//     interleaved, 17.9 KB vs 28.9 KB, 160 vs 329 allocs.
//   - BenchmarkNewRequestJSAPI (building a JSAPI call before signing),
//     Validation Off vs Strict: ≈ 1.7 µs, 3 allocs vs ≈ 5.8 µs, 8 allocs:
//     the catalogue check costs ≈ 4 µs, 5 allocs.
//   - BenchmarkDownloadBill100MB (go test -run '^$' -bench DownloadBill100MB
//     -benchtime=2x ./chain/; a 100 MB simulated bill through DownloadBill,
//     signed, SHA-1 checked, to io.Discard, the simulator in the same
//     process): plain 430–1270 MB/s with 0.10–0.13 MB peak heap growth and
//     0.13–0.14 MB allocated per download; gzip (the simulator compressing
//     on the fly on the same CPUs) 140–560 MB/s, 1.6 MB, 1.75 MB (limit
//     8 MB); plain from a minimal server 1100–1130 MB/s, 0.07–0.08 MB,
//     0.08 MB. The heap figures include the simulator's side (its gzip
//     compressor is most of the gzip line); the client holds only
//     fixed-size buffers, so they do not depend on the bill's size.
//   - BenchmarkDownloadEncryptedBill100MB (a ~100 MB generated fund bill,
//     encrypted, through DownloadEncryptedBill; medians of 6 runs; the
//     benchmark fails at 8 MB of heap growth): from the simulator, which
//     encrypts (and compresses) on the same CPUs, one part 46 MB/s,
//     0.18–0.22 MB heap growth, 0.21–0.23 MB allocated; one gzip part
//     40 MB/s, 1.5 MB, 1.7 MB; four gzip parts 47 MB/s, 5.7 MB, 5.9 MB
//     (the simulator's gzip compressor, about 1.4 MB a part, is most of
//     it); one part encrypted beforehand and served from memory 116 MB/s,
//     0.17 MB, 0.18 MB, gzip 204 MB/s, 0.28 MB, 0.46 MB: the client's own
//     share. The same bill as a plain trade bill (the peer): 368 MB/s,
//     0.10–0.15 MB. The streaming GCM (internal/gcmstream, GHASH in pure
//     Go) bounds the decryption speed.
package chain
