package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/terra-runtime/terra"
)

// config is one engine configuration that the experiments compare.
type config struct {
	// Name labels the configuration in the report: "interp", "jit",
	// "tiered", "tiered-t1e4", "tiered-eager", "tiered-no-osr".
	Name string
	Tier terra.Tier
	// Tiering configures TierTiered; zero fields select the engine's
	// defaults.
	Tiering terra.Tiering
}

// The pure tiers, which every ratio compares the tiered ones with.
const (
	nameInterp = "interp"
	nameJIT    = "jit"
	nameTiered = "tiered"
)

// configs returns the configurations in the order the report lists them:
// the two pure tiers, the tiered engine with its defaults, with each of
// thresholds, eager, and without on-stack replacement.
func configs(thresholds []int) []config {
	cs := []config{
		{Name: nameInterp, Tier: terra.TierInterp},
		{Name: nameJIT, Tier: terra.TierJIT},
		{Name: nameTiered, Tier: terra.TierTiered},
	}
	for _, t := range thresholds {
		cs = append(cs, config{Name: "tiered-t" + thresholdText(t), Tier: terra.TierTiered, Tiering: terra.Tiering{Threshold: t}})
	}
	return append(cs,
		config{Name: "tiered-eager", Tier: terra.TierTiered, Tiering: terra.Tiering{Eager: true}},
		config{Name: "tiered-no-osr", Tier: terra.TierTiered, Tiering: terra.Tiering{NoOSR: true}})
}

// terraConfig returns the runtime configuration of c.
func (c config) terraConfig() terra.Config {
	return terra.Config{Tier: c.Tier, Tiering: c.Tiering}
}

// check makes a runtime of c and closes it. The error wraps
// terra.ErrTierUnavailable if this build or platform cannot run c.
func (c config) check() error {
	rt, err := terra.NewRuntime(c.terraConfig())
	if err != nil {
		return err
	}
	return rt.Close()
}

// thresholdText formats a threshold compactly: a digit times a power of
// ten of 1,000 or more as 1e4 or 2e5, others in full (2500).
func thresholdText(t int) string {
	if t >= 1000 {
		m, e := t, 0
		for m%10 == 0 {
			m, e = m/10, e+1
		}
		if m < 10 {
			return strconv.Itoa(m) + "e" + strconv.Itoa(e)
		}
	}
	return strconv.Itoa(t)
}

// parseThresholds parses a comma-separated list of positive thresholds,
// each an integer, which may be written with an exponent: 1e4, 2e5.
func parseThresholds(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var ts []int
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || v < 1 || v > 1e15 || v != math.Trunc(v) {
			return nil, fmt.Errorf("threshold %q: want a positive integer such as 5000 or 1e4", f)
		}
		ts = append(ts, int(v))
	}
	return ts, nil
}
