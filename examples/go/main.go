// Command go is a terrarium app in Go: an ordinary http.Handler served
// through terra_http by terrahttp.Serve, one fresh instance per request.
package main

import (
	"fmt"
	"io"
	"net/http"

	"github.com/terra-runtime/terra/host/http/terrahttp"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("name")
		if name == "" {
			name = "world"
		}
		fmt.Fprintf(w, "hello from Go, %s: %s %s\n", name, r.Method, r.URL.RequestURI())
	})
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", r.Header.Get("Content-Type"))
		io.Copy(w, r.Body)
	})
	terrahttp.Serve(mux)
}
