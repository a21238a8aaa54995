//go:build wasip1

package terrahttp

import "unsafe"

func init() { sys = wasmHost{} }

//go:wasmimport terra_http method
func hostMethod(h int32, buf unsafe.Pointer, cap int32) int32

//go:wasmimport terra_http uri
func hostURI(h int32, buf unsafe.Pointer, cap int32) int32

//go:wasmimport terra_http headers
func hostHeaders(h int32, buf unsafe.Pointer, cap int32) int32

//go:wasmimport terra_http body_read
func hostBodyRead(h int32, buf unsafe.Pointer, cap int32) int32

//go:wasmimport terra_http set_status
func hostSetStatus(h int32, code int32) int32

//go:wasmimport terra_http header_add
func hostHeaderAdd(h int32, name unsafe.Pointer, nameLen int32, value unsafe.Pointer, valueLen int32) int32

//go:wasmimport terra_http body_write
func hostBodyWrite(h int32, buf unsafe.Pointer, n int32) int32

//go:wasmimport terra_http log
func hostLog(buf unsafe.Pointer, n int32)

// Handles of terra_http's request and response.
const (
	request  = 1
	response = 2
)

// wasmHost calls the terra_http module.
type wasmHost struct{}

// str reads a string of the request by calling get with growing buffers.
func str(get func(h int32, buf unsafe.Pointer, cap int32) int32) string {
	buf := make([]byte, 256)
	for {
		n := get(request, unsafe.Pointer(&buf[0]), int32(len(buf)))
		if n < 0 {
			return ""
		}
		if int(n) <= len(buf) {
			return string(buf[:n])
		}
		buf = make([]byte, n)
	}
}

// ptr returns a pointer to s's bytes, valid for a host call while s lives.
func ptr(s string) unsafe.Pointer {
	if s == "" {
		return nil
	}
	return unsafe.Pointer(unsafe.StringData(s))
}

func (wasmHost) method() string  { return str(hostMethod) }
func (wasmHost) uri() string     { return str(hostURI) }
func (wasmHost) headers() string { return str(hostHeaders) }

func (wasmHost) readBody(p []byte) int {
	return int(hostBodyRead(request, unsafe.Pointer(&p[0]), int32(len(p))))
}

func (wasmHost) setStatus(code int) int32 { return hostSetStatus(response, int32(code)) }

func (wasmHost) addHeader(name, value string) int32 {
	return hostHeaderAdd(response, ptr(name), int32(len(name)), ptr(value), int32(len(value)))
}

func (wasmHost) write(p []byte) int32 {
	return hostBodyWrite(response, unsafe.Pointer(&p[0]), int32(len(p)))
}

func (wasmHost) log(msg string) { hostLog(ptr(msg), int32(len(msg))) }
