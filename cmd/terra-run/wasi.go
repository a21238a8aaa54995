package main

import (
	"context"
	"errors"
	"io"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/host/wasi"
)

// wasiAvailable says whether this build links WASI; the tests of real
// programs skip without it.
const wasiAvailable = true

// wasiSetup is what the guest gets through WASI.
type wasiSetup struct {
	args           []string // argv, the module's path first
	env            []string // K=V
	stdin          io.Reader
	stdout, stderr io.Writer
	preopens       []preopen
}

// wasiInstance is the WASI host module of a run.
type wasiInstance struct {
	m *wasi.Module
}

// instantiateWASI makes WASI preview 1 (and wasi_unstable) available to
// the modules of rt.
func instantiateWASI(ctx context.Context, rt *terra.Runtime, cm *terra.CompiledModule, s wasiSetup) (*wasiInstance, error) {
	cfg := wasi.Config{
		Args:   s.args,
		Env:    s.env,
		Stdin:  s.stdin,
		Stdout: s.stdout,
		Stderr: s.stderr,
	}
	for _, p := range s.preopens {
		cfg.Preopens = append(cfg.Preopens, wasi.Preopen{HostDir: p.host, GuestPath: p.guest, ReadOnly: p.readOnly})
	}
	m, err := wasi.Instantiate(ctx, rt, cfg)
	if err != nil {
		return nil, err
	}
	return &wasiInstance{m: m}, nil
}

// exitCode reports whether err is the guest's proc_exit (or proc_raise),
// and its code.
func (w *wasiInstance) exitCode(err error) (uint32, bool) {
	var exit *wasi.ExitError
	if errors.As(err, &exit) {
		return exit.Code, true
	}
	return 0, false
}

func (w *wasiInstance) Close() error { return w.m.Close() }
