package chain

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/tidwall/gjson"
)

// Response is a successful (2xx) answer, read completely.
type Response struct {
	StatusCode int         // 200, 202, 204 …
	Header     http.Header // response headers
	Body       []byte      // raw body, exactly as received (and as verified): JSON, or an APIv2 answer's XML
	RequestID  string      // Request-ID header
	Verified   bool        // true when the signature was checked; false only for paths on the unsigned list (and APIv2 operations whose answers carry no sign)

	json []byte // an APIv2 answer's fields as a JSON object (v2xml.ToJSON), made once
}

// Get reads one value from the JSON body with a gjson path, e.g.
// resp.Get("order_id") or resp.Get("data.0.serial_no"). An APIv2 answer
// is read as the equivalent JSON object, every value a string:
// resp.Get("result_code").
func (r *Response) Get(path string) gjson.Result {
	return gjson.GetBytes(r.JSON(), path)
}

// JSON returns the body as JSON: Body itself, or for an APIv2 answer its
// fields as one JSON object, every value kept as a string (Body keeps the
// XML). The bytes are shared: do not modify them.
func (r *Response) JSON() []byte {
	if r.json != nil {
		return r.json
	}
	return r.Body
}

// Decode unmarshals the JSON body (JSON) into v. Errors wrap encoding/json's
// (errors.As finds *json.UnmarshalTypeError, *json.SyntaxError).
func (r *Response) Decode(v any) error {
	if err := json.Unmarshal(r.JSON(), v); err != nil {
		return fmt.Errorf("chain: decoding the answer (Request-ID %q): %w", r.RequestID, err)
	}
	return nil
}

// String returns the body as text.
func (r *Response) String() string { return string(r.Body) }
