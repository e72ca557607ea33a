package main

import "unsafe"

// Raw P1 calls the syscall package has no wrapper for (or wraps with one
// iovec only).

//go:wasmimport wasi_snapshot_preview1 fd_prestat_get
//go:noescape
func fdPrestatGet(fd int32, prestat unsafe.Pointer) int32

//go:wasmimport wasi_snapshot_preview1 fd_prestat_dir_name
//go:noescape
func fdPrestatDirName(fd int32, path unsafe.Pointer, pathLen int32) int32

//go:wasmimport wasi_snapshot_preview1 fd_readdir
//go:noescape
func fdReaddir(fd int32, buf unsafe.Pointer, bufLen int32, cookie int64, used unsafe.Pointer) int32

//go:wasmimport wasi_snapshot_preview1 fd_write
//go:noescape
func fdWrite(fd int32, iovs unsafe.Pointer, iovsLen int32, written unsafe.Pointer) int32

//go:wasmimport wasi_snapshot_preview1 fd_read
//go:noescape
func fdRead(fd int32, iovs unsafe.Pointer, iovsLen int32, read unsafe.Pointer) int32

//go:wasmimport wasi_snapshot_preview1 fd_pwrite
//go:noescape
func fdPwrite(fd int32, iovs unsafe.Pointer, iovsLen int32, offset int64, written unsafe.Pointer) int32

//go:wasmimport wasi_snapshot_preview1 fd_pread
//go:noescape
func fdPread(fd int32, iovs unsafe.Pointer, iovsLen int32, offset int64, read unsafe.Pointer) int32

const errnoBadf = 8
