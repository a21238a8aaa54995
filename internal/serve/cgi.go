package serve

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
)

// headerEnvName turns a header name into its CGI form: "X-Foo" is "X_FOO".
func headerEnvName(k string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' {
			return '_'
		}
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, k)
}

func joinValues(vs []string) string { return strings.Join(vs, ", ") }

// splitHostPort splits "host:port", tolerating a missing port.
func splitHostPort(hp string) (host, port string) {
	h, p, err := net.SplitHostPort(hp)
	if err != nil {
		return hp, ""
	}
	return h, p
}

// headerEnd returns the end of the CGI header block in out and the offset
// of the body after it, or -1.
func headerEnd(out []byte) (end, body int) {
	n := bytes.Index(out, []byte("\n\n"))
	rn := bytes.Index(out, []byte("\r\n\r\n"))
	switch {
	case rn >= 0 && (n < 0 || rn < n):
		return rn, rn + 4
	case n >= 0:
		return n, n + 2
	}
	return -1, -1
}

func hasHeaderBlock(out []byte) bool {
	end, _ := headerEnd(out)
	return end >= 0
}

// writeCGI sends the CGI response out (RFC 3875, section 6): a header
// block, whose Status and Location set the status, then the body.
func writeCGI(w http.ResponseWriter, out []byte) error {
	end, body := headerEnd(out)
	if end < 0 {
		return fmt.Errorf("no header block (a blank line after headers) in %d bytes of output", len(out))
	}
	status := 0
	header := w.Header()
	for _, line := range strings.Split(string(out[:end]), "\n") {
		line = strings.TrimSuffix(line, "\r")
		k, v, ok := strings.Cut(line, ":")
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			return fmt.Errorf("malformed header line %q", line)
		}
		k = textproto.CanonicalMIMEHeaderKey(k)
		v = strings.TrimSpace(v)
		if k == "Status" {
			code, _, _ := strings.Cut(v, " ")
			n, err := strconv.Atoi(code)
			if err != nil || n < 100 || n > 999 {
				return fmt.Errorf("malformed Status %q", v)
			}
			status = n
			continue
		}
		header.Add(k, v)
	}
	if status == 0 {
		status = http.StatusOK
		if header.Get("Location") != "" {
			status = http.StatusFound
		}
	}
	w.WriteHeader(status)
	w.Write(out[body:])
	return nil
}
