package sandbox

// flushICache makes the n bytes at addr, just written through the data
// cache, visible to instruction fetch: arm64 does not keep the two coherent.
// It is in native_linux_arm64.s.
func flushICache(addr, n uintptr)
