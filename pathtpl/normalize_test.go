package pathtpl

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// normalizeCases are the segment-by-segment form: NormalizeSegment, which
// re-cases as the PHP SDK does.
var normalizeCases = []struct {
	in, want string
}{
	// the seed design card
	{"v3/payscore/payafter-orders/<out_order_no>/sync", "v3/payscore/payafter-orders/{out_order_no}/sync"},
	{"v3/payscore/payafterOrders/_out_order_no_/sync", "v3/payscore/payafter-orders/{out_order_no}/sync"},
	{"v3/payscore/payafter-orders/{out_order_no}/sync", "v3/payscore/payafter-orders/{out_order_no}/sync"},
	// camelCase → kebab-case
	{"payafterOrders", "payafter-orders"},
	{"merchantService", "merchant-service"},
	{"MerchantService", "merchant-service"},
	{"v3/merchantService/complaintsV2", "v3/merchant-service/complaints-v2"},
	{"v3/URLPath", "v3/url-path"},
	{"v3/getURL", "v3/get-url"},
	{"v3/v3Pay", "v3/v3-pay"},
	{"v3/ecommerce/profitsharing/afterSalesOrders", "v3/ecommerce/profitsharing/after-sales-orders"},
	// literal segments that must pass unchanged
	{"video_upload", "video_upload"},
	{"v3/merchant/media/video_upload", "v3/merchant/media/video_upload"},
	{"v3", "v3"},
	{"payafter-orders", "payafter-orders"},
	{"v3/merchant/media/image-upload", "v3/merchant/media/image-upload"},
	{"/v3/pay/transactions/jsapi", "/v3/pay/transactions/jsapi"},
	{"v3/bill/tradebill", "v3/bill/tradebill"},
	{"", ""},
	{"/", "/"},
	{"a//b/", "a//b/"},
	// names inside {} and <> are never touched
	{"v3/{outTradeNo}", "v3/{outTradeNo}"},
	{"v3/<outTradeNo>", "v3/{outTradeNo}"},
	{"v3/<+rawPath>", "v3/{+rawPath}"},
	{"v3/orders{/orderID,subID}", "v3/orders{/orderID,subID}"},
	{"v3/_outTradeNo_", "v3/{outTradeNo}"},
	{"v3/_out_trade_no_/close", "v3/{out_trade_no}/close"},
	{"v3/transactions/out-trade-no/<out_trade_no>{?mchid}", "v3/transactions/out-trade-no/{out_trade_no}{?mchid}"},
	{"v3/transactions/id/<transaction_id>?mchid=<mchid>", "v3/transactions/id/{transaction_id}?mchid={mchid}"},
	// _name_ only as a whole segment
	{"v3/_a_b", "v3/_a_b"},
	{"v3/x_a_", "v3/x_a_"},
	{"v3/__", "v3/__"},
	{"v3/_", "v3/_"},
	{"v3/_a-b_", "v3/_a-b_"},
	{"v3/_a_", "v3/{a}"},
	{"v3/_a.b_", "v3/{a.b}"},
	{"v3/_._", "v3/_._"}, // not a valid name: stays literal (fuzz)
	{"v3/_.a_", "v3/_.a_"},
	{"v3/_a._", "v3/_a._"},
	{"v3/_a..b_", "v3/_a..b_"},
	// mixed literal and expression in one segment
	{"v3/fooBar{.ext}", "v3/foo-bar{.ext}"},
	{"v3/file<name>Ext", "v3/file{name}-ext"},
	// a capital right after an expression starts a new word, as after any
	// other word: {id}Detail is the camelCase idDetail with id a variable
	{"v3/orders/{id}Detail", "v3/orders/{id}-detail"},
	{"v3/orders/<id>Detail", "v3/orders/{id}-detail"},
	{"v3/<a><b>Cd", "v3/{a}{b}-cd"},
	{"v3/{id}detail", "v3/{id}detail"},
	{"v3/{id}-detail", "v3/{id}-detail"},
	{"v3/{id}.Json", "v3/{id}.json"},
	// query and fragment literals are left alone
	{"v3/bills?billDate={d}", "v3/bills?billDate={d}"},
	{"v3/a#fragMent", "v3/a#fragMent"},
	// unbalanced brackets pass through (Parse reports them)
	{"v3/<open", "v3/<open"},
	{"v3/{open", "v3/{open"},
	{"v3/<>", "v3/<>"},
	{"v3/a>b", "v3/a>b"},
	{"{#<0>A", "{#<0>A"},                     // fuzz: an unclosed opener leaves the rest as is
	{"v3/<a/fooBar/<b>", "v3/<a/fooBar/<b>"}, // (otherwise Normalize is not idempotent)
	// %XX triplets in literals are copied as they are, never split or lower-cased
	{"v3/x%2Fy", "v3/x%2Fy"},
	{"v3/a%3Ab", "v3/a%3Ab"},
	{"v3/fooBar%2Fx", "v3/foo-bar%2Fx"},
	{"v3/caf%C3%A9", "v3/caf%C3%A9"},
	{"v3/%E4%B8%ADWen", "v3/%E4%B8%ADwen"},
	{"v3/a%2", "v3/a%2"},
	// non-ASCII is neither case-mapped nor a word boundary
	{"v3/ÄBc", "v3/Äbc"}, // only ASCII letters are looked at
	// the Node SDK's $name$, a whole segment like _name_
	{"v3/users/$openid$/coupons", "v3/users/{openid}/coupons"},
	{"v3/$outTradeNo$", "v3/{outTradeNo}"},
	{"$a$", "{a}"},
	{"v3/$a-b$", "v3/$a-b$"},
	{"v3/x$a$", "v3/x$a$"},
	{"v3/$a_", "v3/$a_"},
	{"v3/$$", "v3/$$"},
}

