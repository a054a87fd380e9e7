package wechatpaytest

import (
	"bytes"
	"compress/gzip"
	"crypto/aes"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/chainpay-go/wechatpay/internal/gcmstream"
	"github.com/chainpay-go/wechatpay/signer"
)

// DefaultBillPartSize is the size of the parts an encrypted bill is split
// into unless SetBillPartSize says otherwise: 1 GiB of uncompressed bill
// (the gateway splits at about 16 GB).
const DefaultBillPartSize = 1 << 30

// encBillScenario serves the encrypted bills: a service provider's fund
// bill of one sub-merchant (GET /v3/bill/sub-merchant-fundflowbill), an
// e-commerce platform's fund bill of its secondary merchants (GET
// /v3/ecommerce/bill/fundflowbill) and a payscore merchant bill (GET
// /v3/payscore/merchant-bill). The answer lists the bill's parts, each
// encrypted with AES-256-GCM under a key of its own, sent RSA-OAEP
// encrypted under the merchant's public key. The parts are generated,
// compressed and encrypted as they stream, never held in memory. It keeps
// its own state under its own lock and reaches the server only through its
// exported API (URL, MerchantKey), as a user's handler would.
type encBillScenario struct {
	srv *Server

	mu       sync.Mutex
	bills    map[string]*encBill // by encBillKey
	tokens   tokenStore[encToken]
	partSize int64
}

// encBill is one stored bill with the SHA-1 of its parts, computed once
// per part size.
type encBill struct {
	src BillSource

	mu    sync.Mutex
	size  int64              // total bytes, -1 until known
	parts map[int64][]string // part size → the parts' SHA-1
}

// encToken is a part's download_url token.
type encToken struct {
	bill          *encBill
	offset, limit int64 // the part's bytes of the bill
	key           []byte
	nonce         string
	gzip          bool
}

// The encrypted bills' routes and their download paths.
const (
	subMerchantBillPath = "/v3/bill/sub-merchant-fundflowbill"
	ecommerceBillPath   = "/v3/ecommerce/bill/fundflowbill"
	payscoreBillPath    = "/v3/payscore/merchant-bill"
	encDownloadPath     = "/v3/bill/downloadurl"
	payscoreDownload    = "/v3/payscore/bill/downloadurl"
	algorithmAESGCM     = "AEAD_AES_256_GCM"
	lowerHex            = "0123456789abcdef"
)

func newEncBillScenario(s *Server) *encBillScenario {
	b := &encBillScenario{srv: s}
	b.reset()
	return b
}

func (b *encBillScenario) reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bills, b.tokens, b.partSize = map[string]*encBill{}, tokenStore[encToken]{}, DefaultBillPartSize
}

func (b *encBillScenario) event(string, string) (any, string, error) { return nil, "", errNoEvent }

func (b *encBillScenario) register(s *Server) {
	s.Handle("GET", subMerchantBillPath, b.subMerchantBill)
	s.Handle("GET", ecommerceBillPath, b.ecommerceBill)
	s.Handle("GET", payscoreBillPath, b.payscoreBill)
	s.Handle("GET", encDownloadPath, b.download)
	s.Handle("GET", payscoreDownload, b.download)
}

func encBillKey(route, who, accountType, date string) string {
	return route + "\x00" + who + "\x00" + accountType + "\x00" + date
}

