package pathtpl

import "testing"

const seedTemplate = "v3/payscore/payafter-orders/{out_order_no}/sync"

// BenchmarkExpandSeed expands the seed template through the package-level
// cache, the way the chain does for every request.
func BenchmarkExpandSeed(b *testing.B) {
	vars := map[string]any{"out_order_no": "1234323JKHDFE1243252"}
	if _, err := Expand(seedTemplate, vars); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Expand(seedTemplate, vars); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExpandStrictSeed(b *testing.B) {
	tp, err := ParseChain("v3/payscore/payafter-orders/_out_order_no_/sync")
	if err != nil {
		b.Fatal(err)
	}
	vars := map[string]any{"out_order_no": "1234323JKHDFE1243252"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tp.ExpandStrict(vars); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExpandLevel4(b *testing.B) {
	tp, err := Parse("v3/merchant{/id}/bills{?bill_date,tar_type}{&keys*}")
	if err != nil {
		b.Fatal(err)
	}
	vars := map[string]any{
		"id":        "1900000109",
		"bill_date": "2026-11-28",
		"tar_type":  "GZIP",
		"keys":      map[string]string{"sub_mchid": "1900000110", "bill_type": "ALL"},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tp.Expand(vars); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(seedTemplate); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNormalize(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = NormalizeSegment("v3/payscore/payafterOrders/_out_order_no_/sync")
	}
}
