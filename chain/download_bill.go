package chain

import (
	"context"
	"crypto/sha1"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// BillInfo is the answer of a bill request (GET v3/bill/tradebill,
// v3/bill/fundflowbill, v3/bill/sub-merchant-fundflowbill …): where to
// download the file and the hash of its uncompressed content.
type BillInfo struct {
	HashType    string `json:"hash_type"`    // "SHA1" (or "SM3")
	HashValue   string `json:"hash_value"`   // hex digest of the uncompressed bill
	DownloadURL string `json:"download_url"` // absolute URL on the API host, with a short-lived token
}

// ParseBillInfo reads a bill request's JSON answer, e.g. resp.Body of
//
//	resp, err := c.Chain("v3/bill/tradebill").Get(ctx, chain.O{"query": map[string]any{"bill_date": "2026-11-27", "tar_type": "GZIP"}})
//	bill, err := chain.ParseBillInfo(resp.Body)
//
// It checks that download_url, hash_type and hash_value are present.
func ParseBillInfo(body []byte) (BillInfo, error) {
	var b BillInfo
	if err := json.Unmarshal(body, &b); err != nil {
		return BillInfo{}, fmt.Errorf("chain: bill answer: %w", err)
	}
	var missing []string
	for _, f := range []struct{ name, v string }{{"download_url", b.DownloadURL}, {"hash_type", b.HashType}, {"hash_value", b.HashValue}} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return BillInfo{}, fmt.Errorf("chain: bill answer: missing %s", strings.Join(missing, ", "))
	}
	return b, nil
}

// DownloadBill downloads a bill file from bill.DownloadURL, streams its
// content to w and checks it against bill.HashType / bill.HashValue:
//
//	resp, err := c.Chain("v3/bill/tradebill").Get(ctx, chain.O{"query": map[string]any{"bill_date": date, "tar_type": "GZIP"}})
//	bill, err := chain.ParseBillInfo(resp.Body)
//	res, err := c.DownloadBill(ctx, bill, w)
//
// The request is signed like any other (with the URL's path and query), and
// streamed without verification, in constant memory (see Chain.Download). A
// gzip bill (tar_type=GZIP) is decompressed and w receives the CSV; the hash
// is always computed over the decompressed content, as WeChat Pay computes it
// (KeepCompressed writes the gzip file instead and still checks the hash).
//
// Hash types: "SHA1" (case-insensitive) and "SM3". Anything else is refused
// before sending with an error matching ErrUnsupportedHash and
// ErrInvalidOptions.
//
// For safety, download_url must be on the client's API host: same scheme and
// host (port included) as BaseURL. Otherwise DownloadBill refuses (an error
// matching ErrInvalidOptions) and sends nothing, so that a signed request
// never goes to a host named by data.
//
// A content that does not match the hash is an error matching
// ErrHashMismatch; a body that ends early wraps io.ErrUnexpectedEOF. On ANY
// error, w holds an incomplete or wrong bill: the caller must discard it.
// DownloadBillToFile does this for files.
func (c *Client) DownloadBill(ctx context.Context, bill BillInfo, w io.Writer, opts ...DownloadOption) (*DownloadResult, error) {
	req, exp, err := c.billRequest(bill)
	if err != nil {
		return nil, err
	}
	if w == nil {
		return nil, &OptionsError{Method: req.method, BaseURL: req.baseURL, Template: req.template, Problems: []error{errors.New("the io.Writer is nil")}}
	}
	return c.download(ctx, req, w, exp, opts)
}

// DownloadBillToFile is DownloadBill into the file at path. The bill is
// written to a temporary file in the same directory (mode 0600: bills are
// business data), synced, and renamed to path only after the hash matched.
// On any error the temporary file is removed and path is left as it was:
// never is a partial or corrupt bill found at path.
//
// path must name a regular file or nothing: a FIFO, a device, a directory or
// a symbolic link is refused before sending (an error matching
// ErrInvalidOptions), never replaced. To write to standard output or a
// pipe, use DownloadBill.
func (c *Client) DownloadBillToFile(ctx context.Context, bill BillInfo, path string, opts ...DownloadOption) (res *DownloadResult, err error) {
	req, exp, err := c.billRequest(bill)
	if err != nil {
		return nil, err
	}
	if err := checkFileTarget(req, path); err != nil {
		return nil, err
	}
	err = intoFile(req, path, func(f *os.File) (err error) {
		res, err = c.download(ctx, req, f, exp, opts)
		return err
	})
	return res, err
}

// billRequest checks a BillInfo and builds the signed GET for its URL.
func (c *Client) billRequest(bill BillInfo) (*request, *expectedHash, error) {
	const method = http.MethodGet
	tpl := "v3/billdownload/file"
	origin := c.baseURL // for errors: the download_url's scheme and host once it parses
	var probs []error
	var u *url.URL
	if bill.DownloadURL == "" {
		probs = append(probs, errors.New("download_url is empty: pass the bill request's answer (ParseBillInfo)"))
	} else {
		var err error
		u, err = url.Parse(bill.DownloadURL)
		switch {
		case err != nil:
			probs = append(probs, errors.New("download_url does not parse as a URL"))
			u = nil
		case !u.IsAbs() || u.Host == "":
			probs = append(probs, errors.New("download_url is not an absolute URL"))
		case u.User != nil || u.Fragment != "":
			probs = append(probs, errors.New("download_url must not carry user info or a fragment"))
		default:
			tpl = strings.TrimPrefix(u.EscapedPath(), "/")
			origin = u.Scheme + "://" + u.Host + "/"
			base, _ := url.Parse(c.baseURL)
			if (!strings.EqualFold(u.Scheme, base.Scheme) || !strings.EqualFold(u.Host, base.Host)) && !c.fo.onBackup(u) {
				probs = append(probs, fmt.Errorf("download_url is on %s://%s, not on the API host %s://%s: refusing to send a signed request there",
					u.Scheme, u.Host, base.Scheme, base.Host))
			}
		}
	}
	exp, err := newExpectedHash(bill.HashType, bill.HashValue)
	if err != nil {
		probs = append(probs, err)
	}
	if len(probs) > 0 {
		return nil, nil, &OptionsError{Method: method, BaseURL: origin, Template: tpl, Problems: probs}
	}
	req := &request{
		method:   method,
		baseURL:  origin,
		template: tpl,
		path:     strings.TrimPrefix(u.RequestURI(), "/"),
		header:   http.Header{"Accept": {"*/*"}},
		absURL:   bill.DownloadURL,
	}
	return req, exp, nil
}

// newExpectedHash checks hash_type and hash_value.
func newExpectedHash(typ, value string) (*expectedHash, error) {
	var h hash.Hash
	var name string
	switch strings.ToUpper(strings.TrimSpace(typ)) {
	case "SHA1", "SHA-1":
		h, name = newSHA1(), "SHA1"
	case "SM3":
		h, name = newSM3(), "SM3"
	case "":
		return nil, errors.New("hash_type is empty: pass the bill request's hash_type and hash_value")
	default:
		return nil, fmt.Errorf("hash_type %q: %w (supported: SHA1, SM3)", typ, ErrUnsupportedHash)
	}
	want := strings.ToLower(strings.TrimSpace(value))
	if len(want) != 2*h.Size() || !isHexDigits(want) {
		return nil, fmt.Errorf("hash_value %q is not a hex %s digest (%d hex digits)", clipString(value, 80), name, 2*h.Size())
	}
	return &expectedHash{typ: name, want: want, h: h, what: "the bill's hash_value"}, nil
}

func newSHA1() hash.Hash { return sha1.New() }

func isHexDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func clipString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
