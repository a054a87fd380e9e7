package chain

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"net/http"
	"net/url"
	"strconv"

	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/catalog"
)

// DefaultPageLimit is the page size Items asks for when the options give
// no "limit" in "query" (small enough for every paged operation's bound).
const DefaultPageLimit = 10

// ErrNotPaged is returned by Items for an operation the catalogue does not
// mark as paging (offset and limit in the query, an item array in the
// answer); nothing is sent.
var ErrNotPaged = errors.New("chain: the operation does not page")

// ErrNoProgress ends Items when a page does not move on: no items while
// total_count says more remain, or a links.next that does not advance the
// offset.
var ErrNoProgress = errors.New("chain: a page made no progress")

// Items returns an iterator over every item of a paged GET operation,
// fetching the pages as the loop goes: each item is a gjson.Result of the
// operation's item array (data, transfer_detail_list …, from the catalogue,
// see catalog.Operation.Paging). opts are the call's options; its "query"
// may give the first "offset" (default 0) and the "limit" (default
// DefaultPageLimit), and every page is sent with them, the offset moved on.
//
// The next page is the one links.next names (its offset), when the answer
// has it, otherwise offset + the items received; the loop ends at an empty
// or absent links.next, at total_count (remembered from the first page, as
// some operations send it there only), or at a page with fewer items than
// the limit. A page that does not advance ends the loop with ErrNoProgress;
// a failed call ends it with the call's error (the pair's error, the
// Result zero). break stops fetching. Calling Items for an operation the
// catalogue does not mark as paging yields ErrNotPaged before anything is
// sent.
//
//	for item, err := range c.Chain("v3/merchantfund/merchant/income-records").Items(ctx, opts) {
//		if err != nil { return err }
//		fmt.Println(item.Get("income_record_id").String())
//	}
func (ch *Chain) Items(ctx context.Context, opts O) iter.Seq2[gjson.Result, error] {
	return func(yield func(gjson.Result, error) bool) {
		pg, first, limit, query, err := ch.pagingOf(opts)
		if err != nil {
			yield(gjson.Result{}, err)
			return
		}
		offset, total := first, -1
		for {
			page := maps.Clone(opts)
			q := maps.Clone(query)
			q.Set("offset", strconv.Itoa(offset))
			q.Set("limit", strconv.Itoa(limit))
			page[keyQuery] = q
			resp, err := ch.Do(ctx, http.MethodGet, page)
			if err != nil {
				yield(gjson.Result{}, err)
				return
			}
			items := resp.Get(gjson.Escape(pg.Items)).Array()
			if pg.TotalCount && total < 0 {
				if t := resp.Get("total_count"); t.Exists() {
					total = int(t.Int())
				}
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			next := offset + len(items)
			if pg.Next {
				link := resp.Get("links.next")
				if link.Exists() && link.String() == "" {
					return
				}
				if link.String() != "" {
					n, ok := offsetOf(link.String())
					if ok {
						next = n
					}
				}
			}
			switch {
			case total >= 0 && next >= total:
				return
			case len(items) == 0 && total >= 0:
				yield(gjson.Result{}, fmt.Errorf("%w: %s %s at offset %d: no items, total_count %d", ErrNoProgress, http.MethodGet, ch.String(), offset, total))
				return
			case len(items) == 0 || !pg.Next && total < 0 && len(items) < limit:
				return
			case next <= offset:
				yield(gjson.Result{}, fmt.Errorf("%w: %s %s: the next page's offset %d does not pass %d", ErrNoProgress, http.MethodGet, ch.String(), next, offset))
				return
			}
			offset = next
		}
	}
}

// pagingOf checks that the chain's operation pages and reads the first
// offset, the limit and the rest of the query from opts.
func (ch *Chain) pagingOf(opts O) (pg catalog.Paging, offset, limit int, query url.Values, err error) {
	tpl, err := ch.template()
	if err != nil {
		_, err = ch.Template()
		return pg, 0, 0, nil, err
	}
	fail := func(format string, args ...any) error {
		return &OptionsError{Method: http.MethodGet, BaseURL: ch.c.baseURL, Template: tpl.String(), Problems: []error{fmt.Errorf(format, args...)}}
	}
	op, ok := catalog.Lookup(http.MethodGet, tpl.String())
	if !ok {
		return pg, 0, 0, nil, fmt.Errorf("chain: GET %s%s: %w: the catalogue does not know it", ch.c.baseURL, tpl, ErrNotPaged)
	}
	if pg, ok = op.Paging(); !ok {
		return pg, 0, 0, nil, fmt.Errorf("chain: GET %s%s: %w (no offset and limit in its query, or no item array in its answer)", ch.c.baseURL, tpl, ErrNotPaged)
	}
	query = url.Values{}
	if q, ok := opts[keyQuery]; ok && q != nil {
		qs, err := encodeQuery(q)
		if err != nil {
			return pg, 0, 0, nil, fail("%w", err)
		}
		if query, err = url.ParseQuery(qs); err != nil {
			return pg, 0, 0, nil, fail("%q: %w", keyQuery, err)
		}
	}
	limit = DefaultPageLimit
	if s := query.Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < max(pg.MinLimit, 1) || pg.MaxLimit > 0 && limit > pg.MaxLimit {
			return pg, 0, 0, nil, fail("%q: limit %q is not a page size the operation accepts", keyQuery, s)
		}
	}
	if s := query.Get("offset"); s != "" {
		if offset, err = strconv.Atoi(s); err != nil || offset < 0 {
			return pg, 0, 0, nil, fail("%q: offset %q is not a number from 0", keyQuery, s)
		}
	}
	return pg, offset, limit, query, nil
}

// offsetOf reads the offset of a links.next path.
func offsetOf(link string) (int, bool) {
	u, err := url.Parse(link)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(u.Query().Get("offset"))
	return n, err == nil
}
