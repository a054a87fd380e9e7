package wechatpaytest

import (
	"cmp"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/chainpay-go/wechatpay/catalog"
	"github.com/chainpay-go/wechatpay/internal/v2xml"
	"github.com/chainpay-go/wechatpay/signer"
)

// APIv2 in the simulator.
//
// A POST to the wire path of an APIv2 operation of the catalogue
// (pay/micropay, secapi/pay/refund, …) is answered the APIv2 way, by
// serveV2, before the APIv3 authentication: XML in and out, the request's
// sign checked with its sign_type and the server's APIv2Key, and answers
// signed the same way when the operation's answers carry sign. A request
// the gateway would refuse gets return_code FAIL with a return_msg naming
// the problem (the missing field, the bad sign, the foreign mch_id, the
// missing client certificate). Stateful routes (v2trades.go) keep their
// orders; every other catalogued operation gets the generic answer: SUCCESS
// with the operation's required answer fields filled in.
//
// Mutual TLS: with WithTLS the server asks every client for a certificate,
// and the operations the catalogue marks x-api-cert-required answer FAIL
// unless the merchant certificate (ClientCertificate) was presented. Over
// plain HTTP there is no certificate to check and they are answered as the
// others.

// v2MaxBody bounds an APIv2 request body.
const v2MaxBody = 1 << 20

// v2Sim is the APIv2 side of a Server.
type v2Sim struct {
	clientCert tls.Certificate // the merchant certificate and key, for mutual TLS
	mu         sync.Mutex
	trades     map[string]*v2Trade  // by out_trade_no
	byTxn      map[string]*v2Trade  // by transaction_id
	refunds    map[string]*v2Refund // by out_refund_no
	once       map[string]v2Fields  // sendredpack by mch_billno, transfers by partner_trade_no: the first answer
	requests   []V2Request
}

// V2Request is one APIv2 request the server received and read.
type V2Request struct {
	Path       string            // wire path, e.g. "pay/micropay"
	Fields     map[string]string // the XML fields as received (sign included)
	ClientCert bool              // the merchant certificate was presented (mutual TLS)
}

// v2Fields is an APIv2 message.
type v2Fields = map[string]string

// v2RecordLimit is how many APIv2 requests V2Requests keeps.
const v2RecordLimit = 100

// initV2 sets up the APIv2 side: the key and the client certificate.
func (s *Server) initV2(key string, cert *x509.Certificate) error {
	if key == "" {
		key = processAPIv2Key()
	}
	if err := signer.CheckAPIv2Key(key); err != nil {
		return fmt.Errorf("wechatpaytest: WithAPIv2Key: %w", err)
	}
	s.APIv2Key = key
	if cert != nil {
		if pub, ok := cert.PublicKey.(*rsa.PublicKey); !ok || !pub.Equal(&s.MerchantKey.PublicKey) {
			return errors.New("wechatpaytest: WithClientCertificate: the certificate is not the merchant key's")
		}
	} else {
		cert = s.MerchantCertificate
	}
	if cert == nil {
		var err error
		if cert, err = selfSign(s.MerchantKey, "WeChat Pay test merchant", s.now(), nil); err != nil {
			return err
		}
	}
	s.v2 = &v2Sim{
		clientCert: tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: s.MerchantKey, Leaf: cert},
		trades:     map[string]*v2Trade{},
		byTxn:      map[string]*v2Trade{},
		refunds:    map[string]*v2Refund{},
		once:       map[string]v2Fields{},
	}
	return nil
}

var (
	apiv2Once sync.Once
	apiv2Key  string
)

// processAPIv2Key is the APIv2 key of every server of this process that
// was not given one.
func processAPIv2Key() string {
	apiv2Once.Do(func() { apiv2Key = randomString(32, alnum) })
	return apiv2Key
}

// WithAPIv2Key sets the 32-character APIv2 key requests are signed with
// (default: one random key per process).
func WithAPIv2Key(key string) Option { return func(o *options) { o.apiv2Key = key } }

// WithClientCertificate sets the merchant certificate clients present for
// mutual TLS (default: the merchant certificate, or one made for the key
// of WithMerchantKey). It must hold the merchant key's public key.
func WithClientCertificate(cert *x509.Certificate) Option {
	return func(o *options) { o.clientCert = cert }
}

// TLSCertificate returns the certificate the server presents with WithTLS
// (nil without it): the CA a client outside this process must trust.
func (s *Server) TLSCertificate() *x509.Certificate {
	if !strings.HasPrefix(s.URL, "https://") {
		return nil
	}
	return s.ts.Certificate()
}

