// Package notify verifies and decrypts WeChat Pay callbacks: APIv3
// notifications (such as TRANSACTION.SUCCESS or REFUND.SUCCESS) with Parser,
// and APIv2 XML callbacks (payment and refund results) with V2Parser (see
// "APIv2 callbacks" below).
//
// A Parser reads the raw request body (with a size limit), verifies the
// Wechatpay-* headers against those exact bytes with a signer.Verifier (it never
// re-serialises JSON: verifying a re-marshalled body is the most common
// callback bug), then decodes the envelope and decrypts its resource with the
// APIv3 key (AEAD_AES_256_GCM).
//
//	p, err := notify.NewParserFromClient(client) // client.KeyStore(), Config.APIv3Key
//	http.Handle("/notify/pay", p.Handler(func(ctx context.Context, n *notify.Notification) error {
//		return orders.MarkPaid(ctx, n.Get("out_trade_no").String(), n.Get("transaction_id").String())
//	}))
//
// NewParserFromClient (like NewParserWithStore) shares the client's live key
// store, so platform certificates renewed by a certs.Refresher reach the parser at
// once.
//
// The body limit is DefaultMaxBodySize (1 MiB; WithMaxBodySize), the
// timestamp window signer.DefaultWindow (±5 min; WithTimestampWindow). What
// Handler answers:
//
//	fn returns nil                                      200, no body; fn called
//	missing Wechatpay-* header, timestamp outside the   401 {"code":"FAIL","message":…}; fn not called
//	window, unknown serial, WECHATPAY/SIGNTEST/ probe,
//	bad signature
//	malformed JSON or envelope, algorithm other than    400, same body; fn not called
//	AEAD_AES_256_GCM
//	body over the limit                                 413, same body; fn not called
//	resource does not decrypt (wrong APIv3 key)         500, same body; fn not called (see below)
//	fn returns an error                                 500 (or Fail(status, msg, err)), generic message
//
// Messages never contain keys, signatures or your error text; pass
// WithErrorLog(func(ctx context.Context, err error)) to log the full
// errors. ExampleParser_Handler and PaymentHandler in handler_example_test.go (a
// handler with an idempotent order store, tested against the simulator)
// show a complete handler; wechatpaytest's SendNotification and its Notify…
// options (NotifyTampered, NotifyStale, NotifyProbe, NotifyUnknownSerial,
// NotifyWrongAPIv3Key, NotifyID) make every case for a handler's tests.
//
// Without the handler, Parser.Parse(r) reads an *http.Request and
// Parser.ParseRaw(header, body) takes bytes already read, unchanged; a
// Notification has ID, EventType, CreateTime, Summary and the decrypted
// resource read with Get (gjson paths). NewParser(keys, apiv3Key) builds a
// parser with a fixed key set; DecryptUnverified(apiv3Key, body) decrypts
// without verifying (for inspection tools only: Verified is false).
//
// # Errors
//
// Every error works with errors.Is: signer.ErrMissingHeader,
// signer.ErrTimestampSkew, signer.ErrUnknownSerial, signer.ErrProbeSignature
// and signer.ErrBadSignature when verification fails; signer.ErrAPIv3Key when
// the resource does not decrypt (the APIv3 key is probably wrong);
// signer.ErrUnknownAlgorithm when the resource is not AEAD_AES_256_GCM;
// ErrMalformed and ErrBodyTooLarge for the rest. No error carries a key or a
// signature.
//
// V2Parser's errors: signer.ErrBadSignature (missing or wrong sign),
// signer.ErrAPIv2Key (req_info does not decrypt), signer.ErrUnknownAlgorithm
// with ErrMalformed (unknown sign_type), ErrMalformed (the body, naming the
// field for a duplicate) and ErrBodyTooLarge.
//
// # Duplicates and idempotency
//
// WeChat Pay delivers a notification again until it gets a 2xx answer,
// retrying for about 24 hours with growing intervals; it also sometimes sends
// a notification twice although the first one was answered. Handlers must
// therefore be idempotent:
//
//   - Notification.ID is the same for every delivery of one notification.
//     Record processed IDs (a unique key in your database, inserted in the
//     same transaction as the business change) and answer 200 for an ID you
//     have already processed.
//   - Better still, make the business change itself idempotent: update the
//     order keyed by out_trade_no / transaction_id with a state check
//     ("UPDATE orders SET state='PAID' … WHERE out_trade_no=? AND
//     state='UNPAID'"), so a replay changes nothing.
//   - Answer quickly: do heavy work asynchronously after recording the
//     notification; a slow answer counts as a failure and is retried.
//
// Handler answers 200 with no body when the callback returns nil, 4xx with
// {"code":"FAIL","message":…} when the request fails verification or
// decoding (the callback is then not called), and 500 when the resource does
// not decrypt (a wrong APIv3 key on this side) or the callback fails, so that
// WeChat Pay delivers the notification again.
//
// A resource that does not decrypt is deliberately not a 4xx: decryption runs
// only after the signature verified, so the notification is genuine and the
// fault is this side's APIv3 key. A 5xx keeps WeChat Pay retrying (for about
// 24 hours) until the key is fixed, instead of the payment notice being
// written off as refused.
//
// # APIv2 callbacks
//
// Merchants on APIv2 get XML callbacks. A V2Parser is built from the APIv2
// key alone (no platform keys: APIv2 signs with the shared key):
//
//	p, err := notify.NewV2Parser(apiv2Key)
//	http.Handle("/notify/v2/pay", p.PaymentHandler(func(ctx context.Context, n *notify.V2Notification) error {
//		if n.Get("result_code").String() != "SUCCESS" {
//			return nil // a failed payment: acknowledge it
//		}
//		return orders.MarkPaid(ctx, n.Get("out_trade_no").String(), n.Get("transaction_id").String(), n.Get("total_fee").Int())
//	}))
//	http.Handle("/notify/v2/refund", p.RefundHandler(func(ctx context.Context, n *notify.V2Notification) error {
//		return orders.MarkRefunded(ctx, n.Get("out_refund_no").String(), n.Get("refund_status").String())
//	}))
//
// The protocol:
//
//   - A payment result is an XML POST, <xml><field>value</field>…</xml>,
//     signed as every APIv2 message is: sign is MD5 (the default) or
//     HMAC-SHA256, according to the callback's own sign_type, over its
//     non-empty fields other than sign, sorted by name and joined as
//     k=v&k2=v2, with &key=APIv2_KEY appended; upper-case hex
//     (signer.VerifyV2). return_code is the communication flag (the data
//     come only with SUCCESS); result_code is the payment's outcome
//     (SUCCESS or FAIL, with err_code and err_code_des).
//   - A refund result carries no sign. Beside return_code, appid, mch_id and
//     nonce_str it has req_info: base64 of AES-256-ECB with PKCS#7 padding,
//     the key being the lower-case hex MD5 of the APIv2 key
//     (signer.DecryptReqInfo); it decrypts to an XML document,
//     <root><out_refund_no>…</out_refund_no>…</root>, whose fields are
//     V2Notification.Info.
//   - WeChat Pay reads the body of the answer: the acknowledgement
//     <xml><return_code><![CDATA[SUCCESS]]></return_code></xml> (AckV2) ends
//     the deliveries; anything else, such as FAIL with a return_msg, makes
//     it deliver again, for about 24 hours.
//
// The handlers answer with the APIv3 status mapping where it applies:
//
//   - 401: a missing or wrong sign (payment), or a req_info that does not
//     decrypt (refund). A refund result has no signature: decrypting under
//     the APIv2 key is its only authentication, so a failure is an
//     authentication failure like a bad signature, not the 500 that APIv3
//     gives a resource that fails to decrypt after its signature verified.
//     A wrong APIv2 key on this side shows the same way (the error log says
//     so); WeChat Pay keeps delivering, so fixing the key loses nothing.
//   - 400: a body that is not a safe APIv2 XML document (a DTD or entity, a
//     field twice, too deep), that lacks return_code SUCCESS, result_code or
//     req_info, or that names a sign_type other than MD5 and HMAC-SHA256.
//   - 413: a body over the limit (WithMaxBodySize).
//   - 500: fn failed; a *HandlerError picks the status and return_msg.
//
// What APIv2 does not protect, and what the handlers expect of you:
//
//   - No timestamp: a captured callback verifies forever and can be
//     replayed at any time (which is why NewV2Parser refuses
//     WithTimestampWindow). Handlers must be idempotent, keyed by
//     transaction_id or out_refund_no (see "Duplicates and idempotency").
//   - Values are not escaped in the signed string: a value ending in
//     "&name=value" signs the same as two fields, so whoever replays a
//     callback can merge two adjacent fields or split one without breaking
//     the sign. The parser refuses duplicate fields and a payment result
//     without return_code or result_code; check the amount and the order
//     number against your order.
//   - AES-ECB has no integrity tag: 16-byte blocks of genuine req_info
//     documents can be recombined. Before a money decision on a refund
//     result, confirm it with pay/refundquery (and a payment result with
//     pay/orderquery), as WeChat Pay advises.
//
// The XML is read by the module's internal/v2xml codec, which refuses DTDs,
// entities, processing instructions and duplicate fields (a callback with
// two result_codes is never read one way and verified the other) and is
// bounded in size and depth.
//
// GenerateV2Payment and GenerateV2Refund build the bodies WeChat Pay would
// send, for testing handlers.
//
// # Captured callbacks
//
// A callback saved with its headers and raw body (httputil.DumpRequest
// writes one) can be checked later with ParseRaw, or with the wxpay CLI's
// notify verify|decrypt commands, which read that HTTP/1.1 request text or
// a JSON form {"headers":{…},"body":"<raw body>"}.
package notify
