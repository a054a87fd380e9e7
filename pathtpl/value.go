package pathtpl

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
)

// valueKind classifies a variable value for expansion.
type valueKind uint8

const (
	kindUndefined valueKind = iota
	kindScalar
	kindList
	kindMap
)

// pair is one key/value of an associative array, keys sorted.
type pair struct{ k, v string }

// resolved is a variable value ready for expansion.
type resolved struct {
	kind  valueKind
	s     string   // kindScalar
	list  []string // kindList (non-empty)
	pairs []pair   // kindMap (non-empty, sorted by key)
}

// empty reports whether ExpandStrict counts r as missing: undefined, "", or a
// list or map in which every element (and key) is "".
func (r *resolved) empty() bool {
	switch r.kind {
	case kindScalar:
		return r.s == ""
	case kindList:
		for _, s := range r.list {
			if s != "" {
				return false
			}
		}
	case kindMap:
		for _, p := range r.pairs {
			if p.k != "" || p.v != "" {
				return false
			}
		}
	}
	return true
}

// resolve turns a variable value into a scalar, a list or a sorted map.
// nil, an empty list and an empty map are undefined (RFC 6570 §2.3); nil
// list elements and nil map values are skipped.
func resolve(name string, v any) (resolved, error) {
	switch x := v.(type) {
	case nil:
		return resolved{}, nil
	case string:
		return resolved{kind: kindScalar, s: x}, nil
	case []string:
		return listOf(x), nil
	case map[string]string:
		if len(x) == 0 {
			return resolved{}, nil
		}
		pairs := make([]pair, 0, len(x))
		for k, v := range x {
			pairs = append(pairs, pair{k, v})
		}
		return mapOf(pairs), nil
	case []any:
		list := make([]string, 0, len(x))
		for i, e := range x {
			s, ok, err := elemString(e)
			if err != nil {
				return resolved{}, &ValueError{Name: name, Msg: "list element " + strconv.Itoa(i) + ": " + err.Error()}
			}
			if ok {
				list = append(list, s)
			}
		}
		return listOf(list), nil
	case map[string]any:
		pairs := make([]pair, 0, len(x))
		for k, e := range x {
			s, ok, err := elemString(e)
			if err != nil {
				return resolved{}, &ValueError{Name: name, Msg: "map key " + strconv.Quote(k) + ": " + err.Error()}
			}
			if ok {
				pairs = append(pairs, pair{k, s})
			}
		}
		return mapOf(pairs), nil
	}
	s, ok, err := scalarString(v)
	if err == nil {
		if !ok {
			return resolved{}, nil
		}
		return resolved{kind: kindScalar, s: s}, nil
	}
	if err != errNotScalar {
		return resolved{}, &ValueError{Name: name, Msg: err.Error()}
	}
	return resolveReflect(name, v)
}

// listOf is a list value; an empty list is undefined.
func listOf(list []string) resolved {
	if len(list) == 0 {
		return resolved{}
	}
	return resolved{kind: kindList, list: list}
}

// mapOf is a map value, its pairs sorted by key; an empty map is undefined.
func mapOf(pairs []pair) resolved {
	if len(pairs) == 0 {
		return resolved{}
	}
	sortPairs(pairs)
	return resolved{kind: kindMap, pairs: pairs}
}

func sortPairs(p []pair) {
	slices.SortFunc(p, func(a, b pair) int {
		switch {
		case a.k < b.k:
			return -1
		case a.k > b.k:
			return 1
		}
		return 0
	})
}

type valueErr string

func (e valueErr) Error() string { return string(e) }

const errNotScalar = valueErr("not a scalar")

// FormatScalar turns one value into the text Expand writes for it (before
// percent-encoding); package chain uses it for query values too, so a value
// is written the same way in the path and in the query. Strings are kept as
// they are, booleans are true/false, integers decimal, floats as
// encoding/json writes them (6 → "6", 37.76 → "37.76"), json.Number as is.
// Named types (type OrderNo string, a named int or bool) are written as
// their underlying value, as encoding/json does; a fmt.Stringer of another
// kind (a struct) by its String method. Pointers are followed. ok is false
// for nil and a nil pointer (undefined); lists, maps, NaN, infinities and
// other types are an error.
func FormatScalar(v any) (s string, ok bool, err error) {
	s, ok, err = scalarString(v)
	if err == errNotScalar {
		err = valueErr("a list or map is not a single value")
	}
	return s, ok, err
}

