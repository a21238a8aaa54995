// Compute kernels for comparing WebAssembly execution tiers with native code.
//
// This one file is compiled twice: to WebAssembly by bench/kernels/build.sh
// (into bench/kernels/kernels.wasm, which terra and its peers run) and
// natively by cgo in bench/peers/native, so that every implementation runs
// the same source. It uses no libc and calls nothing outside itself, so the
// module has no imports.
//
// Every kernel takes one size or iteration parameter and returns a checksum
// of its work, so that a wrong result is caught and the compiler cannot drop
// the work. Each resets the state it uses (static arrays included) on entry,
// so calling it again gives the same result. The results are bit-for-bit the
// same on both targets: integer arithmetic wraps the same way, and the
// floating-point kernels use only correctly rounded operations (+, -, *, /,
// sqrt) in a fixed order, with no fused multiply-add (neither target's
// baseline has one) and no reassociation (no -ffast-math).

#include <stdint.h>

// KERNEL marks a kernel as an export of the WebAssembly module. Natively the
// kernels are ordinary external functions that cgo calls.
#ifdef __wasm__
#define KERNEL(name) __attribute__((export_name(#name)))
#else
#define KERNEL(name)
#endif

// ---------------------------------------------------------------- fib

// fib_rec is the doubly recursive Fibonacci function: it measures calls and
// returns, and little else.
static uint32_t fib_rec(uint32_t n) {
	if (n < 2) {
		return n;
	}
	return fib_rec(n - 1) + fib_rec(n - 2);
}

// fib returns the n-th Fibonacci number (mod 2^32), computed recursively.
KERNEL(fib) uint32_t fib(uint32_t n) {
	return fib_rec(n);
}

// -------------------------------------------------------------- sieve

#define SIEVE_MAX (1u << 22)

static uint8_t sieve_composite[SIEVE_MAX];

// sieve runs the sieve of Eratosthenes over [0, n) (n is capped at
// SIEVE_MAX) and returns the sum of the primes below n: byte loads and
// stores in strided loops.
KERNEL(sieve) uint64_t sieve(uint32_t n) {
	if (n > SIEVE_MAX) {
		n = SIEVE_MAX;
	}
	for (uint32_t i = 0; i < n; i++) {
		sieve_composite[i] = 0;
	}
	uint64_t sum = 0;
	for (uint32_t i = 2; i < n; i++) {
		if (sieve_composite[i]) {
			continue;
		}
		sum += i;
		for (uint64_t j = (uint64_t)i * i; j < n; j += i) {
			sieve_composite[j] = 1;
		}
	}
	return sum;
}

// ------------------------------------------------------------- matmul

#define MAT_MAX 256

static double mat_a[MAT_MAX][MAT_MAX];
static double mat_b[MAT_MAX][MAT_MAX];
static double mat_c[MAT_MAX][MAT_MAX];

// matmul multiplies two n×n matrices of doubles (n is capped at MAT_MAX)
// filled from their indices, and returns a weighted sum of the product,
// scaled and converted to an integer: f64 loads, multiplies and adds in the
// i-k-j loop order.
KERNEL(matmul) int64_t matmul(uint32_t n) {
	if (n > MAT_MAX) {
		n = MAT_MAX;
	}
	for (uint32_t i = 0; i < n; i++) {
		for (uint32_t j = 0; j < n; j++) {
			mat_a[i][j] = (double)((i * 7 + j * 3) % 17) * 0.125 - 1.0;
			mat_b[i][j] = (double)((i * 5 + j * 11) % 13) * 0.0625 + 0.5;
			mat_c[i][j] = 0.0;
		}
	}
	for (uint32_t i = 0; i < n; i++) {
		for (uint32_t k = 0; k < n; k++) {
			double a = mat_a[i][k];
			for (uint32_t j = 0; j < n; j++) {
				mat_c[i][j] += a * mat_b[k][j];
			}
		}
	}
	double sum = 0.0;
	for (uint32_t i = 0; i < n; i++) {
		for (uint32_t j = 0; j < n; j++) {
			sum += mat_c[i][j] * (double)((i + 2 * j) % 5 + 1);
		}
	}
	return (int64_t)(sum * 1024.0);
}

// -------------------------------------------------------------- nbody

#define NBODY_BODIES 5
#define NBODY_PI 3.141592653589793
#define NBODY_SOLAR_MASS (4 * NBODY_PI * NBODY_PI)
#define NBODY_DAYS_PER_YEAR 365.24

