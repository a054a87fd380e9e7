package keysrc

import (
	"os"
	"strings"
)

// SplitList splits a list setting (WECHATPAY_PLATFORM_CERTS, a wxpay
// profile's platform_certs written as one string) into its entries: they
// are separated by commas, the OS list separator or line breaks, trimmed,
// and empty ones dropped. A ':' followed by "//" belongs to a URL
// (file:///certs) and separates nothing. PEM text is not recognised here:
// take it out of the list first.
func SplitList(v string) []string {
	var out []string
	start := 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == ':' && strings.HasPrefix(v[i+1:], "//"):
			continue
		case c == ',' || c == '\n' || c == '\r' || rune(c) == os.PathListSeparator:
			if e := strings.TrimSpace(v[start:i]); e != "" {
				out = append(out, e)
			}
			start = i + 1
		}
	}
	if e := strings.TrimSpace(v[start:]); e != "" {
		out = append(out, e)
	}
	return out
}
