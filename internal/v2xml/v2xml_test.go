package v2xml_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/internal/v2xml"
)

func TestDecode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want map[string]string
	}{
		{"answer", `<xml><return_code><![CDATA[SUCCESS]]></return_code>
<return_msg><![CDATA[OK]]></return_msg>
<total_fee>1</total_fee>
</xml>`, map[string]string{"return_code": "SUCCESS", "return_msg": "OK", "total_fee": "1"}},
		{"declaration, comments, empty fields", `<?xml version="1.0" encoding="UTF-8"?><!-- hi --><xml><a/><b></b><c><![CDATA[]]></c></xml><!-- bye -->`,
			map[string]string{"a": "", "b": "", "c": ""}},
		{"refund req_info root", `<root><out_refund_no><![CDATA[R1]]></out_refund_no></root>`, map[string]string{"out_refund_no": "R1"}},
		{"markup and predefined entities", `<xml><a><![CDATA[<b>&amp;]]></a><b>x &lt; y &amp; z &#x4E2D;</b></xml>`,
			map[string]string{"a": "<b>&amp;", "b": "x < y & z 中"}},
		{"CDATA split around ]]>", `<xml><a><![CDATA[x]]]]><![CDATA[>y]]></a></xml>`, map[string]string{"a": "x]]>y"}},
		{"mixed text and CDATA", `<xml><a>1<![CDATA[2]]>3</a></xml>`, map[string]string{"a": "123"}},
		{"line ends", "<xml><a>x\r\ny\rz</a><b>&#xD;</b></xml>", map[string]string{"a": "x\ny\nz", "b": "\r"}},
		{"white space kept", "<xml><a>  x </a></xml>", map[string]string{"a": "  x "}},
		{"nested field keeps its inner XML", `<xml><hblist><hbinfo><openid>o1</openid><amount>100</amount></hbinfo></hblist><return_code>SUCCESS</return_code></xml>`,
			map[string]string{"hblist": "<hbinfo><openid>o1</openid><amount>100</amount></hbinfo>", "return_code": "SUCCESS"}},
		{"empty root", `<xml></xml>`, map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := v2xml.Decode([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Decode (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeRefuses(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat("<a>", v2xml.MaxDepth) + strings.Repeat("</a>", v2xml.MaxDepth)
	tests := []struct {
		name string
		in   string
		want error
		text string // the error must say this
	}{
		{"duplicate field", `<xml><result_code>SUCCESS</result_code><return_code>SUCCESS</return_code><result_code>FAIL</result_code></xml>`, v2xml.ErrDuplicateKey, "result_code"},
		{"DOCTYPE", `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x "y">]><xml><a>&x;</a></xml>`, v2xml.ErrUnsafe, "DOCTYPE"},
		{"external entity", `<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><a>&xxe;</a></xml>`, v2xml.ErrUnsafe, ""},
		{"undeclared entity", `<xml><a>&xxe;</a></xml>`, v2xml.ErrUnsafe, ""},
		{"processing instruction", `<xml><?php echo 1; ?><a>1</a></xml>`, v2xml.ErrUnsafe, "php"},
		{"late declaration", ` <?xml version="1.0"?><xml></xml>`, v2xml.ErrUnsafe, ""},
		{"other encoding", `<?xml version="1.0" encoding="GBK"?><xml></xml>`, v2xml.ErrUnsafe, ""},
		{"too deep", `<xml>` + deep + `</xml>`, v2xml.ErrTooDeep, ""},
		{"too large", `<xml><a>` + strings.Repeat("x", v2xml.MaxSize) + `</a></xml>`, v2xml.ErrTooLarge, ""},
		{"empty", ``, v2xml.ErrMalformed, "no root"},
		{"not XML", `{"return_code":"SUCCESS"}`, v2xml.ErrMalformed, ""},
		{"two roots", `<xml></xml><xml></xml>`, v2xml.ErrMalformed, "second root"},
		{"text outside", `<xml></xml>junk`, v2xml.ErrMalformed, "outside"},
		{"text between fields", `<xml>junk<a>1</a></xml>`, v2xml.ErrMalformed, "between fields"},
		{"unclosed", `<xml><a>1</a>`, v2xml.ErrMalformed, ""},
		{"mismatched", `<xml><a>1</b></xml>`, v2xml.ErrMalformed, ""},
		{"attribute on field", `<xml><a x="1">1</a></xml>`, v2xml.ErrMalformed, "attributes"},
		{"attribute on root", `<xml x="1"></xml>`, v2xml.ErrMalformed, "attributes"},
		{"namespace prefix", `<xml><p:a xmlns:p="urn:x">1</p:a></xml>`, v2xml.ErrMalformed, "namespace"},
		{"non-ASCII name", `<xml><名>1</名></xml>`, v2xml.ErrMalformed, "ASCII"},
		{"invalid UTF-8", "<xml><a>\xff</a></xml>", v2xml.ErrMalformed, ""},
		{"control character", "<xml><a>\x01</a></xml>", v2xml.ErrMalformed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := v2xml.Decode([]byte(tt.in))
			if err == nil {
				t.Fatalf("Decode = %v, want an error", got)
			}
			if !errors.Is(err, tt.want) || !errors.Is(err, v2xml.ErrMalformed) {
				t.Errorf("error = %v, want %v (and ErrMalformed)", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("error = %v, want it to say %q", err, tt.text)
			}
		})
	}
}

func TestEncode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		fields map[string]string
		want   string
	}{
		{"acknowledgement", map[string]string{"return_code": "SUCCESS"}, `<xml><return_code><![CDATA[SUCCESS]]></return_code></xml>`},
		{"sorted, digits plain, empty kept", map[string]string{"total_fee": "1", "body": "a<b>&c", "attach": ""},
			`<xml><attach></attach><body><![CDATA[a<b>&c]]></body><total_fee>1</total_fee></xml>`},
		{"]]> cannot break out", map[string]string{"a": "x]]><evil/>"}, `<xml><a><![CDATA[x]]]]><![CDATA[><evil/>]]></a></xml>`},
		{"carriage return escaped", map[string]string{"a": "x\r\n<y>"}, `<xml><a>x&#xD;&#xA;&lt;y&gt;</a></xml>`},
		{"nothing", nil, `<xml></xml>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := v2xml.Encode(tt.fields)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("Encode (-want +got):\n%s", diff)
			}
			back, err := v2xml.Decode(got)
			if err != nil {
				t.Fatalf("Decode(Encode): %v", err)
			}
			want := tt.fields
			if want == nil {
				want = map[string]string{}
			}
			if diff := cmp.Diff(want, back); diff != "" {
				t.Errorf("Decode(Encode) (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEncodeRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		fields map[string]string
		text   string
	}{
		{"empty name", map[string]string{"": "1"}, "not an XML name"},
		{"name with space", map[string]string{"a b": "1"}, "not an XML name"},
		{"name starting with a digit", map[string]string{"1a": "1"}, "not an XML name"},
		{"markup in name", map[string]string{"a><b": "1"}, "not an XML name"},
		{"control character", map[string]string{"attach": "x\x00y"}, "field attach"},
		{"invalid UTF-8", map[string]string{"body": "\xff"}, "field body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := v2xml.Encode(tt.fields)
			if err == nil || !strings.Contains(err.Error(), tt.text) {
				t.Fatalf("Encode = %q, %v; want an error containing %q", got, err, tt.text)
			}
			for _, v := range tt.fields {
				if len(v) > 1 && strings.Contains(err.Error(), v) {
					t.Errorf("error %q holds the value", err)
				}
			}
		})
	}
}

func TestEncodeRoot(t *testing.T) {
	t.Parallel()
	got, err := v2xml.EncodeRoot("root", map[string]string{"out_refund_no": "R1"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`<root><out_refund_no><![CDATA[R1]]></out_refund_no></root>`, string(got)); diff != "" {
		t.Errorf("EncodeRoot (-want +got):\n%s", diff)
	}
	if _, err := v2xml.EncodeRoot("a b", nil); err == nil || !strings.Contains(err.Error(), "root name") {
		t.Errorf("EncodeRoot with a bad root name: error = %v", err)
	}
}

func TestToJSON(t *testing.T) {
	t.Parallel()
	m, err := v2xml.Decode([]byte(`<xml><return_code>SUCCESS</return_code><total_fee>888</total_fee><attach><![CDATA[<a href="x">"q"</a>]]></attach></xml>`))
	if err != nil {
		t.Fatal(err)
	}
	j := v2xml.ToJSON(m)
	if diff := cmp.Diff(`{"attach":"<a href=\"x\">\"q\"</a>","return_code":"SUCCESS","total_fee":"888"}`, string(j)); diff != "" {
		t.Errorf("ToJSON (-want +got):\n%s", diff)
	}
	if r := gjson.GetBytes(j, "total_fee"); r.Type != gjson.String || r.Int() != 888 {
		t.Errorf("total_fee = %v (%v), want the string 888", r, r.Type)
	}
	if got := string(v2xml.ToJSON(nil)); got != "{}" {
		t.Errorf("ToJSON(nil) = %s", got)
	}
}

func TestDecodeLimitsAreExact(t *testing.T) {
	t.Parallel()
	deep := `<xml>` + strings.Repeat("<a>", v2xml.MaxDepth-1) + strings.Repeat("</a>", v2xml.MaxDepth-1) + `</xml>`
	if _, err := v2xml.Decode([]byte(deep)); err != nil {
		t.Errorf("MaxDepth levels: %v", err)
	}
	doc := []byte(`<xml><a></a></xml>`)
	big := append(append([]byte(`<xml><a>`), bytes.Repeat([]byte("x"), v2xml.MaxSize-len(doc))...), `</a></xml>`...)
	if _, err := v2xml.Decode(big); err != nil {
		t.Errorf("MaxSize bytes: %v", err)
	}
}
