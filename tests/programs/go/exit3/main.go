// exit3: output on both streams, then a non-zero exit status.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println("about to exit with status 3")
	fmt.Fprintln(os.Stderr, "goodbye from stderr")
	os.Exit(3)
}
