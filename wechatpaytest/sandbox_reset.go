package wechatpaytest

import (
	"fmt"
	"strings"
)

// namedScenario is a scenario Reset knows by name (Server.named, made by
// registerScenarios in the order Scenarios lists them): what resets it and
// what reloads its demo fixtures (nil: none).
type namedScenario struct {
	name     string
	reset    func()
	fixtures func()
}

// Scenarios returns the names Reset takes: payscore, transactions,
// refunds, partner, combine, transfers, media, bills, encbills and v2 (the
// APIv2 trades and refunds).
func (s *Server) Scenarios() []string {
	names := make([]string, len(s.named))
	for i, n := range s.named {
		names[i] = n.name
	}
	return names
}

// Reset puts the server back as it started. With scenario "" that is
// everything: every scenario's state (orders, transactions, refunds,
// transfers, uploads, bills, APIv2 trades) with the demo fixtures reloaded
// (unless WithoutFixtures), the records, the deliveries (pending attempts
// are cancelled), the outcome rules, the faults and the business clock.
// The keys, the forward URL and the nonces seen (replays stay refused) are
// kept. With a name of Scenarios it resets that scenario's state and
// fixtures only.
func (s *Server) Reset(scenario string) error {
	if scenario == "" {
		s.ResetRequests()
		s.ClearFaults()
		s.ClearOutcomeRules()
		s.forgetDeliveries()
		s.sb.offset.Store(0)
		for _, n := range s.named {
			s.resetScenario(n.name)
		}
		s.touch()
		return nil
	}
	if !s.resetScenario(scenario) {
		return fmt.Errorf("wechatpaytest: reset: no scenario %q (known: %s)", scenario, strings.Join(s.Scenarios(), ", "))
	}
	s.touch()
	return nil
}

// resetScenario resets the scenario name and reloads its fixtures; false
// when there is no such scenario.
func (s *Server) resetScenario(name string) bool {
	for _, n := range s.named {
		if n.name == name {
			n.reset()
			if n.fixtures != nil && s.fixtures { // unless WithoutFixtures
				n.fixtures()
			}
			return true
		}
	}
	return false
}

// reset forgets the APIv2 trades, refunds and requests.
func (v *v2Sim) reset() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.trades, v.byTxn, v.refunds, v.once, v.requests = map[string]*v2Trade{}, map[string]*v2Trade{}, map[string]*v2Refund{}, map[string]v2Fields{}, nil
}

// forgetDeliveries drops every delivery, cancelling their pending attempts.
func (s *Server) forgetDeliveries() {
	s.sb.mu.Lock()
	for _, e := range s.sb.deliveries {
		e.dropped, e.body, e.header = true, nil, nil
	}
	s.sb.deliveries, s.sb.deliveryByID = nil, nil
	s.sb.mu.Unlock()
	s.touch()
}
