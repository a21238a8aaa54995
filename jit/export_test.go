package jit

import "github.com/terra-runtime/terra/internal/store"

// Batches returns the batches installed for code's module.
func Batches(code *store.ModuleCode) []*Module {
	c := codeOf(code)
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*Module(nil), c.batches...)
}
