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
