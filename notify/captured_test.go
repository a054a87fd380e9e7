package notify_test

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/signer"
)

func TestCapturedRoundTrip(t *testing.T) {
	t.Parallel()
	f := setup(t)
	body := f.body(t, note{})
	h := f.sign(t, body, testSerial, testNow)
	h.Set("Content-Type", "application/json")
	var buf bytes.Buffer
	if err := notify.WriteCaptured(&buf, h, body); err != nil {
		t.Fatal(err)
	}
	c, err := notify.ReadCaptured(&buf)
	if err != nil {
		t.Fatalf("ReadCaptured: %v\n%s", err, buf.String())
	}
	if diff := cmp.Diff(h, c.Header); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(string(body), string(c.Body)); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
	if _, err := f.parser.ParseRaw(c.Header, c.Body); err != nil {
		t.Errorf("ParseRaw of the captured callback: %v", err)
	}
}

func TestReadCapturedForms(t *testing.T) {
	t.Parallel()
	f := setup(t)
	body := f.body(t, note{})
	h := f.sign(t, body, testSerial, testNow)
	headerLines := func(eol string) string {
		var b strings.Builder
		for _, k := range []string{signer.HeaderNonce, signer.HeaderSerial, signer.HeaderSignature, signer.HeaderSignatureType, signer.HeaderTimestamp} {
			b.WriteString(k + ": " + h.Get(k) + eol)
		}
		return b.String()
	}
	httpText := func(eol string, withLength bool, trailer string) string {
		s := "POST /notify/pay HTTP/1.1" + eol + "Host: merchant.example" + eol + headerLines(eol)
		if withLength {
			s += "Content-Length: " + strconv.Itoa(len(body)) + eol
		}
		return s + eol + string(body) + trailer
	}
	jsonHeaders := `{"Wechatpay-Nonce":"` + h.Get(signer.HeaderNonce) + `","wechatpay-serial":["` + testSerial + `"],"Wechatpay-Signature":"` +
		h.Get(signer.HeaderSignature) + `","Wechatpay-Signature-Type":"` + h.Get(signer.HeaderSignatureType) + `","Wechatpay-Timestamp":"` + h.Get(signer.HeaderTimestamp) + `"}`
	tests := []struct {
		name string
		in   string
	}{
		{"HTTP CRLF with length", httpText("\r\n", true, "")},
		{"HTTP LF with length and trailing junk", httpText("\n", true, "\n\n")},
		{"HTTP LF no length, editor newline", httpText("\n", false, "\n")},
		{"HTTP CRLF no length, no newline", httpText("\r\n", false, "")},
		{"JSON body object", "\n{\"headers\":" + jsonHeaders + ",\"body\":" + string(body) + "}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := notify.ReadCaptured(strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("ReadCaptured: %v", err)
			}
			if diff := cmp.Diff(string(body), string(c.Body)); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
			if _, err := f.parser.ParseRaw(c.Header, c.Body); err != nil {
				t.Errorf("ParseRaw: %v", err)
			}
		})
	}
}

func TestReadCapturedRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"empty", "  \n", "empty"},
		{"bad JSON", `{"headers":`, "captured callback JSON"},
		{"no headers", `{"body":"{}"}`, `missing "headers"`},
		{"no body", `{"headers":{}}`, `missing "body"`},
		{"number body", `{"headers":{},"body":12}`, `"body" must be a string or an object`},
		{"bad header", `{"headers":{"A":1},"body":"{}"}`, `header "A"`},
		{"not HTTP", "hello world", "neither JSON nor an HTTP/1.1 request"},
		{"short body", "POST / HTTP/1.1\nContent-Length: 50\n\n{}", "shorter than its Content-Length 50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := notify.ReadCaptured(strings.NewReader(tt.in))
			if !errors.Is(err, notify.ErrMalformed) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want ErrMalformed containing %q", err, tt.want)
			}
		})
	}
}

func TestWriteCapturedRefusesInvalidUTF8(t *testing.T) {
	t.Parallel()
	err := notify.WriteCaptured(&bytes.Buffer{}, http.Header{}, []byte{0xff, 0xfe})
	if err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("error = %v, want one about UTF-8", err)
	}
}
