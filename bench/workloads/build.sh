#!/usr/bin/env bash
# build.sh rebuilds the committed benchmark workloads.
#
# Usage: bench/workloads/build.sh   (from any directory; needs Go, and for
# hostcalls and mainloop clang, lld and wasi-libc: Debian's clang, lld,
# wasi-libc and libclang-rt-14-dev-wasm32)
#
# It compiles, each into a .wasm beside its source:
#
#   gohello    a hello-world Go program, a module of about 2.5 MB used by
#              the decode/validate benchmarks;
#   gojson     Go: encoding/json round trips;
#   goregexp   Go: package regexp over a generated log;
#   goflate    Go: compress/flate, compressing and decompressing;
#   hostcalls  C with wasi-libc: a loop of cheap WASI calls;
#   mainloop   C with wasi-libc: one hot loop in main, for the tier
#              experiments (bench/tiers).
#
# The Go programs are built for GOOS=wasip1 GOARCH=wasm; the C ones for
# wasm32-wasi at -O2 with the default target features (no bulk memory, no
# SIMD). Every program but gohello takes a size or iteration count as its
# first argument and prints a checksum line, which bench/peers/report
# (mainloop: bench/tiers) checks. The outputs are committed so that
# benchmarks run without a rebuild; rerun this script after changing a
# program or a toolchain. It is idempotent: each run overwrites the .wasm
# files with fresh builds (-trimpath keeps local paths out of them and
# -buildvcs=false the commit id, so the bytes depend only on the source and
# the toolchain's version).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

for p in gohello gojson goregexp goflate; do
	(cd "$here/$p" && GOOS=wasip1 GOARCH=wasm go build -trimpath -buildvcs=false -o "$p.wasm" .)
	echo "built $here/$p/$p.wasm ($(wc -c <"$here/$p/$p.wasm") bytes, $(go version))"
done

for p in hostcalls mainloop; do
	(cd "$here/$p" && clang --target=wasm32-wasi --sysroot=/usr -O2 -Wall -Wextra -Werror -Wl,--strip-debug \
		-o "$p.wasm" "$p.c")
	echo "built $here/$p/$p.wasm ($(wc -c <"$here/$p/$p.wasm") bytes, $(clang --version | head -n 1))"
done
