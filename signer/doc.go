// Package signer implements the cryptography of WeChat Pay APIv3: loading merchant
// and platform keys, signing requests (the Authorization header), verifying the
// signatures WeChat Pay puts on its answers and notifications, AES-256-GCM for
// notification and certificate payloads, RSA-OAEP for sensitive fields, and the
// pay-sign values that JSAPI / mini program and APP front ends need.
//
// The package never makes HTTP calls. It uses net/http only for the http.Header type.
//
// Keys are parsed once and then reused: LoadPrivateKey, LoadPublicKey and
// LoadCertificate read a file path; ParsePrivateKey, ParsePublicKey and
// ParseCertificate take the PEM (or DER) bytes. Signing and verification never parse keys per call. Errors never contain
// key material, the APIv3 key, plaintext of sensitive fields or signatures.
//
// Sensitive fields use RSA-OAEP (SHA-1, MGF1-SHA-1), as WeChat Pay APIv3 does:
// EncryptOAEP and DecryptOAEP. PKCS#1 v1.5 encryption is deliberately not provided.
// (PKCS#1 v1.5 *signatures* over SHA-256 are what APIv3 uses for signing, and are of
// course supported.)
package signer
