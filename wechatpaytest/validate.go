package wechatpaytest

import (
	"strings"

	"github.com/tidwall/gjson"
)

// fields reads a JSON body and collects the first validation failure as the
// gateway reports it: 400 PARAM_ERROR with detail {field, location, issue}.
type fields struct {
	body []byte
	err  *ErrorBody
}

// newFields starts validating body; a body that is not a JSON object fails at once.
func newFields(body []byte) *fields {
	f := &fields{body: body}
	if len(body) == 0 || !gjson.ValidBytes(body) || !gjson.ParseBytes(body).IsObject() {
		f.err = ParamError("body", "/", "请求体不是合法的JSON对象 (the body must be a JSON object)")
	}
	return f
}

// pointer turns a gjson path ("amount.total") into the gateway's field name ("/amount/total").
func pointer(path string) string { return "/" + strings.ReplaceAll(path, ".", "/") }

func (f *fields) fail(path, issue string, value any) {
	if f.err != nil {
		return
	}
	f.err = ParamError("body", pointer(path), issue)
	if value != nil {
		d := f.err.Detail.(FieldDetail)
		d.Value = value
		f.err.Detail = d
	}
}

// str returns a required non-empty string.
func (f *fields) str(path string) string {
	if f.err != nil {
		return ""
	}
	v := gjson.GetBytes(f.body, path)
	switch {
	case !v.Exists() || v.Type == gjson.Null:
		f.fail(path, "字段缺失 (required)", nil)
	case v.Type != gjson.String:
		f.fail(path, "应为字符串 (must be a string)", v.Raw)
	case v.Str == "":
		f.fail(path, "不能为空 (must not be empty)", nil)
	}
	return v.Str
}

// optStr returns an optional string ("" when absent).
func (f *fields) optStr(path string) string {
	if f.err != nil {
		return ""
	}
	v := gjson.GetBytes(f.body, path)
	if v.Exists() && v.Type != gjson.String && v.Type != gjson.Null {
		f.fail(path, "应为字符串 (must be a string)", v.Raw)
	}
	return v.Str
}

// integer returns a required integer ≥ min.
func (f *fields) integer(path string, min int64) int64 {
	if f.err != nil {
		return 0
	}
	v := gjson.GetBytes(f.body, path)
	switch {
	case !v.Exists() || v.Type == gjson.Null:
		f.fail(path, "字段缺失 (required)", nil)
		return 0
	case v.Type != gjson.Number || strings.ContainsAny(v.Raw, ".eE"):
		f.fail(path, "应为整数 (must be an integer)", v.Raw)
		return 0
	case v.Int() < min:
		f.fail(path, "数值过小 (too small)", v.Int())
	}
	return v.Int()
}

// object requires an object at path.
func (f *fields) object(path string) {
	if f.err != nil {
		return
	}
	v := gjson.GetBytes(f.body, path)
	if !v.Exists() || v.Type == gjson.Null {
		f.fail(path, "字段缺失 (required)", nil)
	} else if !v.IsObject() {
		f.fail(path, "应为对象 (must be an object)", v.Raw)
	}
}

// array requires a non-empty array at path and returns it.
func (f *fields) array(path string) []gjson.Result {
	if f.err != nil {
		return nil
	}
	v := gjson.GetBytes(f.body, path)
	switch {
	case !v.Exists() || v.Type == gjson.Null:
		f.fail(path, "字段缺失 (required)", nil)
	case !v.IsArray():
		f.fail(path, "应为数组 (must be an array)", v.Raw)
	case len(v.Array()) == 0:
		f.fail(path, "不能为空 (must not be empty)", nil)
	}
	return v.Array()
}

// oneOf requires the string at path to be one of values.
func (f *fields) oneOf(path string, values ...string) string {
	s := f.str(path)
	if f.err != nil {
		return s
	}
	for _, v := range values {
		if s == v {
			return s
		}
	}
	f.fail(path, "取值应为 "+strings.Join(values, " / ")+" 之一 (must be one of them)", s)
	return s
}

// queryParam reads a required query parameter.
func queryParam(r *Request, name string) (string, *ErrorBody) {
	v := r.Query.Get(name)
	if v == "" {
		return "", ParamError("query", name, "字段缺失 (required)")
	}
	return v, nil
}

// fieldPresent reports whether the JSON body has a member at path.
func fieldPresent(body []byte, path string) bool { return gjson.GetBytes(body, path).Exists() }
