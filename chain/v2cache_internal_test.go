package chain

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// The APIv2 caches hold catalogue operations only: calls to ever new
// templates (paths with values written in) do not grow them.
func TestV2CachesBounded(t *testing.T) {
	count := func(m *sync.Map) int {
		n := 0
		m.Range(func(any, any) bool { n++; return true })
		return n
	}
	beforeQ, beforeO := count(&v2QueryOps), count(&v2Operations)
	for i := range 1000 {
		v2QueryOpOf(fmt.Sprintf("v3/pay/transactions/out-trade-no/T%d", i))
		v2QueryOpOf(fmt.Sprintf("v2/no/such/op%d", i))
		v2OperationOf(http.MethodPost, fmt.Sprintf("v2/no/such/op%d", i))
	}
	if got := count(&v2QueryOps) - beforeQ; got != 0 {
		t.Errorf("v2QueryOps grew by %d", got)
	}
	if got := count(&v2Operations) - beforeO; got != 0 {
		t.Errorf("v2Operations grew by %d", got)
	}
	if v2QueryOpOf("v2/appauth/getaccesstoken") == nil || count(&v2QueryOps) > 6 {
		t.Errorf("the catalogue's APIv2 GETs: %d cached", count(&v2QueryOps))
	}
}
