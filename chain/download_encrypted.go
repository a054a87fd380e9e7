package chain

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/aes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/chainpay-go/wechatpay/internal/gcmstream"
	"github.com/chainpay-go/wechatpay/signer"
)

// ErrDecrypt: a part of an encrypted bill does not decrypt: its
// encrypt_key does not open with the merchant key (a wrong key, or not
// RSA-OAEP SHA-1), or its content fails the AES-GCM tag check (changed or
// cut short, or a wrong key or nonce). The error is a *BillPartError naming
// the part. What was written to the io.Writer must be discarded.
var ErrDecrypt = errors.New("chain: encrypted bill part does not decrypt")

// EncryptedBillPart is one entry of an encrypted bill's download_bill_list:
// where to download the part, the key and nonce it is encrypted with, and
// the hash of its plaintext.
type EncryptedBillPart struct {
	BillSequence int    `json:"bill_sequence"` // 1, 2, … : the parts' order in the bill
	DownloadURL  string `json:"download_url"`  // absolute URL on the API host, with a token
	EncryptKey   string `json:"encrypt_key"`   // base64 RSA-OAEP (SHA-1) of the part's AES-256 key, under the merchant public key
	HashType     string `json:"hash_type"`     // "SHA1" (or "SM3")
	HashValue    string `json:"hash_value"`    // hex digest of the part's uncompressed plaintext
	Nonce        string `json:"nonce"`         // the AES-GCM nonce: the string's bytes
}

// EncryptedBillList is the answer of an encrypted bill request: a service
// provider's sub-merchant fund bill (GET v3/bill/sub-merchant-fundflowbill),
// an e-commerce platform's fund bill (GET v3/ecommerce/bill/fundflowbill), a
// payscore merchant bill (GET v3/payscore/merchant-bill). Each part is a file
// encrypted with AES-256-GCM under a key of its own.
type EncryptedBillList struct {
	Count int                 `json:"download_bill_count"` // 0 when not given; otherwise len(Parts)
	Parts []EncryptedBillPart `json:"download_bill_list"`
}

// maxListProblems bounds how many problems of a list an error names.
const maxListProblems = 8

// MaxBillParts bounds the parts of an encrypted bill list: each part's key
// is decrypted (an RSA private-key operation) before anything is
// downloaded, so a list of a million entries would hold the call for
// minutes. A real bill has a handful.
const MaxBillParts = 1024

// maxNonce bounds a part's nonce (GCM accepts any length; the API's are
// 16 and 32 characters).
const maxNonce = 1024

// ParseEncryptedBillList reads an encrypted bill request's JSON answer,
// e.g. resp.Body of
//
//	resp, err := c.Chain("v3/bill/sub-merchant-fundflowbill").Get(ctx, chain.O{"query": map[string]any{
//		"sub_mchid": "1900000109", "bill_date": "2026-11-27", "account_type": "BASIC", "algorithm": "AEAD_AES_256_GCM"}})
//	list, err := chain.ParseEncryptedBillList(resp.Body)
//
// It checks that every entry has its fields, that the bill_sequence values
// are 1 to n (none missing, none twice) and that download_bill_count is n;
// the parts come back sorted by bill_sequence.
func ParseEncryptedBillList(body []byte) (EncryptedBillList, error) {
	var l EncryptedBillList
	if err := json.Unmarshal(body, &l); err != nil {
		return EncryptedBillList{}, fmt.Errorf("chain: encrypted bill list: %w", err)
	}
	l.Parts = sortedParts(l.Parts)
	if probs := l.problems(); len(probs) > 0 {
		return EncryptedBillList{}, fmt.Errorf("chain: encrypted bill list: %s", joinProblems(probs))
	}
	return l, nil
}

// sortedParts returns parts sorted by bill_sequence (a copy).
func sortedParts(parts []EncryptedBillPart) []EncryptedBillPart {
	parts = slices.Clone(parts)
	slices.SortStableFunc(parts, func(a, b EncryptedBillPart) int { return a.BillSequence - b.BillSequence })
	return parts
}

