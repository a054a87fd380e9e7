package wechatpaytest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/chainpay-go/wechatpay/catalog"
	"github.com/chainpay-go/wechatpay/internal/gateway"
	"github.com/chainpay-go/wechatpay/signer"
)

// window is the accepted clock skew of a request timestamp.
const window = 300 * time.Second

// serveHTTP is the gateway pipeline: authenticate (the header first, then
// the signature over the body, read up to its limit), record, route, apply
// faults, run the handler, sign.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := newRequestID()
	rawPath, rawQuery, _ := strings.Cut(r.RequestURI, "?")
	query, _ := url.ParseQuery(rawQuery)
	req := &Request{
		Method:         r.Method,
		URI:            r.RequestURI,
		Path:           r.URL.Path,
		Query:          query,
		Header:         r.Header,
		ResponseHeader: http.Header{},
		ctx:            r.Context(),
		start:          time.Now(),
		srv:            s,
	}
	// refuse records a request that failed before authentication, without its body.
	refuse := func(size, status int, eb *ErrorBody) {
		req.rec = s.record(r, false, nil, size, requestID)
		s.respond(w, req, requestID, status, eb, nil)
	}

	// A request that carries no well-formed Authorization is refused before
	// any of its body is read.
	a, status, eb := parseAuthorization(r)
	if eb != nil {
		refuse(0, status, eb)
		return
	}
	if r.ContentLength > s.limits.MaxBody {
		refuse(0, http.StatusRequestEntityTooLarge, Error("INVALID_REQUEST", "请求体过大 (the body is over "+strconv.FormatInt(s.limits.MaxBody, 10)+" bytes)"))
		return
	}
	body, err := readBody(http.MaxBytesReader(w, r.Body, s.limits.MaxBody), r.ContentLength)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			refuse(len(body), http.StatusRequestEntityTooLarge, Error("INVALID_REQUEST", "请求体过大 (the body is over "+strconv.FormatInt(s.limits.MaxBody, 10)+" bytes)"))
		} else {
			refuse(len(body), http.StatusBadRequest, Error("INVALID_REQUEST", "读取请求体失败"))
		}
		return
	}
	req.Body = body

	// An upload's signature covers its meta part.
	signed := body
	if mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && mt == "multipart/form-data" {
		up, err := parseUpload(body, params["boundary"])
		if err != nil {
			refuse(len(body), http.StatusBadRequest, ParamError("body", "meta", err.Error()))
			return
		}
		req.Upload = up
		signed = up.Meta
	}

	if status, eb := s.verifyAuthorization(r, a, signed); eb != nil {
		refuse(len(body), status, eb)
		return
	}
	req.rec = s.record(r, true, body, len(body), requestID)

	// Encrypted fields name the platform key they were encrypted for: a
	// route's request is refused at once, the generic responder's after
	// its other checks (the gateway checks this header last).
	var badSerial *ErrorBody
	if ws := r.Header.Get(signer.HeaderSerial); ws != "" && !s.knowsPlatformSerial(ws) {
		badSerial = &ErrorBody{Code: "PARAM_ERROR", Message: "Wechatpay-Serial 不是有效的平台证书序列号或公钥ID",
			Detail: FieldDetail{Field: signer.HeaderSerial, Value: ws, Issue: "unknown platform serial", Location: "header"}}
	}

	rt, params, pathKnown := s.match(r.Method, rawPath)
	var op *catalog.Operation
	switch {
	case rt != nil:
		req.Params, req.pattern = params, rt.pattern
		if badSerial != nil {
			s.respond(w, req, requestID, http.StatusBadRequest, badSerial, nil)
			return
		}
	default:
		if o, vars, ok := genericOperation(r.Method, rawPath); ok {
			op, req.Params, req.pattern = o, vars, "/"+o.Template
		} else if badSerial != nil {
			s.respond(w, req, requestID, http.StatusBadRequest, badSerial, nil)
			return
		}
	}
	f := s.takeFault(r.Method, req.pattern, req.Path)
	req.fault = f
	if f != nil {
		if f.Delay > 0 {
			t := time.NewTimer(f.Delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			case <-s.closing:
				t.Stop()
				dropConnection(w, "")
				return
			}
		}
		if f.Drop {
			dropConnection(w, "")
			return
		}
		if f.Cut {
			dropConnection(w, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 64\r\n"+
				signer.HeaderRequestID+": "+requestID+"\r\n\r\n{")
			return
		}
		if f.Status != 0 {
			b := f.Body
			if b == nil {
				b = Error(defaultCode(f.Status), "模拟故障 (injected fault)")
			}
			if f.RetryAfter > 0 {
				req.ResponseHeader.Set("Retry-After", strconv.Itoa(int((f.RetryAfter+time.Second-1)/time.Second)))
			}
			s.respond(w, req, requestID, f.Status, b, f)
			return
		}
	}

	if rt != nil || op != nil {
		if status, out, ok := s.steer(req, rawPath, op, badSerial); ok { // outcome.go
			s.respond(w, req, requestID, status, out, f)
			return
		}
	}

	switch {
	case rt == nil && op != nil:
		status, out := s.generic(req, op, req.Params, badSerial)
		s.respond(w, req, requestID, status, out, f)
	case rt == nil && pathKnown:
		s.respond(w, req, requestID, http.StatusMethodNotAllowed, Error("INVALID_REQUEST", "不支持的请求方法 "+r.Method), f)
	case rt == nil:
		s.respond(w, req, requestID, http.StatusNotFound, Error("RESOURCE_NOT_EXISTS", "请求的资源不存在"), f)
	default:
		status, out := rt.h(req)
		if d, ok := out.(*Download); ok {
			w.Header().Set(signer.HeaderRequestID, requestID)
			stream(w, req, status, d)
			s.answered(req, status)
			return
		}
		s.respond(w, req, requestID, status, out, f)
	}
}

