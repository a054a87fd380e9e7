package chain

import (
	"fmt"
	"time"

	"github.com/go-resty/resty/v2"
)

// MaxCallRetries is the most retries one call may ask for with the
// "retries" option (and the most Config.MaxRetries is honoured up to per
// call: a larger MaxRetries still applies).
const MaxCallRetries = 10

// callSettings reads the per-call settings of the options map into r:
//
//   - "timeout": a time.Duration bounding this call, retries included, in
//     place of Config.Timeout; negative: no timeout;
//   - "retries": an int, how many times this call may be retried (0: off,
//     at most MaxCallRetries), in place of Config.MaxRetries and
//     Config.DisableRetries.
//
// ("validation", the third per-call setting, is read by callMode.)
func (r *request) callSettings(opts O) []error {
	var probs []error
	if v, ok := opts[keyTimeout]; ok && v != nil {
		d, ok := v.(time.Duration)
		switch {
		case !ok:
			probs = append(probs, fmt.Errorf("%q must be a time.Duration (e.g. 5*time.Second; negative: none), got %T", keyTimeout, v))
		case d == 0:
			probs = append(probs, fmt.Errorf("%q is 0: give a duration, a negative one for no timeout, or leave the key out for Config.Timeout", keyTimeout))
		default:
			r.timeout = d
		}
	}
	if v, ok := opts[keyRetries]; ok && v != nil {
		n, ok := v.(int)
		switch {
		case !ok:
			probs = append(probs, fmt.Errorf("%q must be an int (0: no retry), got %T", keyRetries, v))
		case n < 0 || n > MaxCallRetries:
			probs = append(probs, fmt.Errorf("%q is %d: give 0 (no retry) to %d", keyRetries, n, MaxCallRetries))
		default:
			r.retries, r.retriesSet = n, true
		}
	}
	return probs
}

// retryWithin is the client's retry condition: retryCondition's rules,
// within the call's number of retries (resty counts up to the larger of
// MaxRetries and MaxCallRetries; the call's own limit is applied here).
func (c *Client) retryWithin(rr *resty.Response, err error) bool {
	retry := c.retryCondition(rr, err)
	if !retry {
		return false
	}
	limit := c.maxRetries
	if call := callOf(rr.Request.Context()); call != nil {
		limit = c.retryLimit(call.req)
	}
	return rr.Request.Attempt <= limit
}

// retryLimit is how many times req may be retried: its "retries" option,
// else Config.MaxRetries.
func (c *Client) retryLimit(req *request) int {
	if req.retriesSet {
		return req.retries
	}
	return c.maxRetries
}
