package wechatpaytest

// Changed returns a channel that is closed at the next change of what the
// admin API shows: a request recorded, a delivery or one of its attempts,
// an outcome rule, a fault, the business clock, a reset. Call it again once
// it has fired; Revision tells how many changes there were. A server-sent
// events loop:
//
//	for {
//		ch := srv.Changed()
//		// … send what is new since the last Revision …
//		select {
//		case <-ch:
//		case <-ctx.Done():
//			return
//		}
//	}
//
// Do not wait on it inside a testing/synctest bubble while the server runs
// outside it: the channel would belong to the bubble.
func (s *Server) Changed() <-chan struct{} {
	s.chmu.Lock()
	defer s.chmu.Unlock()
	if s.changed == nil {
		s.changed = make(chan struct{})
	}
	return s.changed
}

// Revision counts the changes Changed signals; it only grows.
func (s *Server) Revision() uint64 {
	s.chmu.Lock()
	defer s.chmu.Unlock()
	return s.revision
}

// touch records a change and wakes whoever waits on Changed. The channel
// is made only when someone asks for it, so touching costs one lock.
func (s *Server) touch() {
	s.chmu.Lock()
	defer s.chmu.Unlock()
	s.revision++
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
}
