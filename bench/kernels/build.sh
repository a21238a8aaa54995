#!/usr/bin/env bash
# build.sh rebuilds bench/kernels/kernels.wasm from src/kernels.c.
#
# Usage: bench/kernels/build.sh   (from any directory; needs clang and
# wasm-ld, Debian's packages clang and lld)
#
# The module is committed so that benchmarks run without clang; rerun this
# script after changing src/kernels.c, and update the expected checksums in
# kernels.go if a kernel's result changes. The flags:
#
#   --target=wasm32      WebAssembly 1.0 plus what clang's generic CPU
#                        enables; no SIMD, so the tiers run scalar code.
#   -O2                  the optimisation level of typical release builds.
#   -ffreestanding       no hosted libc: clang's own <stdint.h>, and no loop
#                        turned into a call to memset or memcpy, which the
#                        module would have to import.
#   -nostdlib            link nothing but kernels.c.
#   --no-entry           a library of exports, no _start.
#   --strip-debug        no DWARF; the name section stays, so profiles and
#                        traps can name functions.
#
# Exports come from the export_name attributes in src/kernels.c (plus the
# memory, which wasm-ld exports by default). The script fails if the result
# imports anything.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

clang --target=wasm32 -O2 -ffreestanding -nostdlib -Wall -Wextra -Werror \
	-Wl,--no-entry -Wl,--strip-debug -o kernels.wasm src/kernels.c

# wasm-objdump (Debian's wabt) lists the sections; kernels_test.go checks
# the same and more, so the check here is only a quick one where wabt is.
if command -v wasm-objdump >/dev/null && wasm-objdump -h kernels.wasm | grep -qw Import; then
	echo "build.sh: kernels.wasm has imports:" >&2
	wasm-objdump -x -j Import kernels.wasm >&2
	exit 1
fi
echo "built $here/kernels.wasm ($(wc -c <kernels.wasm) bytes, $(clang --version | head -n 1))"
