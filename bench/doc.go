// Package bench holds terra's benchmark harness and workloads.
//
// The workloads live in bench/workloads: real modules committed as bytes so
// that benchmarks run without a rebuild (bench/workloads/build.sh rebuilds
// them). The benchmarks in this package measure terra alone and need nothing
// outside the main module:
//
//	go test -run=NONE -bench=. ./bench/
//
// Comparisons with other runtimes live in bench/peers, a separate module, so
// that the main module does not depend on them. The tier experiments, which
// compare terra's tiers with each other across sizes, are a command:
//
//	go run ./bench/tiers
package bench