// SetSubMerchantBill stores the encrypted fund bill of the sub-merchant
// subMchID for the account type (BASIC, OPERATION, FEES or DEPOSIT) and
// date (YYYY-MM-DD), answered by GET
// /v3/bill/sub-merchant-fundflowbill?sub_mchid=&bill_date=&account_type=&algorithm=AEAD_AES_256_GCM[&tar_type=GZIP].
// With subMchID "" and accountType "ALL" it stores the e-commerce
// platform's fund bill of its secondary merchants, answered by GET
// /v3/ecommerce/bill/fundflowbill. The answer lists the bill's parts (see
// SetBillPartSize); each part downloads from its download_url as the
// AES-256-GCM ciphertext‖tag (no associated data, the entry's nonce string
// as the nonce) of the part's bytes, gzip-compressed first with
// tar_type=GZIP; the entry's encrypt_key is the base64 RSA-OAEP (SHA-1)
// encryption of the part's 32-byte key under the merchant public key, its
// hash_value the SHA-1 of the part's uncompressed bytes. Concatenated in
// bill_sequence order, the decrypted parts are the bill. Use it with
// GeneratedBill(BillFund, rows): a bill of any size streams in bounded
// memory.
func (s *Server) SetSubMerchantBill(subMchID, accountType, date string, src BillSource) {
	route := subMerchantBillPath
	if subMchID == "" {
		route = ecommerceBillPath
	}
	s.encBills.set(encBillKey(route, subMchID, accountType, date), src)
}

// SetPayscoreBill stores the encrypted payscore merchant bill of the
// service serviceID for date, answered by GET
// /v3/payscore/merchant-bill?bill_date=&service_id=&encryption_algorithm=AEAD_AES_256_GCM[&tar_type=GZIP]
// in the form SetSubMerchantBill describes (32-character nonces, download
// from /v3/payscore/bill/downloadurl).
func (s *Server) SetPayscoreBill(serviceID, date string, src BillSource) {
	s.encBills.set(encBillKey(payscoreBillPath, serviceID, "", date), src)
}

// SetBillPartSize sets the size (bytes of uncompressed bill, at least 1)
// of the parts encrypted bills are split into, from the next bill request
// on; DefaultBillPartSize until then and after ResetFixtures. A test sets
// a small size to get several parts from a small bill.
func (s *Server) SetBillPartSize(size int64) {
	if size < 1 {
		size = 1
	}
	b := s.encBills
	b.mu.Lock()
	defer b.mu.Unlock()
	b.partSize = size
}

func (b *encBillScenario) set(key string, src BillSource) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bills[key] = &encBill{src: src, size: -1, parts: map[int64][]string{}}
}

// enumParam checks a query parameter that must be one of values (required
// or absent).
func enumParam(r *Request, name string, required bool, values ...string) (string, *ErrorBody) {
	v := r.Query.Get(name)
	if v == "" && !required {
		return "", nil
	}
	if v == "" {
		return "", ParamError("query", name, "字段缺失 (required)")
	}
	for _, ok := range values {
		if v == ok {
			return v, nil
		}
	}
	return "", ParamError("query", name, "取值应为 "+strings.Join(values, " / ")+" 之一")
}

// algorithmParam checks the encryption algorithm: the simulator encrypts
// with AES-256-GCM only.
func algorithmParam(r *Request, name string, values ...string) *ErrorBody {
	v, eb := enumParam(r, name, true, values...)
	if eb != nil {
		return eb
	}
	if v != algorithmAESGCM {
		return ParamError("query", name, "模拟器仅支持 AEAD_AES_256_GCM (the simulator encrypts bills with AEAD_AES_256_GCM only, not "+v+")")
	}
	return nil
}

func (b *encBillScenario) subMerchantBill(r *Request) (int, any) {
	sub, eb := queryParam(r, "sub_mchid")
	if eb != nil {
		return http.StatusBadRequest, eb
	}
	date, eb := billDate(r)
	if eb != nil {
		return http.StatusBadRequest, eb
	}
	gz, eb := tarType(r)
	if eb != nil {
		return http.StatusBadRequest, eb
	}
	if eb := algorithmParam(r, "algorithm", algorithmAESGCM, "SM4_GCM"); eb != nil {
		return http.StatusBadRequest, eb
	}
	account, eb := enumParam(r, "account_type", true, "BASIC", "OPERATION", "FEES", "DEPOSIT")
	if eb != nil {
		return http.StatusBadRequest, eb
	}
	return b.answer(encBillKey(subMerchantBillPath, sub, account, date), date, encDownloadPath, 16, lowerHex, gz)
}

