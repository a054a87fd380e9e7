package wechatpaytest

// registerBuiltins adds the built-in routes.
func (s *Server) registerBuiltins() {
	s.registerPayscore()
	s.registerTransactions()
	s.registerRefunds()
	s.registerBills()
	s.registerMedia()
	s.registerCertificates()
}
