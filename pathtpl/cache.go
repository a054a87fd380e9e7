package pathtpl

import (
	"sync"
	"sync/atomic"
)

// cacheLimit bounds each template cache. Templates are program text, so a
// real program uses far fewer; the bound only protects against a caller that
// builds templates from data.
const cacheLimit = 4096

// templateCache is a bounded concurrent map from template text to parsed
// template. When full, an arbitrary entry is evicted for each new one.
type templateCache struct {
	m     sync.Map // string → *Template
	n     atomic.Int64
	limit int64
}

var (
	rfcCache   = &templateCache{limit: cacheLimit} // Expand: key is the RFC template
	chainCache = &templateCache{limit: cacheLimit} // ParseChain: key is the chain path before Normalize
)

func (c *templateCache) get(key string, parse func(string) (*Template, error)) (*Template, error) {
	if v, ok := c.m.Load(key); ok {
		return v.(*Template), nil
	}
	t, err := parse(key)
	if err != nil {
		return nil, err
	}
	if v, loaded := c.m.LoadOrStore(key, t); loaded {
		return v.(*Template), nil
	}
	c.n.Add(1)
	// Evict until the cache is within its bound again. An entry that another
	// goroutine deleted first does not count: keep looking, so that lost
	// races cannot let the cache creep past its limit.
	for c.n.Load() > c.limit {
		evicted := false
		c.m.Range(func(k, _ any) bool {
			if k.(string) == key {
				return true
			}
			if _, deleted := c.m.LoadAndDelete(k); deleted {
				c.n.Add(-1)
				evicted = true
				return false
			}
			return true
		})
		if !evicted {
			break
		}
	}
	return t, nil
}

// Expand parses template (through a concurrency-safe cache, so repeated calls
// with the same template do no parsing) and expands it with vars following
// RFC 6570; see Template.Expand for value types and encoding. Simple {var}
// expansion can never add a path segment, query or fragment; reserved
// {+var} expansion is unsafe for untrusted input.
func Expand(template string, vars map[string]any) (string, error) {
	t, err := rfcCache.get(template, Parse)
	if err != nil {
		return "", err
	}
	return t.Expand(vars)
}

// ParseChain parses a path written in the chain syntaxes: it is
// Parse(Normalize(path)), cached by path so that repeated calls do no work.
// A *SyntaxError from ParseChain reports the position in the normalized
// template, which is in its Template field.
func ParseChain(path string) (*Template, error) {
	return chainCache.get(path, parseChain)
}

func parseChain(path string) (*Template, error) { return Parse(Normalize(path)) }