func (b *encBillScenario) ecommerceBill(r *Request) (int, any) {
	date, eb := billDate(r)
	if eb != nil {
		return http.StatusBadRequest, eb
	}
	account, eb := enumParam(r, "account_type", true, "ALL")
	if eb != nil {
		return http.StatusBadRequest, eb
	}
	gz, eb := tarType(r)
	if eb != nil {
		return http.StatusBadRequest, eb
	}
	if eb := algorithmParam(r, "algorithm", algorithmAESGCM, "SM4_GCM"); eb != nil {
		return http.StatusBadRequest, eb
	}
	return b.answer(encBillKey(ecommerceBillPath, "", account, date), date, encDownloadPath, 16, lowerHex, gz)
}

func (b *encBillScenario) payscoreBill(r *Request) (int, any) {
	date, eb := billDate(r)
	if eb != nil {
		return http.StatusBadRequest, eb
	}
	gz, eb := tarType(r)
	if eb != nil {
		return http.StatusBadRequest, eb
	}
	if eb := algorithmParam(r, "encryption_algorithm", algorithmAESGCM); eb != nil {
		return http.StatusBadRequest, eb
	}
	service, eb := queryParam(r, "service_id")
	if eb != nil {
		return http.StatusBadRequest, eb
	}
	return b.answer(encBillKey(payscoreBillPath, service, "", date), date, payscoreDownload, 32, alnum[:36], gz)
}

// encBillEntry is one part in the answer's download_bill_list.
type encBillEntry struct {
	BillSequence int    `json:"bill_sequence"`
	DownloadURL  string `json:"download_url"`
	EncryptKey   string `json:"encrypt_key"`
	HashType     string `json:"hash_type"`
	HashValue    string `json:"hash_value"`
	Nonce        string `json:"nonce"`
}

// answer lists the parts of the bill stored under key, each with a fresh
// key and nonce (nonceLen characters of alphabet) and a download_url on
// downloadPath.
func (b *encBillScenario) answer(key, date, downloadPath string, nonceLen int, alphabet string, gz bool) (int, any) {
	b.mu.Lock()
	bill, ok := b.bills[key]
	partSize := b.partSize
	b.mu.Unlock()
	if !ok {
		return http.StatusBadRequest, Error("NO_STATEMENT_EXIST", "账单文件不存在 (no bill for "+date+")")
	}
	sums, size, err := bill.partSums(partSize)
	if err != nil {
		return http.StatusInternalServerError, Error("SYSTEM_ERROR", "账单生成失败 (the bill source failed)")
	}
	pub := &b.srv.MerchantKey.PublicKey
	list := make([]encBillEntry, len(sums))
	toks := make([]encToken, len(sums))
	for i, sum := range sums {
		k := make([]byte, 32)
		if _, err := rand.Read(k); err != nil {
			panic("wechatpaytest: crypto/rand failed: " + err.Error())
		}
		ek, err := signer.EncryptOAEP(pub, string(k))
		if err != nil {
			return http.StatusInternalServerError, Error("SYSTEM_ERROR", "wechatpaytest: merchant key: "+err.Error())
		}
		off := int64(i) * partSize
		toks[i] = encToken{bill: bill, offset: off, limit: min(partSize, size-off), key: k, nonce: randomString(nonceLen, alphabet), gzip: gz}
		list[i] = encBillEntry{BillSequence: i + 1, EncryptKey: ek, HashType: "SHA1", HashValue: sum, Nonce: toks[i].nonce}
	}
	b.mu.Lock()
	for i := range list {
		list[i].DownloadURL = b.srv.URL + downloadPath + "?token=" + b.tokens.add(toks[i])
	}
	b.mu.Unlock()
	return http.StatusOK, map[string]any{"download_bill_count": len(list), "download_bill_list": list}
}

