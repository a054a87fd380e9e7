// Package notify verifies and decrypts WeChat Pay APIv3 callbacks
// (notifications such as TRANSACTION.SUCCESS or REFUND.SUCCESS).
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
// # Captured callbacks
//
// WriteCaptured saves a callback's headers and raw body; ReadCaptured reads
// that JSON form or plain HTTP/1.1 request text back for ParseRaw (the wxpay
// CLI's notify verify|decrypt commands use it).
package notify