// asWrittenCases are paths given as one string: Normalize rewrites the
// placeholders and copies every literal byte as written.
var asWrittenCases = []struct {
	in, want string
}{
	{"v3/payscore/payafter-orders/<out_order_no>/sync", "v3/payscore/payafter-orders/{out_order_no}/sync"},
	{"v3/payscore/payafter-orders/_out_order_no_/sync", "v3/payscore/payafter-orders/{out_order_no}/sync"},
	{"v3/payscore/payafter-orders/$out_order_no$/sync", "v3/payscore/payafter-orders/{out_order_no}/sync"},
	{"v3/payscore/payafter-orders/{out_order_no}/sync", "v3/payscore/payafter-orders/{out_order_no}/sync"},
	// literals are never re-cased (issue 12: the values people write into paths)
	{"v3/pay/transactions/out-trade-no/ABCdef123", "v3/pay/transactions/out-trade-no/ABCdef123"},
	{"v3/refund/domestic/refunds/R_Abc_1", "v3/refund/domestic/refunds/R_Abc_1"},
	{"v3/merchant-service/images/<MEDIA_ID>", "v3/merchant-service/images/{MEDIA_ID}"},
	{"v3/payscore/payafterOrders/_out_order_no_/sync", "v3/payscore/payafterOrders/{out_order_no}/sync"},
	{"v3/orders/{id}Detail", "v3/orders/{id}Detail"},
	{"v3/file<name>Ext", "v3/file{name}Ext"},
	{"v3/x%2Fy", "v3/x%2Fy"},
	{"v3/<+rawPath>", "v3/{+rawPath}"},
	{"v3/transactions/id/<transaction_id>?mchid=<mchid>", "v3/transactions/id/{transaction_id}?mchid={mchid}"},
	{"v3/bills?billDate={d}", "v3/bills?billDate={d}"},
	{"v3/_a_b", "v3/_a_b"},
	{"v3/$a-b$", "v3/$a-b$"},
	{"v3/<open", "v3/<open"},
	{"", ""},
	{"/", "/"},
}

func TestNormalizeSegment(t *testing.T) {
	t.Parallel()
	for _, tc := range normalizeCases {
		if diff := cmp.Diff(tc.want, NormalizeSegment(tc.in)); diff != "" {
			t.Errorf("NormalizeSegment(%q) mismatch (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	for _, tc := range asWrittenCases {
		if diff := cmp.Diff(tc.want, Normalize(tc.in)); diff != "" {
			t.Errorf("Normalize(%q) mismatch (-want +got):\n%s", tc.in, diff)
		}
	}
	// Without capitals, the two forms agree.
	for _, tc := range normalizeCases {
		if strings.ContainsFunc(tc.in, func(r rune) bool { return 'A' <= r && r <= 'Z' }) {
			continue
		}
		if diff := cmp.Diff(NormalizeSegment(tc.in), Normalize(tc.in)); diff != "" {
			t.Errorf("Normalize(%q) and NormalizeSegment differ (-segment +normalize):\n%s", tc.in, diff)
		}
	}
}

func TestNormalizeIdempotent(t *testing.T) {
	t.Parallel()
	for _, tc := range normalizeCases {
		once := NormalizeSegment(tc.in)
		if twice := NormalizeSegment(once); twice != once {
			t.Errorf("NormalizeSegment(NormalizeSegment(%q)) = %q, want %q", tc.in, twice, once)
		}
		// chain hands a re-cased segment to ParseChain, which normalizes again
		if again := Normalize(once); again != once {
			t.Errorf("Normalize(NormalizeSegment(%q)) = %q, want %q", tc.in, again, once)
		}
	}
	for _, tc := range asWrittenCases {
		once := Normalize(tc.in)
		if twice := Normalize(once); twice != once {
			t.Errorf("Normalize(Normalize(%q)) = %q, want %q", tc.in, twice, once)
		}
	}
}

func TestParseChain(t *testing.T) {
	t.Parallel()
	vars := map[string]any{"out_order_no": "1234323JKHDFE1243252"}
	const want = "v3/payscore/payafter-orders/1234323JKHDFE1243252/sync"
	for _, path := range []string{
		"v3/payscore/payafter-orders/{out_order_no}/sync",
		"v3/payscore/payafter-orders/<out_order_no>/sync",
		"v3/payscore/payafter-orders/_out_order_no_/sync",
		"v3/payscore/payafter-orders/$out_order_no$/sync",
	} {
		tp, err := ParseChain(path)
		if err != nil {
			t.Fatalf("ParseChain(%q): %v", path, err)
		}
		if diff := cmp.Diff([]string{"out_order_no"}, tp.Names()); diff != "" {
			t.Errorf("Names (-want +got):\n%s", diff)
		}
		got, err := tp.ExpandStrict(vars)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ParseChain(%q) mismatch (-want +got):\n%s", path, diff)
		}
		again, _ := ParseChain(path)
		if again != tp {
			t.Errorf("ParseChain(%q) twice returned different templates: not cached", path)
		}
	}
	if _, err := ParseChain("v3/<open"); err == nil {
		t.Error("ParseChain(v3/<open) succeeded, want a syntax error")
	}
}
