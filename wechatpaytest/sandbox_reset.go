package wechatpaytest

import (
	"fmt"
	"strings"
)

// scenarioNames names the scenarios Reset knows, in the order Scenarios
// lists them, with what resets each and reloads its demo fixtures.
var scenarioNames = []string{"payscore", "transactions", "refunds", "partner", "combine", "transfers", "media", "bills", "encbills", "v2"}

// Scenarios returns the names Reset takes: payscore, transactions,
// refunds, partner, combine, transfers, media, bills, encbills and v2 (the
// APIv2 trades and refunds).
func (s *Server) Scenarios() []string { return append([]string(nil), scenarioNames...) }

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
		for _, name := range scenarioNames {
			s.resetScenario(name)
		}
		s.touch()
		return nil
	}
	if !s.resetScenario(scenario) {
		return fmt.Errorf("wechatpaytest: reset: no scenario %q (known: %s)", scenario, strings.Join(scenarioNames, ", "))
	}
	s.touch()
	return nil
}

// resetScenario resets the scenario name and reloads its fixtures; false
// when there is no such scenario.
func (s *Server) resetScenario(name string) bool {
	switch name {
	case "payscore":
		s.payscore.reset()
		s.fixture(s.loadPayscoreFixtures)
	case "transactions":
		s.trades.reset()
		s.fixture(s.loadTradeFixtures)
	case "refunds":
		s.refunds.reset()
	case "partner":
		s.partner.reset()
	case "combine":
		s.combine.reset()
	case "transfers":
		s.transfers.reset()
	case "media":
		s.media.reset()
	case "bills":
		s.bills.reset()
		s.fixture(s.loadBillFixtures)
	case "encbills":
		s.encBills.reset()
	case "v2":
		s.v2.reset()
	default:
		return false
	}
	return true
}

// fixture runs load unless the server started WithoutFixtures.
func (s *Server) fixture(load func()) {
	if s.fixtures {
		load()
	}
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
