// Package signer implements the cryptography of WeChat Pay APIv3: loading merchant
// and platform keys, signing requests (the Authorization header), verifying the
// signatures WeChat Pay puts on its answers and notifications, AES-256-GCM for
// notification and certificate payloads, RSA-OAEP for sensitive fields, and the
// pay-sign values that JSAPI / mini program and APP front ends need. It also
// holds the APIv2 signatures and req_info decryption (see "APIv2" below).
//
// The package never makes HTTP calls. It uses net/http only for the http.Header type.
//
// Keys are parsed once and then reused: LoadPrivateKey, LoadPublicKey and
// LoadCertificate read a file path; ParsePrivateKey, ParsePublicKey and
// ParseCertificate take the PEM (or DER) bytes. Signing and verification never parse keys per call. Errors never contain
// key material, the APIv3 key, plaintext of sensitive fields or signatures.
//
// # Keys and serials
//
// Private keys may be PKCS#8 or PKCS#1; public keys SPKI ("PUBLIC KEY", what
// WeChat Pay's public-key mode hands out), "RSA PUBLIC KEY" or a platform
// certificate ("CERTIFICATE"). Errors say which forms were tried and why
// each failed, never printing the key: ErrNotRSA for a non-RSA key,
// ErrKeyTooSmall under 2048 bits, ErrNoKey for anything unreadable; an
// encrypted PEM key is refused with a hint (openssl pkcs8 -in key.pem
// -nocrypt -out plain.pem). CertificateSerial reads the serial of
// apiclient_cert.pem in upper-case hex, leading zeros kept.
//
// The merchant serial must be hex. NormalizeSerial trims and upper-cases it
// (a PUB_KEY_ID_… too, whatever the case of the prefix) and refuses a
// decimal serial, as some tools print it, with ErrDecimalSerial and the hex
// form in the message. CheckMerchantSerial refuses a merchant serial that
// appears among the platform keys (ErrSerialIsPlatformKey): the merchant
// serial is the one of your own apiclient_cert.pem, never WeChat Pay's.
// wechatpay.New runs both.
//
// Key handling: load keys from files or a secret store at start-up, keep
// them out of the repository and out of environment dumps, and prefer a
// Signer backed by a KMS or HSM where there is one: the library never needs
// the private key bytes then.
//
// # Signing
//
// Signer is one method, Sign(ctx, message) returning the base64 signature;
// NewRSASigner is the local implementation (RSA PKCS#1 v1.5 over SHA-256,
// the key checked once), and a KMS or HSM plugs in through the same
// interface (wechatpay.Config.Signer):
//
//	type kmsSigner struct{ client *mykms.Client; keyID string }
//
//	func (k kmsSigner) Sign(ctx context.Context, msg []byte) (string, error) {
//		sum := sha256.Sum256(msg)
//		sig, err := k.client.SignPKCS1v15SHA256(ctx, k.keyID, sum[:]) // your KMS call
//		if err != nil {
//			return "", err
//		}
//		return base64.StdEncoding.EncodeToString(sig), nil
//	}
//
// An Authorizer (MchID, Serial, Signer) makes the Authorization header,
// WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…",
// over BuildMessage's METHOD\nREQUEST_TARGET\nTIMESTAMP\nNONCE\nBODY\n.
// REQUEST_TARGET must be the path and query exactly as sent
// (URL.RequestURI()), BODY the exact bytes sent. Every call draws a fresh
// 32-character nonce (crypto/rand, no modulo bias) and timestamp, so every
// retry must be signed again; Authorizer.Now and Authorizer.Rand fix them in
// tests. ParseAuthorization parses a header strictly (the simulator uses it).
//
// # Verifying
//
// A KeyStore maps serial to WeChat Pay public key (platform certificate
// serials and/or a PUB_KEY_ID_…). It is copy-on-write: Replace, Add and
// Remove swap an immutable map atomically, so a rotation never leaves a
// moment where it is empty, and reads take no lock. A Verifier checks the
// Wechatpay-* headers and the signature over the raw body bytes (never
// re-serialised JSON), within Window (0: DefaultWindow, ±5 min); a failure
// is a *SignatureError (Timestamp, Nonce, Serial, Detail) wrapping one
// sentinel: ErrMissingHeader (the header named in the message),
// ErrTimestampSkew, ErrUnknownSerial (the message lists the known serials:
// refresh the certificates), ErrProbeSignature (WeChat Pay's
// WECHATPAY/SIGNTEST/ probes: rejecting them is right) or ErrBadSignature
// (forged or altered, also a nonce holding a line break).
//
// Whether an answer is signed at all is decided from the request alone:
// VerificationFor(method, path) returns VerifyNone for the file downloads
// (GET /v3/billdownload/file, /v3/merchant-service/images/{media_id} and its
// /v3/global/… variant, /v3/new-tax-control-fapiao/download,
// /v3/transferdownload/elecvoucherfile, /v3/transferdownload/signfile),
// VerifyStatementSHA1 for /v3/statements, /v3/global/statements and
// /hk/v3/statements, and VerifyBody for everything else. Segments match
// exactly: /v3/billdownload/file-evil is VerifyBody, and so is an image path
// hiding a dot segment behind %2F. Verifier.VerifyResponse applies that
// decision; for a streamed statement, VerifyStatement returns the signed
// SHA-1 to compare with the hashed stream.
//
// # Encryption and pay-sign
//
// DecryptAESGCM opens notification and certificate resources;
// ErrAPIv3Key ("AES-GCM authentication failed: the APIv3 key is probably
// wrong") and ErrAPIv3KeyLength (not the 32-character key from the merchant
// platform) never print the key. EncryptOAEP refuses a key under 2048 bits
// (ErrKeyTooSmall).
//
// SignJSAPI gives the JSAPI / mini program parameters {appId, timeStamp,
// nonceStr, package "prepay_id=…", signType "RSA", paySign}; SignAPP the APP
// ones {appid, partnerid, prepayid, package "Sign=WXPay", noncestr,
// timestamp, sign}. Pass the bare prepay_id, not "prepay_id=…"; WithNow and
// WithRand make both deterministic in tests.
//
// # Cost
//
// On a shared 2-core machine (AMD EPYC, Go 1.26, 2048-bit keys, 400-byte
// body): BenchmarkSign ≈ 713 µs/op (a whole Authorize), BenchmarkVerify
// ≈ 24.5 µs/op (a whole Verify). Without the RSA operation, nonce, message
// and header (BenchmarkBuildMessageAndHeader) cost ≈ 0.9 µs/op, about 0.12 %
// of signing, and Verify's header checks, key lookup and message
// (BenchmarkVerifyOverhead) ≈ 0.25 µs/op, about 1 % of verifying.
//
// # APIv2
//
// APIv2 (the XML protocol still used by red packets, transfers to balance and
// bank cards, micropay, deposits and the v2 bills) signs with the merchant's
// 32-character APIv2 key rather than RSA (CheckAPIv2Key,
// ErrAPIv2KeyLength):
//
//   - SignV2 / VerifyV2: take every field with a non-empty value except
//     sign; sort the names by ASCII; join as k=v&k2=v2 (values as they are,
//     unescaped); append &key=APIv2_KEY; hash with MD5 (sign_type MD5, the
//     default) or HMAC-SHA256 keyed with the APIv2 key (sign_type
//     HMAC-SHA256); the hex digest in upper case goes in sign. Every call
//     also carries nonce_str (at most 32 characters; NewNonce makes 32). An
//     answer that carries sign must verify with the algorithm of its
//     request; some answers carry none (red packets, transfers, bill
//     downloads). VerifyV2 compares in constant time.
//   - SignJSAPIV2: the front-end paySign for a v2 prepay_id is the same
//     signature over exactly appId, timeStamp, nonceStr, package
//     ("prepay_id=…") and signType.
//   - DecryptReqInfo: a refund callback's req_info is base64 of AES-256-ECB
//     with PKCS#7 padding under the 32 lower-case hex characters of
//     MD5(APIv2 key); it decrypts to an XML document. ECB has no tag: a
//     wrong key shows as bad padding (ErrAPIv2Key) almost always, not
//     always, so callers check that the result parses.
//
// The XML bodies themselves are read and written by the module's
// internal/v2xml package (chain and notify use it); signer works on the
// fields as a map[string]string.
//
// Sensitive fields use RSA-OAEP (SHA-1, MGF1-SHA-1), as WeChat Pay APIv3 does:
// EncryptOAEP and DecryptOAEP. PKCS#1 v1.5 encryption is deliberately not provided.
// (PKCS#1 v1.5 *signatures* over SHA-256 are what APIv3 uses for signing, and are of
// course supported.)
package signer