// problems lists what is wrong with a list whose parts are sorted, at most
// maxListProblems+1 entries (the last one counting the rest).
func (l EncryptedBillList) problems() []error {
	var probs []error
	more := 0
	add := func(err error) {
		if len(probs) < maxListProblems {
			probs = append(probs, err)
		} else {
			more++
		}
	}
	if len(l.Parts) == 0 {
		add(errors.New("download_bill_list is empty"))
	}
	if len(l.Parts) > MaxBillParts {
		return []error{fmt.Errorf("download_bill_list has %d entries, more than MaxBillParts (%d)", len(l.Parts), MaxBillParts)}
	}
	if l.Count != 0 && l.Count != len(l.Parts) {
		add(fmt.Errorf("download_bill_count is %d but download_bill_list has %d entries", l.Count, len(l.Parts)))
	}
	for i, p := range l.Parts {
		if p.BillSequence != i+1 {
			add(fmt.Errorf("bill_sequence %d where %d was due: the sequence numbers must be 1 to %d", p.BillSequence, i+1, len(l.Parts)))
		}
		var missing []string
		for _, f := range []struct{ name, v string }{{"download_url", p.DownloadURL}, {"encrypt_key", p.EncryptKey}, {"hash_type", p.HashType}, {"hash_value", p.HashValue}, {"nonce", p.Nonce}} {
			if f.v == "" {
				missing = append(missing, f.name)
			}
		}
		if len(missing) > 0 {
			add(fmt.Errorf("part %d: missing %s", p.BillSequence, strings.Join(missing, ", ")))
		}
		if len(p.Nonce) > maxNonce {
			add(fmt.Errorf("part %d: nonce is %d bytes, at most %d", p.BillSequence, len(p.Nonce), maxNonce))
		}
	}
	if more > 0 {
		probs = append(probs, fmt.Errorf("and %d more", more))
	}
	return probs
}

func joinProblems(probs []error) string {
	s := make([]string, len(probs))
	for i, p := range probs {
		s[i] = p.Error()
	}
	return strings.Join(s, "; ")
}

// WithDecrypter sets what decrypts an encrypted bill's encrypt_key (see
// DownloadEncryptedBill): by default the client's signer, when it can
// (Config.PrivateKey, or a Config.Signer implementing signer.Decrypter).
// Other downloads ignore it. A *signer.RSASigner is a Decrypter:
//
//	d, err := signer.NewRSASigner(merchantKey)
//	res, err := c.DownloadEncryptedBill(ctx, list, w, chain.WithDecrypter(d))
func WithDecrypter(d signer.Decrypter) DownloadOption {
	return func(c *downloadConfig) { c.decrypter = d }
}

// BillPartError is the failure of one part of an encrypted bill. It names
// the part, never its key, and unwraps to the cause (ErrDecrypt,
// ErrHashMismatch, io.ErrUnexpectedEOF, an *APIError …).
type BillPartError struct {
	Sequence int   // the part's bill_sequence
	Count    int   // parts in the bill
	Err      error // the cause
}

// Error names the part, then the cause.
func (e *BillPartError) Error() string {
	return fmt.Sprintf("chain: encrypted bill part %d of %d: %s", e.Sequence, e.Count, strings.TrimPrefix(e.Err.Error(), "chain: "))
}

// Unwrap returns the cause.
func (e *BillPartError) Unwrap() error { return e.Err }

// EncryptedBillResult describes an encrypted bill download, finished or
// not. DownloadEncryptedBill returns it also with most errors.
type EncryptedBillResult struct {
	// Parts has one entry per part downloaded or begun, in bill_sequence
	// order. Received counts the part's ciphertext bytes, Written its
	// plaintext bytes written to the io.Writer, Gunzipped tells that the
	// part was gzip; HashType and Hash are the part's checked hash.
	Parts   []*DownloadResult
	Written int64 // plaintext bytes written to the io.Writer, all parts
}

// encPart is a part ready to download: its request, expected hash, key.
type encPart struct {
	seq   int
	req   *request
	exp   *expectedHash
	ekey  []byte // encrypt_key decoded from base64
	nonce []byte
}

