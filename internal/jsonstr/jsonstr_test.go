package jsonstr_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/internal/jsonstr"
)

func std(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic(err)
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

var seeds = []string{"", "plain", `"quoted" \back\ /`, "\b\f\n\r\t\x00\x01\x1f\x7f", "<html>&amp;</html>",
	"中文 é", "\u2028\u2029", "bad \xff\xfe \xe4\xb8", "😀", "\xed\xa0\x80 surrogate"}

// TestAppendMatchesEncodingJSON: the bytes of encoding/json's Encoder with
// SetEscapeHTML(false), appended after what dst holds.
func TestAppendMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range seeds {
		if diff := cmp.Diff("x"+std(s), string(jsonstr.Append([]byte("x"), s))); diff != "" {
			t.Errorf("%q: (-encoding/json +Append):\n%s", s, diff)
		}
	}
}

func FuzzAppend(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if want, got := std(s), string(jsonstr.Append(nil, s)); want != got {
			t.Fatalf("%q: Append %s, encoding/json %s", s, got, want)
		}
	})
}
