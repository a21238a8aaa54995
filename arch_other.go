//go:build !(linux && amd64)

package terra

import "github.com/terra-runtime/terra/jit"

// nativeArch is the architecture the JIT compiles for here: none yet.
func nativeArch() jit.Arch { return nil }
