#!/bin/sh
# Rebuilds the prebuilt test programs: Debian's clang with wasi-libc
# (packages clang, wasi-libc, libclang-rt-dev-wasm32).
set -e
cd "$(dirname "$0")"
clang --target=wasm32-wasi --sysroot=/usr -O2 -Wl,--strip-debug cprog.c -o cprog.wasm
