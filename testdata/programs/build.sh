#!/bin/sh
# Rebuilds the prebuilt WebAssembly programs beside their sources. The tests
# use the committed .wasm files; TestProgramsRebuild (cmd/terra-run) checks
# that this script still works with the toolchains installed.
#
# Toolchains (Debian packages): clang, lld, wasi-libc, libclang-rt-14-dev-wasm32
# for C; Go 1.26 for Go; rustc and libstd-rust-dev-wasm32 for Rust (Debian's
# /usr/bin/rustc: a rustup rustc earlier on PATH has no wasm32-wasi target).
#
# usage: build.sh [OUTDIR]   (default: beside the sources)
set -eu
cd "$(dirname "$0")"
out=${1:-.}
mkdir -p "$out/c" "$out/go" "$out/rust"

CC=${CC:-clang}
for p in hello args fileio sha256 trap; do
	"$CC" --target=wasm32-wasi --sysroot=/usr -O2 -Wl,--strip-debug c/$p.c -o "$out/c/$p.wasm" -lm
done
# add: a library module with no imports, for --invoke.
"$CC" --target=wasm32 -O2 -nostdlib -Wl,--no-entry -Wl,--strip-debug c/add.c -o "$out/c/add.wasm"

outabs=$(cd "$out" && pwd)
for p in hello fileio exitcode; do
	(cd go/$p && GOOS=wasip1 GOARCH=wasm go build -trimpath -o "$outabs/go/$p.wasm" .)
done

RUSTC=${RUSTC:-/usr/bin/rustc}
for p in hello fileio; do
	"$RUSTC" --target wasm32-wasi -C opt-level=3 -C strip=debuginfo rust/$p.rs -o "$out/rust/$p.wasm"
done
