// args prints its arguments and the environment variables named by them,
// then exits with the code given by the last argument if it is a number.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	const char *greeting = getenv("GREETING");
	printf("GREETING=%s\n", greeting ? greeting : "(unset)");
	const char *code = getenv("EXIT_CODE");
	if (code)
		return atoi(code);
	return 0;
}
