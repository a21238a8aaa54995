// echo answers with what it read through terra_http: method, URI, a header
// (or its absence), the body; with ?big=N it writes N bytes of body.
#include "terra_http.h"
#include <stdio.h>
#include <stdlib.h>

int main(void) {
	char method[16], uri[256], test[64], body[256];
	th_method(method, sizeof method);
	th_uri(uri, sizeof uri);
	int32_t hn = th_header("X-Test", test, sizeof test);
	int32_t missing = th_header("X-Missing", test + 32, 32);
	int32_t bn = th_read(body, sizeof body - 1);
	body[bn] = 0;
	th_log("echo: serving");
	if (strncmp(uri, "/big?", 5) == 0) {
		long n = atol(uri + 5);
		static char chunk[4096];
		memset(chunk, 'x', sizeof chunk);
		th_set_status(200);
		for (; n > 0; n -= sizeof chunk)
			if (th_write(chunk, n < (long)sizeof chunk ? n : sizeof chunk) < 0)
				return 1;
		return 0;
	}
	th_set_status(201);
	int32_t bad = th_header_add("Bad Name", "x");
	th_header_add("X-Echo", "yes");
	char out[1024];
	int n = snprintf(out, sizeof out, "%s %s x-test=%s (%d) missing=%d bad=%d body=%s", method, uri, test, hn, missing, bad, body);
	th_write(out, n);
	int32_t late = th_set_status(500);
	n = snprintf(out, sizeof out, " late=%d", late);
	th_write(out, n);
	return 0;
}
