// Package http is terra_http, a handle-based host module through which a
// WebAssembly guest serves one HTTP request: it reads the request's method,
// URI, headers and body, sets the response's status and headers, streams
// its body, and writes to a log.
//
// The module is compiled once per runtime (Builder) and acts on the
// Exchange that WithExchange puts in the context of each call, so that a
// server gives every request a fresh guest instance and an Exchange of its
// own at the cost of a context lookup per call. Guest libraries for Go
// (package terrahttp, an http.Handler adapter), C (terra_http.h) and Rust
// (terra_http.rs, no crates) live beside it; Library returns them.
//
// # ABI
//
// Every function is imported from module "terra_http"; every parameter and
// result is an i32. Strings are pointer and length pairs in the guest's
// memory 0. A function that returns a string writes at most cap bytes of it
// to buf and returns its full length, so that a guest can retry with a
// larger buffer. Negative results are errors (the Err constants).
//
//	request() -> handle                        the incoming request
//	response() -> handle                       the outgoing response
//	method(req, buf, cap) -> len
//	uri(req, buf, cap) -> len                  path and query, relative to the app
//	header_get(req, name, name_len, buf, cap) -> len   values joined by ", "; ErrNotFound if absent
//	headers(req, buf, cap) -> len              "Name: value\n" per value
//	body_read(req, buf, cap) -> n              0 at the end of the body
//	set_status(resp, code) -> 0
//	header_add(resp, name, name_len, value, value_len) -> 0
//	body_write(resp, buf, len) -> len          the first write sends status and headers
//	log(buf, len)                              a line for the app's log
//
// A pointer out of bounds ends the guest's call with an error, as does a
// response that grows past its size limit (the server then cuts the
// connection): a guest cannot go on once it has broken the contract.
package http

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/host"
	"github.com/terra-runtime/terra/wasm"
)

// ModuleName is the module name that guests import from.
const ModuleName = "terra_http"

// Handles of the request and the response. They are fixed: one instance
// serves one request.
const (
	RequestHandle  = 1
	ResponseHandle = 2
)

// Error results of the functions.
const (
	ErrNotFound    = -1 // no such header
	ErrBadHandle   = -2 // the handle names nothing, or the wrong kind of object
	ErrHeadersSent = -3 // the status and headers are already sent
	ErrInvalid     = -4 // an invalid status code, header name or value
)

// ErrResponseTooLarge ends a guest's call whose response body grew past
// Exchange.MaxResponseBytes.
var ErrResponseTooLarge = errors.New("terra_http: response larger than its limit")

// ErrNoExchange ends a call whose context holds no Exchange.
var ErrNoExchange = errors.New("terra_http: no Exchange in the call's context")

// Exchange is one request and its response, as one guest instance sees
// them.
type Exchange struct {
	// Method, URI (path and query, relative to the app) and Header
	// describe the request.
	Method string
	URI    string
	Header http.Header
	// Body is the request's body. It should not block: a server gives the
	// guest a body it has already read.
	Body io.Reader
	// Writer receives the response.
	Writer http.ResponseWriter
	// MaxResponseBytes bounds the response body; zero means no bound.
	MaxResponseBytes int64
	// Log receives the guest's log lines; nil discards them.
	Log func(line string)

	status  int
	sent    bool
	written int64
}

// Sent reports whether the status and headers have gone to Writer: past
// that point, a failure can only cut the response short.
func (e *Exchange) Sent() bool { return e.sent }

// Written returns the number of body bytes written.
func (e *Exchange) Written() int64 { return e.written }

// Status returns the response's status: the one the guest set, or 200.
func (e *Exchange) Status() int {
	if e.status == 0 {
		return http.StatusOK
	}
	return e.status
}

// Finish sends the status and headers if the guest wrote no body, as after
// its handler returned.
func (e *Exchange) Finish() {
	e.sendHead()
}

func (e *Exchange) sendHead() {
	if !e.sent {
		e.sent = true
		e.Writer.WriteHeader(e.Status())
	}
}

type exchangeKey struct{}

// WithExchange returns a context whose calls into Builder's module act on
// e.
func WithExchange(ctx context.Context, e *Exchange) context.Context {
	return context.WithValue(ctx, exchangeKey{}, e)
}

// Builder returns the definition of the terra_http module for rt, to
// compile and instantiate once (HostModuleBuilder.Instantiate registers it
// under ModuleName).
func Builder(rt *terra.Runtime) *terra.HostModuleBuilder {
	b := rt.NewHostModule(ModuleName)
	for _, f := range functions {
		params := make([]wasm.ValueType, f.params)
		for i := range params {
			params[i] = wasm.I32
		}
		var results []wasm.ValueType
		if f.result {
			results = []wasm.ValueType{wasm.I32}
		}
		impl := f.impl
		name := f.name
		b.FuncRaw(name, params, results, func(ctx context.Context, caller terra.Caller, stack []uint64) error {
			e, ok := ctx.Value(exchangeKey{}).(*Exchange)
			if !ok {
				return ErrNoExchange
			}
			mem, _ := host.CallerMemory(caller)
			args := make([]uint32, len(params))
			for i := range args {
				args[i] = uint32(stack[i])
			}
			r, err := impl(e, mem, args)
			if err != nil {
				return fmt.Errorf("terra_http: %s: %w", name, err)
			}
			if len(results) > 0 {
				stack[0] = uint64(uint32(r))
			}
			return nil
		})
	}
	return b
}