// ClientCertificate returns the merchant API certificate with its key, as
// a client presents it for mutual TLS (Config sets it as
// ClientCertificate).
func (s *Server) ClientCertificate() tls.Certificate { return s.v2.clientCert }

// V2Requests returns the APIv2 requests the server read, oldest first (at
// most the last 100).
func (s *Server) V2Requests() []V2Request {
	s.v2.mu.Lock()
	defer s.v2.mu.Unlock()
	return slices.Clone(s.v2.requests)
}

// mutualTLS is the server's TLS configuration with WithTLS: every client is
// asked for a certificate (none is required: only some operations need
// one, and serveV2 checks it).
func (s *Server) mutualTLS() *tls.Config {
	return &tls.Config{ClientAuth: tls.RequestClientCert, MinVersion: tls.VersionTLS12}
}

// rootHandler sends APIv2 calls to serveV2 and everything else to the
// APIv3 gateway.
func (s *Server) rootHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.admin && strings.HasPrefix(r.URL.Path, AdminPrefix) { // admin.go
			s.adminHandler.ServeHTTP(w, r)
			return
		}
		if op, ok := v2Operation(r); ok {
			s.serveV2(w, r, op)
			return
		}
		if op, ok := v2Other(r); ok {
			s.serveV2Other(w, r, op)
			return
		}
		s.serveHTTP(w, r)
	})
}

// v2Operation finds the APIv2 operation of a request by its wire path.
func v2Operation(r *http.Request) (catalog.Operation, bool) {
	if r.Method != http.MethodPost || strings.HasPrefix(r.URL.Path, "/v3/") {
		return catalog.Operation{}, false
	}
	op, ok := catalog.Lookup(http.MethodPost, strings.TrimPrefix(r.URL.Path, "/"))
	if !ok || op.Encoding != catalog.EncodingXML || op.Wire() != strings.TrimPrefix(r.URL.Path, "/") {
		return catalog.Operation{}, false
	}
	return op, true
}

// serveV2 answers one APIv2 call.
func (s *Server) serveV2(w http.ResponseWriter, r *http.Request, op catalog.Operation) {
	body, err := io.ReadAll(io.LimitReader(r.Body, v2MaxBody+1))
	if err != nil || len(body) > v2MaxBody {
		s.writeV2(w, op, v2Fail("请求体读取失败或过大 (body unreadable or over 1 MiB)"), "")
		return
	}
	hasCert := s.merchantCertPresented(r)
	req, err := v2xml.Decode(body)
	if err != nil {
		s.writeV2(w, op, v2Fail("XML格式错误 (malformed XML): "+err.Error()), "")
		return
	}
	s.recordV2(op, req, hasCert)

	signType := req["sign_type"]
	if ans := s.checkV2(r, op, req, signType, hasCert); ans != nil {
		s.writeV2(w, op, ans, signType)
		return
	}
	var ans v2Fields
	if h := v2Routes[op.Wire()]; h != nil {
		ans = h(s, req)
	} else {
		ans = v2Generic(op, req)
	}
	if ans["return_code"] == "" {
		ans["return_code"] = "SUCCESS"
		ans["return_msg"] = "OK"
	}
	s.writeV2(w, op, ans, signType)
}

// merchantCertPresented reports whether r came over mutual TLS with the
// merchant certificate (ClientCertificate).
func (s *Server) merchantCertPresented(r *http.Request) bool {
	return r.TLS != nil && len(r.TLS.PeerCertificates) > 0 && r.TLS.PeerCertificates[0].Equal(s.v2.clientCert.Leaf)
}

// checkV2 does what the gateway does before looking at a call: mutual TLS,
// the sign, the merchant id, the required fields, nonce_str. It returns
// the FAIL answer, or nil.
func (s *Server) checkV2(r *http.Request, op catalog.Operation, req v2Fields, signType string, hasCert bool) v2Fields {
	if op.CertRequired && r.TLS != nil && !hasCert {
		return v2Fail("证书不存在或无效: this operation needs the merchant API certificate (mutual TLS)")
	}
	if p := v2SignTypeProblem(signType); p != "" {
		return v2Fail(p)
	}
	if op.Body != nil {
		if f, ok := op.Body.Member("sign_type"); ok && len(f.Enum) == 1 && cmp.Or(signType, signer.SignTypeMD5) != f.Enum[0] {
			return v2Fail("sign_type参数错误: this operation is signed with " + f.Enum[0])
		}
	}
	if missing := v2Missing(op, req); missing != "" {
		return v2Fail("缺少参数" + missing + " (missing field " + missing + ")")
	}
	if err := signer.VerifyV2(req, s.APIv2Key, signType); err != nil {
		return v2Fail("签名错误 (sign does not verify)")
	}
	if len(req["nonce_str"]) > 32 {
		return v2Fail("nonce_str参数长度有误 (over 32 characters)")
	}
	if p := s.v2MerchantProblem(req, "mch_id", "mchid", "combine_mch_id"); p != "" {
		return v2Fail(p)
	}
	return nil
}

