package examples

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/terra-runtime/terra/internal/build"
)

// TestList checks every example against its directory: the files are
// those on disk, and the language is what terrarium's build detects.
func TestList(t *testing.T) {
	list := List()
	var names []string
	for _, ex := range list {
		names = append(names, ex.Name)
		lang, err := build.Detect(ex.Name)
		require.NoError(t, err, ex.Name)
		require.Equal(t, string(lang), ex.Language, ex.Name)
		require.NotEmpty(t, ex.Files, ex.Name)
		for p, content := range ex.Files {
			b, err := os.ReadFile(filepath.Join(ex.Name, filepath.FromSlash(p)))
			require.NoError(t, err)
			require.Equal(t, string(b), content, p)
		}
	}
	require.Equal(t, []string{"c", "cgi-c", "go", "cgi-go", "rust", "cgi-rust"}, names)
	require.Equal(t, "cgi", list[1].Interface)
	require.Equal(t, "terra_http", list[2].Interface)
	require.Contains(t, list[5].Files, "main.rs")
	require.Contains(t, list[4].Files, "src/main.rs")

	// Every directory with an app in an editable language is listed.
	dirs, err := os.ReadDir(".")
	require.NoError(t, err)
	for _, d := range dirs {
		if d.IsDir() && d.Name() != "wasm" {
			require.Contains(t, names, d.Name())
		}
	}
}
