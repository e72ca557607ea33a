// A Go reactor (-buildmode=c-shared) without a cabi_realloc export.
package main

import "p1reactor/heapwork"

//go:wasmexport grow
func grow(mib int32) int32 { return heapwork.Grow(mib) }

//go:wasmexport checksum
func checksum() int64 { return heapwork.Checksum() }

func main() {}
