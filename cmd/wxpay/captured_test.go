package main

import (
	"bytes"
	"crypto/rsa"
	"errors"
	"io"
	"net/http"
	"net/http/httputil"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/internal/testkeys"
	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

// capturedFixture is a signed, encrypted notification and a parser that
// takes it.
type capturedFixture struct {
	parser *notify.Parser
	header http.Header
	body   []byte
}

const capturedSerial = "PUB_KEY_ID_0114232134912410000000000000"

func capturedSetup(t *testing.T) *capturedFixture {
	t.Helper()
	key := testkeys.RSA(0)
	const apiv3Key = "0123456789abcdefghijklmnopqrstuv"
	req, err := wechatpaytest.NewTestNotification(wechatpaytest.NotificationPayload{
		EventType: "TRANSACTION.SUCCESS", PlatformKey: key, PlatformSerial: capturedSerial, APIv3Key: apiv3Key,
	})
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	p, err := notify.NewParser(map[string]*rsa.PublicKey{capturedSerial: &key.PublicKey}, apiv3Key)
	if err != nil {
		t.Fatal(err)
	}
	return &capturedFixture{parser: p, header: req.Header, body: body}
}

func TestCapturedRoundTrip(t *testing.T) {
	t.Parallel()
	f := capturedSetup(t)
	body, h := f.body, f.header.Clone()
	h.Set("Content-Type", "application/json")
	var buf bytes.Buffer
	if err := writeCaptured(&buf, h, body); err != nil {
		t.Fatal(err)
	}
	c, err := readCaptured(&buf)
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
	f := capturedSetup(t)
	body, h := f.body, f.header.Clone()
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
	jsonHeaders := `{"Wechatpay-Nonce":"` + h.Get(signer.HeaderNonce) + `","wechatpay-serial":["` + capturedSerial + `"],"Wechatpay-Signature":"` +
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
			c, err := readCaptured(strings.NewReader(tt.in))
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
			_, err := readCaptured(strings.NewReader(tt.in))
			if !errors.Is(err, notify.ErrMalformed) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want ErrMalformed containing %q", err, tt.want)
			}
		})
	}
}

func TestWriteCapturedRefusesInvalidUTF8(t *testing.T) {
	t.Parallel()
	err := writeCaptured(&bytes.Buffer{}, http.Header{}, []byte{0xff, 0xfe})
	if err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("error = %v, want one about UTF-8", err)
	}
}

// FuzzReadCaptured checks that the captured-callback reader never panics
// and that what it reads survives a writeCaptured round trip.
func FuzzReadCaptured(f *testing.F) {
	f.Add("POST /n HTTP/1.1\r\nWechatpay-Serial: X\r\nContent-Length: 2\r\n\r\n{}")
	f.Add("POST /n HTTP/1.1\nWechatpay-Serial: X\n\n{\"a\":1}\n")
	f.Add(`{"headers":{"Wechatpay-Serial":"X","A":["1","2"]},"body":"{\"id\":1}"}`)
	f.Add(`{"headers":{},"body":{"id" : 1}}`)
	f.Add(`{"headers":`)
	f.Add("GET")
	f.Fuzz(func(t *testing.T, in string) {
		c, err := readCaptured(strings.NewReader(in))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := writeCaptured(&buf, c.Header, c.Body); err != nil {
			return // e.g. a body that is not UTF-8
		}
		c2, err := readCaptured(&buf)
		if err != nil {
			t.Fatalf("re-reading %q: %v", buf.String(), err)
		}
		if !bytes.Equal(c.Body, c2.Body) {
			t.Fatalf("body changed in the round trip: %q → %q", c.Body, c2.Body)
		}
		for k, v := range c.Header {
			if got := c2.Header.Values(k); strings.Join(got, "\x00") != strings.Join(v, "\x00") {
				t.Fatalf("header %q changed: %q → %q", k, v, got)
			}
		}
	})
}

// TestSimulatorCaptured: a simulator notification dumped as HTTP/1.1 text
// (what a proxy log or `nc -l` gives) and as writeCaptured JSON reads back
// into a callback that verifies.
func TestSimulatorCaptured(t *testing.T) {
	t.Parallel()
	s := wechatpaytest.NewServer()
	t.Cleanup(s.Close)
	p, err := notify.NewParser(s.PlatformKeys(), s.APIv3Key)
	if err != nil {
		t.Fatal(err)
	}
	req, err := s.NewNotification("http://merchant.example/notify/pay", "REFUND.SUCCESS", []byte(`{"out_refund_no":"R1","refund_status":"SUCCESS"}`))
	if err != nil {
		t.Fatal(err)
	}
	dump, err := httputil.DumpRequest(req, true)
	if err != nil {
		t.Fatal(err)
	}
	c, err := readCaptured(bytes.NewReader(dump))
	if err != nil {
		t.Fatalf("ReadCaptured(HTTP dump): %v\n%s", err, dump)
	}
	n, err := p.ParseRaw(c.Header, c.Body)
	if err != nil {
		t.Fatalf("ParseRaw(HTTP dump): %v", err)
	}
	if n.EventType != "REFUND.SUCCESS" || n.Get("refund_status").String() != "SUCCESS" || n.OriginalType != "refund" {
		t.Errorf("notification %+v", n)
	}
	var buf bytes.Buffer
	if err := writeCaptured(&buf, c.Header, c.Body); err != nil {
		t.Fatal(err)
	}
	c2, err := readCaptured(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.ParseRaw(c2.Header, c2.Body); err != nil {
		t.Errorf("ParseRaw(JSON capture): %v", err)
	}
}
