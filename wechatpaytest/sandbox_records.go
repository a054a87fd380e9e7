package wechatpaytest

import "sort"

// RequestsAfter returns copies of the records with a Seq above seq, oldest
// first, at most limit of them (limit <= 0: all). Unlike Requests it copies
// only what it returns: a console polling for new records pays for the new
// ones only.
func (s *Server) RequestsAfter(seq uint64, limit int) []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records.expire(s.now())
	buf := s.records.buf
	i := sort.Search(len(buf), func(i int) bool { return buf[i].Seq > seq })
	buf = buf[i:]
	if limit > 0 && len(buf) > limit {
		buf = buf[:limit]
	}
	return copyRecords(buf)
}
