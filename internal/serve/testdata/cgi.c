// cgi is a CGI program that misbehaves on request: its query string says
// how (see main). Otherwise it echoes the request.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void) {
	const char *q = getenv("QUERY_STRING");
	q = q ? q : "";
	if (!strcmp(q, "loop")) {
		volatile unsigned long n = 0;
		for (;;)
			n++;
	}
	if (!strcmp(q, "alloc")) {
		static char *volatile sink;
		for (;;) {
			char *p = malloc(1 << 20);
			sink = p;
			if (!p)
				abort();
			for (int i = 0; i < 1 << 20; i += 4096)
				p[i] = 1;
		}
	}
	if (!strcmp(q, "flood")) {
		printf("Content-Type: text/plain\n\n");
		for (;;)
			printf("flood flood flood flood flood flood flood flood\n");
	}
	if (!strcmp(q, "trap"))
		__builtin_trap();
	if (!strcmp(q, "exit3"))
		exit(3);
	if (!strcmp(q, "sleep")) {
		sleep(1000);
		return 0;
	}
	if (!strcmp(q, "garbage")) {
		printf("this is not a CGI response");
		return 0;
	}
	if (!strcmp(q, "notfound")) {
		printf("Status: 404 Not Found\nContent-Type: text/plain\n\nno such thing\n");
		return 0;
	}
	if (!strcmp(q, "redirect")) {
		printf("Location: /elsewhere\n\n");
		return 0;
	}
	if (!strcmp(q, "stderr"))
		fprintf(stderr, "a line for the log\n");
	char body[256] = {0};
	size_t n = fread(body, 1, sizeof body - 1, stdin);
	body[n] = 0;
	const char *ua = getenv("HTTP_X_TEST");
	printf("Content-Type: text/plain\r\nX-Cgi: yes\r\n\r\n");
	printf("method=%s script=%s path=%s query=%s x-test=%s len=%s body=%s\n",
		getenv("REQUEST_METHOD"), getenv("SCRIPT_NAME"), getenv("PATH_INFO"), q,
		ua ? ua : "", getenv("CONTENT_LENGTH") ? getenv("CONTENT_LENGTH") : "", body);
	return 0;
}
