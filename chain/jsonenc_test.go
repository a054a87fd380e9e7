package chain

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// stdJSON is what encodeJSON gave before appendJSON: encoding/json's
// Encoder, HTML escaping off, without the newline.
func stdJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

type jsonNamed string

type jsonMarshaler struct{}

func (jsonMarshaler) MarshalJSON() ([]byte, error) { return []byte(`{ "spaced" : [1, 2] }`), nil }

// TestAppendJSONMatchesEncodingJSON: the same bytes, or the same error,
// as encoding/json for the values options maps hold and for those it
// hands on.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	cyclic := map[string]any{"a": 1}
	cyclic["self"] = cyclic
	deep := any("leaf")
	for range 200 {
		deep = map[string]any{"d": []any{deep}}
	}
	cases := map[string]any{
		"seed": O{"appid": "wxd678efh567hg6787", "service_id": "500001", "type": "Order_Paid",
			"detail": O{"paid_time": "20091225091010"}},
		"scalars": O{"nil": nil, "t": true, "f": false, "i": -3, "i8": int8(-8), "i16": int16(16), "i32": int32(-32), "i64": int64(math.MinInt64),
			"u": uint(7), "u8": uint8(255), "u16": uint16(65535), "u32": uint32(1 << 31), "u64": uint64(math.MaxUint64)},
		"floats": []any{0.0, math.Copysign(0, -1), 1.5, -0.25, 1e-6, 9.99e-7, 1e20, 1e21, 123456789012345678901234.0, 5e-324, math.MaxFloat64,
			float32(0.1), float32(1e-7), float32(1e21), float32(3.4e38), float32(-2.5)},
		"strings": []any{"", `"quoted" \back\ slash/`, "\b\f\n\r\t\x00\x01\x1f\x7f", "<html>&amp;</html>", "中文 é ü", "\u2028\u2029",
			"bad \xff\xfe utf-8 \xe4\xb8", "emoji 😀", strings.Repeat("long ", 300)},
		"keys order and escaping": map[string]any{"b": 1, "a": 2, "B": 3, "": 4, "é": 5, "a\"b": 6, "\n": 7, "aa": 8, "a b": 9},
		"many keys": func() map[string]any {
			m := map[string]any{}
			for i := range 40 {
				m[strings.Repeat("k", i%7)+string(rune('a'+i%26))+string(rune('0'+i/26))] = i
			}
			return m
		}(),
		"string maps and slices": O{"m": map[string]string{"z": "1", "a": "<2>"}, "s": []string{"x", "\u2028"}, "nilm": map[string]string(nil),
			"nils": []string(nil), "nila": []any(nil), "nilo": O(nil), "empty": O{}, "emptya": []any{}},
		"handed on": O{"named": jsonNamed("n"), "num": json.Number("12.50"), "raw": json.RawMessage(` { "a" : 1 } `),
			"marshaler": jsonMarshaler{}, "time": time.Date(2026, 12, 3, 6, 0, 0, 0, time.UTC), "struct": struct {
				A int    `json:"a"`
				B string `json:"b,omitempty"`
			}{A: 1}, "ptr": &struct{ X []int }{X: []int{1, 2}}, "nilptr": (*int)(nil), "ints": []int{1, 2}, "bytes": []byte("hi"),
			"intmap": map[int]string{2: "b", 10: "a"}},
		"top struct": struct{ A string }{"<x>"},
		"top string": "just a string",
		"deep":       deep,
		// Errors: the same as encoding/json's.
		"nan":           O{"x": math.NaN()},
		"inf32":         []any{float32(math.Inf(1))},
		"chan":          O{"c": make(chan int)},
		"func in slice": []any{1, func() {}},
		"cycle":         cyclic,
		"bad number":    O{"n": json.Number("1x")},
	}
	for name, v := range cases {
		want, wantErr := stdJSON(v)
		got, err := appendJSON(nil, v, 0)
		if wantErr != nil || err != nil {
			if wantErr == nil || err == nil || err.Error() != wantErr.Error() {
				t.Errorf("%s: error %v, want %v", name, err, wantErr)
			}
			continue
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("%s: (-want +got):\n%s", name, diff)
		}
	}
}

// FuzzAppendJSON: for options maps built from arbitrary strings and
// numbers, appendJSON writes encoding/json's bytes.
func FuzzAppendJSON(f *testing.F) {
	f.Add("appid", "wxd678efh567hg6787", int64(1), 0.5, true)
	f.Add("\u2028<k>", "\xff\x00\"\\", int64(-1), 1e21, false)
	f.Add("", "中文", int64(math.MaxInt64), 1e-7, true)
	f.Fuzz(func(t *testing.T, k, s string, i int64, fl float64, b bool) {
		v := O{k: s, s: O{k: []any{i, fl, b, nil, s}, "n": map[string]string{s: k}}, "f32": float32(fl), "u": uint64(i), "l": []string{k, s}}
		want, wantErr := stdJSON(v)
		got, err := appendJSON(nil, v, 0)
		if wantErr != nil || err != nil {
			if wantErr == nil || err == nil || err.Error() != wantErr.Error() {
				t.Fatalf("error %v, want %v", err, wantErr)
			}
			return
		}
		if !bytes.Equal(want, got) {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
}
