#!/usr/bin/env bash
# build.sh rebuilds the committed benchmark workloads.
#
# Usage: bench/workloads/build.sh   (from any directory)
#
# It compiles bench/workloads/gohello, a hello-world Go program, for
# GOOS=wasip1 GOARCH=wasm into bench/workloads/gohello/gohello.wasm, a
# module of about 2 MB used by the decode/validate benchmarks. The output
# is committed so that benchmarks run without a rebuild; rerun this script
# after changing the program or the Go toolchain. It is idempotent: each
# run overwrites the .wasm with a fresh build (-trimpath keeps local paths
# out of it and -buildvcs=false the commit id, so the bytes depend only
# on the source and the Go version).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

cd "$here/gohello"
GOOS=wasip1 GOARCH=wasm go build -trimpath -buildvcs=false -o gohello.wasm .
echo "built $here/gohello/gohello.wasm ($(wc -c <gohello.wasm) bytes, $(go version))"
