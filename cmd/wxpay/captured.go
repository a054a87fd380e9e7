package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/textproto"
	"slices"
	"unicode/utf8"

	"github.com/chainpay-go/wechatpay/notify"
)

// maxCapturedSize bounds what readCaptured reads.
const maxCapturedSize = 8 << 20

// capturedCallback is a callback saved for later verification or inspection
// (wxpay notify verify|decrypt, tests, bug reports).
type capturedCallback struct {
	Header http.Header
	Body   []byte
}

// capturedJSON is the JSON form of a captured callback.
type capturedJSON struct {
	Headers map[string]json.RawMessage `json:"headers"`
	Body    json.RawMessage            `json:"body"`
}

// readCaptured reads a captured callback in one of two forms, told apart by
// the first non-blank byte:
//
// JSON ('{'): {"headers":{"Wechatpay-Timestamp":"…",…},"body":"…"}. A header
// value is a string or an array of strings. body is best a JSON string holding
// the raw body exactly as received (writeCaptured writes that); a JSON object
// is also accepted and taken byte for byte as it appears in the file, so it
// verifies only if pasted unchanged.
//
// HTTP/1.1 request text (anything else): a request line, header lines, a
// blank line, then the body; line ends may be CRLF or LF. With a
// Content-Length header the body is exactly that many bytes; without one it
// is the rest of the input minus one trailing line end (editors add one).
func readCaptured(r io.Reader) (*capturedCallback, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxCapturedSize+1))
	if err != nil {
		return nil, fmt.Errorf("wxpay: reading captured callback: %w", err)
	}
	if len(data) > maxCapturedSize {
		return nil, fmt.Errorf("%w: captured callback larger than %d bytes", notify.ErrBodyTooLarge, maxCapturedSize)
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%w: empty captured callback", notify.ErrMalformed)
	}
	if trimmed[0] == '{' {
		return readCapturedJSON(trimmed)
	}
	return readCapturedHTTP(trimmed)
}

func readCapturedJSON(data []byte) (*capturedCallback, error) {
	var cj capturedJSON
	if err := json.Unmarshal(data, &cj); err != nil {
		return nil, fmt.Errorf("%w: captured callback JSON: %v", notify.ErrMalformed, err)
	}
	if cj.Headers == nil {
		return nil, fmt.Errorf("%w: captured callback: missing \"headers\"", notify.ErrMalformed)
	}
	if len(cj.Body) == 0 || string(cj.Body) == "null" {
		return nil, fmt.Errorf("%w: captured callback: missing \"body\"", notify.ErrMalformed)
	}
	c := &capturedCallback{Header: http.Header{}}
	for name, raw := range cj.Headers {
		var one string
		if err := json.Unmarshal(raw, &one); err == nil {
			c.Header.Add(name, one)
			continue
		}
		var many []string
		if err := json.Unmarshal(raw, &many); err != nil {
			return nil, fmt.Errorf("%w: captured callback: header %q must be a string or an array of strings", notify.ErrMalformed, name)
		}
		for _, v := range many {
			c.Header.Add(name, v)
		}
	}
	switch cj.Body[0] {
	case '"':
		var s string
		if err := json.Unmarshal(cj.Body, &s); err != nil {
			return nil, fmt.Errorf("%w: captured callback body: %v", notify.ErrMalformed, err)
		}
		c.Body = []byte(s)
	case '{', '[':
		c.Body = append([]byte(nil), cj.Body...)
	default:
		return nil, fmt.Errorf("%w: captured callback: \"body\" must be a string or an object", notify.ErrMalformed)
	}
	return c, nil
}

func readCapturedHTTP(data []byte) (*capturedCallback, error) {
	br := bufio.NewReader(bytes.NewReader(data))
	req, err := http.ReadRequest(br)
	if err != nil {
		return nil, fmt.Errorf("%w: captured callback is neither JSON nor an HTTP/1.1 request: %v", notify.ErrMalformed, err)
	}
	var body []byte
	if req.Header.Get("Content-Length") != "" || len(req.TransferEncoding) > 0 {
		body, err = io.ReadAll(req.Body)
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, fmt.Errorf("%w: captured callback body is shorter than its Content-Length %d", notify.ErrMalformed, req.ContentLength)
			}
			return nil, fmt.Errorf("%w: captured callback body: %v", notify.ErrMalformed, err)
		}
	} else {
		body, _ = io.ReadAll(br) // a bytes.Reader never fails
		switch {
		case bytes.HasSuffix(body, []byte("\r\n")):
			body = body[:len(body)-2]
		case bytes.HasSuffix(body, []byte("\n")):
			body = body[:len(body)-1]
		}
	}
	if body == nil {
		body = []byte{}
	}
	return &capturedCallback{Header: req.Header, Body: body}, nil
}

// writeCaptured writes header and body in readCaptured's JSON form (headers
// sorted, body as a JSON string holding the raw bytes), one line each.
// Capture in a handler before parsing, e.g.
//
//	body, _ := io.ReadAll(r.Body)
//	notify.writeCaptured(f, r.Header, body)
//	n, err := p.ParseRaw(r.Header, body)
func writeCaptured(w io.Writer, header http.Header, body []byte) error {
	names := slices.Sorted(maps.Keys(header))
	var buf bytes.Buffer
	buf.WriteString("{\"headers\":{")
	for i, name := range names {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(textproto.CanonicalMIMEHeaderKey(name))
		buf.WriteString("\n  ")
		buf.Write(k)
		buf.WriteByte(':')
		vals := header[name]
		for _, v := range vals {
			if !utf8.ValidString(v) {
				return fmt.Errorf("wxpay: writing captured callback: header %q is not valid UTF-8", name)
			}
		}
		var v []byte
		if len(vals) == 1 {
			v, _ = json.Marshal(vals[0])
		} else {
			v, _ = json.Marshal(vals)
		}
		buf.Write(v)
	}
	buf.WriteString("\n},\n\"body\":")
	b, err := marshalNoEscape(string(body))
	if err != nil {
		return fmt.Errorf("wxpay: writing captured callback: %w", err)
	}
	buf.Write(b)
	buf.WriteString("}\n")
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("wxpay: writing captured callback: %w", err)
	}
	return nil
}

// marshalNoEscape encodes s as a JSON string without HTML escaping, so the
// file stays readable. Invalid UTF-8 would be replaced by json, changing the
// bytes, so it is refused.
func marshalNoEscape(s string) ([]byte, error) {
	if !utf8.ValidString(s) {
		return nil, errors.New("body is not valid UTF-8; the JSON form cannot hold it exactly")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
