// Package heapwork is what the reactor test programs export: heap growth
// with collections in between, driven call by call from the host.
package heapwork

import (
	"crypto/rand"
	"fmt"
	"runtime"
)

var (
	kept []([]byte)
	seed uint32 = 2463534242
)

// Grow keeps another mib MiB alive, collects, draws random bytes, and
// returns the MiB kept so far.
func Grow(mib int32) int32 {
	chunk := make([]byte, int(mib)<<20)
	for i := 0; i < len(chunk); i += 4096 {
		seed ^= seed << 13
		seed ^= seed >> 17
		seed ^= seed << 5
		chunk[i] = byte(seed)
	}
	kept = append(kept, chunk)
	runtime.GC()
	var buf [32]byte
	if _, err := rand.Read(buf[:]); err != nil {
		panic(err)
	}
	total := int32(0)
	for _, c := range kept {
		total += int32(len(c) >> 20)
	}
	fmt.Printf("grow(%d): %d MiB kept\n", mib, total)
	return total
}

// Checksum reads back every chunk, so memory handed to someone else shows.
func Checksum() int64 {
	sum := uint32(2166136261)
	for _, c := range kept {
		for i := 0; i < len(c); i += 4096 {
			sum = (sum ^ uint32(c[i])) * 16777619
		}
	}
	fmt.Printf("checksum over %d chunks: %08x\n", len(kept), sum)
	return int64(sum)
}
