package chain_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// A service provider's encrypted fund bill of a sub-merchant, in three
// gzip parts: ask for the list, then download, decrypt, decompress and
// check every part, in order.
func ExampleClient_DownloadEncryptedBill() {
	ctx := context.Background()
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	bill := wechatpaytest.GeneratedBill(wechatpaytest.BillFund, 100) // 16,334 bytes
	srv.SetSubMerchantBill("1900000109", "BASIC", "2026-11-27", bill)
	srv.SetBillPartSize(6000)
	client := srv.Client() // in production: wechatpay.New(wechatpay.Config{...}) with the merchant PrivateKey

	resp, err := client.Chain("v3/bill/sub-merchant-fundflowbill").Get(ctx, chain.O{"query": map[string]any{
		"sub_mchid": "1900000109", "bill_date": "2026-11-27", "account_type": "BASIC",
		"algorithm": "AEAD_AES_256_GCM", "tar_type": "GZIP",
	}})
	if err != nil {
		log.Fatal(err)
	}
	list, err := chain.ParseEncryptedBillList(resp.Body)
	if err != nil {
		log.Fatal(err)
	}
	var csv bytes.Buffer // a file: DownloadEncryptedBillToFile, which never leaves a bad bill behind
	res, err := client.DownloadEncryptedBill(ctx, list, &csv)
	if err != nil {
		log.Fatal(err) // and discard csv: it may hold part of the bill
	}
	for i, part := range res.Parts {
		fmt.Printf("part %d: %d bytes, gzip %v, %s matches\n", i+1, part.Written, part.Gunzipped, part.HashType)
	}
	original, _ := io.ReadAll(bill.Open())
	fmt.Println("the bill:", bytes.Equal(csv.Bytes(), original))

	// A part changed on the way fails its AES-GCM tag: the error names it.
	srv.Inject(wechatpaytest.Fault{Route: "GET /v3/bill/downloadurl", Tamper: true})
	resp, _ = client.Chain("v3/bill/sub-merchant-fundflowbill").Get(ctx, chain.O{"query": map[string]any{
		"sub_mchid": "1900000109", "bill_date": "2026-11-27", "account_type": "BASIC", "algorithm": "AEAD_AES_256_GCM",
	}})
	list, _ = chain.ParseEncryptedBillList(resp.Body)
	_, err = client.DownloadEncryptedBill(ctx, list, io.Discard)
	var pe *chain.BillPartError
	fmt.Println(errors.Is(err, chain.ErrDecrypt), errors.As(err, &pe) && pe.Sequence == 1)
	// Output:
	// part 1: 6000 bytes, gzip true, SHA1 matches
	// part 2: 6000 bytes, gzip true, SHA1 matches
	// part 3: 4334 bytes, gzip true, SHA1 matches
	// the bill: true
	// true true
}
