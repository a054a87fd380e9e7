package wechatpaytest_test

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// A service provider's encrypted fund bill of one sub-merchant, in three
// parts: list them, download each (a signed request, an unsigned answer),
// decrypt its key with the merchant key and the part with AES-256-GCM,
// check its SHA-1, and join the parts in order.
func ExampleServer_SetSubMerchantBill() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	bill := wechatpaytest.GeneratedBill(wechatpaytest.BillFund, 100)
	srv.SetSubMerchantBill("1900000109", "BASIC", "2026-11-27", bill)
	srv.SetBillPartSize(6000) // 16,334 bytes of bill: three parts

	ctx := context.Background()
	resp, err := srv.Client().Chain("v3/bill/sub-merchant-fundflowbill").Get(ctx, chain.O{"query": map[string]any{
		"sub_mchid": "1900000109", "bill_date": "2026-11-27", "account_type": "BASIC", "algorithm": "AEAD_AES_256_GCM",
	}})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println("parts:", resp.Get("download_bill_count").Int())

	sg, _ := signer.NewRSASigner(srv.MerchantKey)
	auth := &signer.Authorizer{MchID: srv.MchID, Serial: srv.MerchantSerial, Signer: sg}
	var whole []byte
	for _, part := range resp.Get("download_bill_list").Array() {
		file, err := download(ctx, srv, auth, part.Get("download_url").String())
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		key, err := signer.DecryptOAEP(srv.MerchantKey, part.Get("encrypt_key").String())
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		block, _ := aes.NewCipher([]byte(key))
		nonce := part.Get("nonce").String()
		aead, _ := cipher.NewGCMWithNonceSize(block, len(nonce))
		plain, err := aead.Open(nil, []byte(nonce), file, nil)
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		sum := sha1.Sum(plain)
		fmt.Println(part.Get("bill_sequence").Int(), hex.EncodeToString(sum[:]) == part.Get("hash_value").String())
		whole = append(whole, plain...)
	}
	original, _ := io.ReadAll(bill.Open())
	fmt.Println("the parts make the bill:", bytes.Equal(whole, original))
	// Output:
	// parts: 3
	// 1 true
	// 2 true
	// 3 true
	// the parts make the bill: true
}

// download GETs a part with a signed request; the answer is not signed.
func download(ctx context.Context, srv *wechatpaytest.Server, auth *signer.Authorizer, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	authz, err := auth.Authorize(ctx, http.MethodGet, req.URL.RequestURI(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", authz)
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download: %s", resp.Status)
	}
	return io.ReadAll(resp.Body)
}
