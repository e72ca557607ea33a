// stdin: copies all of stdin to stdout unchanged; the byte count and a
// checksum go to stderr.
package main

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
)

func main() {
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(os.Stdout, h), os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "copy failed:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "copied %d bytes sha256=%x\n", n, h.Sum(nil))
}
