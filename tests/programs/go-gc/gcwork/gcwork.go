// Package gcwork is a Go component built the way componentize-go builds
// them: a -buildmode=c-shared reactor that exports cabi_realloc, which
// allocates from Go's garbage-collected heap (after initialisation; from a
// static arena before it) and pins the block, and that imports a function
// returning a string. Every call of that import makes the host call
// cabi_realloc for 64 KiB while it lowers the result; under that load the
// garbage collector runs inside cabi_realloc, where the component model
// forbids calling any import.
package gcwork

import (
	"runtime"
	"runtime/metrics"
	"time"
	"unsafe"
)

// BlobSize is what the host returns per call.
const BlobSize = 64 << 10

// Retained is how many results the guest keeps alive.
const Retained = 64

//go:wasmimport test:gc/blobs get-blob
func getBlob(n uint32, ret uint32)

var (
	// The canonical ABI's return area for get-blob: (pointer, length).
	// A global, so it never moves.
	retArea [2]uint32

	initialized bool
	// Before initialisation allocations come from here (componentize-go
	// uses sbrk for them).
	early     [1 << 16]byte
	earlyUsed uintptr

	pinner   runtime.Pinner
	retained [Retained]string

	// Collections that completed while cabi_realloc ran.
	gcInRealloc uint64
	sample      = []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}

	// Announce, when set, is called around every allocation (componentize-go's
	// newer runtime library does this).
	Announce func(paused bool)
)

func init() {
	// A timer makes the garbage collector poll when it restarts the world.
	time.AfterFunc(time.Hour, func() {})
	initialized = true
}

func gcCycles() uint64 {
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}

// Realloc is the exported cabi_realloc.
func Realloc(oldPtr, oldSize, align, newSize uint32) uint32 {
	if Announce != nil {
		Announce(true)
		defer Announce(false)
	}
	if newSize == 0 {
		return align
	}
	if !initialized {
		start := (earlyUsed + uintptr(align) - 1) &^ (uintptr(align) - 1)
		earlyUsed = start + uintptr(newSize)
		return uint32(uintptr(unsafe.Pointer(&early[start])))
	}
	before := gcCycles()
	buf := make([]byte, newSize)
	pinner.Pin(&buf[0])
	if oldPtr != 0 {
		copy(buf, unsafe.Slice((*byte)(unsafe.Pointer(uintptr(oldPtr))), oldSize))
	}
	gcInRealloc += gcCycles() - before
	return uint32(uintptr(unsafe.Pointer(&buf[0])))
}

// Expected is the byte at offset i of blob n, as the test host makes it
// (seven bits: the blob is a WIT string, so it must be UTF-8).
func Expected(n uint32, i int) byte {
	return byte((uint32(i)*7 + n*13 + uint32(i>>8)) & 0x7f)
}

// Run calls get-blob `calls` times, checks every payload, keeps the last
// Retained, and returns the number of bad payloads (a clock that went
// backwards across calls counts as one too).
func Run(calls uint32) uint32 {
	bad := uint32(0)
	last := time.Now()
	for n := uint32(0); n < calls; n++ {
		// Ordinary work between results reads the clock (and gives the
		// adapter an unpaused call to write out what the collector
		// printed inside the allocation).
		now := time.Now()
		if now.Before(last) {
			bad++
		}
		last = now
		getBlob(n, uint32(uintptr(unsafe.Pointer(&retArea[0]))))
		s := unsafe.String((*byte)(unsafe.Pointer(uintptr(retArea[0]))), retArea[1])
		retained[n%Retained] = s
		pinner.Unpin() // the string itself keeps the block alive now
		if len(s) != BlobSize || s[0] != Expected(n, 0) || s[BlobSize/2] != Expected(n, BlobSize/2) || s[BlobSize-1] != Expected(n, BlobSize-1) {
			bad++
		}
	}
	if time.Now().Before(last) {
		bad++
	}
	// Everything retained must still be intact after all the collections.
	for k := uint32(0); k < Retained && k < calls; k++ {
		n := calls - 1 - k
		s := retained[n%Retained]
		for i := 0; i < len(s); i += 4099 {
			if s[i] != Expected(n, i) {
				bad++
				break
			}
		}
	}
	return bad
}

// GCInRealloc reports how many collections completed inside cabi_realloc.
func GCInRealloc() uint64 { return gcInRealloc }
