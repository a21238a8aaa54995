// hello answers through terra_http (terra_http.h, which terrarium puts on
// the include path): GET /hello/c/?name=you says hello, POST echoes the
// body's length.
#include <stdio.h>
#include <string.h>

#include "terra_http.h"

int main(void) {
	char method[16], uri[512];
	th_method(method, sizeof method);
	th_uri(uri, sizeof uri);

	const char *name = "world";
	char *q = strstr(uri, "name=");
	if (q) {
		name = q + 5;
		char *amp = strchr(q, '&');
		if (amp)
			*amp = 0;
	}
	long body = 0;
	char buf[4096];
	for (int n; (n = th_read(buf, sizeof buf)) > 0;)
		body += n;

	th_set_status(200);
	th_header_add("Content-Type", "text/plain; charset=utf-8");
	char out[1024];
	int n = snprintf(out, sizeof out, "hello from C, %s: %s %s, %ld bytes of body\n", name, method, uri, body);
	th_write(out, n);
	return 0;
}
