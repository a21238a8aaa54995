// Command gotest is a Go program for GOOS=wasip1 that the tests build and
// run: it reads a file, lists a directory, writes a file and prints its
// environment.
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
)

func main() {
	fmt.Println("args:", strings.Join(os.Args[1:], ","))
	fmt.Println("GREETING:", os.Getenv("GREETING"))
	data, err := os.ReadFile("/sandbox/input")
	check(err)
	fmt.Printf("input: %s", data)
	entries, err := os.ReadDir("/sandbox")
	check(err)
	var names []string
	for _, e := range entries {
		names = append(names, fmt.Sprintf("%s(dir=%v)", e.Name(), e.IsDir()))
	}
	sort.Strings(names)
	fmt.Println("dir:", strings.Join(names, " "))
	check(os.WriteFile("/sandbox/from-go", []byte("written by go"), 0o644))
	check(os.MkdirAll("/sandbox/a/b/c", 0o755))
	info, err := os.Stat("/sandbox/from-go")
	check(err)
	fmt.Println("size:", info.Size())
	_, err = os.ReadFile("/sandbox/../secret")
	fmt.Println("escape fails:", err != nil)
	start := time.Now()
	time.Sleep(5 * time.Millisecond)
	fmt.Println("slept:", time.Since(start) >= 5*time.Millisecond)
	fmt.Fprintln(os.Stderr, "to stderr")
	os.Exit(3)
}

func check(err error) {
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
}
