package notify

import "errors"

// ErrMalformed reports a notification body that is not a valid envelope:
// invalid JSON, a missing id or event_type, or a resource lacking ciphertext
// or nonce.
var ErrMalformed = errors.New("notify: malformed notification")

// ErrBodyTooLarge reports a request body larger than the parser's limit
// (see WithMaxBodySize).
var ErrBodyTooLarge = errors.New("notify: body too large")

// ErrNoKeys reports a parser built without any verification key.
var ErrNoKeys = errors.New("notify: no platform verification key")
