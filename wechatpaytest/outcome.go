package wechatpaytest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/chainpay-go/wechatpay/catalog"
)

// OutcomeHeader is the request header that forces the answer of one
// request: "status=500, code=SYSTEM_ERROR", optionally with
// "message=TEXT" (no comma in TEXT). Either of status and code may be
// left out: a code alone takes the status the gateway answers it with
// (NOT_ENOUGH 403, ORDER_NOT_EXIST 404, FREQUENCY_LIMITED 429, …; another
// code 400), a status alone the gateway's code for it (500 SYSTEM_ERROR,
// 429 FREQUENCY_LIMITED, 503 SERVICE_UNAVAILABLE, …). The key example= is
// refused: the catalogue has no named answer examples to pick from.
//
// The request is still authenticated and validated first (against the API
// catalogue): steering changes what the simulator answers, never what it
// accepts. The forced answer is signed like any other, and the route's
// handler is not called, so no state changes, as when the gateway fails.
// The header is not WeChat Pay's; the real gateway ignores it.
const OutcomeHeader = "Wechatpay-Sandbox-Outcome"

// Outcome is a forced answer: an error status and a WeChat Pay error code.
type Outcome struct {
	// Status is the HTTP status, 400 to 599 (0: the code's status).
	Status int `json:"status,omitempty"`
	// Code is the error code, e.g. NOT_ENOUGH ("" : the status's code).
	Code string `json:"code,omitempty"`
	// Message is the error message ("" : a default naming the outcome as forced).
	Message string `json:"message,omitempty"`
}

// codeStatus is the status the gateway answers an error code with.
var codeStatus = map[string]int{
	"PARAM_ERROR": 400, "INVALID_REQUEST": 400, "APPID_MCHID_NOT_MATCH": 400, "MCH_NOT_EXISTS": 400,
	"ORDER_CLOSED": 400, "ORDERPAID": 400, "INVALID_ORDER_STATE": 400, "ORDER_DONE": 400, "ORDER_CANCELED": 400,
	"SIGN_ERROR": 401,
	"NOT_ENOUGH": 403, "NO_AUTH": 403, "OUT_TRADE_NO_USED": 403, "RULE_LIMIT": 403, "TRADE_ERROR": 403,
	"REQUEST_BLOCKED": 403, "USER_ACCOUNT_ABNORMAL": 403, "ACCOUNT_ERROR": 403,
	"ORDER_NOT_EXIST": 404, "ORDERNOTEXIST": 404, "RESOURCE_NOT_EXISTS": 404,
	"FREQUENCY_LIMITED": 429,
	"SYSTEM_ERROR":      500, "BANK_ERROR": 500,
	"SERVICE_UNAVAILABLE": 503,
}

// normalize checks o and fills the status or code left out.
func (o Outcome) normalize() (Outcome, error) {
	if o.Status == 0 && o.Code == "" {
		return o, fmt.Errorf("wechatpaytest: outcome: status or code is required")
	}
	if o.Status != 0 && (o.Status < 400 || o.Status > 599) {
		return o, fmt.Errorf("wechatpaytest: outcome: status %d is not an error status (400 to 599)", o.Status)
	}
	if o.Code != "" && !validCode(o.Code) {
		return o, fmt.Errorf("wechatpaytest: outcome: code %q is not an error code (A-Z, 0-9 and _, at most 64)", o.Code)
	}
	if len(o.Message) > 256 {
		return o, fmt.Errorf("wechatpaytest: outcome: message is over 256 bytes")
	}
	if o.Status == 0 {
		if o.Status = codeStatus[o.Code]; o.Status == 0 {
			o.Status = http.StatusBadRequest
		}
	}
	if o.Code == "" {
		o.Code = defaultCode(o.Status)
	}
	return o, nil
}

func validCode(c string) bool {
	if len(c) > 64 {
		return false
	}
	for i := 0; i < len(c); i++ {
		if b := c[i]; b != '_' && (b < 'A' || b > 'Z') && (b < '0' || b > '9') {
			return false
		}
	}
	return true
}

// body is the gateway's error body of o.
func (o Outcome) body() *ErrorBody {
	msg := o.Message
	if msg == "" {
		msg = "模拟结果 (forced outcome " + strconv.Itoa(o.Status) + " " + o.Code + ")"
	}
	return Error(o.Code, msg)
}

// String is the outcome as OutcomeHeader writes it.
func (o Outcome) String() string {
	s := "status=" + strconv.Itoa(o.Status) + ", code=" + o.Code
	if o.Message != "" {
		s += ", message=" + o.Message
	}
	return s
}

