package catalog

import "fmt"

// Mode is how a client uses the catalogue for its calls.
type Mode int

const (
	// Warn checks each call and logs every finding (once per operation and
	// finding), then sends the call anyway: the catalogue can be stale. It
	// is the zero value.
	Warn Mode = iota
	// Strict refuses a call with findings before anything is sent.
	Strict
	// Off skips the check.
	Off
)

// String returns "warn", "strict" or "off".
func (m Mode) String() string {
	switch m {
	case Warn:
		return "warn"
	case Strict:
		return "strict"
	case Off:
		return "off"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}
