package notify

import (
	"fmt"
	"maps"

	"github.com/chainpay-go/wechatpay/internal/v2xml"
	"github.com/chainpay-go/wechatpay/signer"
)

// GenerateV2Payment returns the body of an APIv2 payment result callback as
// WeChat Pay would POST it, for testing a PaymentHandler without the
// simulator (as stripe-go's webhook.GenerateTestSignedPayload does for
// Stripe): fields, with return_code and result_code "SUCCESS" and a fresh
// nonce_str added where absent, signed with apiv2Key under
// fields["sign_type"] (MD5 when absent). A sign in fields is replaced;
// fields itself is not changed.
func GenerateV2Payment(fields map[string]string, apiv2Key string) ([]byte, error) {
	m, err := withV2Defaults(fields, "return_code", "result_code")
	if err != nil {
		return nil, err
	}
	delete(m, signer.FieldSign)
	sign, err := signer.SignV2(m, apiv2Key, m["sign_type"])
	if err != nil {
		return nil, fmt.Errorf("notify: GenerateV2Payment: %w", err)
	}
	m[signer.FieldSign] = sign
	return encodeV2("GenerateV2Payment", "xml", m)
}

// GenerateV2Refund returns the body of an APIv2 refund result callback, for
// testing a RefundHandler: info (out_refund_no, refund_status, …) as a
// <root>…</root> document encrypted into req_info with apiv2Key (see
// signer.EncryptReqInfo), beside fields (appid, mch_id, …) with return_code
// "SUCCESS" and a fresh nonce_str added where absent. A req_info in fields is
// replaced; neither map is changed.
func GenerateV2Refund(fields, info map[string]string, apiv2Key string) ([]byte, error) {
	m, err := withV2Defaults(fields, "return_code")
	if err != nil {
		return nil, err
	}
	plain, err := encodeV2("GenerateV2Refund", "root", info)
	if err != nil {
		return nil, err
	}
	if m["req_info"], err = signer.EncryptReqInfo(apiv2Key, plain); err != nil {
		return nil, fmt.Errorf("notify: GenerateV2Refund: %w", err)
	}
	return encodeV2("GenerateV2Refund", "xml", m)
}

// withV2Defaults copies fields, adding a nonce_str and the given codes as
// "SUCCESS" where absent.
func withV2Defaults(fields map[string]string, codes ...string) (map[string]string, error) {
	m := maps.Clone(fields)
	if m == nil {
		m = map[string]string{}
	}
	for _, code := range codes {
		if _, ok := m[code]; !ok {
			m[code] = "SUCCESS"
		}
	}
	if _, ok := m["nonce_str"]; !ok {
		nonce, err := signer.NewNonce()
		if err != nil {
			return nil, fmt.Errorf("notify: %w", err)
		}
		m["nonce_str"] = nonce
	}
	return m, nil
}

func encodeV2(fn, root string, fields map[string]string) ([]byte, error) {
	b, err := v2xml.EncodeRoot(root, fields)
	if err != nil {
		return nil, fmt.Errorf("notify: %s: %w", fn, err)
	}
	return b, nil
}
