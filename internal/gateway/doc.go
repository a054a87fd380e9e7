// Package gateway holds the gateway's side of the WeChat Pay APIv3
// protocol, which only the simulator (wechatpaytest) and the module's
// tests need: parsing a request's Authorization header as the gateway
// does, signing an answer's Wechatpay-* headers, and encrypting a
// resource (a notification, a platform certificate) with the APIv3 key.
// A client never does these; package signer keeps the client's side.
package gateway
