package main

import (
	"regexp"
	"slices"
	"testing"
)

// TestStartupJobs checks which implementations each start-up case runs
// in, v8 among them: decode only in terra, which alone has a Decode, and
// every other measure in all five, in the order of the cases and then of
// the implementations; -run selects cases by startup/MEASURE/MODULE.
func TestStartupJobs(t *testing.T) {
	cs := []startupCase{{measure: "decode", module: "tiny"}, {measure: "compile", module: "gohello"}, {measure: "process", module: "c-hello"}}
	sis := append(startupImpls(), v8StartupImpl("node"))
	names := func(jobs []startupJob) []string {
		var s []string
		for _, j := range jobs {
			s = append(s, j.c.measure+"/"+j.im.Name)
		}
		return s
	}
	all := []string{"terra-interp", "terra-jit", "wazero-interp", "wazero-compiler", "v8"}
	want := []string{"decode/terra-interp"}
	for _, m := range []string{"compile", "process"} {
		for _, impl := range all {
			want = append(want, m+"/"+impl)
		}
	}
	if got := names(startupJobs(cs, regexp.MustCompile(""), sis)); !slices.Equal(got, want) {
		t.Errorf("startupJobs(all) = %v, want %v", got, want)
	}
	if got := names(startupJobs(cs, regexp.MustCompile("^startup/process/"), sis)); !slices.Equal(got, want[len(want)-len(all):]) {
		t.Errorf("startupJobs(process) = %v, want %v", got, want[len(want)-len(all):])
	}
	if got := names(startupJobs(cs, regexp.MustCompile("fib"), sis)); len(got) != 0 {
		t.Errorf("startupJobs(fib) = %v, want none", got)
	}
}
