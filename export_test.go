package terra

// WithForcedOSR returns cfg on the tiered engine with on-stack replacement
// forced, for tests: modules compile to machine code at once, yet every
// call of a WebAssembly function starts in the interpreter and moves to
// machine code at the first back edge of a loop, so that every loop a call
// reaches is entered through its OSR entry.
func WithForcedOSR(cfg Config) Config {
	cfg.Tier = TierTiered
	cfg.Tiering.forceOSR = true
	return cfg
}

// Interpreted counts the functions of cm that run in the interpreter.
func Interpreted(cm *CompiledModule) int {
	n := 0
	for i := range cm.code.Entries {
		if cm.code.Interpreted(uint32(i)) {
			n++
		}
	}
	return n
}
