#!/bin/sh
# Rebuilds hello.wasm, a ready module to deploy as is: the CGI example in C
# (../cgi-c/hello.c). Needs clang, lld, wasi-libc, libclang-rt-14-dev-wasm32.
set -eu
cd "$(dirname "$0")"
clang --target=wasm32-wasi --sysroot=/usr -O2 -Wl,--strip-debug ../cgi-c/hello.c -o hello.wasm