// stream writes a Download, unsigned; a Tamper fault flips its first byte.
func stream(w http.ResponseWriter, req *Request, status int, d *Download) {
	h := w.Header()
	for k, v := range req.ResponseHeader {
		h[k] = v
	}
	ct := d.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	if d.Size >= 0 && !d.Gzip {
		h.Set("Content-Length", strconv.FormatInt(d.Size, 10))
	}
	var src io.Reader = d.Body
	if src == nil {
		src = strings.NewReader("")
	}
	if req.fault != nil && req.fault.Tamper {
		src = &tamperReader{r: src}
	}
	w.WriteHeader(status)
	if !d.Gzip {
		_, _ = io.Copy(w, src)
		return
	}
	zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
	_, _ = io.Copy(zw, src)
	_ = zw.Close()
}

// tamperReader changes the first byte of a stream.
type tamperReader struct {
	r    io.Reader
	done bool
}

func (t *tamperReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 && !t.done {
		p[0] ^= 0x01
		t.done = true
	}
	return n, err
}

// readBody reads a body of the declared length n (-1: unknown, 0 with no
// body) into one buffer of that size.
func readBody(rd io.Reader, n int64) ([]byte, error) {
	if n <= 0 {
		return io.ReadAll(rd)
	}
	buf := bytes.NewBuffer(make([]byte, 0, n+bytes.MinRead))
	_, err := buf.ReadFrom(rd)
	return buf.Bytes(), err
}

// knowsPlatformSerial reports whether serial names one of the platform keys.
func (s *Server) knowsPlatformSerial(serial string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.platforms {
		if strings.EqualFold(e.serial, serial) {
			return true
		}
	}
	return false
}

// defaultCode is the gateway's error code for an injected status.
func defaultCode(status int) string {
	switch {
	case status == http.StatusTooManyRequests:
		return "FREQUENCY_LIMITED"
	case status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout:
		return "SERVICE_UNAVAILABLE"
	case status == http.StatusAccepted:
		return "USERPAYING"
	case status == http.StatusUnauthorized:
		return "SIGN_ERROR"
	case status == http.StatusForbidden:
		return "NO_AUTH"
	case status == http.StatusNotFound:
		return "RESOURCE_NOT_EXISTS"
	case status >= 400 && status < 500:
		return "INVALID_REQUEST"
	default:
		return "SYSTEM_ERROR"
	}
}