// nbody_body is a body's position, velocity and mass.
struct nbody_body {
	double x, y, z, vx, vy, vz, mass;
};

// nbody_start is the Sun and the four gas giants, as in the Computer
// Language Benchmarks Game; nbody_state is the system being advanced.
static const struct nbody_body nbody_start[NBODY_BODIES] = {
	{0, 0, 0, 0, 0, 0, NBODY_SOLAR_MASS},
	{4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
	 1.66007664274403694e-03 * NBODY_DAYS_PER_YEAR, 7.69901118419740425e-03 * NBODY_DAYS_PER_YEAR,
	 -6.90460016972063023e-05 * NBODY_DAYS_PER_YEAR, 9.54791938424326609e-04 * NBODY_SOLAR_MASS},
	{8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
	 -2.76742510726862411e-03 * NBODY_DAYS_PER_YEAR, 4.99852801234917238e-03 * NBODY_DAYS_PER_YEAR,
	 2.30417297573763929e-05 * NBODY_DAYS_PER_YEAR, 2.85885980666130812e-04 * NBODY_SOLAR_MASS},
	{1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
	 2.96460137564761618e-03 * NBODY_DAYS_PER_YEAR, 2.37847173959480950e-03 * NBODY_DAYS_PER_YEAR,
	 -2.96589568540237556e-05 * NBODY_DAYS_PER_YEAR, 4.36624404335156298e-05 * NBODY_SOLAR_MASS},
	{1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
	 2.68067772490389322e-03 * NBODY_DAYS_PER_YEAR, 1.62824170038242295e-03 * NBODY_DAYS_PER_YEAR,
	 -9.51592254519715870e-05 * NBODY_DAYS_PER_YEAR, 5.15138902046611451e-05 * NBODY_SOLAR_MASS},
};
static struct nbody_body nbody_state[NBODY_BODIES];

// nbody_energy returns the system's total energy.
static double nbody_energy(void) {
	double e = 0.0;
	for (int i = 0; i < NBODY_BODIES; i++) {
		struct nbody_body *b = &nbody_state[i];
		e += 0.5 * b->mass * (b->vx * b->vx + b->vy * b->vy + b->vz * b->vz);
		for (int j = i + 1; j < NBODY_BODIES; j++) {
			struct nbody_body *c = &nbody_state[j];
			double dx = b->x - c->x, dy = b->y - c->y, dz = b->z - c->z;
			e -= b->mass * c->mass / __builtin_sqrt(dx * dx + dy * dy + dz * dz);
		}
	}
	return e;
}

// nbody simulates the system for the given number of steps of 0.01 years
// and returns its final energy, scaled by 1e12 and converted to an integer:
// f64 arithmetic on struct fields, with a division and a square root per
// pair of bodies per step.
KERNEL(nbody) int64_t nbody(uint32_t steps) {
	// Copied field by field: a struct or array copy could become a call to
	// memcpy, which the WebAssembly module would have to import.
	for (int i = 0; i < NBODY_BODIES; i++) {
		nbody_state[i].x = nbody_start[i].x;
		nbody_state[i].y = nbody_start[i].y;
		nbody_state[i].z = nbody_start[i].z;
		nbody_state[i].vx = nbody_start[i].vx;
		nbody_state[i].vy = nbody_start[i].vy;
		nbody_state[i].vz = nbody_start[i].vz;
		nbody_state[i].mass = nbody_start[i].mass;
	}
	// Offset the Sun's momentum so that the system's is zero.
	double px = 0.0, py = 0.0, pz = 0.0;
	for (int i = 0; i < NBODY_BODIES; i++) {
		px += nbody_state[i].vx * nbody_state[i].mass;
		py += nbody_state[i].vy * nbody_state[i].mass;
		pz += nbody_state[i].vz * nbody_state[i].mass;
	}
	nbody_state[0].vx = -px / NBODY_SOLAR_MASS;
	nbody_state[0].vy = -py / NBODY_SOLAR_MASS;
	nbody_state[0].vz = -pz / NBODY_SOLAR_MASS;

	const double dt = 0.01;
	for (uint32_t s = 0; s < steps; s++) {
		for (int i = 0; i < NBODY_BODIES; i++) {
			struct nbody_body *b = &nbody_state[i];
			for (int j = i + 1; j < NBODY_BODIES; j++) {
				struct nbody_body *c = &nbody_state[j];
				double dx = b->x - c->x, dy = b->y - c->y, dz = b->z - c->z;
				double d2 = dx * dx + dy * dy + dz * dz;
				double mag = dt / (d2 * __builtin_sqrt(d2));
				b->vx -= dx * c->mass * mag;
				b->vy -= dy * c->mass * mag;
				b->vz -= dz * c->mass * mag;
				c->vx += dx * b->mass * mag;
				c->vy += dy * b->mass * mag;
				c->vz += dz * b->mass * mag;
			}
		}
		for (int i = 0; i < NBODY_BODIES; i++) {
			struct nbody_body *b = &nbody_state[i];
			b->x += dt * b->vx;
			b->y += dt * b->vy;
			b->z += dt * b->vz;
		}
	}
	return (int64_t)(nbody_energy() * 1e12);
}

