package serve

import (
	"net/http/httptest"
	"testing"
)

// BenchmarkServe measures a whole request in process, without a network:
// a fresh instance, the guest's run, and the CGI or terra_http plumbing.
func BenchmarkServe(b *testing.B) {
	for _, name := range []string{"cgi", "th"} {
		b.Run(name, func(b *testing.B) {
			app, err := Load(b.Context(), buildC(b, name), Options{Name: "app", Limits: DefaultLimits})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				app.Serve(rec, httptest.NewRequest("GET", "/app/", nil), "/app", "/")
				if rec.Code >= 300 {
					b.Fatal(rec.Code, rec.Body)
				}
			}
		})
	}
}
