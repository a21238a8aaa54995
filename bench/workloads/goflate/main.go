// Command goflate is a benchmark workload: built with GOOS=wasip1
// GOARCH=wasm, it compresses os.Args[1] KiB (default 256) of generated,
// compressible text with compress/flate at the default level and
// decompresses it again: hashing, match finding, Huffman coding and bit
// manipulation.
//
// It prints one line, "goflate N checksum X", X being an FNV-1a hash of the
// compressed bytes and the decompressed ones, so a harness can check that
// the work was done and done right. The committed goflate.wasm is rebuilt
// by ../build.sh.
package main

import (
	"bytes"
	"compress/flate"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"strconv"
)

func main() {
	n := 256
	if len(os.Args) > 1 {
		v, err := strconv.Atoi(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, "goflate: bad size:", err)
			os.Exit(2)
		}
		n = v
	}
	// Words drawn from a small vocabulary by a linear congruential
	// generator: text that compresses about 3:1.
	words := []string{"the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog",
		"WebAssembly", "runtime", "interpreter", "compiler", "memory", "table", "stack", "frame"}
	var src bytes.Buffer
	x := uint32(7)
	for src.Len() < n<<10 {
		x = x*1664525 + 1013904223
		src.WriteString(words[x>>28])
		if x&0x300 == 0 {
			src.WriteString(strconv.Itoa(int(x % 1000)))
		}
		src.WriteByte(" \n"[(x>>20)%9/8])
	}
	src.Truncate(n << 10)

	var packed bytes.Buffer
	w, err := flate.NewWriter(&packed, flate.DefaultCompression)
	if err != nil {
		panic(err)
	}
	if _, err := w.Write(src.Bytes()); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	unpacked, err := io.ReadAll(flate.NewReader(bytes.NewReader(packed.Bytes())))
	if err != nil {
		panic(err)
	}
	if !bytes.Equal(unpacked, src.Bytes()) {
		fmt.Fprintln(os.Stderr, "goflate: round trip changed the data")
		os.Exit(1)
	}
	h := fnv.New64a()
	h.Write(packed.Bytes())
	h.Write(unpacked)
	fmt.Printf("goflate %d checksum %x\n", n, h.Sum64())
}
