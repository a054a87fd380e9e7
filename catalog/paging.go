package catalog

// Paging describes how an operation pages its answers, read from its field
// trees (see Operation.Paging).
type Paging struct {
	// Items is the top-level array member of the answer holding the items,
	// e.g. "data" or "transfer_detail_list".
	Items string
	// TotalCount is set when the answer has a total_count member (some
	// operations send it on the first page only).
	TotalCount bool
	// Next is set when the answer has links.next, the path of the next
	// page.
	Next bool
	// LimitRequired says the limit query parameter is required.
	LimitRequired bool
	// MinLimit and MaxLimit bound the limit query parameter, from the
	// source's minimum and maximum (1 and 0 when it gives none: 0 means no
	// known maximum); DefaultLimit is the source's example value of limit
	// (0 when none).
	MinLimit, MaxLimit, DefaultLimit int
}

// Paging reports whether the operation pages with the offset and limit
// query parameters, and how. It is derived from the operation's parameters
// and answer tree, not stored (a scan of a few parameters and members, so
// the catalogue's data and generator need no mark of their own): an
// operation pages when it takes both offset and limit in the query and its
// answer has a top-level array; that array (the first, when there are
// several) holds the items. Few operations give limit a minimum or
// maximum in the source; where it gives none, the gateway's answer decides.
func (op *Operation) Paging() (Paging, bool) {
	var off, lim *Param
	for i := range op.Params {
		p := &op.Params[i]
		if p.In != LocationQuery {
			continue
		}
		switch p.Name {
		case "offset":
			off = p
		case "limit":
			lim = p
		}
	}
	if off == nil || lim == nil || op.Response == nil {
		return Paging{}, false
	}
	pg := Paging{MinLimit: 1, LimitRequired: lim.Required}
	for _, f := range op.Response.Fields {
		switch {
		case f.Type == "array" && pg.Items == "":
			pg.Items = f.Name
		case f.Name == "total_count":
			pg.TotalCount = true
		case f.Name == "links":
			_, pg.Next = f.Member("next")
		}
	}
	if pg.Items == "" {
		return Paging{}, false
	}
	if lim.Minimum != nil {
		pg.MinLimit = *lim.Minimum
	}
	if lim.Maximum != nil {
		pg.MaxLimit = *lim.Maximum
	}
	if n, ok := exampleInt(lim.Example); ok && n > 0 {
		pg.DefaultLimit = n
	}
	return pg, true
}

// exampleInt reads a JSON integer example.
func exampleInt(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}