// dropConnection writes partial (possibly nothing) on the raw connection
// and closes it.
func dropConnection(w http.ResponseWriter, partial string) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, buf, err := hj.Hijack(); err == nil {
			if partial != "" {
				_, _ = buf.WriteString(partial)
				_ = buf.Flush()
			}
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// signInformation is SIGN_ERROR's detail.sign_information.
type signInformation struct {
	Method               string `json:"method"`
	URL                  string `json:"url"`
	SignMessageLength    int    `json:"sign_message_length"`
	TruncatedSignMessage string `json:"truncated_sign_message"`
}

// signError answers like the gateway when authentication fails.
func signError(r *http.Request, message string, signMessage []byte) *ErrorBody {
	info := signInformation{Method: r.Method, URL: r.RequestURI, SignMessageLength: len(signMessage)}
	if signMessage != nil {
		info.TruncatedSignMessage = truncateSignMessage(signMessage)
	}
	return &ErrorBody{Code: "SIGN_ERROR", Message: message, Detail: map[string]any{"sign_information": info}}
}

// truncateSignMessage keeps the first four lines of the message the server
// verified and the first 8 bytes of its body line, as the gateway does.
func truncateSignMessage(msg []byte) string {
	idx := 0
	for i := 0; i < 4; i++ {
		j := bytes.IndexByte(msg[idx:], '\n')
		if j < 0 {
			return string(msg)
		}
		idx += j + 1
	}
	rest := msg[idx:]
	if len(rest) > 8 {
		rest = rest[:8]
	}
	return string(msg[:idx]) + strings.TrimSuffix(string(rest), "\n") + "\n"
}

// authenticate checks the Authorization header like the gateway: scheme,
// fields, mchid, serial, timestamp window, signature, then nonce replay.
func (s *Server) authenticate(r *http.Request, body []byte) (int, *ErrorBody) {
	a, status, eb := parseAuthorization(r)
	if eb != nil {
		return status, eb
	}
	return s.verifyAuthorization(r, a, body)
}

// parseAuthorization checks what needs no body: the header is there, with
// the scheme and well-formed fields.
func parseAuthorization(r *http.Request) (*gateway.Authorization, int, *ErrorBody) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, http.StatusUnauthorized, signError(r, "Http头缺少Authorization (missing Authorization)", nil)
	}
	scheme, _, _ := strings.Cut(h, " ")
	if scheme != signer.Scheme {
		return nil, http.StatusUnauthorized, signError(r, "错误的签名认证类型 "+showScheme(scheme)+" (unsupported scheme, want "+signer.Scheme+")", nil)
	}
	a, err := gateway.ParseAuthorization(h)
	if err != nil {
		return nil, http.StatusUnauthorized, signError(r, "Authorization格式错误 (malformed Authorization): "+err.Error(), nil)
	}
	return a, 0, nil
}

// verifyAuthorization checks the parsed header a against the server and body.
func (s *Server) verifyAuthorization(r *http.Request, a *gateway.Authorization, body []byte) (int, *ErrorBody) {
	// The message as the gateway sees it, reported in sign_information.
	seen := []byte(r.Method + "\n" + r.RequestURI + "\n" + a.Timestamp + "\n" + a.Nonce + "\n" + string(body) + "\n")
	if a.MchID != s.MchID {
		return http.StatusUnauthorized, signError(r, "商户号不匹配 (mchid "+strconv.Quote(a.MchID)+" is not this merchant)", seen)
	}
	if a.Serial != s.MerchantSerial {
		return http.StatusUnauthorized, signError(r, "商户证书序列号有误 (serial_no "+strconv.Quote(a.Serial)+" is not the merchant certificate serial)", seen)
	}
	ts, err := strconv.ParseInt(a.Timestamp, 10, 64)
	if err != nil || len(a.Timestamp) > 10 {
		return http.StatusUnauthorized, signError(r, "timestamp格式错误 (timestamp must be Unix seconds)", seen)
	}
	now := s.now().Unix()
	if d := now - ts; d > int64(window.Seconds()) || d < -int64(window.Seconds()) {
		return http.StatusUnauthorized, signError(r, fmt.Sprintf("请求的时间戳已过期 (timestamp is %d s away from the server clock)", d), seen)
	}
	msg := signer.BuildMessage(r.Method, r.RequestURI, ts, a.Nonce, body)
	if err := signer.VerifySignature(&s.MerchantKey.PublicKey, msg, a.Signature); err != nil {
		return http.StatusUnauthorized, signError(r, "签名错误 (the signature does not verify)", msg)
	}
	s.mu.Lock()
	fresh := s.nonces.add(a.MchID+"\x00"+a.Nonce, ts, now)
	s.mu.Unlock()
	if !fresh {
		return http.StatusUnauthorized, signError(r, "重复的随机字符串 (nonce_str was already used)", msg)
	}
	return 0, nil
}

// showScheme quotes a refused scheme when it looks like one (a short token);
// anything else may be (part of) a signature and is not echoed.
func showScheme(scheme string) string {
	ok := len(scheme) <= 40
	for i := 0; ok && i < len(scheme); i++ {
		c := scheme[i]
		ok = c == '-' || c == '_' || ('0' <= c && c <= '9') || ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z')
	}
	if !ok {
		return "(not shown)"
	}
	return strconv.Quote(scheme)
}

