// hello is a plain CGI program in C: the request in the environment and
// on standard input, the response on standard output.
#include <stdio.h>
#include <stdlib.h>

int main(void) {
	const char *method = getenv("REQUEST_METHOD");
	const char *path = getenv("PATH_INFO");
	const char *query = getenv("QUERY_STRING");
	long body = 0;
	char buf[4096];
	for (size_t n; (n = fread(buf, 1, sizeof buf, stdin)) > 0;)
		body += n;
	printf("Content-Type: text/plain; charset=utf-8\n\n");
	printf("hello from C over CGI: %s %s?%s, %ld bytes of body\n", method, path && *path ? path : "/", query ? query : "", body);
	return 0;
}
