package gateway_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/chainpay-go/wechatpay/internal/gateway"
	"github.com/chainpay-go/wechatpay/signer"
	"github.com/google/go-cmp/cmp"
)

const goodAuth = `WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="dGVzdA==",timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"`

func TestParseAuthorization(t *testing.T) {
	t.Parallel()
	want := &gateway.Authorization{MchID: "1900009191", Nonce: "593BEC0C930BF1AFEB40B4A08C8FB242", Signature: "dGVzdA==",
		Timestamp: "1554208460", Serial: "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"}
	reordered := `WECHATPAY2-SHA256-RSA2048 serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C",timestamp="1554208460",signature="dGVzdA==",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",mchid="1900009191"`
	for _, h := range []string{goodAuth, reordered} {
		got, err := gateway.ParseAuthorization(h)
		if err != nil {
			t.Fatalf("ParseAuthorization(%q): %v", h, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ParseAuthorization (-want +got):\n%s", diff)
		}
	}
	if diff := cmp.Diff(goodAuth, want.String()); diff != "" {
		t.Errorf("String (-want +got):\n%s", diff)
	}
	bad := []struct{ name, header, msg string }{
		{"empty", "", "scheme"},
		{"wrong scheme", strings.Replace(goodAuth, "RSA2048", "RSA1024", 1), "scheme"},
		{"lower-case scheme", strings.Replace(goodAuth, "WECHATPAY2", "wechatpay2", 1), "scheme"},
		{"two spaces", strings.Replace(goodAuth, " ", "  ", 1), "unknown parameter"},
		{"space after comma", strings.Replace(goodAuth, `",nonce_str`, `", nonce_str`, 1), "unknown parameter"},
		{"missing serial", strings.Replace(goodAuth, `,serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"`, "", 1), "missing serial_no"},
		{"duplicate mchid", goodAuth + `,mchid="1"`, "twice"},
		{"unknown field", goodAuth + `,extra="1"`, "unknown parameter"},
		{"unquoted", strings.Replace(goodAuth, `mchid="1900009191"`, `mchid=1900009191`, 1), "double quotes"},
		{"empty value", strings.Replace(goodAuth, `mchid="1900009191"`, `mchid=""`, 1), "empty"},
		{"no equals", strings.Replace(goodAuth, `mchid="1900009191"`, `mchid`, 1), "not name="},
		{"quote inside", strings.Replace(goodAuth, `mchid="1900009191"`, `mchid="19"00"`, 1), "quote"},
		{"trailing comma", goodAuth + ",", "not name="},
		{"millisecond timestamp", strings.Replace(goodAuth, `1554208460`, `1554208460000000`, 1), "Unix seconds"},
		{"signed timestamp", strings.Replace(goodAuth, `1554208460`, `-1554208460`, 1), "Unix seconds"},
		{"scheme only", signer.Scheme, "scheme"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := gateway.ParseAuthorization(tt.header)
			if !errors.Is(err, gateway.ErrAuthorization) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("ParseAuthorization(%q) = %+v, %v; want ErrAuthorization containing %q", tt.header, got, err, tt.msg)
			}
			if strings.Contains(err.Error(), "dGVzdA==") {
				t.Fatalf("error echoes the signature: %v", err)
			}
		})
	}
}

func FuzzParseAuthorization(f *testing.F) {
	f.Add(goodAuth)
	f.Add(signer.Scheme + ` mchid="1",nonce_str="n",signature="s",timestamp="1",serial_no="S"`)
	f.Add(signer.Scheme + ` mchid="1",mchid="1"`)
	f.Add("Basic abc")
	f.Add(signer.Scheme + ` mchid="1",nonce_str="n",signature="s",timestamp="1",serial_no="S",`)
	f.Fuzz(func(t *testing.T, header string) {
		a, err := gateway.ParseAuthorization(header)
		if err != nil {
			if !errors.Is(err, gateway.ErrAuthorization) {
				t.Fatalf("error does not wrap ErrAuthorization: %v", err)
			}
			return
		}
		for name, v := range map[string]string{"mchid": a.MchID, "nonce": a.Nonce, "signature": a.Signature, "timestamp": a.Timestamp, "serial": a.Serial} {
			if v == "" || strings.ContainsAny(v, "\" ,\\\n\r") {
				t.Fatalf("accepted %s %q from %q", name, v, header)
			}
		}
		// Round trip: the canonical form parses to the same fields.
		b, err := gateway.ParseAuthorization(a.String())
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", a.String(), header, err)
		}
		if diff := cmp.Diff(a, b); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
		if len(header) != len(a.String()) {
			t.Fatalf("accepted %q with extra bytes (canonical %q)", header, a.String())
		}
	})
}

// TestParseAuthorizationHidesSignature: a malformed parameter that holds the
// signature (a ':' or ' ' instead of '=', a missing comma) is never echoed.
func TestParseAuthorizationHidesSignature(t *testing.T) {
	t.Parallel()
	sig := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xA7, 0x3C, 0x91}, 86)) // 344 chars, like RSA-2048
	base := signer.Scheme + ` mchid="1900009191",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",SIG,timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"`
	for _, bad := range []string{
		`signature:"` + sig + `"`,
		`signature "` + sig + `"`,
		`signature` + sig,
		sig,
		`"` + sig + `"`,
		`signature="` + sig + `"mchid="1"`,
		`signature="` + sig[:40] + `",` + sig[40:],
	} {
		h := strings.Replace(base, "SIG", bad, 1)
		_, err := gateway.ParseAuthorization(h)
		if !errors.Is(err, gateway.ErrAuthorization) {
			t.Fatalf("ParseAuthorization(%q) = %v, want ErrAuthorization", h, err)
		}
		for i := 0; i+12 <= len(sig); i += 12 {
			if strings.Contains(err.Error(), sig[i:i+12]) {
				t.Fatalf("error echoes part of the signature: %v", err)
			}
		}
	}
}