// DownloadEncryptedBill downloads every part of an encrypted bill in
// bill_sequence order, decrypts each and writes the plaintext bill to w:
//
//	resp, err := c.Chain("v3/bill/sub-merchant-fundflowbill").Get(ctx, chain.O{"query": map[string]any{
//		"sub_mchid": subMchID, "bill_date": date, "account_type": "BASIC", "algorithm": "AEAD_AES_256_GCM", "tar_type": "GZIP"}})
//	list, err := chain.ParseEncryptedBillList(resp.Body)
//	res, err := c.DownloadEncryptedBill(ctx, list, w)
//
// For each part: its encrypt_key is decrypted with RSA-OAEP (SHA-1) by the
// merchant key — the client's signer when it can decrypt (Config.PrivateKey,
// or a Config.Signer implementing signer.Decrypter), or the one given with
// WithDecrypter; the part is downloaded from its download_url (a signed
// GET, an unsigned answer, as DownloadBill: the URL must be on the client's
// API host, no redirect is followed), decrypted with AES-256-GCM and the
// entry's nonce as it streams (no associated data), decompressed when it is
// gzip (tar_type=GZIP: each part is its own gzip stream), checked against
// its hash_value (over the uncompressed plaintext) and written to w. Memory
// stays constant whatever the size of the bill: a few buffers of 32 KiB and,
// for gzip, one decompressor.
//
// Everything is checked before anything is sent: every entry's fields and
// URL, every hash_type, and every encrypt_key is decrypted (a wrong key is
// an error matching ErrDecrypt with nothing sent to the download URLs).
// Problems of the list are an *OptionsError (ErrInvalidOptions).
//
// A failure of a part is a *BillPartError naming it: ErrDecrypt when its
// tag does not match (the content was changed or cut short),
// ErrHashMismatch when the plaintext does not match hash_value, or the
// download's failure. The parts are written as they stream, before their
// tag and hash can be checked: on ANY error, w holds an incomplete or
// wrong bill (possibly unauthenticated bytes) and the caller MUST discard
// it. DownloadEncryptedBillToFile does this for files.
//
// The options are those of DownloadBill: WithMaxSize caps what is written
// to w over the whole bill (ErrTooLarge); KeepCompressed writes each part's
// gzip stream as served (the parts together are one valid multi-member gzip
// file; the hashes are still checked over the decompressed content);
// WithProgress and WithIdleTimeout apply to each part's download in turn
// (received and total are that part's ciphertext bytes).
func (c *Client) DownloadEncryptedBill(ctx context.Context, list EncryptedBillList, w io.Writer, opts ...DownloadOption) (*EncryptedBillResult, error) {
	parts, cfg, err := c.encryptedParts(list, opts)
	if err != nil {
		return nil, err
	}
	if w == nil {
		req := parts[0].req
		return nil, &OptionsError{Method: req.method, BaseURL: req.baseURL, Template: req.template, Problems: []error{errors.New("the io.Writer is nil")}}
	}
	keys, err := c.partKeys(ctx, parts, cfg.decrypter)
	if err != nil {
		return nil, err
	}
	return c.downloadParts(ctx, parts, keys, w, cfg, opts)
}

// encryptedParts checks the list and the options; nothing is sent.
func (c *Client) encryptedParts(list EncryptedBillList, opts []DownloadOption) ([]*encPart, downloadConfig, error) {
	var cfg downloadConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	list.Parts = sortedParts(list.Parts)
	probs := list.problems()
	parts := make([]*encPart, 0, len(list.Parts))
	var first *request
	for _, p := range list.Parts {
		if p.DownloadURL == "" || p.HashType == "" || p.HashValue == "" {
			continue // already reported as missing
		}
		req, exp, err := c.billRequest(BillInfo{HashType: p.HashType, HashValue: p.HashValue, DownloadURL: p.DownloadURL})
		if err != nil {
			var oe *OptionsError
			if errors.As(err, &oe) {
				for _, pe := range oe.Problems {
					probs = append(probs, fmt.Errorf("part %d: %w", p.BillSequence, pe))
				}
			}
			continue
		}
		if first == nil {
			first = req
		}
		ekey, err := base64.StdEncoding.DecodeString(p.EncryptKey)
		if err != nil || len(ekey) > 1024 {
			probs = append(probs, fmt.Errorf("part %d: encrypt_key is not the base64 of an RSA block", p.BillSequence))
		}
		parts = append(parts, &encPart{seq: p.BillSequence, req: req, exp: exp, ekey: ekey, nonce: []byte(p.Nonce)})
	}
	if cfg.decrypter == nil {
		if d, ok := c.auth.Signer.(signer.Decrypter); ok {
			cfg.decrypter = d
		} else {
			probs = append(probs, errors.New("no key to decrypt encrypt_key with: Config.Signer does not implement signer.Decrypter; pass WithDecrypter"))
		}
	}
	if len(probs) > 0 {
		e := &OptionsError{Method: "GET", BaseURL: c.baseURL, Template: "v3/billdownload/file", Problems: probs}
		if first != nil {
			e.BaseURL, e.Template = first.baseURL, first.template
		}
		return nil, cfg, e
	}
	return parts, cfg, nil
}