// scalarString is FormatScalar, returning errNotScalar for lists and maps.
func scalarString(v any) (s string, ok bool, err error) {
	switch x := v.(type) {
	case nil:
		return "", false, nil
	case string:
		return x, true, nil
	case bool:
		return strconv.FormatBool(x), true, nil
	case int:
		return strconv.Itoa(x), true, nil
	case int8:
		return strconv.FormatInt(int64(x), 10), true, nil
	case int16:
		return strconv.FormatInt(int64(x), 10), true, nil
	case int32:
		return strconv.FormatInt(int64(x), 10), true, nil
	case int64:
		return strconv.FormatInt(x, 10), true, nil
	case uint:
		return strconv.FormatUint(uint64(x), 10), true, nil
	case uint8:
		return strconv.FormatUint(uint64(x), 10), true, nil
	case uint16:
		return strconv.FormatUint(uint64(x), 10), true, nil
	case uint32:
		return strconv.FormatUint(uint64(x), 10), true, nil
	case uint64:
		return strconv.FormatUint(x, 10), true, nil
	case uintptr:
		return strconv.FormatUint(uint64(x), 10), true, nil
	case float64:
		return formatFloat(x, 64)
	case float32:
		return formatFloat(float64(x), 32)
	case json.Number:
		return string(x), true, nil
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return "", false, nil
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.String:
		return rv.String(), true, nil
	case reflect.Bool:
		return strconv.FormatBool(rv.Bool()), true, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), true, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(rv.Uint(), 10), true, nil
	case reflect.Float32:
		return formatFloat(rv.Float(), 32)
	case reflect.Float64:
		return formatFloat(rv.Float(), 64)
	case reflect.Slice, reflect.Array, reflect.Map:
		return "", false, errNotScalar
	}
	if st, ok := rv.Interface().(fmt.Stringer); ok {
		return st.String(), true, nil
	}
	if rv.CanAddr() {
		if st, ok := rv.Addr().Interface().(fmt.Stringer); ok {
			return st.String(), true, nil
		}
	}
	return "", false, valueErr("unsupported type " + rv.Type().String())
}

// elemString is scalarString for list elements and map values, where a
// nested list or map is an error.
func elemString(v any) (string, bool, error) {
	s, ok, err := scalarString(v)
	if err == errNotScalar {
		err = valueErr("nested lists and maps cannot be expanded")
	}
	return s, ok, err
}

// formatFloat formats f the way encoding/json does (ES6 number to string):
// shortest representation, exponent only below 1e-6 or from 1e21 on.
func formatFloat(f float64, bits int) (string, bool, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", false, valueErr("float value " + strconv.FormatFloat(f, 'g', -1, bits) + " cannot be expanded")
	}
	abs := math.Abs(f)
	fmtByte := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		fmtByte = 'e'
	}
	b := strconv.AppendFloat(make([]byte, 0, 24), f, fmtByte, -1, bits)
	if fmtByte == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return string(b), true, nil
}

// resolveReflect handles lists and maps of types other than []string,
// []any, map[string]string and map[string]any (for example []int or a
// named map type). Map keys must be of a string kind.
func resolveReflect(name string, v any) (resolved, error) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return resolved{}, nil
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		list := make([]string, 0, rv.Len())
		for i := 0; i < rv.Len(); i++ {
			s, ok, err := elemString(rv.Index(i).Interface())
			if err != nil {
				return resolved{}, &ValueError{Name: name, Msg: "list element " + strconv.Itoa(i) + ": " + err.Error()}
			}
			if ok {
				list = append(list, s)
			}
		}
		return listOf(list), nil
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return resolved{}, &ValueError{Name: name, Msg: "map keys must be strings, not " + rv.Type().Key().String()}
		}
		pairs := make([]pair, 0, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			k := it.Key().String()
			s, ok, err := elemString(it.Value().Interface())
			if err != nil {
				return resolved{}, &ValueError{Name: name, Msg: "map key " + strconv.Quote(k) + ": " + err.Error()}
			}
			if ok {
				pairs = append(pairs, pair{k, s})
			}
		}
		return mapOf(pairs), nil
	}
	return resolved{}, &ValueError{Name: name, Msg: "unsupported type " + rv.Type().String()}
}
