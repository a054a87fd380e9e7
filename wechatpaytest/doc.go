// Package wechatpaytest runs a loopback WeChat Pay APIv3 gateway for tests and
// demos, in the spirit of net/http/httptest.
//
// NewServer starts a server on 127.0.0.1 that authenticates every request as
// strictly as the real gateway (Authorization scheme and fields, merchant id,
// merchant serial, a timestamp within ±300 s, a nonce never seen before, and
// the RSA signature over the raw request target and body, or over the meta
// JSON of an upload) and signs every answer with its platform key, errors
// included. Failures answer 401 SIGN_ERROR with detail.sign_information like
// the gateway does.
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
// Keys are generated once per process and shared by every server, so tests
// stay fast; Config and Client give a ready configuration and client for the
// library, which checks every call against the API catalogue in Strict mode
// (package catalog) before sending it.
package wechatpaytest
