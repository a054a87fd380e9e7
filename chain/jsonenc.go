package chain

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"

	"github.com/chainpay-go/wechatpay/internal/jsonstr"
)

// appendJSON appends v encoded as encoding/json's Encoder encodes it with
// SetEscapeHTML(false), byte for byte, without the final newline. The
// values an options map is made of (chain.O and other maps with string
// keys, []any, strings, numbers, booleans, nil) are written directly:
// encoding/json walks a map through reflection, about a dozen allocations
// for the seed call's two maps. Any other value (a struct, a pointer, a
// json.Marshaler, a named type, json.Number, json.RawMessage, NaN…) and
// anything nested deeper than maxFastDepth is handed to encoding/json
// itself, so its output and its errors are encoding/json's.
func appendJSON(dst []byte, v any, depth int) ([]byte, error) {
	if depth > maxFastDepth {
		return appendStdJSON(dst, v)
	}
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return jsonstr.Append(dst, x), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int8:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int16:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int32:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case uint:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint8:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint16:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint32:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint64:
		return strconv.AppendUint(dst, x, 10), nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return appendStdJSON(dst, v) // encoding/json's UnsupportedValueError
		}
		return appendJSONFloat(dst, x, 64), nil
	case float32:
		if math.IsInf(float64(x), 0) || math.IsNaN(float64(x)) {
			return appendStdJSON(dst, v)
		}
		return appendJSONFloat(dst, float64(x), 32), nil
	case map[string]any:
		if x == nil {
			return append(dst, "null"...), nil
		}
		return appendJSONMap(dst, x, depth)
	case map[string]string:
		if x == nil {
			return append(dst, "null"...), nil
		}
		return appendJSONStrings(dst, x), nil
	case []any:
		if x == nil {
			return append(dst, "null"...), nil
		}
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = appendJSON(dst, e, depth+1); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	case []string:
		if x == nil {
			return append(dst, "null"...), nil
		}
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsonstr.Append(dst, e)
		}
		return append(dst, ']'), nil
	}
	return appendStdJSON(dst, v)
}

// maxFastDepth bounds appendJSON's own recursion; below it encoding/json
// takes over (and finds a cycle, as it does for any map that contains
// itself).
const maxFastDepth = 64

// appendJSONMap writes a map with its keys in encoding/json's order
// (sorted bytewise).
func appendJSONMap(dst []byte, m map[string]any, depth int) ([]byte, error) {
	var small [16]string // the keys of a usual map stay on the stack
	keys := small[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonstr.Append(dst, k)
		dst = append(dst, ':')
		var err error
		if dst, err = appendJSON(dst, m[k], depth+1); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

// appendJSONStrings is appendJSONMap for map[string]string.
func appendJSONStrings(dst []byte, m map[string]string) []byte {
	var small [16]string
	keys := small[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonstr.Append(dst, k)
		dst = append(dst, ':')
		dst = jsonstr.Append(dst, m[k])
	}
	return append(dst, '}')
}

// appendStdJSON appends encoding/json's encoding of v (HTML escaping off).
func appendStdJSON(dst []byte, v any) ([]byte, error) {
	buf := bytes.NewBuffer(dst)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	return b[:len(b)-1], nil // Encode adds a newline
}

// appendJSONFloat is encoding/json's float encoding (ES6 number to string:
// %f, or %e outside [1e-6, 1e21) with the exponent unpadded) of a finite f.
func appendJSONFloat(dst []byte, f float64, bits int) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	dst = strconv.AppendFloat(dst, f, format, -1, bits)
	if format == 'e' {
		// e-09 → e-9
		n := len(dst)
		if n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}
