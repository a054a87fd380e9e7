package wechatpaytest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestNonceCacheForgetsOutsideTheWindow(t *testing.T) {
	t.Parallel()
	var c nonceCache
	now := time.Now().Unix()
	for i := 0; i < 100; i++ {
		if !c.add(string(rune('a'+i%26))+strings.Repeat("x", i), now, now) {
			t.Fatalf("nonce %d seen twice", i)
		}
	}
	if c.add("a", now, now) {
		t.Errorf("replay accepted")
	}
	if c.len() != 100 {
		t.Errorf("len = %d, want 100", c.len())
	}
	later := now + int64(window.Seconds()) + 1
	if !c.add("fresh", later, later) {
		t.Errorf("new nonce refused")
	}
	if c.len() != 1 {
		t.Errorf("after the window: %d nonces remembered, want 1", c.len())
	}
}

func TestTruncateSignMessage(t *testing.T) {
	t.Parallel()
	tests := []struct{ msg, want string }{
		{"POST\n/v3/a\n1554208460\nNONCE\n{\"appid\":\"wx\"}\n", "POST\n/v3/a\n1554208460\nNONCE\n{\"appid\"\n"},
		{"GET\n/v3/a\n1554208460\nNONCE\n\n", "GET\n/v3/a\n1554208460\nNONCE\n\n"},
		{"GET\n/v3/a\n", "GET\n/v3/a\n"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, truncateSignMessage([]byte(tt.msg))); diff != "" {
			t.Errorf("truncateSignMessage(%q) (-want +got):\n%s", tt.msg, diff)
		}
	}
}

func FuzzParseUpload(f *testing.F) {
	f.Add([]byte("--b\r\nContent-Disposition: form-data; name=\"meta\"\r\n\r\n{\"filename\":\"a.png\",\"sha256\":\"00\"}\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\nPNG\r\n--b--\r\n"), "b")
	f.Add([]byte("--b--\r\n"), "b")
	f.Add([]byte(""), "")
	f.Add([]byte("--x\r\n\r\n"), "x")
	f.Fuzz(func(t *testing.T, body []byte, boundary string) {
		up, err := parseUpload(body, boundary)
		if err == nil && up.Meta == nil {
			t.Errorf("parseUpload succeeded without a meta part")
		}
	})
}

func FuzzAuthenticate(f *testing.F) {
	f.Add(`WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="abc",signature="AAAA",timestamp="1554208460",serial_no="ABC"`, "/v3/x", "{}")
	f.Add(`WECHATPAY2-SHA256-RSA2048 `, "/", "")
	f.Add(`Bearer x`, "/v3/x?a=b", "")
	f.Add(`WECHATPAY2-SHA256-RSA2048 mchid="1900000001",mchid="1900000001"`, "/v3/x", "")
	s, err := newServer(WithoutFixtures())
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(s.Close)
	f.Fuzz(func(t *testing.T, header, target, body string) {
		r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/", strings.NewReader(body))
		r.RequestURI = target
		r.Header.Set("Authorization", header)
		status, eb := s.authenticate(r, []byte(body))
		// Nobody but the merchant key can sign, so every fuzzed header fails.
		if eb == nil || status != http.StatusUnauthorized || eb.Code != "SIGN_ERROR" {
			t.Errorf("authenticate(%q) = %d %+v, want 401 SIGN_ERROR", header, status, eb)
		}
	})
}
