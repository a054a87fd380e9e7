package wechatpaytest

import (
	"sync"
	"sync/atomic"
)

// sandboxState is what steers the simulator (outcome rules, the business
// clock, deliveries), under its own lock.
type sandboxState struct {
	mu      sync.Mutex
	offset  atomic.Int64 // the business clock's lead over the server clock (clock.go)
	rules   []*ruleEntry
	ruleSeq int

	deliveries   []*deliveryEntry // oldest first
	deliveryByID map[string]*deliveryEntry
	forward      string // SetForwardURL
	closed       bool   // Close: no more attempts
}