// respond encodes body, signs it (unless f says otherwise) and writes the answer.
func (s *Server) respond(w http.ResponseWriter, req *Request, requestID string, status int, body any, f *faultEntry) {
	b, err := encodeBody(body)
	if err != nil {
		status, b = http.StatusInternalServerError, mustJSON(Error("SYSTEM_ERROR", "wechatpaytest: cannot encode the answer: "+err.Error()))
	}
	if status == http.StatusNoContent || status == http.StatusNotModified {
		b = nil
	}
	h := w.Header()
	for k, v := range req.ResponseHeader {
		h[k] = v
	}
	h.Set(signer.HeaderRequestID, requestID)
	if len(b) > 0 && h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	if f == nil || !f.Unsigned {
		if err := s.signInto(req.ctx, h, b, f); err != nil {
			status, b = http.StatusInternalServerError, mustJSON(Error("SYSTEM_ERROR", err.Error()))
		}
	}
	if f != nil && f.Tamper {
		if len(b) > 0 {
			b = tamper(b)
		} else {
			// No body to change: change the signed nonce instead.
			h.Set(signer.HeaderNonce, randomString(32, alnum))
		}
	}
	if len(b) > 0 {
		h.Set("Content-Length", strconv.Itoa(len(b)))
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
	s.answered(req, status)
}

// signInto adds the Wechatpay-* headers for body to h, applying the signing
// faults of f.
func (s *Server) signInto(ctx context.Context, h http.Header, body []byte, f *faultEntry) error {
	e := s.signingEntry()
	now := s.now()
	serial := e.serial
	if f != nil && f.StaleTimestamp {
		now = now.Add(-2 * window)
	}
	if f != nil && f.UnknownSerial {
		serial = s.unknownSerial()
	}
	sh, err := gateway.SignHeaders(ctx, e.signer, serial, body, now)
	if err != nil {
		return fmt.Errorf("wechatpaytest: sign the answer: %w", err)
	}
	for k, v := range sh {
		h[k] = v
	}
	if f != nil && f.ProbeSignature {
		h.Set(signer.HeaderSignature, probeSignature())
	}
	return nil
}

// unknownSerial makes a serial no client knows, in the server's mode's format.
func (s *Server) unknownSerial() string {
	if s.certMode {
		return randomString(40, hexUp)
	}
	return "PUB_KEY_ID_0" + randomString(27, digits)
}

// probeSignature is what WeChat Pay's probe traffic carries.
func probeSignature() string {
	return "WECHATPAY/SIGNTEST/" + base64.StdEncoding.EncodeToString([]byte(randomString(48, alnum)))
}

// tamper changes a signed body: a JSON object gets an extra member, anything
// else an extra byte.
func tamper(b []byte) []byte {
	if len(b) > 1 && b[0] == '{' {
		if b[1] == '}' {
			return append([]byte(`{"tampered":true`), b[1:]...)
		}
		return append([]byte(`{"tampered":true,`), b[1:]...)
	}
	return append(append([]byte(nil), b...), ' ')
}

// encodeBody turns a Handler's body into bytes.
func encodeBody(body any) ([]byte, error) {
	switch v := body.(type) {
	case nil:
		return nil, nil
	case []byte:
		return v, nil
	case string:
		return []byte(v), nil
	case json.RawMessage:
		return v, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func mustJSON(v any) []byte {
	b, err := encodeBody(v)
	if err != nil {
		panic(err)
	}
	return b
}

// newRequestID makes a Request-ID shaped like the gateway's.
func newRequestID() string {
	return randomString(48, hexUp)
}

// parseUpload parses a media upload: a "meta" part with the JSON that was
// signed and a "file" part.
func parseUpload(body []byte, boundary string) (*Upload, error) {
	if boundary == "" {
		return nil, errors.New("multipart boundary missing")
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	up := &Upload{}
	seenMeta := false
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("malformed multipart body: %v", err)
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return nil, fmt.Errorf("malformed multipart body: %v", err)
		}
		switch p.FormName() {
		case "meta":
			up.Meta, seenMeta = data, true
		case "file":
			up.File, up.FileName, up.ContentType = data, p.FileName(), p.Header.Get("Content-Type")
		}
	}
	if !seenMeta {
		return nil, errors.New("meta part missing")
	}
	return up, nil
}
