// Package redisstore shares platform certificates and rate limits between
// instances of a service through Redis, for package merchants. It is a
// module of its own, so that the library does not depend on a Redis
// client.
//
// Store is a merchants.Store: it holds, per merchant, the signed and still
// encrypted answer of GET /v3/certificates and a refresh lock that expires.
// Nothing secret is ever written: no private key, no APIv3 key, no APIv2
// key; every instance verifies what it reads (package merchants).
//
// Limiter is a merchants.Limiter shared by every instance (GCRA in one Lua
// script, timed by the Redis server's clock). When Redis fails, it logs a
// warning and limits this instance alone, with the same rate.
//
// A Redis that is down or answers garbage never stops a call: the Registry
// and the Limiter go on with what this instance holds.
package redisstore
