package catalog_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/catalog"
)

func TestPaging(t *testing.T) {
	t.Parallel()
	cases := []struct {
		method, tpl string
		want        catalog.Paging
		ok          bool
	}{
		{"GET", "v3/merchantfund/merchant/income-records", catalog.Paging{Items: "data", TotalCount: true, Next: true, LimitRequired: true, MinLimit: 1, DefaultLimit: 100}, true},
		{"GET", "v3/bank-transfer/batches/batch-id/{batch_id}", catalog.Paging{Items: "transfer_detail_list", TotalCount: true, MinLimit: 1, DefaultLimit: 20}, true},
		{"GET", "v3/brand/marketing/shake-activities/activities", catalog.Paging{Items: "data", TotalCount: true, LimitRequired: true, MinLimit: 1, MaxLimit: 100, DefaultLimit: 5}, true},
		{"GET", "v3/pay/transactions/id/{transaction_id}", catalog.Paging{}, false},
		{"POST", "v3/pay/transactions/jsapi", catalog.Paging{}, false},
	}
	for _, tc := range cases {
		op, found := catalog.Lookup(tc.method, tc.tpl)
		if !found {
			t.Fatalf("%s %s not in the catalogue", tc.method, tc.tpl)
		}
		got, ok := op.Paging()
		if ok != tc.ok {
			t.Errorf("%s %s: paging %v, want %v", tc.method, tc.tpl, ok, tc.ok)
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%s %s (-want +got):\n%s", tc.method, tc.tpl, d)
		}
	}
	n, next := 0, 0
	for _, op := range catalog.All() {
		if pg, ok := op.Paging(); ok {
			n++
			if pg.Next {
				next++
			}
		}
	}
	// The source: 65 operations take offset and limit with an item array,
	// 10 of them answer links.next.
	if n != 65 || next != 10 {
		t.Errorf("%d paged operations (%d with links.next), want 65 (10)", n, next)
	}
}