// partKeys decrypts every part's AES-256 key.
func (c *Client) partKeys(ctx context.Context, parts []*encPart, d signer.Decrypter) ([][]byte, error) {
	keys := make([][]byte, len(parts))
	for i, p := range parts {
		k, err := d.DecryptOAEP(ctx, p.ekey)
		if err != nil {
			return nil, &BillPartError{Sequence: p.seq, Count: len(parts), Err: &markedError{
				msg:  "encrypt_key: " + err.Error(),
				errs: []error{ErrDecrypt, err},
			}}
		}
		if len(k) != 32 {
			clear(k)
			return nil, &BillPartError{Sequence: p.seq, Count: len(parts), Err: fmt.Errorf("encrypt_key decrypts to %d bytes, not an AES-256 key (32): %w", len(k), ErrDecrypt)}
		}
		keys[i] = k
	}
	return keys, nil
}

// downloadParts downloads, decrypts and checks the parts in order.
func (c *Client) downloadParts(ctx context.Context, parts []*encPart, keys [][]byte, w io.Writer, cfg downloadConfig, opts []DownloadOption) (*EncryptedBillResult, error) {
	defer func() {
		for _, k := range keys {
			clear(k)
		}
	}()
	if cfg.maxSize > 0 {
		w = &cappedWriter{w: w, limit: cfg.maxSize}
	}
	out := &countingWriter{w: w}
	res := &EncryptedBillResult{}
	// The ciphertext goes through as served: the plaintext is capped
	// (above), decompressed and hashed here.
	dopts := append(slices.Clip(opts), WithMaxSize(-1), KeepCompressed(), func(c *downloadConfig) { c.unsigned = true })
	for i, p := range parts {
		pres, err := c.downloadPart(ctx, p, keys[i], out, cfg.keepCompressed, dopts)
		if pres != nil {
			res.Parts = append(res.Parts, pres)
		}
		res.Written = out.n
		if err != nil {
			return res, &BillPartError{Sequence: p.seq, Count: len(parts), Err: err}
		}
	}
	return res, nil
}

// errPartAbandoned stops a part's download when its content failed.
var errPartAbandoned = errors.New("chain: the part's content failed")

// downloadPart streams one part: the download writes the ciphertext into
// a pipe, this goroutine decrypts, decompresses, hashes and writes.
func (c *Client) downloadPart(ctx context.Context, p *encPart, key []byte, out *countingWriter, keep bool, dopts []DownloadOption) (*DownloadResult, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	opener, err := gcmstream.NewOpener(block, p.nonce)
	if err != nil {
		return nil, c.wrapf(p.req, "nonce: %w", err)
	}
	pr, pw := io.Pipe()
	var dres *DownloadResult
	var derr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		dres, derr = c.download(ctx, p.req, pw, nil, dopts)
		pw.CloseWithError(derr)
	}()
	before := out.n
	gz, err := c.openPart(p, &gcmReader{src: pr, opener: opener, buf: make([]byte, downloadBuffer+gcmstream.TagSize)}, out, keep)
	if err != nil {
		pr.CloseWithError(errPartAbandoned)
	}
	<-done
	if dres != nil {
		dres.Written, dres.Gunzipped = out.n-before, gz
	}
	if err == nil && derr != nil {
		err = derr
	}
	if err == nil {
		err = c.checkHash(p.req, dres, p.exp)
	}
	return dres, err
}

// openPart reads a part's plaintext from g, undoes gzip (recognised by its
// magic bytes), hashes it and writes it to out.
func (c *Client) openPart(p *encPart, g *gcmReader, out io.Writer, keep bool) (gz bool, err error) {
	br := bufio.NewReaderSize(g, downloadBuffer)
	magic, err := br.Peek(2)
	if err != nil && err != io.EOF {
		return false, c.partReadErr(p, g, err)
	}
	if len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return false, c.copyPart(p, g, io.MultiWriter(out, p.exp.h), br)
	}
	var src io.Reader = br
	var tee *teeWriter
	dst := io.MultiWriter(out, p.exp.h)
	if keep {
		tee = &teeWriter{w: out}
		src, dst = io.TeeReader(br, tee), p.exp.h
	}
	zr, err := gzip.NewReader(src)
	if err != nil {
		return true, tee.check(c, p.req, c.partReadErr(p, g, fmt.Errorf("gzip: %w", err)))
	}
	if err := c.copyPart(p, g, dst, zr); err != nil {
		return true, tee.check(c, p.req, err)
	}
	// zr read to the end of the plaintext (gzip is multi-member): the tag
	// was checked.
	return true, nil
}

