package main

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/tidwall/gjson"
	"github.com/tidwall/pretty"
	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// prettyMode is the --pretty flag: how JSON goes to stdout.
type prettyMode string

const (
	prettyAuto   prettyMode = "auto"   // all on a terminal, none when piped
	prettyAll    prettyMode = "all"    // indent and colour
	prettyFormat prettyMode = "format" // indent only
	prettyColors prettyMode = "colors" // colour only
	prettyNone   prettyMode = "none"   // the raw bytes as received
)

func parsePrettyMode(s string) (prettyMode, error) {
	switch m := prettyMode(strings.ToLower(s)); m {
	case prettyAuto, prettyAll, prettyFormat, prettyColors, prettyNone:
		return m, nil
	}
	return "", usageErrorf("--pretty %q: want auto, all, format, colors or none", s)
}

// writeBody writes a response body to w. Raw bytes are written untouched
// (what was verified is what you get); pretty output only for valid JSON.
func writeBody(w io.Writer, body []byte, mode prettyMode) error {
	if len(body) == 0 {
		return nil
	}
	if mode == prettyAuto {
		mode = prettyNone
		if isTerminal(w) {
			mode = prettyAll
		}
	}
	out := body
	if mode != prettyNone && gjson.ValidBytes(body) {
		if mode == prettyAll || mode == prettyFormat {
			out = pretty.Pretty(body)
		}
		if mode == prettyAll || mode == prettyColors {
			out = pretty.Color(out, nil)
		}
		if !bytes.HasSuffix(out, []byte("\n")) {
			out = append(out, '\n')
		}
	}
	_, err := w.Write(out)
	return err
}

// statusLine is "HTTP 200 OK  Request-ID: …" for stderr.
func statusLine(code int, requestID string) string {
	line := fmt.Sprintf("HTTP %d %s", code, http.StatusText(code))
	if requestID != "" {
		line += "  Request-ID: " + requestID
	}
	return line
}

var signatureParam = regexp.MustCompile(`(?i)(signature=)("[^"]*"|[^,\s]*)`)

// redactAuthorization hides the signature of an Authorization header value.
func redactAuthorization(v string) string {
	return signatureParam.ReplaceAllString(v, `${1}"<redacted>"`)
}

// writeHeaders prints headers sorted by name, Authorization redacted.
func writeHeaders(w io.Writer, prefix string, h http.Header) {
	names := slices.Sorted(maps.Keys(h))
	for _, n := range names {
		for _, v := range h[n] {
			if strings.EqualFold(n, "Authorization") {
				v = redactAuthorization(v)
			}
			fmt.Fprintf(w, "%s%s: %s\n", prefix, n, v)
		}
	}
}

// verboseTransport prints every request and response head to w (the -v flag).
// Bodies are not printed here: the request body is what the items built and
// the response body goes to stdout.
type verboseTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	w    io.Writer
}

func (t *verboseTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	fmt.Fprintf(t.w, "> %s %s %s\n", req.Method, req.URL.RequestURI(), req.Proto)
	fmt.Fprintf(t.w, "> Host: %s\n", req.URL.Host)
	writeHeaders(t.w, "> ", req.Header)
	fmt.Fprintln(t.w, ">")
	t.mu.Unlock()
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	t.mu.Lock()
	fmt.Fprintf(t.w, "< %s %s\n", resp.Proto, resp.Status)
	writeHeaders(t.w, "< ", resp.Header)
	fmt.Fprintln(t.w, "<")
	t.mu.Unlock()
	return resp, nil
}
