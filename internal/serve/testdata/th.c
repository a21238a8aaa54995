// th answers through terra_http; ?loop loops after sending its head,
// ?big writes past any small response limit.
#include "terra_http.h"
#include <stdio.h>

int main(void) {
	char uri[256];
	th_uri(uri, sizeof uri);
	if (!strcmp(uri, "/?loop")) {
		th_set_status(200);
		th_write_str("started\n");
		volatile unsigned long n = 0;
		for (;;)
			n++;
	}
	if (!strcmp(uri, "/?big")) {
		static char chunk[4096];
		memset(chunk, 'x', sizeof chunk);
		for (int i = 0; i < 1000; i++)
			th_write(chunk, sizeof chunk);
		return 0;
	}
	if (!strcmp(uri, "/?trap"))
		__builtin_trap();
	printf("stdout goes to the log\n");
	th_set_status(202);
	th_header_add("Content-Type", "text/plain");
	char out[300];
	int n = snprintf(out, sizeof out, "terra_http says hi to %s\n", uri);
	th_write(out, n);
	return 0;
}
