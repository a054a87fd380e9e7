package v2xml

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// simpleSeeds are documents on both sides of decodeSimple's shape.
var simpleSeeds = []string{
	`<xml><return_code><![CDATA[SUCCESS]]></return_code><total_fee>1</total_fee></xml>`,
	"\n <xml>\n\t<a>x</a>\r\n<b><![CDATA[<not a tag> & ]]]]></b> <c></c></xml>\n",
	`<root><a>中文 é</a><_b.c-d>1</_b.c-d></root>`,
	`<xml></xml>`,
	`<xml><a>1</a><a>2</a></xml>`,
	`<xml><a>x&amp;y</a></xml>`,
	`<xml><a>x<![CDATA[y]]></a></xml>`,
	`<xml><a><![CDATA[y]]>z</a></xml>`,
	`<xml><a/></xml>`,
	`<xml><a b="1">x</a></xml>`,
	`<xml><a:b>x</a:b></xml>`,
	`<xml><a>x</b></xml>`,
	`<xml><a>x</a >`,
	`<xml><a>x</a></xml><xml></xml>`,
	`<xml><a>x</a></xml>trailing`,
	"<xml><a>x\ry</a></xml>",
	"<xml><a>x\x00y</a></xml>",
	"<xml><a>\xff</a></xml>",
	"<xml><a>\uFFFE</a></xml>",
	"<xml><a>]]></a></xml>",
	"<xml>text<a>1</a></xml>",
	"<xml><a><b>1</b></a></xml>",
	"\ufeff<xml><a>1</a></xml>",
	`<?xml version="1.0"?><xml><a>1</a></xml>`,
	`<xml><!-- c --><a>1</a></xml>`,
	`<xml><é>1</é></xml>`,
	`<xml><1a>1</1a></xml>`,
	`<xml><a>1</a>`,
	`<xml><a>1`,
	`<xml><a><![CDATA[1]]`,
	``,
	`<`,
	`<xml`,
}

// TestDecodeSimple: what decodeSimple reads, encoding/xml reads the same
// way; the usual answer is read by decodeSimple.
func TestDecodeSimple(t *testing.T) {
	t.Parallel()
	accepted := 0
	for _, s := range simpleSeeds {
		checkSimple(t, []byte(s))
		if _, ok := decodeSimple([]byte(s)); ok {
			accepted++
		}
	}
	if accepted < 4 {
		t.Errorf("decodeSimple read %d of the seeds, want the 4 of the usual shape at least", accepted)
	}
	answer := `<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg><total_fee>1</total_fee>` +
		`<openid><![CDATA[oUpF8uMuAJO_M2pxb1Q9zNjWeS6o]]></openid></xml>`
	if _, ok := decodeSimple([]byte(answer)); !ok {
		t.Errorf("decodeSimple refused a usual answer")
	}
	if _, ok := decodeSimple([]byte(strings.Repeat(" ", 10) + answer + "\n")); !ok {
		t.Errorf("decodeSimple refused a usual answer with white space around it")
	}
}

func checkSimple(t *testing.T, data []byte) {
	t.Helper()
	got, ok := decodeSimple(data)
	if !ok {
		return
	}
	want, err := decodeXML(data)
	if err != nil {
		t.Fatalf("decodeSimple read %q, encoding/xml refuses it: %v", data, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("%q: (-encoding/xml +decodeSimple):\n%s", data, diff)
	}
}

// FuzzDecodeSimple: whatever decodeSimple reads, decodeXML reads the
// same, so Decode gives the same answer with or without the fast path.
func FuzzDecodeSimple(f *testing.F) {
	for _, s := range simpleSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSimple(t, data)
	})
}