// function is one function of the module: its number of i32 parameters,
// whether it has an i32 result, and its implementation, whose error ends
// the guest's call.
type function struct {
	name   string
	params int
	result bool
	impl   func(e *Exchange, mem host.GuestMemory, args []uint32) (int32, error)
}

var functions = []function{
	{"request", 0, true, func(*Exchange, host.GuestMemory, []uint32) (int32, error) { return RequestHandle, nil }},
	{"response", 0, true, func(*Exchange, host.GuestMemory, []uint32) (int32, error) { return ResponseHandle, nil }},
	{"method", 3, true, func(e *Exchange, mem host.GuestMemory, a []uint32) (int32, error) {
		if a[0] != RequestHandle {
			return ErrBadHandle, nil
		}
		return putString(mem, e.Method, a[1], a[2])
	}},
	{"uri", 3, true, func(e *Exchange, mem host.GuestMemory, a []uint32) (int32, error) {
		if a[0] != RequestHandle {
			return ErrBadHandle, nil
		}
		return putString(mem, e.URI, a[1], a[2])
	}},
	{"header_get", 5, true, func(e *Exchange, mem host.GuestMemory, a []uint32) (int32, error) {
		if a[0] != RequestHandle {
			return ErrBadHandle, nil
		}
		name, err := mem.String(a[1], a[2])
		if err != nil {
			return 0, err
		}
		vs, ok := e.Header[http.CanonicalHeaderKey(name)]
		if !ok {
			return ErrNotFound, nil
		}
		return putString(mem, strings.Join(vs, ", "), a[3], a[4])
	}},
	{"headers", 3, true, func(e *Exchange, mem host.GuestMemory, a []uint32) (int32, error) {
		if a[0] != RequestHandle {
			return ErrBadHandle, nil
		}
		var sb strings.Builder
		for k, vs := range e.Header {
			for _, v := range vs {
				sb.WriteString(k)
				sb.WriteString(": ")
				sb.WriteString(v)
				sb.WriteByte('\n')
			}
		}
		return putString(mem, sb.String(), a[1], a[2])
	}},
	{"body_read", 3, true, func(e *Exchange, mem host.GuestMemory, a []uint32) (int32, error) {
		if a[0] != RequestHandle {
			return ErrBadHandle, nil
		}
		buf, err := mem.Slice(a[1], a[2])
		if err != nil {
			return 0, err
		}
		if e.Body == nil || len(buf) == 0 {
			return 0, nil
		}
		n, err := io.ReadFull(e.Body, buf[:min(len(buf), 1<<30)])
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return 0, err
		}
		return int32(n), nil
	}},
	{"set_status", 2, true, func(e *Exchange, mem host.GuestMemory, a []uint32) (int32, error) {
		switch {
		case a[0] != ResponseHandle:
			return ErrBadHandle, nil
		case e.sent:
			return ErrHeadersSent, nil
		case a[1] < 100 || a[1] > 999:
			return ErrInvalid, nil
		}
		e.status = int(a[1])
		return 0, nil
	}},
	{"header_add", 5, true, func(e *Exchange, mem host.GuestMemory, a []uint32) (int32, error) {
		if a[0] != ResponseHandle {
			return ErrBadHandle, nil
		}
		if e.sent {
			return ErrHeadersSent, nil
		}
		name, err := mem.String(a[1], a[2])
		if err != nil {
			return 0, err
		}
		value, err := mem.String(a[3], a[4])
		if err != nil {
			return 0, err
		}
		if !validName(name) || strings.ContainsAny(value, "\r\n\x00") {
			return ErrInvalid, nil
		}
		e.Writer.Header().Add(name, value)
		return 0, nil
	}},
	{"body_write", 3, true, func(e *Exchange, mem host.GuestMemory, a []uint32) (int32, error) {
		if a[0] != ResponseHandle {
			return ErrBadHandle, nil
		}
		buf, err := mem.Slice(a[1], a[2])
		if err != nil {
			return 0, err
		}
		if e.MaxResponseBytes > 0 && e.written+int64(len(buf)) > e.MaxResponseBytes {
			return 0, fmt.Errorf("%w of %d bytes", ErrResponseTooLarge, e.MaxResponseBytes)
		}
		e.sendHead()
		n, err := e.Writer.Write(buf)
		e.written += int64(n)
		if err != nil {
			return 0, fmt.Errorf("writing the response: %w", err)
		}
		return int32(n), nil
	}},
	{"log", 2, false, func(e *Exchange, mem host.GuestMemory, a []uint32) (int32, error) {
		s, err := mem.String(a[0], a[1])
		if err != nil {
			return 0, err
		}
		if e.Log != nil {
			e.Log(strings.TrimRight(s, "\n"))
		}
		return 0, nil
	}},
}

// putString writes at most cap bytes of s to buf and returns the length of
// s.
func putString(mem host.GuestMemory, s string, buf, cap uint32) (int32, error) {
	if len(s) > 1<<30 {
		return 0, errors.New("string too long: " + strconv.Itoa(len(s)))
	}
	n := min(uint32(len(s)), cap)
	if n > 0 {
		if err := mem.Write(buf, []byte(s[:n])); err != nil {
			return 0, err
		}
	}
	return int32(len(s)), nil
}

// validName reports whether name is an HTTP token (RFC 9110, section 5.6.2).
func validName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range []byte(name) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}
