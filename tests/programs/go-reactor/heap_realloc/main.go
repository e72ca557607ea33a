// A Go reactor that exports cabi_realloc, as componentize-go builds do;
// wit-component then offers it to the adapter, which must not need it.
package main

import (
	"runtime"
	"unsafe"

	"p1reactor/heapwork"
)

//go:wasmexport grow
func grow(mib int32) int32 { return heapwork.Grow(mib) }

//go:wasmexport checksum
func checksum() int64 { return heapwork.Checksum() }

var pinner runtime.Pinner

//go:wasmexport cabi_realloc
func cabiRealloc(oldPtr, oldSize, align, newSize uint32) uint32 {
	if newSize == 0 {
		return align
	}
	buf := make([]byte, newSize)
	pinner.Pin(&buf[0])
	if oldPtr != 0 {
		copy(buf, unsafe.Slice((*byte)(unsafe.Pointer(uintptr(oldPtr))), oldSize))
	}
	return uint32(uintptr(unsafe.Pointer(&buf[0])))
}

func main() {}
