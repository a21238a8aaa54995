package build

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Language is what an app is written in.
type Language string

// Languages.
const (
	Go   Language = "go"
	C    Language = "c"
	Rust Language = "rust"
	Wasm Language = "wasm"
)

// DetectError reports sources whose language cannot be told.
type DetectError struct{ Reason string }

func (e *DetectError) Error() string { return "build: " + e.Reason }

// Root returns the directory of dir that holds the app: dir itself, or
// the one directory inside it if dir holds nothing else, as a tar made of
// a project's directory does.
func Root(dir string) (string, error) {
	for range 2 {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return "", err
		}
		if len(entries) != 1 || !entries[0].IsDir() || entries[0].Type()&fs.ModeSymlink != 0 {
			return dir, nil
		}
		dir = filepath.Join(dir, entries[0].Name())
	}
	return dir, nil
}

var goPackageMain = regexp.MustCompile(`^package\s+main\b`)

// Detect tells the language of the app at root, from the files there: Go
// (go.mod, or *.go files of package main), Rust (src/main.rs or main.rs),
// one ready *.wasm, or C (*.c files, searched below root too). Two
// languages at once are an error, as is none.
func Detect(root string) (Language, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return "", err
	}
	var found []string
	var wasms []string
	goMain := false
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() {
			continue
		}
		switch {
		case name == "go.mod":
			found = append(found, string(Go))
		case strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") && !goMain:
			goMain = isGoMain(filepath.Join(root, name))
		case strings.HasSuffix(name, ".wasm"):
			wasms = append(wasms, name)
		}
	}
	if goMain && !slices.Contains(found, string(Go)) {
		found = append(found, string(Go))
	}
	if fileExists(filepath.Join(root, "src", "main.rs")) || fileExists(filepath.Join(root, "main.rs")) {
		found = append(found, string(Rust))
	}
	if len(wasms) > 0 {
		found = append(found, string(Wasm))
	}
	if cs, _ := cFiles(root); len(cs) > 0 && !slices.Contains(found, string(Go)) {
		found = append(found, string(C))
	}
	switch {
	case len(found) == 0:
		return "", &DetectError{"cannot tell the language: expected at the archive's root go.mod or *.go (package main) for Go, *.c for C, src/main.rs or main.rs for Rust, or one *.wasm"}
	case len(found) > 1:
		return "", &DetectError{fmt.Sprintf("the archive's root holds more than one kind of app (%s): upload one", strings.Join(found, ", "))}
	case found[0] == string(Wasm) && len(wasms) > 1:
		return "", &DetectError{fmt.Sprintf("more than one .wasm file at the archive's root (%s): upload one", strings.Join(wasms, ", "))}
	}
	return Language(found[0]), nil
}

func fileExists(p string) bool {
	fi, err := os.Lstat(p)
	return err == nil && fi.Mode().IsRegular()
}

// isGoMain reports whether the Go file at p declares package main.
func isGoMain(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if goPackageMain.MatchString(strings.TrimSpace(sc.Text())) {
			return true
		}
	}
	return false
}

// cFiles returns the *.c files below root, relative to it and sorted,
// skipping hidden directories.
func cFiles(root string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() && strings.HasSuffix(d.Name(), ".c") {
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			files = append(files, rel)
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		err = nil
	}
	sort.Strings(files)
	return files, err
}
