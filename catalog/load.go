package catalog

import (
	"bytes"
	"compress/gzip"
	_ "embed" // the catalogue data
	"encoding/binary"
	"io"
	"strings"
	"sync"
)

//go:generate go -C ../tools/catalog-gen run . -src ../../../shared/wechatpay-openapi/docs.tar.gz -out ../../catalog

// data is the generated catalogue: a JSON array of Operation, gzip-compressed.
//
//go:embed catalog.json.gz
var data []byte

// catalogue is the loaded data with its indexes.
type catalogue struct {
	ops []Operation
	// byShape maps "METHOD shape" (every variable segment written "{}")
	// to the operations of that shape: one, except where two templates
	// differ only in the names of their variables.
	byShape map[string][]int32
	// tree matches concrete paths, segment by segment.
	tree *node
	// templates are the distinct templates, sorted, for suggestions.
	templates []string
}

// node is one segment level of the path tree used by Match.
type node struct {
	lit  map[string]*node // literal next segments
	vars *node            // a variable next segment
	ops  []int32          // operations that end here
}

// loaded is the catalogue once decoded. A sync.Once in a zero-valued
// variable, not a sync.OnceValue, so that importing the package runs no
// initializer at all.
var loaded struct {
	once sync.Once
	c    *catalogue
}

// load decodes the embedded data on first use.
func load() *catalogue {
	loaded.once.Do(func() {
		c, err := decode(data)
		if err != nil {
			// The data is generated and tested: this cannot happen in a
			// released build. An empty catalogue keeps every call working
			// (each one is then unknown, which Warn mode only logs).
			c = &catalogue{byShape: map[string][]int32{}, tree: &node{}}
		}
		loaded.c = c
	})
	return loaded.c
}

// decode reads gzip-compressed JSON operations and builds the indexes.
func decode(gz []byte) (*catalogue, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	// The gzip trailer gives the size: the text is read once, into the
	// string the operations then share.
	var raw strings.Builder
	if n := len(gz); n >= 4 {
		raw.Grow(int(binary.LittleEndian.Uint32(gz[n-4:])) + 1)
	}
	if _, err := io.Copy(&raw, zr); err != nil {
		return nil, err
	}
	ops, err := decodeOps(raw.String())
	if err != nil {
		return nil, err
	}
	c := &catalogue{ops: ops}
	c.index()
	return c, nil
}

// index builds byShape, tree and templates from ops.
func (c *catalogue) index() {
	c.byShape = make(map[string][]int32, len(c.ops)+len(c.ops)/8)
	c.tree = &node{}
	for i := range c.ops {
		op := &c.ops[i]
		paths := []string{op.Template}
		if op.WirePath != "" {
			paths = append(paths, op.WirePath)
		}
		for _, p := range paths {
			key := op.Method + " " + shape(p)
			c.byShape[key] = append(c.byShape[key], int32(i))
			n := c.tree
			for seg := range strings.SplitSeq(op.Method+"/"+p, "/") {
				if isVarSegment(seg) {
					if n.vars == nil {
						n.vars = &node{}
					}
					n = n.vars
					continue
				}
				if n.lit == nil {
					n.lit = map[string]*node{}
				}
				next := n.lit[seg]
				if next == nil {
					next = &node{}
					n.lit[seg] = next
				}
				n = next
			}
			n.ops = append(n.ops, int32(i))
		}
		if i == 0 || op.Template != c.ops[i-1].Template {
			c.templates = append(c.templates, op.Template)
		}
	}
}

// shape writes a catalogue template with each {name} segment as "{}".
func shape(t string) string {
	var b strings.Builder
	b.Grow(len(t))
	for i, seg := range strings.Split(t, "/") {
		if i > 0 {
			b.WriteByte('/')
		}
		if isVarSegment(seg) {
			b.WriteString("{}")
		} else {
			b.WriteString(seg)
		}
	}
	return b.String()
}
