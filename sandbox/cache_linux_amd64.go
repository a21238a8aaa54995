package sandbox

// flushICache does nothing: x86 keeps instruction fetch coherent with
// stores.
func flushICache(addr, n uintptr) {}