// v2SignTypeProblem refuses a sign_type other than MD5 and HMAC-SHA256
// ("" when it is one, or none was given).
func v2SignTypeProblem(signType string) string {
	if signType != "" && signType != signer.SignTypeMD5 && signType != signer.SignTypeHMACSHA256 {
		return "sign_type参数错误: " + signType
	}
	return ""
}

// v2MerchantProblem refuses a merchant id under one of names that is not
// this server's ("" when none is).
func (s *Server) v2MerchantProblem(req v2Fields, names ...string) string {
	for _, name := range names {
		if v, ok := req[name]; ok && v != s.MchID {
			return name + "参数错误 (not this merchant)"
		}
	}
	return ""
}

// v2Alternatives are fields of which the catalogue marks several required
// where one identifies the order or refund.
var v2Alternatives = []string{"transaction_id", "out_trade_no", "out_refund_no", "refund_id"}

// v2Missing returns the first required field of op that req lacks ("" when
// none): of the identifying alternatives the operation requires, one is
// enough.
func v2Missing(op catalog.Operation, req v2Fields) string {
	if op.Body == nil {
		return ""
	}
	var alts []string
	for _, f := range op.Body.Fields {
		if f.Required && slices.Contains(v2Alternatives, f.Name) {
			alts = append(alts, f.Name)
		}
	}
	for _, f := range op.Body.Fields {
		if !f.Required || req[f.Name] != "" {
			continue
		}
		if len(alts) > 1 && slices.Contains(alts, f.Name) {
			continue
		}
		return f.Name
	}
	if len(alts) > 1 && !slices.ContainsFunc(alts, func(n string) bool { return req[n] != "" }) {
		return strings.Join(alts, "/")
	}
	return ""
}

// v2Fail is a return_code FAIL answer.
func v2Fail(msg string) v2Fields {
	return v2Fields{"return_code": "FAIL", "return_msg": msg}
}

// v2Business is a result_code FAIL answer.
func v2Business(code, des string) v2Fields {
	return v2Fields{"result_code": "FAIL", "err_code": code, "err_code_des": des}
}

// writeV2 signs (when the operation's answers carry sign and the answer is
// not a return_code FAIL) and writes an answer.
func (s *Server) writeV2(w http.ResponseWriter, op catalog.Operation, ans v2Fields, signType string) {
	if ans["return_code"] == "SUCCESS" && op.Response != nil {
		if _, signed := op.Response.Member(signer.FieldSign); signed {
			if ans["nonce_str"] == "" {
				ans["nonce_str"] = randomString(32, alnum)
			}
			sign, err := signer.SignV2(ans, s.APIv2Key, signType)
			if err != nil {
				ans = v2Fail("签名失败: " + err.Error())
			} else {
				ans[signer.FieldSign] = sign
			}
		}
	}
	body, err := v2xml.Encode(ans)
	if err != nil {
		body, _ = v2xml.Encode(v2Fail("内部错误 (the simulator could not encode its answer)"))
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Header().Set(signer.HeaderRequestID, newRequestID())
	_, _ = w.Write(body)
}

// v2Generic answers a catalogued operation without a stateful route:
// SUCCESS, the identifying request fields echoed, every other required
// answer field filled from the catalogue's example or a placeholder.
func v2Generic(op catalog.Operation, req v2Fields) v2Fields {
	ans := v2Fields{"result_code": "SUCCESS"}
	if op.Response == nil {
		return ans
	}
	for _, f := range op.Response.Fields {
		switch {
		case f.Name == signer.FieldSign || f.Name == "return_code" || f.Name == "return_msg" || f.Name == "result_code" || strings.Contains(f.Name, "$"):
		case req[f.Name] != "":
			ans[f.Name] = req[f.Name]
		case f.Required:
			ans[f.Name] = v2Example(f)
		}
	}
	return ans
}

// v2Example is a value for an answer field: the catalogue's example, the
// first enum value, or a placeholder of the field's type.
func v2Example(f catalog.Field) string {
	if ex := strings.Trim(f.Example, `"`); ex != "" && !strings.ContainsAny(ex, "\\{[") {
		return ex
	}
	if len(f.Enum) > 0 {
		return f.Enum[0]
	}
	if f.Type == "integer" || f.Type == "number" {
		return "1"
	}
	return "SIMULATED"
}
