// Command gohello is a benchmark workload: a small Go program that, built
// with GOOS=wasip1 GOARCH=wasm, yields a realistic multi-megabyte module
// (the Go runtime plus fmt, strconv and strings).
//
// The committed gohello.wasm is rebuilt by ../build.sh.
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

func main() {
	words := []string{"hello", "from", "terra"}
	if len(os.Args) > 1 {
		words = append(words, os.Args[1:]...)
	}
	line := strings.Join(words, " ")
	n, err := strconv.Atoi(strconv.Itoa(len(words)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%s (%d words, %q)\n", line, n, strings.ToUpper(words[0]))
}
