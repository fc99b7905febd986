package zohotest

// SetBooksIgnoresModifiedFilter makes Books list items as if no
// last_modified_time were sent, as an organisation whose Books does not honour
// the undocumented filter would (docs/zoho.md#incremental-reads); Inventory
// always honours it.
func (s *Server) SetBooksIgnoresModifiedFilter(ignore bool) {
	s.mu.Lock()
	s.booksNoLMT = ignore
	s.mu.Unlock()
}