// partSums returns the SHA-1 (hex) of each part of partSize bytes and the
// bill's size, reading the bill once per part size.
func (e *encBill) partSums(partSize int64) ([]string, int64, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if sums, ok := e.parts[partSize]; ok {
		return sums, e.size, nil
	}
	src := e.src.Open()
	var sums []string
	var size int64
	for {
		h := sha1.New()
		n, err := io.CopyN(h, src, partSize)
		size += n
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, 0, err
		}
		if n > 0 || len(sums) == 0 {
			sums = append(sums, hex.EncodeToString(h.Sum(nil)))
		}
		if err != nil {
			break
		}
	}
	e.parts[partSize], e.size = sums, size
	return sums, size, nil
}

// download streams a part, encrypted as it is read, unsigned.
func (b *encBillScenario) download(r *Request) (int, any) {
	b.mu.Lock()
	tok, ok := b.tokens.get(r.Query.Get("token"))
	b.mu.Unlock()
	if !ok {
		return http.StatusBadRequest, ParamError("query", "token", "token无效或已过期 (unknown or expired token)")
	}
	rd, err := tok.open()
	if err != nil {
		return http.StatusInternalServerError, Error("SYSTEM_ERROR", "账单生成失败 (the bill source failed)")
	}
	size := int64(-1)
	if !tok.gzip {
		size = tok.limit + gcmstream.TagSize
	}
	return http.StatusOK, &Download{Size: size, Body: rd}
}

// open returns the part's encrypted stream: its bytes of the bill,
// gzip-compressed with tar_type=GZIP, then AES-256-GCM, then the tag.
func (tok encToken) open() (io.Reader, error) {
	src := tok.bill.src.Open()
	if _, err := io.CopyN(io.Discard, src, tok.offset); err != nil {
		return nil, fmt.Errorf("wechatpaytest: bill part at %d: %w", tok.offset, err)
	}
	var plain io.Reader = io.LimitReader(src, tok.limit)
	if tok.gzip {
		plain = newGzipReader(plain)
	}
	block, err := aes.NewCipher(tok.key)
	if err != nil {
		return nil, err
	}
	sealer, err := gcmstream.NewSealer(block, []byte(tok.nonce))
	if err != nil {
		return nil, err
	}
	return &sealReader{src: plain, sealer: sealer}, nil
}

// sealReader encrypts src as it is read and ends with the tag.
type sealReader struct {
	src    io.Reader
	sealer *gcmstream.Sealer
	tag    []byte // the unread rest of the tag once src ended
	ended  bool
}

func (s *sealReader) Read(p []byte) (int, error) {
	if s.ended {
		if len(s.tag) == 0 {
			return 0, io.EOF
		}
		n := copy(p, s.tag)
		s.tag = s.tag[n:]
		return n, nil
	}
	n, err := s.src.Read(p)
	if n > 0 {
		if serr := s.sealer.Seal(p[:n], p[:n]); serr != nil {
			return 0, serr
		}
	}
	if errors.Is(err, io.EOF) {
		t := s.sealer.Tag()
		s.tag, s.ended = t[:], true
		return n, nil
	}
	return n, err
}

// gzipReader compresses src as it is read, without a goroutine: each Read
// compresses the next piece of src into a small buffer.
type gzipReader struct {
	src   io.Reader
	zw    *gzip.Writer
	out   bytes.Buffer
	chunk []byte
	done  bool
}

func newGzipReader(src io.Reader) *gzipReader {
	g := &gzipReader{src: src, chunk: make([]byte, 32<<10)}
	g.zw, _ = gzip.NewWriterLevel(&g.out, gzip.BestSpeed)
	return g
}

func (g *gzipReader) Read(p []byte) (int, error) {
	for g.out.Len() == 0 {
		if g.done {
			return 0, io.EOF
		}
		n, err := g.src.Read(g.chunk)
		if n > 0 {
			_, _ = g.zw.Write(g.chunk[:n]) // into a bytes.Buffer: cannot fail
		}
		switch {
		case errors.Is(err, io.EOF):
			_ = g.zw.Close()
			g.done = true
		case err != nil:
			return 0, err
		}
	}
	return g.out.Read(p)
}
