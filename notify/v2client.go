package notify

import "fmt"

// V2KeySource is what NewV2ParserFromClient needs from a client: its APIv2
// key. *chain.Client satisfies it; notify does not import chain.
type V2KeySource interface {
	APIv2Key() string
}

// NewV2ParserFromClient returns a V2Parser for the client's APIv2 key
// (Config.APIv2Key), so that the key is configured once.
func NewV2ParserFromClient(c V2KeySource, opts ...Option) (*V2Parser, error) {
	if c == nil {
		return nil, fmt.Errorf("notify: NewV2ParserFromClient: client is nil")
	}
	return NewV2Parser(c.APIv2Key(), opts...)
}
