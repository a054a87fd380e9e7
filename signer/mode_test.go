package signer_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/signer"
)

func TestVerificationFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method, path string
		want         signer.VerifyMode
	}{
		{"GET", "/v3/billdownload/file", signer.VerifyNone},
		{"GET", "v3/billdownload/file", signer.VerifyNone},
		{"GET", "/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO", signer.VerifyNone},
		{"get", "/v3/billdownload/file", signer.VerifyNone},
		{"GET", "https://api.mch.weixin.qq.com/v3/billdownload/file?token=abc", signer.VerifyNone},
		{"GET", "https://api.mch.weixin.qq.com/v3/pay/transactions/id/1", signer.VerifyBody},
		{"POST", "/v3/billdownload/file", signer.VerifyBody},
		{"GET", "/v3/billdownload/file-evil", signer.VerifyBody},
		{"GET", "/v3/billdownload/file/", signer.VerifyBody},
		{"GET", "/v3/billdownload/file/x", signer.VerifyBody},
		{"GET", "/v3/billdownload/filex?token=1", signer.VerifyBody},
		{"GET", "/x/v3/billdownload/file", signer.VerifyBody},
		{"GET", "//v3/billdownload/file", signer.VerifyBody},
		{"GET", "/v3/billdownload/%66ile", signer.VerifyBody},
		{"GET", "/v3/bill/tradebill?bill_date=2019-06-11", signer.VerifyBody},
		{"GET", "/v3/merchant-service/images/ChsyMWE1Mzg4NTM4NTg", signer.VerifyNone},
		{"GET", "/v3/merchant-service/images/ChsyMWE1Mzg4NTM4NTg?x=1", signer.VerifyNone},
		{"GET", "/v3/merchant-service/images/upload", signer.VerifyBody},
		{"POST", "/v3/merchant-service/images/upload", signer.VerifyBody},
		{"GET", "/v3/merchant-service/images/", signer.VerifyBody},
		{"GET", "/v3/merchant-service/images", signer.VerifyBody},
		{"GET", "/v3/merchant-service/images/a/b", signer.VerifyNone},
		{"GET", "/v3/merchant-service/images/Chs/Mz+U0==", signer.VerifyNone},
		{"GET", "/v3/merchant-service/images/Chs%2FMz%2BU0%3D%3D", signer.VerifyNone},
		{"GET", "/v3/merchant-service/images/upload/x", signer.VerifyNone},
		{"GET", "/v3/merchant-service/images/%75pload", signer.VerifyBody},
		{"GET", "/v3/merchant-service/images/a//b", signer.VerifyBody},
		{"GET", "/v3/merchant-service/images/a/", signer.VerifyBody},
		{"GET", "/v3/merchant-service/images/../../pay/transactions/id/1", signer.VerifyBody},
		{"GET", "/v3/merchant-service/images/x/%2e%2E/y", signer.VerifyBody},
		{"GET", "/v3/merchant-service/images/./x", signer.VerifyBody},
		{"GET", "/v3/merchant-service/images/%zz", signer.VerifyBody},
		// a dot segment hidden behind an escaped "/" or "\" (servers and proxies that
		// decode %2F before resolving dot segments would route elsewhere)
		{"GET", "/v3/merchant-service/images/..%2F..%2Fpay%2Ftransactions%2Fid%2F1", signer.VerifyBody},
		{"GET", "/v3/merchant-service/images/a%2F..%2Fb", signer.VerifyBody},
		{"GET", "/v3/merchant-service/images/a%2F%2E%2E", signer.VerifyBody},
		{"GET", "/v3/merchant-service/images/.%2Fx", signer.VerifyBody},
		{"GET", "/v3/merchant-service/images/..%5Cx", signer.VerifyBody},
		{"GET", "/v3/merchant-service/images/a%2F%2Fb", signer.VerifyNone}, // id with "//" sent as one segment
		{"GET", "/v3/merchant-service/images/a..b%2F.c", signer.VerifyNone},
		{"GET", "/v3/global/merchant-service/images/a/b", signer.VerifyNone},
		{"GET", "/v3/global/global/merchant-service/images/a", signer.VerifyBody},
		{"GET", "/v4/merchant-service/images/a", signer.VerifyBody},
		{"GET", "/v3/merchant-service/images-evil/a", signer.VerifyBody},
		{"GET", "/v3/merchant-service/complaints-v2", signer.VerifyBody},
		{"GET", "/v3/global/merchant-service/images/abc", signer.VerifyNone},
		{"GET", "/v3/global/merchant-service/images/upload", signer.VerifyBody},
		{"GET", "/v3/new-tax-control-fapiao/download?mchid=1&fapiao_id=2", signer.VerifyNone},
		{"GET", "/v3/new-tax-control-fapiao/download-evil", signer.VerifyBody},
		{"GET", "/v3/new-tax-control-fapiao/card-template", signer.VerifyBody},
		{"GET", "/v3/transferdownload/elecvoucherfile?token=1", signer.VerifyNone},
		{"GET", "/v3/transferdownload/signfile?token=1", signer.VerifyNone},
		{"GET", "/v3/transferdownload/other", signer.VerifyBody},
		{"GET", "/v3/statements?date=2024-01-01", signer.VerifyStatementSHA1},
		{"GET", "v3/statements", signer.VerifyStatementSHA1},
		{"GET", "/v3/global/statements", signer.VerifyStatementSHA1},
		{"GET", "/hk/v3/statements", signer.VerifyStatementSHA1},
		{"GET", "/v3/statements/x", signer.VerifyBody},
		{"GET", "/v3/statements-evil", signer.VerifyBody},
		{"POST", "/v3/statements", signer.VerifyBody},
		{"GET", "/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=1230000109", signer.VerifyBody},
		{"GET", "", signer.VerifyBody},
		{"GET", "/", signer.VerifyBody},
		{"GET", "#/v3/billdownload/file", signer.VerifyBody},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			t.Parallel()
			if got := signer.VerificationFor(tt.method, tt.path); got != tt.want {
				t.Errorf("VerificationFor(%q, %q) = %v, want %v", tt.method, tt.path, got, tt.want)
			}
		})
	}
	if s := signer.VerifyMode(9).String(); s != "VerifyMode(?)" {
		t.Errorf("String = %q", s)
	}
}

