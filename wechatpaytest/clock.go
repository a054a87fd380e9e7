package wechatpaytest

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// BusinessTime returns business time: the server clock (Now, WithNow)
// plus what Advance added. Orders, refunds, transfers and bills are
// stamped and expire on it. Request timestamps are still checked, and
// answers and notifications still signed, on the server clock itself, so
// clients' ±5 minute checks hold however far business time has moved.
func (s *Server) BusinessTime() time.Time { return s.now().Add(s.ClockOffset()) }

// ClockOffset returns how far Advance has moved business time ahead of the
// server clock.
func (s *Server) ClockOffset() time.Duration { return time.Duration(s.sb.offset.Load()) }

// MaxClockOffset bounds how far Advance puts business time ahead of the
// server clock (about 100 years): a larger lead, or one that would wrap
// the offset round, is refused.
const MaxClockOffset = 100 * 365 * 24 * time.Hour

// Advance moves business time (BusinessTime) forward by d and returns the new
// business time. Then: transactions whose time_expire has passed and that
// are not paid close (trade_state CLOSED); a payscore order still CREATED
// 30 days after it was made is EXPIRED; the trade bill of every business
// day that ended appears (GET v3/bill/tradebill), made from that day's
// paid transactions, unless SetBill gave one. (Combined orders close
// past their time_expire too.) Delivery retries keep to
// the real clock. A negative d is refused: business time never goes back.
func (s *Server) Advance(d time.Duration) (time.Time, error) {
	s.sb.advanceMu.Lock() // the check and the add together
	defer s.sb.advanceMu.Unlock()
	if d < 0 {
		return s.BusinessTime(), fmt.Errorf("wechatpaytest: advance: %v is negative (business time never goes back; Reset(\"\") sets it back to the server clock)", d)
	}
	if cur := s.ClockOffset(); d > MaxClockOffset-cur {
		return s.BusinessTime(), fmt.Errorf("wechatpaytest: advance: %v would put business time more than %v (MaxClockOffset) ahead of the server clock", d, MaxClockOffset)
	}
	before := s.BusinessTime()
	s.sb.offset.Add(int64(d))
	now := s.BusinessTime()
	s.trades.book.expire(now)
	s.partner.book.expire(now)
	s.combine.expireAll(now)
	s.dayBills(before, now)
	s.touch()
	return now, nil
}

// expire closes the NOTPAY transactions whose time_expire is before now.
func (b *tradeBook) expire(now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, t := range b.trades {
		expireLocked(t, now)
	}
}

// expireLocked closes t when it is NOTPAY past its time_expire and reports
// whether it did. Called with the book's lock held.
func expireLocked(t *trade, now time.Time) bool {
	if t.TradeState == "NOTPAY" && !t.TimeExpire.IsZero() && now.After(t.TimeExpire) {
		t.TradeState = "CLOSED"
		return true
	}
	return false
}

// timeExpire reads an order's optional time_expire (RFC 3339).
func timeExpire(f *fields) time.Time {
	te := f.optStr("time_expire")
	if te == "" || f.err != nil {
		return time.Time{}
	}
	at, err := time.Parse(time.RFC3339, te)
	if err != nil {
		f.fail("time_expire", "格式应为rfc3339 (yyyy-MM-DDTHH:mm:ss+TIMEZONE)", te)
	}
	return at
}

// expire closes a NOTPAY combined order past its time_expire (every
// sub-order) and reports whether it did. Called with the scenario's lock held.
func (o *combineOrder) expire(now time.Time) bool {
	if o.state() != "NOTPAY" || o.TimeExpire.IsZero() || !now.After(o.TimeExpire) {
		return false
	}
	for i := range o.SubOrders {
		o.SubOrders[i].TradeState = "CLOSED"
	}
	return true
}

// expireAll closes the combined orders past their time_expire.
func (c *combineScenario) expireAll(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, o := range c.orders {
		o.expire(now)
	}
}

// errExpired: paying a transaction past its time_expire.
var errExpired = errors.New("the order passed its time_expire and is closed")

