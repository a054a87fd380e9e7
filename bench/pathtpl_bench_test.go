// Package bench compares the speed of this module's packages with other Go
// libraries. It is its own module so that the library itself does not
// depend on them: cd bench && go test -run=NONE -bench=. ./...
package bench

import (
	"testing"

	"github.com/chainpay-go/wechatpay/pathtpl"
	stduritemplate "github.com/std-uritemplate/std-uritemplate/go/v2"
)

// templateCases are expanded by both libraries with the same variables.
var templateCases = []struct {
	name string
	tmpl string
	vars map[string]any
}{
	{
		name: "Seed",
		tmpl: "v3/payscore/payafter-orders/{out_order_no}/sync",
		vars: map[string]any{"out_order_no": "1234323JKHDFE1243252"},
	},
	{
		name: "Level4Query",
		tmpl: "v3/merchant{/mchid}/bills{?bill_date,tar_type,sub}{&extra*}",
		vars: map[string]any{
			"mchid":     "1900000109",
			"bill_date": "2026-11-28",
			"tar_type":  "GZIP",
			"sub":       []string{"1900000110", "1900000111"},
			"extra":     map[string]any{"bill_type": "ALL", "note": "a b/c"},
		},
	},
	{
		name: "Level4Mixed",
		tmpl: "v3{+base}/users{/openid}{.format}{;lang}{?fields*,q:10}{#frag}",
		vars: map[string]any{
			"base":   "/marketing/favor",
			"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
			"format": "json",
			"lang":   "zh-CN",
			"fields": []string{"id", "name", "picture"},
			"q":      "merchant 1900000109 ü",
			"frag":   "top/section",
		},
	},
}

// TestSameOutput makes sure both libraries are benchmarked doing the same work.
func TestSameOutput(t *testing.T) {
	t.Parallel()
	for _, tc := range templateCases {
		ours, err := pathtpl.Expand(tc.tmpl, tc.vars)
		if err != nil {
			t.Fatalf("%s: pathtpl: %v", tc.name, err)
		}
		theirs, err := stduritemplate.Expand(tc.tmpl, tc.vars)
		if err != nil {
			t.Fatalf("%s: std-uritemplate: %v", tc.name, err)
		}
		if ours != theirs {
			t.Errorf("%s: pathtpl %q, std-uritemplate %q", tc.name, ours, theirs)
		}
	}
}

// BenchmarkExpand expands each template with pathtpl.Expand (template text
// in, parsed through pathtpl's cache), pathtpl's pre-parsed Template, and
// std-uritemplate's Expand, in the same run.
func BenchmarkExpand(b *testing.B) {
	for _, tc := range templateCases {
		b.Run(tc.name+"/pathtpl", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := pathtpl.Expand(tc.tmpl, tc.vars); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(tc.name+"/pathtpl-parsed", func(b *testing.B) {
			t, err := pathtpl.Parse(tc.tmpl)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := t.Expand(tc.vars); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(tc.name+"/std-uritemplate", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := stduritemplate.Expand(tc.tmpl, tc.vars); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
