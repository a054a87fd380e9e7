package chain

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"github.com/chainpay-go/wechatpay/catalog"
	"github.com/chainpay-go/wechatpay/signer"
)

// v2Upload returns the APIv2 multipart operation of the catalogue at
// template (v2/secapi/mch/uploadmedia), or false.
func v2Upload(template string) (catalog.Operation, bool) {
	if !strings.HasPrefix(template, "v2/") {
		return catalog.Operation{}, false // every other upload: no lookup
	}
	op, ok := catalog.Lookup(http.MethodPost, template)
	return op, ok && op.Encoding == catalog.EncodingMultipart
}

// buildV2Upload fills r for an APIv2 upload ("media" on
// v2/secapi/mch/uploadmedia): a multipart form of mch_id, media_hash (the
// hex MD5 of the file), sign_type HMAC-SHA256 and sign over those three,
// then the file in the part named media. The operation needs the merchant
// API certificate (mutual TLS). It returns the Content-Type, and the
// problems (nothing is sent then).
func (c *Client) buildV2Upload(r *request, op catalog.Operation, u *Upload) (string, []error) {
	var probs []error
	if c.apiv2Key == "" {
		probs = append(probs, ErrNoAPIv2Key)
	}
	if op.CertRequired && !c.clientCert {
		probs = append(probs, ErrClientCertificateRequired)
	}
	if len(u.meta) > 0 {
		probs = append(probs, fmt.Errorf("%q: an APIv2 upload carries no meta: drop WithMeta", keyMedia))
	}
	name, mt, data, err := u.content()
	if err != nil {
		probs = append(probs, err)
	}
	if len(probs) > 0 {
		return "", probs
	}
	sum := md5.Sum(data)
	fields := map[string]string{"mch_id": c.mchID, "media_hash": hex.EncodeToString(sum[:]), "sign_type": signer.SignTypeHMACSHA256}
	sign, err := signer.SignV2(fields, c.apiv2Key, fields["sign_type"])
	if err != nil {
		return "", []error{fmt.Errorf("%q: %w", keyMedia, err)}
	}
	fields[signer.FieldSign] = sign

	var buf bytes.Buffer
	buf.Grow(len(data) + 1024)
	mw := newMultipartWriter(&buf)
	for _, k := range []string{"mch_id", "media_hash", "sign_type", signer.FieldSign} {
		_ = mw.WriteField(k, fields[k])
	}
	if err := writeFilePart(mw, "media", name, mt.contentType, data); err != nil {
		return "", []error{err}
	}
	if err := mw.Close(); err != nil {
		return "", []error{err}
	}
	r.body = buf.Bytes()
	r.path = strings.TrimPrefix(r.path, "v2/")
	r.v2 = &v2Call{signType: fields["sign_type"], signed: true}
	return mw.FormDataContentType(), nil
}
