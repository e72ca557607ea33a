// hello: arguments and environment as seen by the program.
package main

import (
	"crypto/sha256"
	"fmt"
	"os"
)

func main() {
	fmt.Println("hello from go")
	fmt.Printf("argc=%d\n", len(os.Args))
	for i, a := range os.Args {
		fmt.Printf("arg[%d]=%q\n", i, a)
	}

	// Hash in the order the runtime hands the variables over, so a
	// reordering by the adapter shows up as a different checksum.
	env := os.Environ()
	h := sha256.New()
	for _, kv := range env {
		h.Write([]byte(kv))
		h.Write([]byte{'\n'})
	}
	fmt.Printf("envc=%d sha256=%x\n", len(env), h.Sum(nil))

	for _, k := range []string{"VAR_0000", "VAR_1999", "EQ_A", "EQ_B", "EMPTY", "UNSET_VARIABLE"} {
		v, ok := os.LookupEnv(k)
		fmt.Printf("%s present=%v value=%q\n", k, ok, v)
	}
}
