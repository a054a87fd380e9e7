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
	Body       []byte      // raw body, exactly as received (and as verified)
	RequestID  string      // Request-ID header
	Verified   bool        // true when the signature was checked; false only for paths on the unsigned list
}

// Get reads one value from the JSON body with a gjson path, e.g.
// resp.Get("order_id") or resp.Get("data.0.serial_no").
func (r *Response) Get(path string) gjson.Result {
	return gjson.GetBytes(r.Body, path)
}

// Decode unmarshals the JSON body into v. Errors wrap encoding/json's
// (errors.As finds *json.UnmarshalTypeError, *json.SyntaxError).
func (r *Response) Decode(v any) error {
	if err := json.Unmarshal(r.Body, v); err != nil {
		return fmt.Errorf("chain: decoding the answer (Request-ID %q): %w", r.RequestID, err)
	}
	return nil
}

// String returns the body as text.
func (r *Response) String() string { return string(r.Body) }