// referenceMode is an independent, regexp-based statement of PROTOCOL.md's list.
var (
	noneRE      = regexp.MustCompile(`^/v3/(billdownload/file|new-tax-control-fapiao/download|transferdownload/(elecvoucherfile|signfile))$`)
	imagesRE    = regexp.MustCompile(`^/v3/(global/)?merchant-service/images/(.+)$`)
	statementRE = regexp.MustCompile(`^/(v3/statements|v3/global/statements|hk/v3/statements)$`)
)

func referenceMode(method, path string) signer.VerifyMode {
	if strings.ToUpper(method) != "GET" {
		return signer.VerifyBody
	}
	if l := strings.ToLower(path); strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") {
		u, err := url.Parse(path)
		if err != nil {
			return signer.VerifyBody
		}
		path = u.EscapedPath()
	}
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	switch {
	case noneRE.MatchString(path):
		return signer.VerifyNone
	case statementRE.MatchString(path):
		return signer.VerifyStatementSHA1
	}
	if m := imagesRE.FindStringSubmatch(path); m != nil {
		id := m[2]
		if unesc, err := url.PathUnescape(id); err != nil || unesc == "upload" {
			return signer.VerifyBody
		}
		for _, s := range strings.Split(id, "/") {
			u, err := url.PathUnescape(s)
			if err != nil || u == "" {
				return signer.VerifyBody
			}
			for _, piece := range strings.FieldsFunc(u, func(r rune) bool { return r == '/' || r == '\\' }) {
				if piece == "." || piece == ".." {
					return signer.VerifyBody
				}
			}
			if u == "." || u == ".." {
				return signer.VerifyBody
			}
		}
		return signer.VerifyNone
	}
	return signer.VerifyBody
}

func FuzzVerificationFor(f *testing.F) {
	for _, s := range []string{"/v3/billdownload/file?token=1", "v3/statements", "/v3/merchant-service/images/upload",
		"/v3/global/merchant-service/images/abc", "/v3/merchant-service/images/a%2F..%2Fb", "https://api.mch.weixin.qq.com/v3/transferdownload/signfile?x", "/v3/billdownload/file-evil"} {
		f.Add("GET", s)
	}
	f.Add("POST", "/v3/billdownload/file")
	f.Fuzz(func(t *testing.T, method, path string) {
		got, want := signer.VerificationFor(method, path), referenceMode(method, path)
		if got != want {
			t.Fatalf("VerificationFor(%q, %q) = %v, reference says %v", method, path, got, want)
		}
	})
}
