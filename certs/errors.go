package certs

import "errors"

// ErrNoCertificates means WeChat Pay has no platform certificate for the
// merchant (404 RESOURCE_NOT_EXISTS or an empty data list): the merchant uses
// WeChat Pay public-key mode, whose PUB_KEY_ID_… key keeps verifying; there
// is nothing to download or refresh.
var ErrNoCertificates = errors.New("certs: no platform certificates: the merchant uses WeChat Pay public-key mode; its PUB_KEY_ID_… public key keeps working and needs no download")

// ErrBootstrap means the /v3/certificates answer is not signed by any of the
// certificates it carries (nor by a key already trusted): it is refused.
var ErrBootstrap = errors.New("certs: certificate list is not signed by any certificate it carries")

// ErrInvalidCertificate means an entry of the certificate list is unusable:
// an unknown encryption algorithm, a PEM that does not parse, a serial_no
// that does not match the certificate, a non-RSA key or bad times.
var ErrInvalidCertificate = errors.New("certs: invalid platform certificate")

// ErrAllExpired means every downloaded certificate has expired.
var ErrAllExpired = errors.New("certs: every downloaded platform certificate has expired")

// ErrUnknownMerchant means a Refresher does not serve the given merchant id.
var ErrUnknownMerchant = errors.New("certs: merchant not registered with the refresher")
