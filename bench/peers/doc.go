// Package peers compares terra with other WebAssembly runtimes.
//
// It is a module of its own (github.com/terra-runtime/terra/bench/peers), so
// that the main module never depends on the runtimes it is compared with; it
// uses the main module through a replace directive. See README.md for the
// commands that run and summarise the comparison.
package peers
