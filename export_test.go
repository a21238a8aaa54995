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

// WithCacheWaits returns cfg whose TierTiered Compile waits for the
// compiled-code cache's entry, so that a hit has every function in machine
// code when Compile returns, however busy the machine.
func WithCacheWaits(cfg Config) Config {
	cfg.cacheLoad = cacheLoadWait
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
