package wasi

import (
	"context"
	"errors"

	"github.com/terra-runtime/terra"
)

// ErrNoModule reports a call of a function of ContextBuilder's module
// whose context holds no Module (see WithModule).
var ErrNoModule = errors.New("wasi: no Module in the call's context")

type moduleKey struct{}

// WithModule returns a context whose calls into the functions of
// ContextBuilder's module act on m.
func WithModule(ctx context.Context, m *Module) context.Context {
	return context.WithValue(ctx, moduleKey{}, m)
}

// ContextBuilder returns the definition of WASI's functions for abi, under
// its name, acting on the Module that WithModule put in the context of each
// call rather than on one Module fixed in advance. A server that runs one
// program per request compiles and instantiates it once per runtime and
// gives each request a Module of its own (New is cheap), instead of a host
// module instance per request. A call whose context holds no Module fails
// with ErrNoModule, which ends the guest's call.
func ContextBuilder(rt *terra.Runtime, abi ABI) *terra.HostModuleBuilder {
	b := rt.NewHostModule(abi.Name())
	for i := range functions {
		f := &functions[i]
		if abi == Unstable && f.name == "sock_accept" {
			continue
		}
		b.FuncRaw(f.name, f.params, f.results, func(ctx context.Context, caller terra.Caller, stack []uint64) error {
			m, ok := ctx.Value(moduleKey{}).(*Module)
			if !ok {
				return ErrNoModule
			}
			return m.call(ctx, f, abi, caller, stack)
		})
	}
	return b
}