// copyPart copies src to dst; a read failure is reported as partReadErr.
func (c *Client) copyPart(p *encPart, g *gcmReader, dst io.Writer, src io.Reader) error {
	return c.copyWith(p.req, dst, src, func(err error) error { return c.partReadErr(p, g, err) })
}

// partReadErr explains a failed read of the plaintext: the download's or
// the decryption's failure when there was one; otherwise (corrupt gzip)
// the rest of the part is read to check its tag, so that a changed
// ciphertext is reported as such (ErrDecrypt), not as bad gzip.
func (c *Client) partReadErr(p *encPart, g *gcmReader, err error) error {
	if g.err == nil {
		_, _ = io.Copy(io.Discard, g)
	}
	if g.err != nil && g.err != io.EOF {
		if errors.Is(g.err, ErrDecrypt) {
			return c.wrapf(p.req, "%w", g.err)
		}
		return g.err // the download's failure
	}
	return c.wrapf(p.req, "%w", err)
}

// gcmReader decrypts an AES-GCM stream (ciphertext, then the 16-byte tag)
// as it is read, holding back the last TagSize bytes read. Its final Read
// returns io.EOF only when the tag matched; the plaintext of the last
// buffer is released only then.
type gcmReader struct {
	src    io.Reader
	opener *gcmstream.Opener
	buf    []byte // plaintext buf[pos:ready], then held ciphertext buf[ready:n]
	pos    int
	ready  int
	n      int
	err    error // sticky; returned once the plaintext is drained
}

func (g *gcmReader) Read(p []byte) (int, error) {
	for g.pos == g.ready {
		if g.err != nil {
			return 0, g.err
		}
		g.n = copy(g.buf, g.buf[g.ready:g.n])
		g.pos, g.ready = 0, 0
		m, err := g.src.Read(g.buf[g.n:])
		g.n += m
		switch {
		case err == io.EOF:
			if g.n < gcmstream.TagSize {
				g.err, g.n = fmt.Errorf("content shorter than its %d-byte tag: %w", gcmstream.TagSize, ErrDecrypt), 0
				continue
			}
			ct := g.buf[:g.n-gcmstream.TagSize]
			if oerr := g.opener.Open(ct, ct); oerr != nil {
				g.err, g.n = oerr, 0
				continue
			}
			if verr := g.opener.Verify(g.buf[len(ct):g.n]); verr != nil {
				g.err, g.n = fmt.Errorf("AES-GCM tag mismatch: the content was changed or cut short; discard what was written: %w", ErrDecrypt), 0
				continue
			}
			g.ready, g.n, g.err = len(ct), len(ct), io.EOF
		case err != nil:
			g.err = err
		default:
			if k := g.n - gcmstream.TagSize; k > 0 {
				if oerr := g.opener.Open(g.buf[:k], g.buf[:k]); oerr != nil {
					g.err, g.n = oerr, 0
					continue
				}
				g.ready = k
			}
		}
	}
	n := copy(p, g.buf[g.pos:g.ready])
	g.pos += n
	return n, nil
}

// DownloadEncryptedBillToFile is DownloadEncryptedBill into the file at
// path, with DownloadBillToFile's care: the bill is written to a temporary
// file in the same directory (mode 0600), synced, and renamed to path only
// after every part's tag and hash matched. On any error the temporary file
// is removed and path is left as it was. path must name a regular file or
// nothing (a FIFO, a device, a directory or a symbolic link is refused
// before sending, an error matching ErrInvalidOptions).
func (c *Client) DownloadEncryptedBillToFile(ctx context.Context, list EncryptedBillList, path string, opts ...DownloadOption) (res *EncryptedBillResult, err error) {
	parts, cfg, err := c.encryptedParts(list, opts)
	if err != nil {
		return nil, err
	}
	req := parts[0].req
	if err := checkFileTarget(req, path); err != nil {
		return nil, err
	}
	keys, err := c.partKeys(ctx, parts, cfg.decrypter)
	if err != nil {
		return nil, err
	}
	err = intoFile(req, path, func(f *os.File) (err error) {
		res, err = c.downloadParts(ctx, parts, keys, f, cfg, opts)
		return err
	})
	return res, err
}
