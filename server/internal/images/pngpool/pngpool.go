// Package pngpool reuses the PNG encoder's buffers (its zlib writer alone is
// about a megabyte) for the test doubles that draw pictures: the Zoho emulator
// and the Odoo double.
package pngpool

import (
	"image/png"
	"sync"
)

// Pool is a png.EncoderBufferPool; use one per compression level, since a
// buffer keeps its level. The zero value is ready to use.
type Pool struct {
	mu   sync.Mutex
	free []*png.EncoderBuffer // a plain list: a sync.Pool is emptied by every GC, and the tests GC often
}

// Get returns a free buffer, or nil (the encoder then makes one).
func (p *Pool) Get() *png.EncoderBuffer {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.free); n > 0 {
		e := p.free[n-1]
		p.free = p.free[:n-1]
		return e
	}
	return nil
}

// Put keeps up to 8 buffers for later encodings.
func (p *Pool) Put(e *png.EncoderBuffer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free) < 8 {
		p.free = append(p.free, e)
	}
}
