package wechatpaytest

import (
	"context"
	"sync"
	"sync/atomic"
)

// sandboxState is what steers the simulator (outcome rules, the business
// clock, deliveries), under its own lock.
type sandboxState struct {
	mu     sync.Mutex
	offset atomic.Int64 // the business clock's lead over the server clock (clock.go)
	// advanceMu serialises Advance: its bound check and its add.
	advanceMu sync.Mutex
	rules     []*ruleEntry
	ruleSeq   int

	deliveries   []*deliveryEntry // oldest first
	deliveryByID map[string]*deliveryEntry
	forward      string // SetForwardURL
	closed       bool   // Close: no more attempts
	// stop ends the attempts in flight at Close (cancelled by closeAttempts).
	stop          context.Context
	closeAttempts context.CancelFunc
}
