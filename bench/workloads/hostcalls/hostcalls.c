// hostcalls measures the cost of calls from a WebAssembly guest to its WASI
// host: it makes argv[1] rounds (default 100000) of two cheap WASI calls,
// clock_time_get on the monotonic clock and fd_write of one byte to stderr
// (which benchmark harnesses discard), and does next to nothing else.
//
// It prints one line to stdout, "hostcalls N checksum X", where X counts the
// bytes written and the clock readings that did not go backwards: 2N when
// every call succeeded, whatever the clock's values.
//
// Built by bench/workloads/build.sh with clang --target=wasm32-wasi and
// wasi-libc; the calls go straight to the WASI imports (<wasi/api.h>), not
// through stdio, so each round is exactly two host calls.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <wasi/api.h>

int main(int argc, char **argv) {
	uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 100000;
	static const uint8_t byte = '.';
	__wasi_ciovec_t iov = {.buf = &byte, .buf_len = 1};
	uint64_t checksum = 0;
	__wasi_timestamp_t last = 0;
	for (uint32_t i = 0; i < n; i++) {
		__wasi_timestamp_t now;
		if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &now) == 0 && now >= last) {
			checksum++;
			last = now;
		}
		__wasi_size_t written;
		if (__wasi_fd_write(2, &iov, 1, &written) == 0) {
			checksum += written;
		}
	}
	printf("hostcalls %u checksum %llu\n", n, (unsigned long long)checksum);
	return 0;
}
