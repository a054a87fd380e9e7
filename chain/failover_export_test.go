package chain

// The failover's tuning, for the tests of package chain_test.
const (
	FailoverAfter    = failoverAfter
	FailoverCoolDown = failoverCoolDown
)
