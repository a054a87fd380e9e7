package catalog

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// nearest returns up to n of names nearest to s by edit distance, nearest
// first, keeping only those close enough to be a typo: a distance of at
// most 2, or a third of the name's length; a difference of case alone
// always counts.
func nearest(s string, names []string, n int) []string {
	type cand struct {
		name string
		d    int
	}
	var cs []cand
	for _, name := range names {
		limit := max(2, len(name)/3)
		if abs(len(s)-len(name)) > limit {
			continue // too far apart to be a typo (and a huge key costs nothing)
		}
		d := distance(s, name)
		if strings.EqualFold(s, name) {
			d = 0
		}
		if d <= limit {
			cs = append(cs, cand{name, d})
		}
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return cmp.Compare(a.d, b.d) })
	out := make([]string, 0, min(n, len(cs)))
	for i := 0; i < len(cs) && i < n; i++ {
		out = append(out, cs[i].name)
	}
	return out
}

// distance is the Levenshtein distance between a and b, in bytes.
func distance(a, b string) int {
	if len(a) < len(b) {
		a, b = b, a
	}
	row := make([]int, len(b)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		prev := row[0]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cur := row[j]
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			row[j] = min(row[j]+1, row[j-1]+1, prev+cost)
			prev = cur
		}
	}
	return row[len(b)]
}

// unknownCache keeps the findings for unknown operations: a client in Warn
// mode checks every call, and suggestions compare with every template.
var (
	unknownCache sync.Map // "METHOD shape" → Finding
	unknownCount atomic.Int64
)

const (
	unknownCacheLimit = 1024
	maxCachedKey      = 512 // longer templates are not kept (memory stays bounded)
)

// unknownOperation is the finding for a method and template the catalogue
// does not have. Its suggestions are the nearest operations by the
// template's shape (variables written {}), or the other methods of the
// same template.
func unknownOperation(c *catalogue, method, template string) Finding {
	key, _ := shapeKey(method, template)
	if f, ok := unknownCache.Load(key); ok {
		found := f.(Finding)
		found.Suggestions = slices.Clone(found.Suggestions)
		return found
	}
	m, sh, _ := strings.Cut(key, " ")
	var sug []string
	// The same template with another method?
	for _, other := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		if other == m {
			continue
		}
		if ids := c.byShape[other+" "+sh]; len(ids) > 0 {
			sug = append(sug, other+" "+c.ops[ids[0]].Template)
		}
	}
	issue := "no such operation in the catalogue (version " + SourceVersion + ")"
	if len(sug) > 0 {
		issue = "the catalogue has this path only with another method; did you mean " + sug[0] + "?"
	} else {
		shapes := make([]string, len(c.templates))
		for i, t := range c.templates {
			shapes[i] = shape(t)
		}
		best := nearestTemplates(sh, shapes, 3)
		for _, i := range best {
			// The template's operation with the same method, else its first.
			t, pick := c.templates[i], ""
			for _, op := range c.ops {
				if op.Template == t && (pick == "" || op.Method == m) {
					pick = op.Method
				}
			}
			sug = append(sug, pick+" "+t)
		}
		if len(sug) > 0 {
			issue += "; did you mean " + sug[0] + "?"
		}
	}
	f := Finding{Kind: UnknownOperation, Location: LocationPath, Issue: issue, Suggestions: sug}
	if len(key) <= maxCachedKey && unknownCount.Load() < unknownCacheLimit {
		if _, loaded := unknownCache.LoadOrStore(key, f); !loaded {
			unknownCount.Add(1)
		}
	}
	return f
}

// nearestTemplates returns the indexes of up to n shapes nearest to s,
// within a distance of a quarter of its length (at least 3).
func nearestTemplates(s string, shapes []string, n int) []int {
	type cand struct{ i, d int }
	var cs []cand
	limit := max(3, len(s)/4)
	for i, t := range shapes {
		if abs(len(t)-len(s)) > limit {
			continue
		}
		if d := distance(s, t); d <= limit {
			cs = append(cs, cand{i, d})
		}
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return cmp.Compare(a.d, b.d) })
	var out []int
	for i := 0; i < len(cs) && i < n; i++ {
		out = append(out, cs[i].i)
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
