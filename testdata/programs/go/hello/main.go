// Command hello prints a greeting and its arguments.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println("hello from Go")
	for i, a := range os.Args[1:] {
		fmt.Printf("arg %d: %s\n", i+1, a)
	}
}