// ParseOutcome reads an OutcomeHeader value.
func ParseOutcome(v string) (Outcome, error) {
	var o Outcome
	seen := map[string]bool{}
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, val, ok := strings.Cut(part, "=")
		k, val = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(val)
		if !ok || k == "" {
			return o, fmt.Errorf("wechatpaytest: %s: %q is not key=value", OutcomeHeader, truncate(part, 40))
		}
		if seen[k] {
			return o, fmt.Errorf("wechatpaytest: %s: %s given twice", OutcomeHeader, k)
		}
		seen[k] = true
		switch k {
		case "status":
			n, err := strconv.Atoi(val)
			if err != nil {
				return o, fmt.Errorf("wechatpaytest: %s: status %q is not a number", OutcomeHeader, truncate(val, 10))
			}
			o.Status = n
		case "code":
			o.Code = strings.ToUpper(val)
		case "message":
			o.Message = val
		case "example":
			return o, fmt.Errorf("wechatpaytest: %s: example: the simulator has no named answer examples", OutcomeHeader)
		default:
			return o, fmt.Errorf("wechatpaytest: %s: unknown key %q (known: status, code, message)", OutcomeHeader, truncate(k, 20))
		}
	}
	o, err := o.normalize()
	if err != nil {
		return o, fmt.Errorf("wechatpaytest: %s: %s", OutcomeHeader, strings.TrimPrefix(err.Error(), "wechatpaytest: outcome: "))
	}
	return o, nil
}

// truncate cuts s to n bytes for an error message.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// OutcomeRule makes the next matching calls answer Outcome (see
// AddOutcomeRule).
type OutcomeRule struct {
	// ID names the rule; AddOutcomeRule sets it.
	ID string `json:"id"`
	// Route selects requests as Fault.Route does: "" for every request,
	// "METHOD /path" or "/path", path a route pattern or a concrete path.
	Route string `json:"route"`
	// Times is how many matching requests the rule answers: 0 once, a
	// negative number until it is removed.
	Times int `json:"times"`
	// Left is how many uses are left (-1: until removed); set by the server.
	Left int `json:"left"`
	Outcome
}

type ruleEntry struct {
	rule         OutcomeRule
	method, path string
}

// MaxOutcomeRules bounds how many outcome rules a server holds at once.
const MaxOutcomeRules = 1000

// AddOutcomeRule makes the next Times calls matching r.Route answer
// r.Outcome, after authentication and validation, signed. An
// OutcomeHeader on a request takes precedence; rules are used in the
// order they were added. It returns the rule with its ID and Left, or an
// error naming what is wrong (or that MaxOutcomeRules are held already).
func (s *Server) AddOutcomeRule(r OutcomeRule) (OutcomeRule, error) {
	o, err := r.Outcome.normalize()
	if err != nil {
		return OutcomeRule{}, err
	}
	r.Outcome = o
	r.Left = r.Times
	if r.Left == 0 {
		r.Left = 1
	}
	if r.Left < 0 {
		r.Left = -1
	}
	e := &ruleEntry{rule: r}
	e.method, e.path = splitRoute(r.Route)
	s.sb.mu.Lock()
	if len(s.sb.rules) >= MaxOutcomeRules {
		s.sb.mu.Unlock()
		return OutcomeRule{}, fmt.Errorf("wechatpaytest: outcome: %d rules already (MaxOutcomeRules); remove some first", MaxOutcomeRules)
	}
	s.sb.ruleSeq++
	e.rule.ID = "rule_" + strconv.Itoa(s.sb.ruleSeq)
	s.sb.rules = append(s.sb.rules, e)
	s.sb.mu.Unlock()
	s.touch()
	return e.rule, nil
}

// OutcomeRules returns the rules with uses left, in the order they apply.
func (s *Server) OutcomeRules() []OutcomeRule {
	s.sb.mu.Lock()
	defer s.sb.mu.Unlock()
	out := make([]OutcomeRule, len(s.sb.rules))
	for i, e := range s.sb.rules {
		out[i] = e.rule
	}
	return out
}

// RemoveOutcomeRule removes the rule id and reports whether there was one.
func (s *Server) RemoveOutcomeRule(id string) bool {
	s.sb.mu.Lock()
	found := false
	for i, e := range s.sb.rules {
		if e.rule.ID == id {
			s.sb.rules = append(s.sb.rules[:i:i], s.sb.rules[i+1:]...)
			found = true
			break
		}
	}
	s.sb.mu.Unlock()
	if found {
		s.touch()
	}
	return found
}

// ClearOutcomeRules removes every rule.
func (s *Server) ClearOutcomeRules() {
	s.sb.mu.Lock()
	s.sb.rules = nil
	s.sb.mu.Unlock()
	s.touch()
}

// takeRule finds the first rule for the request and uses it once.
func (s *Server) takeRule(method, pattern, path string) (Outcome, bool) {
	s.sb.mu.Lock()
	defer s.sb.mu.Unlock()
	for i, e := range s.sb.rules {
		if !routeMatches(e.method, e.path, method, pattern, path) {
			continue
		}
		if e.rule.Left > 0 {
			e.rule.Left--
			if e.rule.Left == 0 {
				s.sb.rules = append(s.sb.rules[:i:i], s.sb.rules[i+1:]...)
			}
		}
		return e.rule.Outcome, true
	}
	return Outcome{}, false
}

