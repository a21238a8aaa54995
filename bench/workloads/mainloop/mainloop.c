// mainloop is a command whose work is one loop in main: it makes argv[1]
// rounds (default 1000000) of a xorshift32 generator feeding a 256-bucket
// table and an FNV-1a hash of the table's entries. The loop calls nothing,
// so a run is a single call of _start that spends its time in one frame:
// a tiered engine that only switches the entries of hot functions never
// moves it to machine code; on-stack replacement at the loop's header does.
//
// It prints one line to stdout, "mainloop N checksum X", X the hash in hex,
// which bench/tiers checks against the native build's.
//
// Built by bench/workloads/build.sh with clang --target=wasm32-wasi and
// wasi-libc at -O2.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
	uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1000000;
	uint32_t table[256] = {0};
	uint32_t x = 2463534242u;
	uint64_t h = 14695981039346656037ull;
	for (uint32_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		uint32_t b = x >> 24;
		table[b] += i ^ x;
		h = (h ^ table[b]) * 1099511628211ull;
	}
	printf("mainloop %u checksum %016llx\n", n, (unsigned long long)h);
	return 0;
}
