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
// # Retries and time
//
// 5xx, 429 and connection errors (a connection that breaks while the answer
// is read included) are retried, DefaultMaxRetries (2) times by
// default, with jittered exponential backoff (RetryWait doubling up to
// RetryMaxWait) or the answer's Retry-After (seconds or an HTTP date). A
// Retry-After longer than RetryMaxWait, or a wait that would outlive the
// context's deadline, ends the retries and returns the last answer. The
// client's Timeout (DefaultTimeout, 30 s) bounds the whole call, retries
// included. Cancelling ctx ends the call at once: errors.Is(err, ctx.Err()).
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
// LogBodies.
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
// # Async
//
// The …Async methods return a [*Future] with Then, Otherwise and Wait, like the
// promises of the PHP SDK.
//
// # Files
//
// Uploads go through the options map with [File] and [Media]. Streamed
// downloads use [Chain.Download] and [Client.DownloadImage]; bills use
// [Client.DownloadBill] and [Client.DownloadBillToFile] (see download.go).
package chain
