package main

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/pprof/profile"

	"github.com/terra-runtime/terra"
)

// guestProfiler collects samples of WebAssembly call stacks, as
// terra.Config.Profile delivers them, and turns them into a pprof CPU
// profile whose functions are the guest's.
type guestProfiler struct {
	interval time.Duration
	module   string // the module's file, the profile's mapping

	mu      sync.Mutex
	start   time.Time
	stacks  map[string]*stackCount // by stackKey
	order   []*stackCount          // first-seen order, for deterministic output
	samples int64
}

type stackCount struct {
	frames []terra.Frame // innermost first
	count  int64
}

func newGuestProfiler(module string, interval time.Duration) *guestProfiler {
	return &guestProfiler{
		interval: interval,
		module:   module,
		start:    time.Now(),
		stacks:   make(map[string]*stackCount),
	}
}

// stackKey identifies a stack by the position of each frame.
func stackKey(frames []terra.Frame) string {
	var b strings.Builder
	for _, f := range frames {
		b.WriteString(f.Instance)
		b.WriteByte(0)
		b.WriteString(strconv.FormatUint(uint64(f.Func), 10))
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(f.Offset))
		b.WriteByte(0)
	}
	return b.String()
}

// sample records one sample of the stack frames (innermost first). It does
// not keep frames, and is safe for concurrent use.
func (p *guestProfiler) sample(frames []terra.Frame) {
	if len(frames) == 0 {
		return
	}
	key := stackKey(frames)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.samples++
	if s := p.stacks[key]; s != nil {
		s.count++
		return
	}
	s := &stackCount{frames: append([]terra.Frame(nil), frames...), count: 1}
	p.stacks[key] = s
	p.order = append(p.order, s)
}

// funcKey identifies a function of an instance.
type funcKey struct {
	instance string
	index    uint32
}

// locKey identifies a position in a function.
type locKey struct {
	funcKey
	offset int
}

// funcName is a frame's function as profiles show it: its name from the
// name section, or func[N]; qualified by the instance's name if it has one.
func funcName(f terra.Frame) string {
	name := f.Name
	if name == "" {
		name = fmt.Sprintf("func[%d]", f.Func)
	}
	if f.Instance != "" {
		name = f.Instance + "." + name
	}
	return name
}

// build returns the profile of the samples so far. Each sample weighs the
// sampling interval; locations are per function and byte offset in the
// module (their Address), so pprof's views by function, by address and as a
// graph all work, and the functions' file is the module.
func (p *guestProfiler) build() *profile.Profile {
	p.mu.Lock()
	defer p.mu.Unlock()
	period := p.interval.Nanoseconds()
	prof := &profile.Profile{
		SampleType: []*profile.ValueType{
			{Type: "samples", Unit: "count"},
			{Type: "cpu", Unit: "nanoseconds"},
		},
		DefaultSampleType: "cpu",
		PeriodType:        &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:            period,
		TimeNanos:         p.start.UnixNano(),
		DurationNanos:     time.Since(p.start).Nanoseconds(),
		Mapping: []*profile.Mapping{{
			ID:           1,
			Start:        0,
			Limit:        1 << 32,
			File:         p.module,
			HasFunctions: true,
		}},
	}
	mapping := prof.Mapping[0]
	funcs := make(map[funcKey]*profile.Function)
	locs := make(map[locKey]*profile.Location)
	for _, s := range p.order {
		sample := &profile.Sample{Value: []int64{s.count, s.count * period}}
		for _, f := range s.frames {
			fk := funcKey{f.Instance, f.Func}
			fn := funcs[fk]
			if fn == nil {
				fn = &profile.Function{
					ID:         uint64(len(prof.Function) + 1),
					Name:       funcName(f),
					SystemName: funcName(f),
					Filename:   p.module,
				}
				funcs[fk] = fn
				prof.Function = append(prof.Function, fn)
			}
			lk := locKey{fk, f.Offset}
			loc := locs[lk]
			if loc == nil {
				loc = &profile.Location{
					ID:      uint64(len(prof.Location) + 1),
					Mapping: mapping,
					Line:    []profile.Line{{Function: fn}},
				}
				if f.Offset >= 0 {
					loc.Address = uint64(f.Offset)
				}
				locs[lk] = loc
				prof.Location = append(prof.Location, loc)
			}
			sample.Location = append(sample.Location, loc)
		}
		prof.Sample = append(prof.Sample, sample)
	}
	return prof
}
