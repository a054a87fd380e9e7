// Package merchants serves many merchants from one process: a Registry of
// clients keyed by merchant id (mchid), one notification endpoint for all of
// them, platform certificates shared across instances through a Store, and
// optional rate limits per merchant or per merchant and operation.
//
// Layout: merchants sits above chain, certs and notify and imports them;
// nothing in the library imports merchants. The Redis store and the shared
// limiter live in their own module (redisstore), so the library's go.mod
// does not pull in a Redis client.
//
// # Registry
//
// Put adds or replaces a merchant (a key rotation needs no restart); Remove
// drops it. Client returns the merchant's current client: a call made with
// it finishes with that configuration even if the merchant is replaced or
// removed meanwhile. All clients share one http.Transport, so one
// connection pool serves every merchant.
//
// # Platform certificates
//
// A merchant configured with an APIv3 key and without a WeChat Pay public
// key (PUB_KEY_ID_…) gets its platform certificates lazily: nothing is
// fetched by Put. The first Client call downloads them (it must: no answer
// verifies without them); later calls start a background refresh once the
// certificates are older than the refresh interval, shortened by a random
// jitter so that merchants added together spread out. Remove cancels a
// refresh in flight and nothing refreshes the merchant afterwards.
//
// Every certificate list, downloaded or read from the Store, is checked the
// same way before use: it must be signed (Wechatpay-Signature) by a key the
// merchant trusts or by one of the certificates it carries, and each
// certificate must decrypt with the merchant's own APIv3 key (AEAD: only
// WeChat Pay and the merchant hold it). A Store therefore holds only the
// signed, encrypted answer of GET /v3/certificates: never a private key, an
// APIv3 key or an APIv2 key, and a forged entry cannot add a key.
//
// When the Store fails or answers garbage, the Registry logs a warning and
// goes on alone, as if there were no Store: payments never wait on it.
//
// # Rate limits
//
// Config.Limiter, if set, is asked before every attempt of every call
// (Limiter.Wait, bounded by the call's context). The key is the mchid, or
// "mchid METHOD template" with Config.LimitPerOperation. NewLocalLimiter is
// the in-process limiter (golang.org/x/time/rate); redisstore.Limiter is
// shared by all instances.
//
// What happens when WeChat Pay still answers 429 (or an error with the code
// FREQUENCY_LIMITED or RATELIMIT_EXCEED) is package chain's rule: a GET (a
// query, safe to repeat) is retried within MaxRetries and the call's
// deadline, honouring Retry-After; any other method returns the
// *chain.APIError at once.
package merchants
