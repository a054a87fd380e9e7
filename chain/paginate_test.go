package chain_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chainpay-go/wechatpay/chain"
	"github.com/chainpay-go/wechatpay/wechatpaytest"
)

const incomeTpl = "v3/merchantfund/merchant/income-records"

func incomeOpts(limit int) chain.O {
	q := map[string]any{"account_type": "BASIC", "date": "2019-06-11"}
	if limit > 0 {
		q["limit"] = limit
	}
	return chain.O{"query": q}
}

// pager registers a paging handler for incomeTpl on srv (the simulator's
// generic list responder is not on main yet): n items, total_count on the
// first page only, links.next while more remain; bend changes a page.
func pager(srv *wechatpaytest.Server, n int, bend func(offset int, page map[string]any)) *[]string {
	var mu sync.Mutex
	var seen []string
	srv.Handle("GET", "/"+incomeTpl, func(r *wechatpaytest.Request) (int, any) {
		offset, _ := strconv.Atoi(r.Query.Get("offset"))
		limit, _ := strconv.Atoi(r.Query.Get("limit"))
		mu.Lock()
		seen = append(seen, r.Query.Get("offset")+"/"+r.Query.Get("limit"))
		mu.Unlock()
		var data []map[string]any
		for i := offset; i < min(offset+limit, n); i++ {
			data = append(data, map[string]any{"income_record_id": fmt.Sprintf("R%02d", i)})
		}
		page := map[string]any{"offset": offset, "limit": limit, "data": data, "links": map[string]any{"next": ""}}
		if offset == 0 {
			page["total_count"] = n
		}
		if offset+limit < n {
			page["links"] = map[string]any{"next": fmt.Sprintf("/%s?offset=%d&limit=%d", incomeTpl, offset+limit, limit)}
		}
		if bend != nil {
			bend(offset, page)
		}
		return 200, page
	})
	return &seen
}

func collect(t *testing.T, c *chain.Client, opts chain.O, stopAt int) ([]string, error) {
	t.Helper()
	var ids []string
	for item, err := range c.Chain(incomeTpl).Items(context.Background(), opts) {
		if err != nil {
			return ids, err
		}
		ids = append(ids, item.Get("income_record_id").String())
		if len(ids) == stopAt {
			break
		}
	}
	return ids, nil
}

func TestItemsWalksThreePages(t *testing.T) {
	t.Parallel()
	srv, c := simClient(t, nil)
	seen := pager(srv, 25, nil)
	ids, err := collect(t, c, incomeOpts(10), -1)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range 25 {
		want = append(want, fmt.Sprintf("R%02d", i))
	}
	if d := cmp.Diff(want, ids); d != "" {
		t.Errorf("items (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"0/10", "10/10", "20/10"}, *seen); d != "" {
		t.Errorf("pages (-want +got):\n%s", d)
	}
}

func TestItemsBreakStopsFetching(t *testing.T) {
	t.Parallel()
	srv, c := simClient(t, nil)
	seen := pager(srv, 25, nil)
	ids, err := collect(t, c, incomeOpts(10), 12)
	if err != nil || len(ids) != 12 {
		t.Fatal(ids, err)
	}
	if d := cmp.Diff([]string{"0/10", "10/10"}, *seen); d != "" {
		t.Errorf("pages (-want +got):\n%s", d)
	}
}

func TestItemsNoProgressIsAnError(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		bend func(offset int, page map[string]any)
	}{
		{"next points back", func(offset int, page map[string]any) {
			page["links"] = map[string]any{"next": "/" + incomeTpl + "?offset=0&limit=10"}
		}},
		{"empty page before total", func(offset int, page map[string]any) {
			if offset > 0 {
				page["data"] = []any{}
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, c := simClient(t, nil)
			seen := pager(srv, 25, tc.bend)
			_, err := collect(t, c, incomeOpts(10), -1)
			if !errors.Is(err, chain.ErrNoProgress) {
				t.Fatalf("want ErrNoProgress, got %v", err)
			}
			if len(*seen) > 2 {
				t.Errorf("%d pages fetched", len(*seen))
			}
		})
	}
}

func TestItemsRefusesBeforeSending(t *testing.T) {
	t.Parallel()
	srv, c := simClient(t, nil)
	for _, tc := range []struct {
		tpl  string
		opts chain.O
		want error
	}{
		{queryTpl, queryOpts(), chain.ErrNotPaged},
		{"v3/brand/marketing/shake-activities/activities", chain.O{"query": map[string]any{"brand_id": "120344", "limit": 101}}, chain.ErrInvalidOptions},
		{incomeTpl, chain.O{"query": map[string]any{"account_type": "BASIC", "date": "2019-06-11", "limit": "ten"}}, chain.ErrInvalidOptions},
	} {
		for _, err := range c.Chain(tc.tpl).Items(context.Background(), tc.opts) {
			if !errors.Is(err, tc.want) {
				t.Errorf("%s: want %v, got %v", tc.tpl, tc.want, err)
			}
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
