// Package examples holds terrarium's example apps, the directories beside
// this file, for programs that offer them as starting points (the web
// editor). Each directory is an app in one language and one interface:
// cgi-LANG serves over CGI, LANG through terra_http.
package examples

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

// The ready module in wasm/ is left out: it is the CGI example in C,
// built, and a starting point for an upload rather than for an editor.
//
//go:embed c cgi-c go cgi-go rust cgi-rust
var sources embed.FS

// Example is one example app.
type Example struct {
	// Name is the example's directory, such as "cgi-go".
	Name string `json:"name"`
	// Language is "go", "c" or "rust", as terrarium's build detects it.
	Language string `json:"language"`
	// Interface is "cgi" or "terra_http".
	Interface string `json:"interface"`
	// Files maps paths inside the app (slash-separated) to contents.
	Files map[string]string `json:"files"`
}

// List returns the examples, ordered by language, terra_http first.
func List() []Example {
	dirs, err := fs.ReadDir(sources, ".")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	var out []Example
	for _, d := range dirs {
		ex := Example{Name: d.Name(), Interface: "terra_http", Files: map[string]string{}}
		ex.Language, _ = strings.CutPrefix(ex.Name, "cgi-")
		if ex.Language != ex.Name {
			ex.Interface = "cgi"
		}
		sub, err := fs.Sub(sources, ex.Name)
		if err != nil {
			panic(err)
		}
		err = fs.WalkDir(sub, ".", func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			b, err := fs.ReadFile(sub, p)
			ex.Files[p] = string(b)
			return err
		})
		if err != nil {
			panic(err)
		}
		out = append(out, ex)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Language != out[j].Language {
			return out[i].Language < out[j].Language
		}
		return out[i].Interface > out[j].Interface // terra_http before cgi
	})
	return out
}
