package chain_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// ExampleClient_DownloadBill runs the files section of the package doc
// against the simulator: an upload, the image back, and a bill download.
func ExampleClient_DownloadBill() {
	ctx := context.Background()
	srv := wechatpaytest.NewServer() // loopback WeChat Pay gateway
	defer srv.Close()
	client := srv.Client() // in production: wechatpay.New(wechatpay.Config{...})

	// Upload: the meta part {"filename","sha256"} is built and signed for you.
	logoPNG := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 1024)...) // your image bytes
	resp, err := client.Chain("v3/merchant/media/upload").Post(ctx, chain.O{
		"media": chain.Media("logo.png", bytes.NewReader(logoPNG)), // or chain.File("logo.png")
	})
	if err != nil {
		log.Fatal(err)
	}
	mediaID := resp.Get("media_id").String() // contains '/', '+' and '='

	// The image back, streamed; the id goes out as ONE %-encoded path segment.
	var img bytes.Buffer
	if _, err := client.DownloadImage(ctx, mediaID, &img); err != nil {
		log.Fatal(err)
	}
	fmt.Println("image round trip:", bytes.Equal(img.Bytes(), logoPNG))

	// Bill: ask for it, then download it, decompress it and check its SHA-1.
	resp, err = client.Chain("v3/bill/tradebill").Get(ctx, chain.O{
		"query": map[string]any{"bill_date": wechatpaytest.DemoBillDate, "tar_type": "GZIP"},
	})
	if err != nil {
		log.Fatal(err)
	}
	bill, err := chain.ParseBillInfo(resp.Body) // download_url, hash_type, hash_value
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "bills")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "tradebill-"+wechatpaytest.DemoBillDate+".csv")
	res, err := client.DownloadBillToFile(ctx, bill, path,
		chain.WithProgress(func(received, total int64) { /* update a progress bar */ }))
	if err != nil {
		log.Fatal(err) // errors.Is(err, chain.ErrHashMismatch) …: nothing was written at path
	}
	fmt.Println("bill:", res.HashType, "checked, was gzip:", res.Gunzipped)
	// Output:
	// image round trip: true
	// bill: SHA1 checked, was gzip: true
}
