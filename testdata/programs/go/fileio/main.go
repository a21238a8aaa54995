// Command fileio writes files in the directory named by its argument, lists
// it with os.ReadDir, reads a file back, renames and removes them.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: fileio DIR")
		os.Exit(2)
	}
	dir := filepath.Join(os.Args[1], "go-fileio")
	check(os.MkdirAll(dir, 0o755))
	for _, name := range []string{"b.txt", "a.txt", "c.txt"} {
		check(os.WriteFile(filepath.Join(dir, name), []byte("contents of "+name+"\n"), 0o644))
	}
	entries, err := os.ReadDir(dir)
	check(err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	fmt.Println("entries:", strings.Join(names, " "))
	data, err := os.ReadFile(filepath.Join(dir, "b.txt"))
	check(err)
	fmt.Print("read: ", string(data))
	check(os.Rename(filepath.Join(dir, "c.txt"), filepath.Join(dir, "d.txt")))
	fi, err := os.Stat(filepath.Join(dir, "d.txt"))
	check(err)
	fmt.Println("size:", fi.Size())
	check(os.RemoveAll(dir))
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		fmt.Fprintln(os.Stderr, "still there:", err)
		os.Exit(1)
	}
	fmt.Println("done")
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
