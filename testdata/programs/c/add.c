// add is a library module (no WASI, no start function) for --invoke.
#include <stdint.h>

__attribute__((export_name("add"))) int32_t add(int32_t a, int32_t b) { return a + b; }
__attribute__((export_name("mul64"))) int64_t mul64(int64_t a, int64_t b) { return a * b; }
__attribute__((export_name("hypot"))) double hyp(double a, double b) {
	return __builtin_sqrt(a * a + b * b);
}
__attribute__((export_name("half"))) float half(float a) { return a / 2; }
__attribute__((export_name("spin"))) int32_t spin(int32_t n) {
	volatile int32_t x = 0;
	for (;;) {
		x += n;
	}
	return x;
}
__attribute__((export_name("divs"))) int32_t divs(int32_t a, int32_t b) { return a / b; }
