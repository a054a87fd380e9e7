package wechatpaytest

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/chainpay-go/wechatpay/catalog"
	"github.com/chainpay-go/wechatpay/signer"
)

// The APIv2 operations that are not an XML POST.
//
// Six are GETs whose fields travel in the query: appauth/getaccesstoken
// (answered in JSON, retcode 0), papay/h5entrustweb and
// papay/partner/h5entrustweb (answered in XML, return_code SUCCESS and a
// redirect_url), and three pages a user's browser opens:
// appauth/authindex (a 302 to redirect_uri with a code and the state) and
// papay/entrustweb, papay/partner/entrustweb (an HTML page). Their query
// is checked as an XML body would be: no field twice, the required fields,
// the mch_id, and the sign (with the sign_type given or the operation's
// only one) where the operation has a sign field; appauth/authindex has
// none. A refused page is a 400 text/plain naming the problem.
//
// secapi/mch/uploadmedia is a multipart POST: the form fields mch_id,
// media_hash (the MD5 of the file, hex), sign_type and sign, and the file
// in the part named media. The sign covers the form fields, not the file;
// media_hash must match the file. Its answer is XML with a media_id,
// signed.

// v2UploadPath is the one APIv2 multipart operation.
const v2UploadPath = "secapi/mch/uploadmedia"

// v2MaxUpload bounds an uploadmedia body (the file is at most 2 MB).
const v2MaxUpload = 3 << 20

// v2Other finds an APIv2 operation that is not an XML POST by the
// request's method and wire path.
func v2Other(r *http.Request) (catalog.Operation, bool) {
	wire := strings.TrimPrefix(r.URL.Path, "/")
	if strings.HasPrefix(wire, "v3/") {
		return catalog.Operation{}, false
	}
	switch {
	case r.Method == http.MethodGet:
		op, ok := catalog.Lookup(http.MethodGet, "v2/"+wire)
		return op, ok && op.Encoding == catalog.EncodingXML && op.Wire() == wire
	case r.Method == http.MethodPost && wire == v2UploadPath:
		return catalog.Lookup(http.MethodPost, "v2/"+wire)
	}
	return catalog.Operation{}, false
}

// queryFields reads a query into fields, refusing a name given twice.
func queryFields(q url.Values) (v2Fields, error) {
	f := make(v2Fields, len(q))
	for k, vs := range q {
		if len(vs) > 1 {
			return nil, fmt.Errorf("%s given %d times, want once", k, len(vs))
		}
		f[k] = vs[0]
	}
	return f, nil
}

// checkV2Query checks a query-borne APIv2 call: the required parameters,
// sign_type, mch_id, and the sign where the operation has one. It returns
// the problem, or "".
func (s *Server) checkV2Query(op catalog.Operation, req v2Fields) string {
	signed := false
	signType := req["sign_type"]
	for _, p := range op.Params {
		if p.In != catalog.LocationQuery {
			continue
		}
		if p.Name == signer.FieldSign {
			signed = true
			continue
		}
		if p.Name == "sign_type" && signType == "" && len(p.Enum) == 1 {
			signType = p.Enum[0] // the operation's only sign type
		}
		if p.Required && req[p.Name] == "" {
			return "缺少参数" + p.Name + " (missing field " + p.Name + ")"
		}
		if len(p.Enum) > 0 && req[p.Name] != "" && !slices.Contains(p.Enum, req[p.Name]) {
			return p.Name + "参数错误 (" + req[p.Name] + " is not one of " + strings.Join(p.Enum, ", ") + ")"
		}
	}
	if p := v2SignTypeProblem(signType); p != "" {
		return p
	}
	if p := s.v2MerchantProblem(req, "mch_id"); p != "" {
		return p
	}
	if signed {
		if req[signer.FieldSign] == "" {
			return "缺少参数sign (missing field sign)"
		}
		if err := signer.VerifyV2(req, s.APIv2Key, signType); err != nil {
			return "签名错误 (sign does not verify)"
		}
	}
	return ""
}

