package serve

import (
	"net/http/httptest"
	"testing"
)

func TestWriteCGI(t *testing.T) {
	cases := []struct {
		out    string
		status int
		body   string
		err    bool
	}{
		{"Content-Type: text/plain\n\nhi", 200, "hi", false},
		{"Status: 404 Not Found\r\nX-A: 1\r\n\r\nnope", 404, "nope", false},
		{"Location: /x\n\n", 302, "", false},
		{"Status: 301\nLocation: /x\n\n", 301, "", false},
		{"no header block", 0, "", true},
		{"Bad Header\n\n", 0, "", true},
		{"Status: x\n\n", 0, "", true},
		{"Status: 99\n\n", 0, "", true},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		err := writeCGI(rec, []byte(c.out))
		if c.err {
			if err == nil {
				t.Errorf("%q: no error", c.out)
			}
			continue
		}
		if err != nil || rec.Code != c.status || rec.Body.String() != c.body {
			t.Errorf("%q: got %v %d %q, want %d %q", c.out, err, rec.Code, rec.Body, c.status, c.body)
		}
	}
}

// FuzzWriteCGI: a guest's output is untrusted; any of it ends in an error
// or a response, never a panic.
func FuzzWriteCGI(f *testing.F) {
	f.Add([]byte("Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\nbody"))
	f.Add([]byte("Location: /x\n\n"))
	f.Add([]byte("\n\n"))
	f.Fuzz(func(t *testing.T, out []byte) {
		rec := httptest.NewRecorder()
		if err := writeCGI(rec, out); err == nil && (rec.Code < 100 || rec.Code > 999) {
			t.Fatalf("status %d", rec.Code)
		}
	})
}