// paid returns the transactions paid (SUCCESS or REFUND) at or after from
// and before to, by success_time.
func (b *tradeBook) paid(from, to time.Time) []Transaction {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []Transaction
	for _, t := range b.trades {
		if t.TradeState != "SUCCESS" && t.TradeState != "REFUND" {
			continue
		}
		at, err := time.Parse(time.RFC3339, t.SuccessTime)
		if err != nil || at.Before(from) || !at.Before(to) {
			continue
		}
		out = append(out, t.Transaction)
	}
	return out
}

// maxDayBills bounds how many days' bills one Advance makes.
const maxDayBills = 400

// dayBills makes the trade bill of each business day (China Standard Time)
// that ended between before and now and had paid transactions, unless a
// bill for that day is there already.
func (s *Server) dayBills(before, now time.Time) {
	start := dayStart(before)
	end := dayStart(now) // days before end have ended
	if !start.Before(end) {
		return
	}
	if end.Sub(start) > maxDayBills*24*time.Hour {
		start = end.Add(-maxDayBills * 24 * time.Hour)
	}
	txs := append(s.trades.book.paid(start, end), s.partner.book.paid(start, end)...)
	byDay := map[string][]Transaction{}
	for _, t := range txs {
		at, _ := time.Parse(time.RFC3339, t.SuccessTime)
		day := at.In(cst).Format("2006-01-02")
		byDay[day] = append(byDay[day], t)
	}
	for day, list := range byDay {
		if s.bills.has(day) {
			continue
		}
		s.SetBill(day, tradeBillOf(list))
	}
}

// dayStart is the start of t's day in China Standard Time.
func dayStart(t time.Time) time.Time {
	y, m, d := t.In(cst).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, cst)
}

// has reports whether a trade bill of SetBill exists for date.
func (b *billScenario) has(date string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, ok := b.bills[date]
	return ok
}

// tradeBillOf is the trade bill (ALL) of txs, in order of payment (then of
// out_trade_no, for payments in the same second: the bill is the same at
// every run), with a 0.6 % fee and a summary that adds up.
func tradeBillOf(txs []Transaction) []byte {
	sort.Slice(txs, func(i, j int) bool {
		if txs[i].SuccessTime != txs[j].SuccessTime {
			return txs[i].SuccessTime < txs[j].SuccessTime
		}
		return txs[i].OutTradeNo < txs[j].OutTradeNo
	})
	var b []byte
	b = append(b, billHeader...)
	var total, fees int64
	for _, t := range txs {
		at, _ := time.Parse(time.RFC3339, t.SuccessTime)
		mch := DefaultMchID
		sub := "0"
		if t.SubMchID != "" {
			sub = t.SubMchID
		}
		fee := t.Total * 6 // 0.6 % of Total fen, in 10^-5 yuan
		total += t.Total
		fees += fee
		cells := []string{at.In(cst).Format("2006-01-02 15:04:05"), t.AppID, mch, sub, "", t.TransactionID, t.OutTradeNo,
			t.OpenID, t.TradeType, "SUCCESS", "OTHERS", t.Currency}
		for _, c := range cells {
			b = append(b, '`')
			b = append(b, strings.ReplaceAll(c, ",", " ")...)
			b = append(b, ',')
		}
		b = append(b, '`')
		b = yuan(b, t.Total, 2)
		b = append(b, ",`0.00,`0,`0,`0.00,`0.00,`,`,`"...)
		b = append(b, strings.ReplaceAll(t.Description, ",", " ")...)
		b = append(b, ",`"...)
		b = append(b, strings.ReplaceAll(t.Attach, ",", " ")...)
		b = append(b, ",`"...)
		b = yuan(b, fee, 5)
		b = append(b, ",`0.60%,`"...)
		b = yuan(b, t.Total, 2)
		b = append(b, ",`0.00,`\n"...)
	}
	g := billGen{typ: BillTradeAll, rows: len(txs), settle: total, fee: fees, order: total}
	return g.appendSummary(b)
}
