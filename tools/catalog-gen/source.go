package main

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxFile bounds one file of the archive (the largest is well under 1 MiB).
const maxFile = 16 << 20

// source is the docs/ folder of the archive, parsed: one YAML document per
// file, keyed by its path inside the archive ("docs/v3/pay/transactions/jsapi.yaml").
type source struct {
	files map[string]*yaml.Node // the document's top node (a mapping)
	order []string              // file names in archive order
}

// readSource reads the gzip-compressed tarball at name.
func readSource(name string) (*source, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	src := &source{files: map[string]*yaml.Node{}}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if h.Typeflag != tar.TypeReg || !strings.HasSuffix(h.Name, ".yaml") {
			continue
		}
		p := path.Clean(strings.TrimPrefix(h.Name, "./"))
		data, err := io.ReadAll(io.LimitReader(tr, maxFile+1))
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", name, p, err)
		}
		if len(data) > maxFile {
			return nil, fmt.Errorf("%s: %s is larger than %d bytes", name, p, maxFile)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", name, p, err)
		}
		if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
			return nil, fmt.Errorf("%s: %s: not a YAML mapping", name, p)
		}
		if _, dup := src.files[p]; dup {
			return nil, fmt.Errorf("%s: %s appears twice", name, p)
		}
		src.files[p] = doc.Content[0]
		src.order = append(src.order, p)
	}
	if _, ok := src.files["docs/swagger.yaml"]; !ok {
		return nil, fmt.Errorf("%s: no docs/swagger.yaml", name)
	}
	return src, nil
}

// get returns the value of key in mapping node n (nil when absent or n is
// not a mapping). Aliases are followed.
func get(n *yaml.Node, key string) *yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return deref(n.Content[i+1])
		}
	}
	return nil
}

// pairs returns the key/value pairs of a mapping node, in order.
func pairs(n *yaml.Node) [][2]*yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	out := make([][2]*yaml.Node, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, [2]*yaml.Node{n.Content[i], deref(n.Content[i+1])})
	}
	return out
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// str returns a scalar's text ("" when n is nil or not a scalar).
func str(n *yaml.Node) string {
	if n = deref(n); n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

// strs returns a sequence of scalars (a lone scalar gives one element).
func strs(n *yaml.Node) []string {
	n = deref(n)
	switch {
	case n == nil:
		return nil
	case n.Kind == yaml.ScalarNode:
		if s := strings.TrimSpace(str(n)); s != "" {
			return []string{s}
		}
		return nil
	case n.Kind == yaml.SequenceNode:
		var out []string
		for _, c := range n.Content {
			if s := strings.TrimSpace(str(c)); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// boolean reports whether n is the scalar true.
func boolean(n *yaml.Node) bool {
	var b bool
	if n = deref(n); n == nil || n.Kind != yaml.ScalarNode || n.Decode(&b) != nil {
		return false
	}
	return b
}

// resolve follows a $ref written in file: a relative file path (or none,
// for the same file) and a fragment that is a JSON pointer, with or
// without its leading slash (Transaction.yaml#TransactionDirection).
func (s *source) resolve(file, ref string) (string, *yaml.Node, error) {
	filePart, frag, _ := strings.Cut(ref, "#")
	target := file
	if filePart != "" {
		target = path.Join(path.Dir(file), filePart)
	}
	n, ok := s.files[target]
	if !ok {
		return "", nil, fmt.Errorf("%s: $ref %q: no file %s", file, ref, target)
	}
	frag = strings.TrimPrefix(frag, "/")
	if frag == "" {
		return target, n, nil
	}
	for _, tok := range strings.Split(frag, "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		next := get(n, tok)
		if next == nil {
			return "", nil, fmt.Errorf("%s: $ref %q: no %q in %s", file, ref, tok, target)
		}
		n = next
	}
	return target, n, nil
}
