// The component announces its cabi_realloc to the adapter, as
// componentize-go's newer runtime library does.
package main

import "p1gc/gcwork"

//go:wasmimport wasi_snapshot_preview1 adapter_monotonic_clock_set_paused
func setPaused(paused int32)

func init() {
	gcwork.Announce = func(paused bool) {
		if paused {
			setPaused(1)
		} else {
			setPaused(0)
		}
	}
}

//go:wasmexport cabi_realloc
func cabiRealloc(oldPtr, oldSize, align, newSize uint32) uint32 {
	return gcwork.Realloc(oldPtr, oldSize, align, newSize)
}

//go:wasmexport run
func run(calls uint32) uint32 { return gcwork.Run(calls) }

//go:wasmexport gc-in-realloc
func gcInRealloc() uint64 { return gcwork.GCInRealloc() }

func main() {}
