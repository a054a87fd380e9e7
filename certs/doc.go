// Package certs downloads WeChat Pay platform certificates and keeps them
// fresh in a client's live key store.
//
// Merchants that joined before WeChat Pay's public-key mode verify answers
// and notifications with platform certificates, which WeChat Pay rotates:
// a new certificate appears while the old one is still valid, and the old one
// expires later. One verb per job:
//
//   - Download sends GET /v3/certificates through a chain client, verifies the
//     answer and decrypts every certificate with the client's APIv3 key
//     (chain.Client.APIv3Key()); it changes no key store.
//   - Parse decodes such an answer body you already have.
//   - Install puts a list into a key store (adds the valid ones, removes the
//     expired ones it knows).
//   - Update is Download then Install into the client's own key store
//     (chain.Client.KeyStore()), which a notify.Parser built with
//     notify.NewParserFromClient shares.
//   - A Refresher runs Update for many merchants on a schedule.
//
// # The bootstrap rule
//
// The answer of /v3/certificates is signed with one of the certificates it
// carries. When the client's store already knows the signing serial, the
// client verifies the answer as usual. When it does not (first download, or
// after a rotation), the chain client returns a *chain.VerifyError wrapping
// signer.ErrUnknownSerial; Download then verifies the very same raw headers
// and body against a temporary store of the carried certificates and accepts
// the answer only if that succeeds. Any other verification failure (bad
// signature, stale timestamp, probe) is refused.
//
// # Rotation
//
// A Refresher renews the certificates of many merchants with a single
// goroutine and a single timer: merchants wait in a heap ordered by their
// next due time. It refreshes every merchant on an interval and, rate-limited
// (at most once per MinGap per merchant), at once when Trigger reports an
// unknown serial (wire it to notify.WithUnknownSerial with OnUnknownSerial).
// A refresh first adds the new certificates, then removes only certificates
// whose expire_time has passed; it never removes any other key (such as a
// PUB_KEY_ID_… public key or a key you configured), and never empties the
// store, so every key that verified before a refresh still verifies after it
// until its certificate expires.
//
// # Public-key mode
//
// Merchants in WeChat Pay public-key mode have no platform certificates: the
// gateway answers 404 RESOURCE_NOT_EXISTS or an empty data list. Download
// then returns ErrNoCertificates; their PUB_KEY_ID_… key keeps working and
// nothing needs refreshing. A store may hold both kinds during a migration.
package certs
