// Command cgi-go is an unchanged net/http/cgi program: terrarium runs any
// WASI command as CGI. Paths arrive whole (/{app}/...), as under any CGI
// server; SCRIPT_NAME is the app's prefix.
package main

import (
	"fmt"
	"net/http"
	"net/http/cgi"
	"os"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from Go over CGI: %s %s\n", r.Method, r.URL.RequestURI())
	})
	if err := cgi.Serve(http.StripPrefix(os.Getenv("SCRIPT_NAME"), mux)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
