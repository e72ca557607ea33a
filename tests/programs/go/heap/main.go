// heap: grows the Go heap past 1 GiB while the runtime keeps
// collecting and asking WASI for random bytes in between.
package main

import (
	"crypto/rand"
	"fmt"
	"os"
	"runtime"
)

const (
	chunkSize = 16 << 20
	chunks    = 66 // 1056 MiB kept alive
)

func main() {
	var kept [][]byte
	var seed uint32 = 12345
	var sum uint32 = 2166136261 // FNV-1a over the sampled bytes
	randomBuf := make([]byte, 64)

	for i := 0; i < chunks; i++ {
		chunk := make([]byte, chunkSize)
		// A cheap LCG keeps the data deterministic and non-zero.
		for j := 0; j < len(chunk); j += 4096 {
			seed = seed*1664525 + 1013904223
			chunk[j] = byte(seed >> 24)
		}
		kept = append(kept, chunk)

		// Short-lived garbage so the collector has something to free.
		for g := 0; g < 64; g++ {
			_ = make([]byte, 64<<10)
		}
		runtime.GC()

		if _, err := rand.Read(randomBuf); err != nil {
			fmt.Println("crypto/rand failed:", err)
			os.Exit(1)
		}
		fmt.Printf("step %02d: kept %d MiB\n", i+1, len(kept)*chunkSize>>20)
	}

	// Re-read everything so an allocation that got clobbered is noticed.
	for _, chunk := range kept {
		for j := 0; j < len(chunk); j += 4096 {
			sum = (sum ^ uint32(chunk[j])) * 16777619
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("checksum=%08x\n", sum)
	fmt.Printf("heap >= 1 GiB: %v\n", ms.HeapAlloc >= 1<<30)
}
