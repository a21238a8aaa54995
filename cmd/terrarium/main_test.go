package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAdminToken(t *testing.T) {
	t.Setenv("TERRARIUM_TOKEN", "")
	data := t.TempDir()
	tok, generated, err := adminToken(data)
	require.NoError(t, err)
	require.True(t, generated)
	require.Len(t, tok, 48)
	fi, err := os.Stat(filepath.Join(data, "token"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	again, generated, err := adminToken(data)
	require.NoError(t, err)
	require.False(t, generated)
	require.Equal(t, tok, again)

	t.Setenv("TERRARIUM_TOKEN", "from-env")
	env, generated, err := adminToken(data)
	require.NoError(t, err)
	require.False(t, generated)
	require.Equal(t, "from-env", env)
}
