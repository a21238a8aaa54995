package build

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
)

// warmProgram imports what Go apps commonly do, so that building it fills
// the Go cache with the standard library for wasip1 and terrahttp.
const warmProgram = `package main

import (
	"net/http"
	"net/http/cgi"
	"encoding/json"

	"github.com/terra-runtime/terra/host/http/terrahttp"
)

func main() {
	_ = cgi.Serve
	_ = json.Marshal
	terrahttp.Serve(http.NotFoundHandler())
}
`

// WarmGo builds a small Go program, discarding the result, so that the
// first Go app deployed finds the shared Go cache warm. It returns at once
// if Go is not installed.
func (b *Builder) WarmGo(ctx context.Context, log io.Writer) error {
	b.once.Do(func() { b.tools = findTools() })
	if b.tools.goErr != nil {
		return b.tools.goErr
	}
	w, err := b.NewWorkspace()
	if err != nil {
		return err
	}
	defer w.Remove()
	if err := os.WriteFile(filepath.Join(w.Src(), "main.go"), []byte(warmProgram), 0o644); err != nil {
		return err
	}
	res, err := b.Build(ctx, w, log)
	if err == nil && res.Language != Go {
		err = errors.New("build: the warm-up program is not Go")
	}
	return err
}
