// The example the README's first command runs as a component: a standard Go
// program (GOOS=wasip1) that uses arguments, the environment, files, timers
// and a heap well past what breaks other adapters with Go >= 1.24.
package main

import (
	"crypto/rand"
	"fmt"
	"os"
	"runtime"
	"time"
)

func main() {
	fmt.Printf("hello from %s, running as a WASI 0.2 component\n", runtime.Version())
	fmt.Printf("arguments: %q\n", os.Args[1:])
	fmt.Printf("environment variables: %d\n", len(os.Environ()))

	const name = "hello-go.txt"
	if err := os.WriteFile(name, []byte("written through the adapter\n"), 0o644); err != nil {
		fmt.Println("write:", err)
		os.Exit(1)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		fmt.Println("read:", err)
		os.Exit(1)
	}
	os.Remove(name)
	fmt.Printf("file round trip: %q\n", string(data))

	start := time.Now()
	<-time.After(20 * time.Millisecond)
	fmt.Printf("timer fired after >= 20ms: %v\n", time.Since(start) >= 20*time.Millisecond)

	// Grow the heap to 512 MiB with collections in between.
	var kept [][]byte
	for len(kept) < 32 {
		chunk := make([]byte, 16<<20)
		chunk[len(chunk)-1] = byte(len(kept))
		kept = append(kept, chunk)
		runtime.GC()
	}
	var random [8]byte
	rand.Read(random[:])
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	fmt.Printf("heap grew to %d MiB with GC in between: ok\n", stats.HeapAlloc>>20)
}