// splitRoute reads a Fault or OutcomeRule route: "METHOD /path" or "/path".
func splitRoute(route string) (method, path string) {
	route = strings.TrimSpace(route)
	if m, p, ok := strings.Cut(route, " "); ok {
		method, path = strings.ToUpper(m), strings.TrimSpace(p)
	} else {
		path = route
	}
	if path != "" && !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return method, path
}

// routeMatches reports whether a route (method, path: "" for any) selects a
// request of method matching pattern at the decoded path.
func routeMatches(rMethod, rPath, method, pattern, path string) bool {
	return (rMethod == "" || rMethod == method) && (rPath == "" || rPath == pattern || rPath == path)
}

// Magic values: amounts that steer the simulator without a header, as
// payment providers' test card numbers do (see the package doc).
const (
	// MagicTotalSystemError: creating a payment (direct or partner, any
	// trade type) of this amount.total, in fen, answers 500 SYSTEM_ERROR,
	// every time (a client's retries all fail).
	MagicTotalSystemError = 5001
	// MagicTotalPayError: a payment of this amount.total is created, but
	// the payer cannot pay it: PayTransaction (and Trigger) leave it in
	// trade_state PAYERROR and return an error.
	MagicTotalPayError = 4002
	// MagicTotalRefundNotEnough: a refund whose amount.total is this many
	// fen is refused with 403 NOT_ENOUGH (the merchant's balance is short).
	MagicTotalRefundNotEnough = 4031
)

// magic is the outcome a magic value in the request's body forces.
func magic(method, pattern string, body []byte) (Outcome, bool) {
	if method != http.MethodPost {
		return Outcome{}, false
	}
	switch {
	case pattern == "/v3/refund/domestic/refunds":
		if gjson.GetBytes(body, "amount.total").Int() == MagicTotalRefundNotEnough {
			return Outcome{Status: http.StatusForbidden, Code: "NOT_ENOUGH", Message: "基本账户余额不足，请充值后重新发起 (magic amount.total " + strconv.Itoa(MagicTotalRefundNotEnough) + ")"}, true
		}
	case paymentCreate[pattern]:
		if gjson.GetBytes(body, "amount.total").Int() == MagicTotalSystemError {
			return Outcome{Status: http.StatusInternalServerError, Code: "SYSTEM_ERROR", Message: "系统错误 (magic amount.total " + strconv.Itoa(MagicTotalSystemError) + ")"}, true
		}
	}
	return Outcome{}, false
}

// paymentCreate lists the patterns that create a payment.
var paymentCreate = func() map[string]bool {
	m := map[string]bool{}
	for kind := range tradeTypes {
		m["/v3/pay/transactions/"+kind] = true
		m["/v3/pay/partner/transactions/"+kind] = true
	}
	return m
}()

// forcedOutcome decides whether the request's answer is forced (the
// header, a rule, a magic value, in that order). A malformed header is a
// refusal (eb).
func (s *Server) forcedOutcome(req *Request) (o Outcome, forced bool, eb *ErrorBody) {
	if v := req.Header.Values(OutcomeHeader); len(v) > 0 {
		o, err := ParseOutcome(strings.Join(v, ","))
		if err != nil {
			return o, false, &ErrorBody{Code: "PARAM_ERROR", Message: "参数错误: " + strings.TrimPrefix(err.Error(), "wechatpaytest: "),
				Detail: FieldDetail{Field: OutcomeHeader, Issue: strings.TrimPrefix(err.Error(), "wechatpaytest: "+OutcomeHeader+": "), Location: "header"}}
		}
		return o, true, nil
	}
	if o, ok := s.takeRule(req.Method, req.pattern, req.Path); ok {
		return o, true, nil
	}
	if o, ok := magic(req.Method, req.pattern, req.Body); ok {
		return o, true, nil
	}
	return Outcome{}, false, nil
}

// steer answers a request whose outcome is forced: first the checks the
// gateway makes (the catalogue's, for an operation it describes), then the
// outcome. ok is false when the request goes on as usual.
func (s *Server) steer(req *Request, rawPath string, op *catalog.Operation, badSerial *ErrorBody) (status int, body any, ok bool) {
	o, forced, eb := s.forcedOutcome(req)
	if eb != nil {
		return http.StatusBadRequest, eb, true
	}
	if !forced {
		return 0, nil, false
	}
	vars := req.Params
	if op == nil {
		op, vars, _ = genericOperation(req.Method, rawPath)
		badSerial = nil // a route's request was checked for it already
	}
	if op != nil {
		if eb := s.check(req, op, vars, badSerial); eb != nil {
			return http.StatusBadRequest, eb, true
		}
	}
	if req.rec != nil {
		s.mu.Lock()
		req.rec.Outcome = o.String()
		s.mu.Unlock()
	}
	return o.Status, o.body(), true
}