// ------------------------------------------------------------- sha256

#define SHA_MSG_BLOCKS 16

static const uint32_t sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint8_t sha_msg[SHA_MSG_BLOCKS * 64];

// sha_rotr rotates x right by n bits; compilers turn it into one rotate
// instruction (i32.rotr in WebAssembly).
static inline uint32_t sha_rotr(uint32_t x, int n) {
	return (x >> n) | (x << (32 - n));
}

// sha_compress applies the SHA-256 compression function to state with one
// 64-byte block, read big-endian byte by byte.
static void sha_compress(uint32_t state[8], const uint8_t *block) {
	uint32_t w[64];
	for (int i = 0; i < 16; i++) {
		w[i] = (uint32_t)block[4 * i] << 24 | (uint32_t)block[4 * i + 1] << 16 |
		       (uint32_t)block[4 * i + 2] << 8 | (uint32_t)block[4 * i + 3];
	}
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = sha_rotr(w[i - 15], 7) ^ sha_rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = sha_rotr(w[i - 2], 17) ^ sha_rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
	uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
	for (int i = 0; i < 64; i++) {
		uint32_t s1 = sha_rotr(e, 6) ^ sha_rotr(e, 11) ^ sha_rotr(e, 25);
		uint32_t ch = (e & f) ^ (~e & g);
		uint32_t t1 = h + s1 + ch + sha_k[i] + w[i];
		uint32_t s0 = sha_rotr(a, 2) ^ sha_rotr(a, 13) ^ sha_rotr(a, 22);
		uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
		uint32_t t2 = s0 + maj;
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	state[0] += a;
	state[1] += b;
	state[2] += c;
	state[3] += d;
	state[4] += e;
	state[5] += f;
	state[6] += g;
	state[7] += h;
}

// sha256 runs the SHA-256 compression function over the given number of
// 64-byte blocks, cycling through a 1 KiB message filled from a linear
// congruential generator, and returns the first 64 bits of the final state:
// 32-bit integer arithmetic, logic and rotates. (It hashes no padding: it
// measures the compression function, not a whole SHA-256 implementation.)
KERNEL(sha256) uint64_t sha256(uint32_t blocks) {
	uint32_t x = 1;
	for (int i = 0; i < SHA_MSG_BLOCKS * 64; i++) {
		x = x * 1103515245u + 12345u;
		sha_msg[i] = (uint8_t)(x >> 16);
	}
	uint32_t state[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	for (uint32_t i = 0; i < blocks; i++) {
		sha_compress(state, &sha_msg[(i % SHA_MSG_BLOCKS) * 64]);
	}
	return (uint64_t)state[0] << 32 | state[1];
}

// ---------------------------------------------------------- quicksort

#define QS_MAX (1u << 20)

static int32_t qs_array[QS_MAX];

// qs_sort sorts a[lo..hi] in place: quicksort with a median-of-three pivot
// and Hoare partitioning, recursing into the smaller part and looping on the
// larger, and insertion sort for short ranges.
static void qs_sort(int32_t *a, int32_t lo, int32_t hi) {
	while (hi - lo > 16) {
		int32_t mid = lo + (hi - lo) / 2;
		int32_t x = a[lo], y = a[mid], z = a[hi];
		int32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
		int32_t i = lo - 1, j = hi + 1;
		for (;;) {
			do {
				i++;
			} while (a[i] < pivot);
			do {
				j--;
			} while (a[j] > pivot);
			if (i >= j) {
				break;
			}
			int32_t t = a[i];
			a[i] = a[j];
			a[j] = t;
		}
		if (j - lo < hi - j) {
			qs_sort(a, lo, j);
			lo = j + 1;
		} else {
			qs_sort(a, j + 1, hi);
			hi = j;
		}
	}
	for (int32_t i = lo + 1; i <= hi; i++) {
		int32_t v = a[i];
		int32_t j = i - 1;
		while (j >= lo && a[j] > v) {
			a[j + 1] = a[j];
			j--;
		}
		a[j + 1] = v;
	}
}

// quicksort fills an array of n 32-bit integers (n is capped at QS_MAX)
// from a linear congruential generator, sorts it, and returns the sum of
// every element times its position (mod 2^64), which depends on the order:
// i32 loads, stores and compares, with data-dependent branches.
KERNEL(quicksort) uint64_t quicksort(uint32_t n) {
	if (n > QS_MAX) {
		n = QS_MAX;
	}
	uint32_t x = 12345;
	for (uint32_t i = 0; i < n; i++) {
		x = x * 1664525u + 1013904223u;
		qs_array[i] = (int32_t)x;
	}
	if (n > 1) {
		qs_sort(qs_array, 0, (int32_t)n - 1);
	}
	uint64_t sum = 0;
	for (uint32_t i = 0; i < n; i++) {
		sum += (uint64_t)(int64_t)qs_array[i] * (i + 1);
	}
	return sum;
}

// ----------------------------------------------------------- bytecode

// Opcodes of a small register machine: r[a] = r[b] op r[c], or r[a] =
// r[b] op imm.
enum {
	BC_LOADI, // r[a] = imm
	BC_ADD,   // r[a] = r[b] + r[c]
	BC_SUB,   // r[a] = r[b] - r[c]
	BC_XOR,   // r[a] = r[b] ^ r[c]
	BC_ADDI,  // r[a] = r[b] + imm
	BC_MULI,  // r[a] = r[b] * imm
	BC_SHRI,  // r[a] = r[b] >> imm
	BC_JNZ,   // if r[a] != 0, jump to instruction imm
	BC_HALT,  // return r[a]
};

// bc_insn is one instruction of the register machine.
struct bc_insn {
	uint8_t op, a, b, c;
	int32_t imm;
};

// bc_program computes a checksum over r0 = n, n-1, ..., 1, stepping a linear
// congruential generator in r2 on the way.
static const struct bc_insn bc_program[] = {
	/* 0 */ {BC_LOADI, 1, 0, 0, 0},          // r1 = 0 (checksum)
	/* 1 */ {BC_LOADI, 2, 0, 0, 1},          // r2 = 1 (generator)
	/* 2 */ {BC_MULI, 3, 2, 0, 1103515245},  // loop: r3 = r2 * 1103515245
	/* 3 */ {BC_ADDI, 2, 3, 0, 12345},       //   r2 = r3 + 12345
	/* 4 */ {BC_SHRI, 3, 2, 0, 16},          //   r3 = r2 >> 16
	/* 5 */ {BC_XOR, 1, 1, 3, 0},            //   r1 ^= r3
	/* 6 */ {BC_ADD, 1, 1, 0, 0},            //   r1 += r0
	/* 7 */ {BC_SUB, 4, 1, 2, 0},            //   r4 = r1 - r2
	/* 8 */ {BC_XOR, 1, 1, 4, 0},            //   r1 ^= r4
	/* 9 */ {BC_ADDI, 0, 0, 0, -1},          //   r0--
	/* 10 */ {BC_JNZ, 0, 0, 0, 2},           //   if r0 != 0, goto loop
	/* 11 */ {BC_HALT, 1, 0, 0, 0},          // return r1
};

// bytecode runs bc_program with r0 = n in a switch-dispatch interpreter loop
// and returns its result: an indirect branch (br_table) per instruction,
// byte loads to decode, and register-file loads and stores.
KERNEL(bytecode) uint32_t bytecode(uint32_t n) {
	uint32_t r[8] = {n};
	if (n == 0) {
		return 0;
	}
	uint32_t pc = 0;
	for (;;) {
		const struct bc_insn *in = &bc_program[pc++];
		switch (in->op) {
		case BC_LOADI:
			r[in->a] = (uint32_t)in->imm;
			break;
		case BC_ADD:
			r[in->a] = r[in->b] + r[in->c];
			break;
		case BC_SUB:
			r[in->a] = r[in->b] - r[in->c];
			break;
		case BC_XOR:
			r[in->a] = r[in->b] ^ r[in->c];
			break;
		case BC_ADDI:
			r[in->a] = r[in->b] + (uint32_t)in->imm;
			break;
		case BC_MULI:
			r[in->a] = r[in->b] * (uint32_t)in->imm;
			break;
		case BC_SHRI:
			r[in->a] = r[in->b] >> (in->imm & 31);
			break;
		case BC_JNZ:
			if (r[in->a] != 0) {
				pc = (uint32_t)in->imm;
			}
			break;
		case BC_HALT:
			return r[in->a];
		}
	}
}

// ----------------------------------------------------------- fannkuch

#define FK_MAX 12

// fannkuch is the fannkuch-redux benchmark of the Computer Language
// Benchmarks Game for permutations of n elements (n is capped at FK_MAX):
// for every permutation, in the order the benchmark generates them, it
// counts the prefix reversals ("pancake flips") that bring 1 to the front.
// It returns the benchmark's checksum (the alternating sum of the flip
// counts) in the high 32 bits and the largest flip count in the low ones:
// small-array loads and stores, swaps, and short data-dependent loops.
KERNEL(fannkuch) uint64_t fannkuch(uint32_t n) {
	if (n > FK_MAX) {
		n = FK_MAX;
	}
	if (n < 1) {
		return 0;
	}
	int32_t perm[FK_MAX], perm1[FK_MAX], count[FK_MAX];
	for (uint32_t i = 0; i < n; i++) {
		perm1[i] = (int32_t)i;
	}
	int32_t checksum = 0, max_flips = 0, perm_count = 0;
	uint32_t r = n;
	for (;;) {
		for (; r != 1; r--) {
			count[r - 1] = (int32_t)r;
		}
		for (uint32_t i = 0; i < n; i++) {
			perm[i] = perm1[i];
		}
		int32_t flips = 0;
		for (int32_t k = perm[0]; k != 0; k = perm[0]) {
			for (int32_t i = 0, j = k; i < j; i++, j--) {
				int32_t t = perm[i];
				perm[i] = perm[j];
				perm[j] = t;
			}
			flips++;
		}
		if (flips > max_flips) {
			max_flips = flips;
		}
		checksum += perm_count % 2 == 0 ? flips : -flips;
		// Advance to the next permutation: rotate the first r+1 elements
		// left by one until a counter does not wrap.
		for (;;) {
			if (r == n) {
				return (uint64_t)(uint32_t)checksum << 32 | (uint32_t)max_flips;
			}
			int32_t p0 = perm1[0];
			for (uint32_t i = 0; i < r; i++) {
				perm1[i] = perm1[i + 1];
			}
			perm1[r] = p0;
			if (--count[r] > 0) {
				break;
			}
			r++;
		}
		perm_count++;
	}
}

// --------------------------------------------------------- mandelbrot

#define MANDEL_ITER 50

// mandelbrot computes the Mandelbrot set on a size×size grid over
// [-1.5, 0.5] × [-1, 1], iterating each point up to MANDEL_ITER times, and
// returns the number of points in the set in the high 32 bits and the sum
// of all iteration counts in the low ones: a tight f64 loop of multiplies,
// adds and compares.
KERNEL(mandelbrot) uint64_t mandelbrot(uint32_t size) {
	uint32_t inside = 0, iters = 0;
	double scale = size ? 2.0 / (double)size : 0.0;
	for (uint32_t y = 0; y < size; y++) {
		double ci = (double)y * scale - 1.0;
		for (uint32_t x = 0; x < size; x++) {
			double cr = (double)x * scale - 1.5;
			double zr = 0.0, zi = 0.0, zr2 = 0.0, zi2 = 0.0;
			uint32_t i = 0;
			for (; i < MANDEL_ITER && zr2 + zi2 <= 4.0; i++) {
				zi = 2.0 * zr * zi + ci;
				zr = zr2 - zi2 + cr;
				zr2 = zr * zr;
				zi2 = zi * zi;
			}
			iters += i;
			inside += i == MANDEL_ITER;
		}
	}
	return (uint64_t)inside << 32 | iters;
}

// ------------------------------------------------------------- memory

// The memory kernels work on two static buffers of MEM_WORDS 64-bit words
// (2 MiB each), larger than typical L2 caches. They are plain C loops: the
// default wasm32 target has no bulk-memory instructions, so the module
// runs them as i64 loads and stores, while the native build may turn them
// into calls of libc's memcpy and memset, as a C compiler would.

#define MEM_WORDS (1u << 18)
#define MEM_MASK (MEM_WORDS - 1)

static uint64_t mem_a[MEM_WORDS];
static uint64_t mem_b[MEM_WORDS];

// mem_init fills mem_a from a linear congruential generator and clears
// mem_b.
static void mem_init(void) {
	uint64_t x = 88172645463325252ull;
	for (uint32_t i = 0; i < MEM_WORDS; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		mem_a[i] = x;
		mem_b[i] = 0;
	}
}

// mem_sum returns a position-weighted sum of both buffers.
static uint64_t mem_sum(void) {
	uint64_t sum = 0;
	for (uint32_t i = 0; i < MEM_WORDS; i++) {
		sum += (mem_a[i] ^ mem_b[i]) * (i + 1);
	}
	return sum;
}

// memcopy copies the 2 MiB of mem_a to mem_b the given number of times,
// changing one word of mem_a between rounds (from mem_b, so that no round
// can be skipped), and returns a sum over both buffers: a copy loop of i64
// loads and stores, bound by memory bandwidth.
KERNEL(memcopy) uint64_t memcopy(uint32_t rounds) {
	mem_init();
	for (uint32_t r = 0; r < rounds; r++) {
		for (uint32_t i = 0; i < MEM_WORDS; i++) {
			mem_b[i] = mem_a[i];
		}
		mem_a[(r * 7919u) & MEM_MASK] ^= mem_b[(r * 104729u) & MEM_MASK] + r;
	}
	return mem_sum();
}

// memfill fills the 2 MiB of mem_b the given number of times, with a
// different byte value each round, and after each fill adds one of its
// words into mem_a; it returns a sum over both buffers: a store-only loop
// of i64 stores.
KERNEL(memfill) uint64_t memfill(uint32_t rounds) {
	mem_init();
	for (uint32_t r = 0; r < rounds; r++) {
		uint64_t v = (uint64_t)(uint8_t)(r * 37u + 1u) * 0x0101010101010101ull;
		for (uint32_t i = 0; i < MEM_WORDS; i++) {
			mem_b[i] = v;
		}
		mem_a[(r * 7919u) & MEM_MASK] += mem_b[(r * 104729u) & MEM_MASK];
	}
	return mem_sum();
}

// STRIDE_WORDS is the step of strided, in words: 4 KiB plus a cache line
// plus a word (4,168 bytes), so that consecutive accesses fall on different
// pages and cache sets. It is odd, so the walk visits every word of the
// buffer once per pass.
#define STRIDE_WORDS (512u + 8u + 1u)

// strided walks mem_a the given number of passes, each visiting every word
// once in steps of STRIDE_WORDS words (modulo the buffer's size), adding to
// each word the value before it in the walk, and returns a sum over the
// buffers: loads and stores with little locality, bound by cache and TLB
// misses, plus a dependency from each access to the next.
KERNEL(strided) uint64_t strided(uint32_t passes) {
	mem_init();
	uint64_t carry = 0;
	for (uint32_t p = 0; p < passes; p++) {
		uint32_t j = p & MEM_MASK;
		for (uint32_t i = 0; i < MEM_WORDS; i++) {
			carry = mem_a[j] += carry >> 1;
			j = (j + STRIDE_WORDS) & MEM_MASK;
		}
	}
	return mem_sum() ^ carry;
}

// ----------------------------------------------------------- indirect

// The ind_* functions are small steps of a hash, called only through
// ind_table, so that every call is a call_indirect in WebAssembly and an
// indirect call natively.
static uint32_t ind_add(uint32_t x) { return x + 0x9e3779b9u; }
static uint32_t ind_xor(uint32_t x) { return x ^ (x >> 15); }
static uint32_t ind_mul(uint32_t x) { return x * 0x85ebca6bu; }
static uint32_t ind_rot(uint32_t x) { return (x << 13) | (x >> 19); }
static uint32_t ind_sub(uint32_t x) { return 0x7feb352du - x; }
static uint32_t ind_shl(uint32_t x) { return x ^ (x << 7); }
static uint32_t ind_not(uint32_t x) { return ~x + 3u; }
static uint32_t ind_mix(uint32_t x) { return (x ^ 0xc2b2ae35u) * 5u; }

// ind_table is writable, not const, so that the compiler cannot resolve a
// call through it to its target.
static uint32_t (*ind_table[8])(uint32_t) = {
	ind_add, ind_xor, ind_mul, ind_rot, ind_sub, ind_shl, ind_not, ind_mix,
};

// indirect makes n calls through ind_table, each choosing its target from
// the current value, and returns the value: call_indirect with its type
// check, and unpredictable call targets.
KERNEL(indirect) uint32_t indirect(uint32_t n) {
	uint32_t x = 1;
	for (uint32_t i = 0; i < n; i++) {
		x = ind_table[(x >> 7) & 7](x) + i;
	}
	return x;
}
