// Command exitcode exits with the code given as its argument, after
// printing the value of the environment variable GREETING.
package main

import (
	"fmt"
	"os"
	"strconv"
)

func main() {
	fmt.Println("GREETING=" + os.Getenv("GREETING"))
	code := 0
	if len(os.Args) > 1 {
		var err error
		if code, err = strconv.Atoi(os.Args[1]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	os.Exit(code)
}
