package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/chainpay-go/wechatpay/chain"
)

// encryptedBillKinds are the --type values of the encrypted bills, with
// their list request.
var encryptedBillKinds = map[string]string{
	"sub-merchant": "v3/bill/sub-merchant-fundflowbill",
	"ecommerce":    "v3/ecommerce/bill/fundflowbill",
	"payscore":     "v3/payscore/merchant-bill",
}

// encryptedBillFlags adds the flags of the encrypted bills to wxpay
// download bill.
func encryptedBillFlags(c *cobra.Command, o *billOptions) {
	c.Flags().StringVar(&o.subMchID, "sub-mchid", "", "--type sub-merchant: the sub-merchant's mchid (required)")
	c.Flags().StringVar(&o.serviceID, "service-id", "", "--type payscore: the payscore service_id (required)")
}

// isEncryptedBill tells whether --type names an encrypted bill.
func isEncryptedBill(kind string) bool {
	_, ok := encryptedBillKinds[strings.ToLower(kind)]
	return ok
}

// encryptedBillQuery checks the flags of an encrypted bill and returns
// its list request's path and query (AEAD_AES_256_GCM: the only algorithm
// the library decrypts).
func encryptedBillQuery(o *billOptions) (string, map[string]string, error) {
	kind := strings.ToLower(o.kind)
	path := encryptedBillKinds[kind]
	query := map[string]string{"bill_date": o.date}
	if o.billType != "" {
		return "", nil, usageErrorf("--bill-type is for --type trade")
	}
	if o.format != "" || o.summary {
		return "", nil, usageErrorf("--format and --summary are for --type trade and fund, not the encrypted %s bill (download it, then read the file)", kind)
	}
	if o.subMchID != "" && kind != "sub-merchant" {
		return "", nil, usageErrorf("--sub-mchid is for --type sub-merchant")
	}
	if o.serviceID != "" && kind != "payscore" {
		return "", nil, usageErrorf("--service-id is for --type payscore")
	}
	switch kind {
	case "sub-merchant":
		if o.subMchID == "" {
			return "", nil, usageErrorf("--type sub-merchant needs --sub-mchid")
		}
		query["sub_mchid"] = o.subMchID
		query["account_type"] = "BASIC"
		if o.accountType != "" {
			query["account_type"] = o.accountType
		}
		query["algorithm"] = "AEAD_AES_256_GCM"
	case "ecommerce":
		query["account_type"] = "ALL"
		if o.accountType != "" {
			query["account_type"] = o.accountType
		}
		query["algorithm"] = "AEAD_AES_256_GCM"
	case "payscore":
		if o.accountType != "" {
			return "", nil, usageErrorf("--account-type is for --type fund, sub-merchant or ecommerce")
		}
		if o.serviceID == "" {
			return "", nil, usageErrorf("--type payscore needs --service-id")
		}
		query["service_id"] = o.serviceID
		query["encryption_algorithm"] = "AEAD_AES_256_GCM"
	}
	if o.tarType != "" {
		query["tar_type"] = o.tarType
	}
	return path, query, nil
}

// downloadEncryptedBill downloads, decrypts and checks every part of an
// encrypted bill whose list request answered body. The flags were checked by
// runDownloadBill (date, -o, --progress) and encryptedBillQuery.
func (a *app) downloadEncryptedBill(c *cobra.Command, o *billOptions, client *chain.Client, body []byte, showProgress bool) error {
	list, err := chain.ParseEncryptedBillList(body)
	if err != nil {
		return err
	}

	var opts []chain.DownloadOption
	var bar *progressBar
	if showProgress {
		bar = &progressBar{w: a.stderr}
		opts = append(opts, chain.WithProgress((&partsProgress{bar: bar, several: len(list.Parts) > 1}).update))
	}
	if o.keepCompressed {
		opts = append(opts, chain.KeepCompressed())
	}
	var res *chain.EncryptedBillResult
	err, outErr := a.deliverBill(o.out, bar,
		func(w io.Writer) (err error) {
			res, err = client.DownloadEncryptedBill(c.Context(), list, w, opts...)
			return err
		},
		func(path string) (err error) {
			res, err = client.DownloadEncryptedBillToFile(c.Context(), list, path, opts...)
			return err
		})
	if outErr != nil {
		return outErr
	}
	if err != nil {
		if errors.Is(err, chain.ErrHashMismatch) || errors.Is(err, chain.ErrDecrypt) {
			return &exitErr{Code: exitVerify, Err: err}
		}
		if res != nil && len(res.Parts) > 0 {
			if last := res.Parts[len(res.Parts)-1]; last.StatusCode != 0 {
				fmt.Fprintln(a.stderr, statusLine(last.StatusCode, last.RequestID))
			}
		}
		return a.answer(nil, err, prettyAuto)
	}
	parts := "1 part"
	if n := len(res.Parts); n != 1 {
		parts = fmt.Sprintf("%d parts", n)
	}
	fmt.Fprintf(a.stderr, "Bill %s of %s: %s decrypted, %d bytes to %s, %s of every part matches\n", strings.ToLower(o.kind), o.date, parts, res.Written, where(o.out), res.Parts[0].HashType)
	return nil
}

// partsProgress turns the per-part progress of DownloadEncryptedBill into
// one count for the bar: the total is unknown when there are several parts.
type partsProgress struct {
	bar     *progressBar
	several bool
	mu      sync.Mutex
	base    int64 // bytes of the parts before this one
	last    int64 // the current part's last count
}

func (p *partsProgress) update(received, total int64) {
	if !p.several {
		p.bar.update(received, total)
		return
	}
	p.mu.Lock()
	if received < p.last { // a new part began
		p.base += p.last
	}
	p.last = received
	n := p.base + received
	p.mu.Unlock()
	p.bar.update(n, -1)
}