// serveV2Other answers an APIv2 operation that is not an XML POST.
func (s *Server) serveV2Other(w http.ResponseWriter, r *http.Request, op catalog.Operation) {
	if r.Method == http.MethodPost {
		s.serveV2Upload(w, r, op)
		return
	}
	req, err := queryFields(r.URL.Query())
	problem := ""
	if err != nil {
		problem = err.Error()
	} else {
		s.recordV2(op, req, false)
		problem = s.checkV2Query(op, req)
	}
	switch {
	case op.Response != nil && hasField(op.Response, "retcode"):
		ans := map[string]any{"retcode": 0, "retmsg": "ok"}
		if problem != "" {
			ans = map[string]any{"retcode": -1, "retmsg": problem}
		} else {
			for _, f := range op.Response.Fields {
				if _, set := ans[f.Name]; !set && f.Required {
					ans[f.Name] = v2JSONExample(f)
				}
			}
		}
		b, _ := json.Marshal(ans)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set(signer.HeaderRequestID, newRequestID())
		_, _ = w.Write(b)
	case op.Response != nil:
		ans := v2Fail(problem)
		if problem == "" {
			ans = v2Generic(op, req)
			ans["return_code"], ans["return_msg"] = "SUCCESS", "OK"
			if _, ok := op.Response.Member("redirect_url"); ok {
				ans["redirect_url"] = "https://payapp.weixin.qq.com/papay/simulated?contract_code=" + url.QueryEscape(req["contract_code"])
			}
		}
		s.writeV2(w, op, ans, req["sign_type"])
	case problem != "":
		w.Header().Set(signer.HeaderRequestID, newRequestID())
		http.Error(w, "wechatpaytest: "+op.Wire()+": "+problem, http.StatusBadRequest)
	case op.Wire() == "appauth/authindex":
		to, err := url.Parse(req["redirect_uri"])
		if err != nil || (to.Scheme != "https" && to.Scheme != "http") || to.Host == "" {
			http.Error(w, "wechatpaytest: appauth/authindex: redirect_uri is not an absolute http(s) URL", http.StatusBadRequest)
			return
		}
		q := to.Query()
		q.Set("code", randomString(32, alnum))
		q.Set("state", req["state"])
		to.RawQuery = q.Encode()
		w.Header().Set(signer.HeaderRequestID, newRequestID())
		http.Redirect(w, r, to.String(), http.StatusFound)
	default:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set(signer.HeaderRequestID, newRequestID())
		_, _ = io.WriteString(w, "<!doctype html><title>wechatpaytest</title><p>Simulated page of "+op.Wire()+": the user would sign the contract here.</p>\n")
	}
}

// serveV2Upload answers secapi/mch/uploadmedia.
func (s *Server) serveV2Upload(w http.ResponseWriter, r *http.Request, op catalog.Operation) {
	req, file, err := readV2Upload(r)
	if err != nil {
		s.writeV2(w, op, v2Fail("请求格式错误 (malformed upload): "+err.Error()), "")
		return
	}
	hasCert := s.merchantCertPresented(r)
	s.recordV2(op, req, hasCert)
	signType := req["sign_type"]
	// The file is not a signed field: check the form without it.
	form := op
	if op.Body != nil {
		body := *op.Body
		body.Fields = slices.DeleteFunc(slices.Clone(body.Fields), func(f catalog.Field) bool { return f.Name == "media" })
		form.Body = &body
	}
	if ans := s.checkV2(r, form, req, signType, hasCert); ans != nil {
		s.writeV2(w, op, ans, signType)
		return
	}
	sum := md5.Sum(file)
	if !strings.EqualFold(req["media_hash"], hex.EncodeToString(sum[:])) {
		s.writeV2(w, op, v2Fail("media_hash参数错误 (not the MD5 of the file)"), signType)
		return
	}
	s.writeV2(w, op, v2Fields{"return_code": "SUCCESS", "return_msg": "OK", "result_code": "SUCCESS",
		"mch_id": s.MchID, "media_id": "sim-media-" + hex.EncodeToString(sum[:8])}, signType)
}

// readV2Upload reads the form fields and the media file of an upload,
// bounded, refusing a field or the file given twice.
func readV2Upload(r *http.Request) (v2Fields, []byte, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, nil, errors.New("want multipart/form-data")
	}
	mr := multipart.NewReader(io.LimitReader(r.Body, v2MaxUpload), params["boundary"])
	fields := v2Fields{}
	var file []byte
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		name := p.FormName()
		b, err := io.ReadAll(io.LimitReader(p, v2MaxUpload))
		if err != nil {
			return nil, nil, err
		}
		if name == "media" {
			if file != nil {
				return nil, nil, errors.New("media given twice")
			}
			file = b
			continue
		}
		if _, dup := fields[name]; dup {
			return nil, nil, fmt.Errorf("%s given twice", name)
		}
		fields[name] = string(b)
	}
	if file == nil {
		return nil, nil, errors.New("缺少参数media (no file part named media)")
	}
	return fields, file, nil
}

// recordV2 keeps an APIv2 request for V2Requests.
func (s *Server) recordV2(op catalog.Operation, req v2Fields, cert bool) {
	s.v2.mu.Lock()
	defer s.v2.mu.Unlock()
	if len(s.v2.requests) == v2RecordLimit {
		s.v2.requests = slices.Delete(s.v2.requests, 0, 1)
	}
	s.v2.requests = append(s.v2.requests, V2Request{Path: op.Wire(), Fields: req, ClientCert: cert})
}

// hasField reports whether f has a member named name.
func hasField(f *catalog.Field, name string) bool {
	_, ok := f.Member(name)
	return ok
}

// v2JSONExample is a JSON value for a field of a JSON-answering APIv2
// operation.
func v2JSONExample(f catalog.Field) any {
	if f.Type == "integer" || f.Type == "number" {
		return 7200
	}
	return v2Example(f)
}
