//go:build linux && amd64

package terra

import (
	"github.com/terra-runtime/terra/jit"
	"github.com/terra-runtime/terra/jit/amd64"
)

// nativeArch is the architecture the JIT compiles for here.
func nativeArch() jit.Arch { return amd64.Arch{} }
