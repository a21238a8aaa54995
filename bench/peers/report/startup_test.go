package main

import (
	"context"
	"testing"

	"github.com/terra-runtime/terra/bench"
)

// TestStartupFresh runs instantiate-fresh in terra and in wazero's
// interpreter past bench.FreshCap instances of the tiny modules, so that
// it restarts once, as the report runs it.
func TestStartupFresh(t *testing.T) {
	const repoRoot = "../../.." // root is relative to bench/peers
	cs, err := startupCases(repoRoot, bench.FreshCap+2, 2)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	measured := 0
	for _, c := range cs {
		if c.measure != "instantiate-fresh" {
			continue
		}
		for _, impl := range startupImpls()[:2] {
			res, err := measureStartup(ctx, c, impl, repoRoot, t.TempDir())
			if err != nil {
				t.Errorf("%s/%s in %s: %v", c.measure, c.module, impl.Name, err)
				continue
			}
			if res.Iters != c.iters || res.P50 <= 0 || res.P99 < res.P50 {
				t.Errorf("%s/%s in %s: %+v", c.measure, c.module, impl.Name, res)
			}
			measured++
		}
	}
	if measured != 6 {
		t.Errorf("measured %d cases, want instantiate-fresh of three modules in two implementations", measured)
	}
}
