// Package wechatpaytest runs a loopback WeChat Pay APIv3 gateway for tests and
// demos, in the spirit of net/http/httptest.
//
// Nobody can reach WeChat Pay from a unit test, a CI job or a laptop without
// a merchant account. NewServer starts a gateway on 127.0.0.1 in the test
// process; Close stops it. It checks requests as strictly as the real
// gateway and signs its answers like it, so code under test runs the same
// signing and verification paths as in production.
//
//	srv := wechatpaytest.NewServer() // keys generated once per test binary, shared by all servers
//	defer srv.Close()
//	c := srv.Client()                // = wechatpay.New(srv.Config()); ready to call
//
// Built-in routes follow the real paths, fields, state machines and error
// codes: payscore service orders (create, query, modify, complete, cancel,
// sync, and the seed's payafter-orders sync), pay transactions (jsapi, native,
// app, h5, query, close), partner (service-provider) payments, combined
// payments, merchant transfers of the 2025 version, domestic refunds, the
// trade bill with its unsigned download, media uploads with their unsigned
// image download, and, in platform-certificate mode, /v3/certificates.
// Each flow is a scenario in a file of its own, registered with the same
// Handle users have. Every other operation of the catalogue (package
// catalog: v3, hk and global) is answered by the generic responder: checked
// in the gateway's order and refused with 400 PARAM_ERROR naming the first
// failure, or answered with a deterministic body built from its response
// schema. Handle adds routes of your own; the server still authenticates
// and signs around them.
//
// Demo fixtures are loaded at start: the payscore order
// 1234323JKHDFE1243252 (appid wxd678efh567hg6787, service_id 500001) waits
// for the seed's Order_Paid sync, and a small trade bill exists for
// DemoBillDate. ResetFixtures restores them; the Put* methods add more.
//
// Inject makes the next calls (per route or for any route) fail in a chosen
// way: a status code (with Retry-After), a delay, a dropped connection, an
// answer cut after its headers, a body tampered after signing, a stale
// timestamp, an unknown serial, no signature, or a probe signature.
// NewNotification and SendNotification make signed, encrypted notifications
// for webhook handlers, good or deliberately broken; EventNotification and
// SendEvent make them from the server's state for any known event;
// NewTestNotification makes one without a server. WithControlRoutes adds
// /sandbox/ routes that act as the user (pay, confirm) and send
// notifications, for clients in another process. Requests returns what the server received (the last 1000 by
// default, a few KiB of each authenticated body, 4 MiB in all; a request
// refused before authentication is kept without its body).
//
// The server stays bounded under abuse (wxpay sandbox is a server people
// leave running): slow headers, slow bodies and idle connections are cut
// off, a body over 8 MiB is refused before it is stored; WithLimits
// changes these bounds.
//
// Config returns the wechatpay.Config behind Client (MchID, Serial,
// PrivateKey, PlatformKeys, APIv3Key, BaseURL, HTTPClient, Now, and
// Validation catalog.Strict: the ready client checks every call against the
// API catalogue before sending it), so fields such as the retry timing, the
// clock or the logger can be changed before calling wechatpay.New. The
// server's own values are fields: URL, MchID (default 1900000001),
// MerchantSerial (40 upper-case hex digits), MerchantKey, PlatformKey,
// PlatformSerial (a PUB_KEY_ID_… by default) and APIv3Key (32 characters).
// Keys are generated once per process and shared by every server, so tests
// stay fast. TestPayscoreSyncWithSimulator in complete_test.go is a complete
// test to copy: retries through faults, a tampered answer, a business error
// and notifications.
//
// # What the simulator checks
//
// Every request is authenticated like the gateway does it, and refused with
// 401 SIGN_ERROR and detail.sign_information{method, url,
// sign_message_length, truncated_sign_message} when:
//
//   - the Authorization scheme is not WECHATPAY2-SHA256-RSA2048 or a field
//     (mchid, nonce_str, signature, timestamp, serial_no) is missing or
//     malformed (strict parsing);
//   - mchid is not MchID or serial_no is not MerchantSerial;
//   - the timestamp (Unix seconds) is more than ±300 s off the server clock
//     (WithNow);
//   - the nonce was seen before (nonces are remembered for the 5-minute
//     window only);
//   - the RSA-SHA256 signature over METHOD\nRequestURI\nTIMESTAMP\nNONCE\nBODY\n
//     does not match, computed over the raw request target as received and
//     the exact body, or over the meta JSON part of a multipart upload.
//
// A request that carries Wechatpay-Serial (encrypted fields) must name one
// of the platform keys, else 400 PARAM_ERROR with detail.location "header".
// Every answer, errors included, carries Request-ID and the
// Wechatpay-Timestamp/Nonce/Signature/Serial/Signature-Type headers, except
// the unsigned downloads (GET /v3/billdownload/file, the encrypted bills'
// download_url and GET /v3/merchant-service/images/{media_id}).
//
// # Built-in routes and fixtures
//
//	payscore      POST /v3/payscore/serviceorder
//	              GET  /v3/payscore/serviceorder?out_order_no=&service_id=&appid=
//	              POST /v3/payscore/serviceorder/{out_order_no}/modify, /complete, /cancel, /sync
//	              POST /v3/payscore/payafter-orders/{out_order_no}/sync (the seed call)
//	pay           POST /v3/pay/transactions/{jsapi,native,app,h5} (prepay_id / code_url / h5_url)
//	              GET  /v3/pay/transactions/id/{transaction_id}?mchid=
//	              GET  /v3/pay/transactions/out-trade-no/{out_trade_no}?mchid=
//	              POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close (204)
//	refunds       POST /v3/refund/domestic/refunds
//	              GET  /v3/refund/domestic/refunds/{out_refund_no}
//	bills         GET  /v3/bill/tradebill?bill_date=YYYY-MM-DD[&tar_type=GZIP] ({hash_type:"SHA1", hash_value, download_url})
//	              GET  /v3/billdownload/file?token=… (unsigned)
//	              GET  /v3/bill/sub-merchant-fundflowbill, /v3/ecommerce/bill/fundflowbill,
//	                   /v3/payscore/merchant-bill ({download_bill_count, download_bill_list})
//	              GET  /v3/bill/downloadurl?token=…, /v3/payscore/bill/downloadurl?token=… (unsigned, encrypted)
//	media         POST /v3/merchant/media/upload, /v3/merchant/media/video_upload,
//	                   /v3/marketing/favor/media/image-upload
//	              GET  /v3/merchant-service/images/{media_id} (unsigned)
//	certificates  GET  /v3/certificates in certificate mode (404 RESOURCE_NOT_EXISTS in public-key mode)
//
// Bodies are validated for the fields the real API requires; a missing or
// malformed field is 400 PARAM_ERROR with detail{field: "/amount/total",
// location: "body" or "query", issue}.
//
// Payscore orders follow the real state machine: create gives CREATED (or
// DOING/USER_CONFIRM with need_user_confirm false); ConfirmServiceOrder
// simulates the user's confirmation (DOING/USER_CONFIRM); complete gives
// DOING/MCH_COMPLETE (collection USER_PAYING); modify is allowed only then;
// sync Order_Paid gives DONE (collection USER_PAID); cancel from CREATED or
// USER_CONFIRM gives REVOKED; a CREATED order older than 30 days is EXPIRED.
// Impossible moves answer 400 INVALID_ORDER_STATE, ORDER_DONE or
// ORDER_CANCELED. A repeated identical request (a client retry) answers 200
// with the same body. Transactions: a second create with the same
// out_trade_no and other parameters is 403 OUT_TRADE_NO_USED; closing a paid
// order is 400 ORDERPAID; unknown orders are 404 ORDER_NOT_EXIST.
//
// Demo fixtures, restored by ResetFixtures (WithoutFixtures starts empty):
// the payscore order DemoOutOrderNo, 1234323JKHDFE1243252 (appid
// wxd678efh567hg6787, service_id 500001), in DOING/MCH_COMPLETE so that the
// seed's Order_Paid sync succeeds; the paid transaction DemoOutTradeNo,
// 1217752501201407033233368018 (100 fen); a trade bill for DemoBillDate,
// 2019-06-11. Add your own with PutServiceOrder, PutTransaction,
// PayTransaction (simulates the payer and returns the transaction_id) and
// SetBill; read state back with ServiceOrder and Transaction.
//
// Handle adds routes of your own, which go through the same authentication
// and signing; a user route replaces a built-in one with the same method and
// pattern. A Handler returns a status and a body: nil, []byte or string
// (sent as is) or any value (compact JSON). Request gives Param, Query,
// Body, Upload (multipart) and ResponseHeader; ParamError builds the
// gateway's 400 body.
//
//	srv.Handle("GET", "/v3/marketing/favor/stocks/{stock_id}", func(r *wechatpaytest.Request) (int, any) {
//		if r.Query.Get("stock_creator_mchid") == "" {
//			return 400, wechatpaytest.ParamError("query", "stock_creator_mchid", "required")
//		}
//		return 200, map[string]string{"stock_id": r.Param("stock_id"), "status": "running"}
//	})
//
// # Faults on demand
//
// Inject makes the next matching calls fail in a chosen way (see Fault):
// Route "" is any route, "/path" any method, a pattern or a concrete path;
// Times 0 is once, a negative number until ClearFaults. Faults apply only
// to authenticated requests, the first injected first used; PendingFaults
// tells how many are left.
//
//	Status, Body    answer the status with the gateway's code (429 FREQUENCY_LIMITED,
//	                500 SYSTEM_ERROR, 502/503/504 SERVICE_UNAVAILABLE, …) or Body
//	RetryAfter      adds Retry-After (whole seconds) to a Status answer
//	Delay           waits before answering (test timeouts); Close does not wait
//	                for it: a request still waiting is dropped
//	Drop            closes the connection without an answer
//	Cut             sends a 200's headers and one body byte, then closes
//	Tamper          changes the body after signing (on a download: flips the
//	                first byte, so the bill hash no longer matches)
//	StaleTimestamp  signs with a timestamp 10 minutes old
//	UnknownSerial   names a key nobody knows in Wechatpay-Serial
//	Unsigned        no Wechatpay-* headers
//	ProbeSignature  a WECHATPAY/SIGNTEST/… signature like WeChat Pay's probes
//
// What the library's client does with them: Status 5xx and 429, Drop and
// Cut are retried (twice by default, each attempt signed afresh), so a fault
// with Times below 3 is absorbed and the call succeeds (unless a RetryAfter
// longer than Config.RetryMaxWait ends the retries at once); only when every
// attempt fails (Times -1, or Config.DisableRetries) does the client return
// the answer as a *chain.APIError or, for Cut and Drop, the broken
// connection (Cut: an error wrapping io.ErrUnexpectedEOF). When net/http
// silently resends a dropped GET on a reused keep-alive connection, the
// client signs that resend again; a plain http.Client resends the old
// signature, which the simulator refuses as a replayed nonce (401
// SIGN_ERROR), as the gateway would. The signing faults are never retried:
// they are a *chain.VerifyError (2xx) or an unverified *chain.APIError.
// ExampleFault_cutAndDrop shows it.
//
// # Steering the answers
//
// Faults break the transport; outcomes make the gateway answer a business
// error. The request header OutcomeHeader (Wechatpay-Sandbox-Outcome:
// status=500, code=SYSTEM_ERROR; a code alone takes its status, a status
// alone its code) forces the answer of that one request. AddOutcomeRule
// does it for the next Times calls of a route ("POST
// /v3/refund/domestic/refunds", as Fault.Route). Either way the request is
// authenticated and validated first (against the API catalogue, so a
// malformed request gets its PARAM_ERROR, never the outcome), the forced
// answer is signed like any other and the handler is not called: no order
// or refund changes. The record shows it (RecordedRequest.Outcome).
//
// Magic values steer a test with no header at all (amounts in fen):
//
//	MagicTotalSystemError      5001  creating a payment of this amount.total answers 500 SYSTEM_ERROR, every time
//	MagicTotalPayError         4002  the payment is created, but paying it fails: trade_state PAYERROR
//	MagicTotalRefundNotEnough  4031  a refund with this amount.total is refused 403 NOT_ENOUGH
//
// The header wins over the rules, the rules over the magic values. From
// the wxpay CLI the header is an item: wxpay post v3/refund/domestic/refunds
// … 'Wechatpay-Sandbox-Outcome:code=NOT_ENOUGH'.
//
// # Business time
//
// BusinessTime is the server clock plus what Advance added: orders,
// refunds, transfers and bills are stamped and expire on it. Advance(2 *
// time.Hour) closes the unpaid transactions whose time_expire passed,
// expires payscore orders still CREATED after 30 days, and makes the
// trade bill of every business day that ended from that day's paid
// transactions. Request timestamps are checked, and answers and
// notifications signed, on the server clock (Now, WithNow), so clients'
// ±5 minute checks hold however far business time moved; delivery retries
// keep to the real clock too.
//
// Reset("") puts the server back as it started (every scenario's state
// with its fixtures, records, deliveries, outcome rules, faults, the
// business clock); Reset("transactions") resets one scenario (Scenarios
// lists the names).
//
// # Notifications
//
// NewNotification builds and SendNotification posts a notification as
// WeChat Pay sends it: {id, create_time, event_type,
// resource_type:"encrypt-resource", summary, resource{original_type,
// algorithm:"AEAD_AES_256_GCM", ciphertext, associated_data, nonce}}, the
// resource encrypted with APIv3Key (random 12-character nonce,
// associated_data the original type, e.g. transaction), signed with the
// current platform key. Options make broken ones for a handler's tests:
// NotifyTampered, NotifyStale, NotifyProbe, NotifyUnknownSerial,
// NotifyUnsigned, NotifyWrongAPIv3Key; and NotifyID, NotifyTime,
// NotifySummary, NotifyAssociatedData, NotifyOriginalType set fields.
//
// Deliver sends an event's notification the way the gateway does: in the
// background, at once, then again on DeliverySchedule (15 s, 15 s, 30 s,
// 3 min, … 6 h: 16 attempts over about 21 hours) until the receiver
// answers 200 or 204 (as the gateway, it takes no other status for
// success), each attempt signed afresh on the real clock and recorded
// with its time, status, error, the start of the answer and its duration
// (Deliveries, Delivery; Resend posts one again now). SetForwardURL sends
// every delivery to one URL instead of the notify_url (what `wxpay sandbox
// listen --forward-to` uses). Trigger runs a fixture of real, signed API
// calls and delivers its notification: TRANSACTION.SUCCESS creates a
// native payment and pays it as the user, REFUND.SUCCESS refunds one
// (TriggerEvents). Deliveries are kept to Limits.MaxDeliveries and
// MaxDeliveryAge; WithNotificationClient sets the HTTP client they use.
//
// # Admin JSON API
//
// AdminHandler serves everything above as JSON under AdminPrefix
// (/sandbox/admin/), for a CLI or a console in another process; WithAdmin
// serves it on the server's own address (wxpay sandbox does). Routes:
//
//	GET    records?after=SEQ&limit=N       {"records":[{seq,time,method,uri,pattern,status,duration_ms,authenticated,
//	                                        request_id,header,body,body_size,truncated,notes,outcome}],"revision"}
//	                                        (oldest first after SEQ; limit 100 by default, at most 1000)
//	DELETE records
//	GET    notifications                   {"notifications":[{id,event_type,object_id,url,state,created,next_attempt,
//	                                        attempts:[{time,status,error,response,duration_ms,resend}]}]}
//	GET    notifications/{id}              one of them
//	POST   notifications                   {"event_type","id","url"} → 202, Deliver
//	POST   notifications/{id}/resend       → the attempt, Resend
//	GET    rules                           {"rules":[{id,route,times,left,status,code,message}]}
//	POST   rules                           {route,times,status,code,message} → 201, AddOutcomeRule
//	DELETE rules, rules/{id}
//	GET    clock                           {"now","real","offset":"2h0m0s","offset_seconds"}
//	POST   clock/advance                   {"duration":"2h"} → the clock, Advance
//	GET    scenarios                       {"scenarios":[…]}
//	POST   reset                           {"scenario":""} → 204, Reset
//	GET    faults                          {"faults":[{route,times,status,body,retry_after,delay,drop,cut,tamper,…}]}
//	POST   faults                          one fault → 201, Inject
//	DELETE faults
//	POST   trigger                         {"event_type","url","id","total"} → {event_type,object_id,calls,delivery}
//	GET    events                          {"event_types":[…],"triggers":[…]}
//	GET    forward, PUT forward {"url"}, DELETE forward
//	GET    changes?since=REV&wait=25s      {"revision"} once it passes since (a long poll; Changed in Go)
//
// It listens where the server does: on loopback it needs no token but
// refuses a Host that is not a loopback name (DNS rebinding); on another
// address, or with WithAdminToken, every request needs "Authorization:
// Bearer TOKEN" (AdminToken; wxpay sandbox prints it). A request a browser
// marks cross-site (Sec-Fetch-Site, or an Origin other than the Host) is
// refused with 403, bodies are application/json of at most 64 KiB with no
// unknown member, and errors are {"error":"sandbox admin: …"}. Secrets are
// masked: a record's Authorization shows no signature.
//
// # Bills, uploads and images
//
// GET /v3/bill/tradebill answers hash_value, the SHA-1 of the uncompressed
// bill, and a download_url on the simulator. The download is unsigned and
// gzip-compressed only when the bill request asked for tar_type=GZIP. For
// benchmarks, SetBillSource with SyntheticBill(size) serves bills generated
// on demand and never held in memory (deterministic; the SHA-1 is computed
// once per size). Bills worth reading as records (byte-order mark,
// backticks, escaped line breaks, a summary that matches the rows) come from
// GeneratedBill(typ, rows) for trade ALL/SUCCESS/REFUND, fund and
// profit-sharing bills; SetBillSourceFor(typ, date, src) serves them from
// v3/bill/tradebill?bill_type=…, v3/bill/fundflowbill and
// v3/profitsharing/bills.
//
// Encrypted bills: SetSubMerchantBill(subMchID, accountType, date, src)
// serves a sub-merchant's fund bill at v3/bill/sub-merchant-fundflowbill
// (with subMchID "" and accountType "ALL", the e-commerce platform's at
// v3/ecommerce/bill/fundflowbill), SetPayscoreBill(serviceID, date, src) a
// payscore bill at v3/payscore/merchant-bill. The answer lists the bill's
// parts (SetBillPartSize, DefaultBillPartSize) in download_bill_list: each
// downloads, unsigned, as the AES-256-GCM ciphertext‖tag of its bytes
// (gzip-compressed first with tar_type=GZIP; no associated data; the
// entry's nonce string is the nonce), its encrypt_key is the part's key
// RSA-OAEP-encrypted under the merchant public key, its hash_value the
// SHA-1 of its uncompressed bytes. The parts are generated and encrypted as
// they stream: a bill of any size is served in bounded memory. SM4_GCM is
// refused (400 PARAM_ERROR naming algorithm).
//
// Uploads are multipart (meta + file); the signature covers the meta JSON,
// and meta.sha256 must equal the file's SHA-256 (else 400 PARAM_ERROR).
// Media ids look like the real base64 ids and always contain "/", "+" and
// "=", so GET /v3/merchant-service/images/{media_id} finds the image only
// when the client escapes the id as one path segment ("/" as %2F).
//
// # Certificate mode and rotation
//
// WithCertificateMode signs with a platform certificate (its serial in
// Wechatpay-Serial) and serves GET /v3/certificates, each certificate
// encrypted with the APIv3 key (associated_data "certificate"). A rotation
// with overlap:
//
//	next, _ := srv.AddPlatformKey() // listed by /v3/certificates; answers still signed by the old key
//	_ = srv.UsePlatformKey(next)    // answers now signed by the new key
//	_ = srv.RemovePlatformKey(old)  // end of the overlap
//
// PlatformKeys returns every key the server may sign with (what a client's
// key store must hold), SigningSerial the current one.
//
// # Records and other options
//
// Requests returns what the server received (method, raw URI, headers, a
// body copy, the RequestID it answered with) for the last 1000 requests
// (WithRecordLimit, Limits.MaxRecordAge), refused ones included, each with
// its Seq, the Pattern it matched, the Status and Duration of the answer
// and any forced Outcome; RequestsAfter copies only the newer ones,
// MaskedHeader hides the signatures, Changed and Revision tell a console
// when to look again; ResetRequests clears them. Other
// options: WithMchID, WithMerchantKey(key, serial), WithPlatformKey(key,
// serial), WithAPIv3Key, WithNow (timestamp window, answer stamps, order
// expiry), WithTLS, and WithAddr("127.0.0.1:8080") or WithListener to serve
// on a fixed address (URL and the bills' download_url name it). wxpay
// sandbox runs this server as a standalone process.
//
// # Cost
//
// A signed, verified round trip through the simulator (client signing,
// server authentication and signing, client verification) costs about
// 1.5 ms on a shared 2-core machine (BenchmarkSeedCall); a synthetic bill
// streams at about 3 GB/s (BenchmarkSyntheticBill).
package wechatpaytest
