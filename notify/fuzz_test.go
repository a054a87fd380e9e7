package notify_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/notify"
	"github.com/chainpay-go/wechatpay/signer"
)

// FuzzParse feeds arbitrary bodies to Parse. With resign false the body
// carries the headers of a fixed good notification: anything but that exact
// body must be refused with a signature error. With resign true the body is
// signed afresh, so the envelope decoder and decryption are exercised: the
// result is a notification or one of the decoding sentinels, never a panic.
func FuzzParse(f *testing.F) {
	fx := setup(f)
	good := fx.body(f, note{})
	goodHeader := fx.sign(f, good, testSerial, testNow)
	tampered := bytes.Replace(good, []byte("EV-"), []byte("EX-"), 1)
	seeds := [][]byte{
		good,
		tampered,
		fx.body(f, note{algorithm: "AEAD_SM4_GCM"}),
		fx.body(f, note{apiv3Key: "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"}),
		fx.body(f, note{associatedData: "", plaintext: "not json"}),
		[]byte(`{"id":"EV-1","event_type":"X","resource":{"algorithm":"AEAD_AES_256_GCM","nonce":"n","ciphertext":"AAAA"}}`),
		[]byte(`{"id":`),
		[]byte(`[]`),
		[]byte(`null`),
		{},
	}
	for _, s := range seeds {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, body []byte, resign bool) {
		h := goodHeader
		if resign {
			h = fx.sign(t, body, testSerial, testNow)
		}
		n, err := fx.parser.Parse(request(t, h, body))
		if err == nil {
			if !bytes.Equal(n.Body, body) || !n.Verified || n.ID == "" || n.EventType == "" {
				t.Fatalf("accepted notification %+v", n)
			}
			if !resign && !bytes.Equal(body, good) {
				t.Fatalf("a body other than the signed one was accepted: %q", body)
			}
			return
		}
		if n != nil {
			t.Fatal("notification returned with an error")
		}
		if !strings.HasPrefix(err.Error(), "notify: ") {
			t.Fatalf("error without package prefix: %v", err)
		}
		if !resign {
			if !errors.Is(err, signer.ErrBadSignature) {
				t.Fatalf("unsigned body: error = %v, want ErrBadSignature", err)
			}
			return
		}
		for _, want := range []error{notify.ErrMalformed, notify.ErrUnknownAlgorithm, signer.ErrAPIv3Key} {
			if errors.Is(err, want) {
				return
			}
		}
		t.Fatalf("re-signed body: unexpected error %v", err)
	})
}

// FuzzReadCaptured checks that the captured-callback reader never panics
// and that what it reads survives a WriteCaptured round trip.
func FuzzReadCaptured(f *testing.F) {
	f.Add("POST /n HTTP/1.1\r\nWechatpay-Serial: X\r\nContent-Length: 2\r\n\r\n{}")
	f.Add("POST /n HTTP/1.1\nWechatpay-Serial: X\n\n{\"a\":1}\n")
	f.Add(`{"headers":{"Wechatpay-Serial":"X","A":["1","2"]},"body":"{\"id\":1}"}`)
	f.Add(`{"headers":{},"body":{"id" : 1}}`)
	f.Add(`{"headers":`)
	f.Add("GET")
	f.Fuzz(func(t *testing.T, in string) {
		c, err := notify.ReadCaptured(strings.NewReader(in))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := notify.WriteCaptured(&buf, c.Header, c.Body); err != nil {
			return // e.g. a body that is not UTF-8
		}
		c2, err := notify.ReadCaptured(&buf)
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
