// The component does not announce its cabi_realloc (older componentize-go
// runtime libraries, hand-written allocators): only the converter's
// wrapping step makes it safe.
package main

import "p1gc/gcwork"

//go:wasmexport cabi_realloc
func cabiRealloc(oldPtr, oldSize, align, newSize uint32) uint32 {
	return gcwork.Realloc(oldPtr, oldSize, align, newSize)
}

//go:wasmexport run
func run(calls uint32) uint32 { return gcwork.Run(calls) }

//go:wasmexport gc-in-realloc
func gcInRealloc() uint64 { return gcwork.GCInRealloc() }

func main() {}
