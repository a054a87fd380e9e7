package chain

import (
	"net/http"

	"github.com/chainpay-go/wechatpay/signer"
)

// requestIDKey is signer.HeaderRequestID in canonical form: Header.Get
// with "Request-ID" allocates a canonical copy on every lookup.
var requestIDKey = http.CanonicalHeaderKey(signer.HeaderRequestID)
