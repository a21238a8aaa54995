package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra"
)

func TestConfigs(t *testing.T) {
	var names []string
	for _, c := range configs([]int{1000, 2500, 100000}) {
		names = append(names, c.Name)
	}
	require.Equal(t, []string{"interp", "jit", "tiered", "tiered-t1e3", "tiered-t2500", "tiered-t1e5",
		"tiered-eager", "tiered-no-osr"}, names)

	cs := configs(nil)
	require.Len(t, cs, 5, "no thresholds: no sweep")
	for _, c := range cs {
		require.Equal(t, c.Tier == terra.TierTiered, c.Name != nameInterp && c.Name != nameJIT, c.Name)
	}
	require.True(t, cs[3].Tiering.Eager)
	require.True(t, cs[4].Tiering.NoOSR)
}

// TestCheck makes a runtime of the interpreter, which every build has, and
// of the tiered engine, which either runs or is reported unavailable.
func TestCheck(t *testing.T) {
	require.NoError(t, config{Name: nameInterp, Tier: terra.TierInterp}.check())
	if err := (config{Name: nameTiered, Tier: terra.TierTiered}).check(); err != nil {
		require.ErrorIs(t, err, terra.ErrTierUnavailable)
	}
	require.Error(t, config{Name: "bogus", Tier: "bogus"}.check())
	require.NotErrorIs(t, config{Name: "bogus", Tier: "bogus"}.check(), terra.ErrTierUnavailable)
}

func TestThresholds(t *testing.T) {
	ts, err := parseThresholds("1e3, 2500,1e7")
	require.NoError(t, err)
	require.Equal(t, []int{1000, 2500, 10000000}, ts)
	ts, err = parseThresholds("")
	require.NoError(t, err)
	require.Empty(t, ts)
	for _, bad := range []string{"0", "-5", "1.5", "x", "1e3,,1e4", "1e20"} {
		_, err := parseThresholds(bad)
		require.Error(t, err, bad)
	}
	for n, want := range map[int]string{1: "1", 999: "999", 1000: "1e3", 2500: "2500", 1000000: "1e6", 1000001: "1000001"} {
		require.Equal(t, want, thresholdText(n))
	}
}
