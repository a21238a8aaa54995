//go:build !linux

package asm

import "testing"

// cpuClock reports nothing where the thread's CPU time is not available.
type cpuClock struct{}

func startCPU() cpuClock                        { return cpuClock{} }
func (cpuClock) report(b *testing.B, perOp int) {}
