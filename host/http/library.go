package http

import (
	"embed"
	"io/fs"
)

//go:embed c/terra_http.h rust/terra_http.rs terrahttp/terrahttp.go terrahttp/host_wasip1.go
var library embed.FS

// Library returns the guest libraries: c/terra_http.h, rust/terra_http.rs
// and the Go package's sources under terrahttp/ (without tests), for a
// build pipeline that gives them to the apps it builds.
func Library() fs.FS { return library }

// GoPackage is the import path of the Go guest library.
const GoPackage = "github.com/terra-runtime/terra/host/http/terrahttp"
