// trap divides by its argument count minus one (so by zero with no
// arguments) through a chain of named functions: the trap's stack trace must
// name them.
#include <stdio.h>

__attribute__((noinline)) int divide(int a, int b) { return a / b; }
__attribute__((noinline)) int middle(int a, int b) { return divide(a, b) + 1; }

int main(int argc, char **argv) {
	(void)argv;
	printf("before\n");
	fflush(stdout);
	printf("%d\n", middle(42, argc - 1));
	return 0;
}
