// Command goregexp is a benchmark workload: built with GOOS=wasip1
// GOARCH=wasm, it runs a few regular expressions of package regexp over a
// generated log of os.Args[1] lines (default 2000): the regexp engines'
// state machines, byte scanning and capture bookkeeping.
//
// It prints one line, "goregexp N checksum X", X being an FNV-1a hash of
// every match and its position, so a harness can check that the work was
// done and done right. The committed goregexp.wasm is rebuilt by
// ../build.sh.
package main

import (
	"fmt"
	"hash/fnv"
	"os"
	"regexp"
	"strconv"
	"strings"
)

func main() {
	n := 2000
	if len(os.Args) > 1 {
		v, err := strconv.Atoi(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, "goregexp: bad count:", err)
			os.Exit(2)
		}
		n = v
	}
	// A log of n lines from a linear congruential generator.
	var b strings.Builder
	levels := []string{"INFO", "WARN", "ERROR", "DEBUG"}
	x := uint32(1)
	for i := range n {
		x = x*1103515245 + 12345
		fmt.Fprintf(&b, "2026-11-%02d 12:%02d:%02d %s user%d@example.com GET /api/v%d/items/%d took %dms\n",
			i%28+1, x%60, (x>>8)%60, levels[(x>>16)%4], x%1000, (x>>4)%3+1, x%100000, (x>>12)%2000)
	}
	log := b.String()

	patterns := []*regexp.Regexp{
		regexp.MustCompile(`(?m)^(\d{4})-(\d\d)-(\d\d) .* ERROR `),
		regexp.MustCompile(`[a-z]+\d+@[a-z]+\.com`),
		regexp.MustCompile(`/api/v(\d)/items/(\d+)`),
		regexp.MustCompile(`took (1\d{3}|[5-9]\d\d)ms`),
	}
	h := fnv.New64a()
	for _, re := range patterns {
		for _, m := range re.FindAllStringSubmatchIndex(log, -1) {
			fmt.Fprint(h, m)
			h.Write([]byte(log[m[0]:m[1]]))
		}
	}
	fmt.Printf("goregexp %d checksum %x\n", n, h.Sum64())
}
