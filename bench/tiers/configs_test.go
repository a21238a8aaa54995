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
// of the tiered engine, which either runs or is reported unavailable; and
// checks that the configurations carry their tiering to the runtime's.
func TestCheck(t *testing.T) {
	require.NoError(t, config{Name: nameInterp, Tier: terra.TierInterp}.check())
	if err := (config{Name: nameTiered, Tier: terra.TierTiered}).check(); err != nil {
		require.ErrorIs(t, err, terra.ErrTierUnavailable)
	}
	for _, c := range configs([]int{1000}) {
		cfg := c.terraConfig()
		require.Equal(t, c.Tier, cfg.Tier, c.Name)
		require.Equal(t, c.Tiering, cfg.Tiering, c.Name)
	}
	require.Equal(t, 1000, configs([]int{1000})[3].terraConfig().Tiering.Threshold)
	require.Error(t, config{Name: "bogus", Tier: "bogus"}.check())
	require.NotErrorIs(t, config{Name: "bogus", Tier: "bogus"}.check(), terra.ErrTierUnavailable)
}

func TestThresholds(t *testing.T) {
	ts, err := parseThresholds("1e3, 2500,1e7,2e5")
	require.NoError(t, err)
	require.Equal(t, []int{1000, 2500, 10000000, 200000}, ts)
	ts, err = parseThresholds("")
	require.NoError(t, err)
	require.Empty(t, ts)
	for _, bad := range []string{"0", "-5", "1.5", "x", "1e3,,1e4", "1e20"} {
		_, err := parseThresholds(bad)
		require.Error(t, err, bad)
	}
	for n, want := range map[int]string{1: "1", 999: "999", 1000: "1e3", 2500: "2500", 50000: "5e4", 200000: "2e5",
		1000000: "1e6", 1000001: "1000001", 12000: "12000"} {
		require.Equal(t, want, thresholdText(n))
	}
}

// TestAdmit checks that the configurations this build runs are admitted in
// order, and that one that fails for another reason than an unavailable
// tier is an error.
func TestAdmit(t *testing.T) {
	rep := newReport(1, 1)
	cfgs, err := rep.admit([]config{{Name: nameInterp, Tier: terra.TierInterp}, {Name: nameTiered, Tier: terra.TierTiered}})
	require.NoError(t, err)
	require.Equal(t, len(rep.Configs), len(cfgs))
	require.Equal(t, nameInterp, rep.Configs[0])
	require.Equal(t, terra.Config{Tier: terra.TierInterp}, cfgs[0])
	require.Len(t, append(rep.Configs, rep.Unavailable...), 2, "each measured or unavailable")
	require.Equal(t, len(rep.Unavailable), len(rep.Notes))

	_, err = newReport(1, 1).admit([]config{{Name: "bogus", Tier: "bogus"}})
	require.ErrorContains(t, err, "configuration bogus")
}
