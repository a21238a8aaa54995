/*
 * terra_http.h: serve one HTTP request from a WebAssembly guest through
 * terra's terra_http host module (see the Go package host/http for the
 * ABI). Build with clang --target=wasm32-wasi; terrarium puts this header on
 * the include path of every C app.
 *
 *     #include "terra_http.h"
 *     int main(void) {
 *         char path[256];
 *         th_uri(path, sizeof path);
 *         th_set_status(200);
 *         th_header_add("Content-Type", "text/plain");
 *         th_write_str("hello\n");
 *         return 0;
 *     }
 *
 * String getters write at most cap bytes and return the full length
 * (negative for an error); compare with cap to detect truncation. The
 * th_ helpers NUL-terminate, truncating if need be.
 */
#ifndef TERRA_HTTP_H
#define TERRA_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TH_IMPORT(name) __attribute__((import_module("terra_http"), import_name(name)))

#define TH_ERR_NOT_FOUND (-1)
#define TH_ERR_BAD_HANDLE (-2)
#define TH_ERR_HEADERS_SENT (-3)
#define TH_ERR_INVALID (-4)

TH_IMPORT("request") int32_t terra_http_request(void);
TH_IMPORT("response") int32_t terra_http_response(void);
TH_IMPORT("method") int32_t terra_http_method(int32_t req, char *buf, int32_t cap);
TH_IMPORT("uri") int32_t terra_http_uri(int32_t req, char *buf, int32_t cap);
TH_IMPORT("header_get") int32_t terra_http_header_get(int32_t req, const char *name, int32_t name_len, char *buf, int32_t cap);
TH_IMPORT("headers") int32_t terra_http_headers(int32_t req, char *buf, int32_t cap);
TH_IMPORT("body_read") int32_t terra_http_body_read(int32_t req, void *buf, int32_t cap);
TH_IMPORT("set_status") int32_t terra_http_set_status(int32_t resp, int32_t code);
TH_IMPORT("header_add") int32_t terra_http_header_add(int32_t resp, const char *name, int32_t name_len, const char *value, int32_t value_len);
TH_IMPORT("body_write") int32_t terra_http_body_write(int32_t resp, const void *buf, int32_t len);
TH_IMPORT("log") void terra_http_log(const char *buf, int32_t len);

/* th_terminate NUL-terminates a string of length n read into buf[cap]. */
static inline int32_t th_terminate_(char *buf, size_t cap, int32_t n) {
	if (cap == 0)
		return n;
	if (n < 0)
		buf[0] = 0;
	else
		buf[(size_t)n < cap ? (size_t)n : cap - 1] = 0;
	return n;
}

/* th_method copies the request's method, NUL-terminated. */
static inline int32_t th_method(char *buf, size_t cap) {
	return th_terminate_(buf, cap, terra_http_method(terra_http_request(), buf, (int32_t)cap));
}

/* th_uri copies the request's path and query, relative to the app. */
static inline int32_t th_uri(char *buf, size_t cap) {
	return th_terminate_(buf, cap, terra_http_uri(terra_http_request(), buf, (int32_t)cap));
}

/* th_header copies a request header's value; TH_ERR_NOT_FOUND if absent. */
static inline int32_t th_header(const char *name, char *buf, size_t cap) {
	return th_terminate_(buf, cap, terra_http_header_get(terra_http_request(), name, (int32_t)strlen(name), buf, (int32_t)cap));
}

/* th_read reads up to cap bytes of the request's body; 0 at its end. */
static inline int32_t th_read(void *buf, size_t cap) {
	return terra_http_body_read(terra_http_request(), buf, (int32_t)cap);
}

static inline int32_t th_set_status(int code) {
	return terra_http_set_status(terra_http_response(), code);
}

static inline int32_t th_header_add(const char *name, const char *value) {
	return terra_http_header_add(terra_http_response(), name, (int32_t)strlen(name), value, (int32_t)strlen(value));
}

/* th_write sends len bytes of the body; the first write sends the head. */
static inline int32_t th_write(const void *buf, size_t len) {
	return terra_http_body_write(terra_http_response(), buf, (int32_t)len);
}

static inline int32_t th_write_str(const char *s) { return th_write(s, strlen(s)); }

static inline void th_log(const char *s) { terra_http_log(s, (int32_t)strlen(s)); }

#endif
