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
	// Tiering configures TierTiered.
	Tiering tiering
}

// tiering is the part of terra.Tiering that the experiments vary; zero
// fields select the engine's defaults.
type tiering struct {
	Threshold int
	Eager     bool
	NoOSR     bool
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
		cs = append(cs, config{Name: "tiered-t" + thresholdText(t), Tier: terra.TierTiered, Tiering: tiering{Threshold: t}})
	}
	return append(cs,
		config{Name: "tiered-eager", Tier: terra.TierTiered, Tiering: tiering{Eager: true}},
		config{Name: "tiered-no-osr", Tier: terra.TierTiered, Tiering: tiering{NoOSR: true}})
}

// terraConfig returns the runtime configuration of c.
func (c config) terraConfig() (terra.Config, error) {
	if c.Tier != terra.TierTiered {
		return terra.Config{Tier: c.Tier}, nil
	}
	return tieredConfig(c.Tiering)
}

// tieredConfig returns the configuration of TierTiered set up as t says.
// terra.Config has no tiering settings until the tiered engine lands
// (issue 12); until then this reports the tier unavailable, and the
// experiments skip the tiered configurations with a note in the report.
// Once it has them, the body is
//
//	return terra.Config{Tier: terra.TierTiered, Tiering: terra.Tiering{
//		Threshold: t.Threshold, Eager: t.Eager, NoOSR: t.NoOSR}}, nil
func tieredConfig(t tiering) (terra.Config, error) {
	return terra.Config{}, fmt.Errorf("tier %q: terra.Config has no tiering settings yet: %w",
		terra.TierTiered, terra.ErrTierUnavailable)
}

// check makes a runtime of c and closes it. The error wraps
// terra.ErrTierUnavailable if this build or platform cannot run c.
func (c config) check() error {
	cfg, err := c.terraConfig()
	if err != nil {
		return err
	}
	rt, err := terra.NewRuntime(cfg)
	if err != nil {
		return err
	}
	return rt.Close()
}

// thresholdText formats a threshold compactly: 1e4 for 10000, 2500 for
// 2500.
func thresholdText(t int) string {
	if t >= 1000 {
		e := int(math.Round(math.Log10(float64(t))))
		if p := math.Pow10(e); int(p) == t {
			return "1e" + strconv.Itoa(e)
		}
	}
	return strconv.Itoa(t)
}

// parseThresholds parses a comma-separated list of positive thresholds,
// each an integer or a power of ten written 1eN.
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
