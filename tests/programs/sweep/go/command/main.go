// sweep: one program, several "what to do" modes, run by the sweep harness
// (tests/src/sweeps.rs) at many sizes. The mode is the SWEEP environment
// variable (unset: "report", so the environment and argument sweeps control
// the whole environment); numeric parameters are the arguments. The modes
// and their output match tests/programs/sweep/c/sweep.c. Paths are under
// the /sandbox preopen (Go's working directory is "/").
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"unsafe"

	"p1sweep/report"
)

const fnvStart uint64 = 0xcbf29ce484222325

func fnv(b []byte) uint64 { return report.Fnv1a(fnvStart, string(b)) }

func preopens() {
	found := 0
	for fd := int32(3); ; fd++ {
		var prestat [2]uint32
		if e := fdPrestatGet(fd, unsafe.Pointer(&prestat[0])); e == errnoBadf {
			break
		} else if e != 0 {
			fmt.Printf("fd %d: fd_prestat_get errno %d\n", fd, e)
			continue
		}
		n := prestat[1]
		name := make([]byte, n+1) // never empty, so &name[0] exists
		e := fdPrestatDirName(fd, unsafe.Pointer(&name[0]), int32(n))
		name = name[:n]
		fmt.Printf("fd %d: tag=%d len=%d errno=%d fnv=%016x name=%s\n", fd, prestat[0]&0xff, n, e, fnv(name), report.Head(string(name), 48))
		found++
		// The marker the harness put in this preopen, found through Go's
		// own preopen table by name.
		if text, err := os.ReadFile(string(name) + "/marker"); err == nil {
			fmt.Printf("  marker: %s\n", report.Head(strings.TrimRight(string(text), "\n"), 63))
		} else {
			fmt.Printf("  marker: %s\n", errText(err))
		}
		if err := os.WriteFile(string(name)+"/seen", []byte(fmt.Sprintf("fd %d\n", fd)), 0o644); err != nil {
			fmt.Printf("  seen: %s\n", errText(err))
		}
	}
	fmt.Printf("preopens=%d\n", found)
}

// errText is the error without the path (which may be kilobytes long).
func errText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	return err.Error()
}

// iovSize is the size of iovec i for a pattern; the same in every language.
func iovSize(pattern string, i, n int) int {
	switch pattern {
	case "ones":
		return 1
	case "mixed":
		return (i * 7919) % 5000
	case "alternate":
		if i%2 == 1 {
			return 4096
		}
		return 0
	case "last":
		if i+1 == n {
			return 65536
		}
		return 0
	case "large":
		return 65536 + i
	}
	size, _ := strconv.Atoi(pattern)
	return size
}

func makeBuffers(n int, pattern string, fill bool) [][]byte {
	bufs := make([][]byte, n)
	for i := range bufs {
		size := iovSize(pattern, i, n)
		b := make([]byte, size)
		if fill {
			for j := range b {
				b[j] = byte('a' + (i+j)%26)
			}
			if size > 0 {
				b[size-1] = '\n'
			}
		}
		bufs[i] = b
	}
	return bufs
}

func hashBuffers(bufs [][]byte) uint64 {
	h := fnvStart
	for _, b := range bufs {
		h = report.Fnv1a(h, string(b))
	}
	return h
}

// transfer moves all of bufs with one of the vectored calls, looping over
// short transfers as a caller must; call gets the remaining iovecs and the
// current offset. Returns the bytes moved (stopping early at end of file).
func transfer(bufs [][]byte, offset int64, call func(iovs unsafe.Pointer, n int32, offset int64, done unsafe.Pointer) int32) (int, int32) {
	// wasm32 iovecs: {buf u32, len u32}, empty buffers left out.
	var iovs []uint32
	for _, b := range bufs {
		if len(b) > 0 {
			iovs = append(iovs, uint32(uintptr(unsafe.Pointer(&b[0]))), uint32(len(b)))
		}
	}
	total := 0
	for len(iovs) > 0 {
		var done uint32
		if e := call(unsafe.Pointer(&iovs[0]), int32(len(iovs)/2), offset, unsafe.Pointer(&done)); e != 0 {
			return total, e
		}
		if done == 0 {
			break
		}
		total += int(done)
		offset += int64(done)
		for done > 0 {
			step := done
			if iovs[1] < step {
				step = iovs[1]
			}
			iovs[0] += step
			iovs[1] -= step
			done -= step
			if iovs[1] == 0 {
				iovs = iovs[2:]
			}
		}
	}
	runtime.KeepAlive(bufs)
	return total, 0
}

func writer(fd int32) func(unsafe.Pointer, int32, int64, unsafe.Pointer) int32 {
	return func(iovs unsafe.Pointer, n int32, _ int64, done unsafe.Pointer) int32 { return fdWrite(fd, iovs, n, done) }
}

func reader(fd int32) func(unsafe.Pointer, int32, int64, unsafe.Pointer) int32 {
	return func(iovs unsafe.Pointer, n int32, _ int64, done unsafe.Pointer) int32 { return fdRead(fd, iovs, n, done) }
}

func pwriter(fd int32) func(unsafe.Pointer, int32, int64, unsafe.Pointer) int32 {
	return func(iovs unsafe.Pointer, n int32, off int64, done unsafe.Pointer) int32 { return fdPwrite(fd, iovs, n, off, done) }
}

func preader(fd int32) func(unsafe.Pointer, int32, int64, unsafe.Pointer) int32 {
	return func(iovs unsafe.Pointer, n int32, off int64, done unsafe.Pointer) int32 { return fdPread(fd, iovs, n, off, done) }
}

func iovecMode(n int, pattern string) {
	out := makeBuffers(n, pattern, true)
	total := 0
	for _, b := range out {
		total += len(b)
	}
	fmt.Fprintf(os.Stderr, "iovec n=%d pattern=%s total=%d fnv=%016x\n", n, pattern, total, hashBuffers(out))
	if _, e := transfer(out, 0, writer(1)); e != 0 {
		fatal("write stdout", syscall.Errno(e))
	}
	file, err := os.OpenFile("/sandbox/iov.out", os.O_CREATE|os.O_TRUNC|os.O_RDWR, 0o644)
	if err != nil {
		fatal("iov.out", err)
	}
	if _, e := transfer(out, 0, writer(int32(file.Fd()))); e != 0 {
		fatal("write iov.out", syscall.Errno(e))
	}
	pos, err := os.OpenFile("/sandbox/iov.pos", os.O_CREATE|os.O_TRUNC|os.O_RDWR, 0o644)
	if err != nil {
		fatal("iov.pos", err)
	}
	if _, e := transfer(out, 3, pwriter(int32(pos.Fd()))); e != 0 {
		fatal("pwrite iov.pos", syscall.Errno(e))
	}

	in := makeBuffers(n, pattern, false)
	if _, err := file.Seek(0, 0); err != nil {
		fatal("seek", err)
	}
	got, e := transfer(in, 0, reader(int32(file.Fd())))
	fmt.Fprintf(os.Stderr, "readv file: %d bytes fnv=%016x errno=%d\n", got, hashBuffers(in), e)
	in = makeBuffers(n, pattern, false)
	got, e = transfer(in, 3, preader(int32(pos.Fd())))
	fmt.Fprintf(os.Stderr, "preadv file: %d bytes fnv=%016x errno=%d\n", got, hashBuffers(in), e)
	in = makeBuffers(n, pattern, false)
	got, e = transfer(in, 0, reader(0))
	fmt.Fprintf(os.Stderr, "readv stdin: %d bytes fnv=%016x errno=%d\n", got, hashBuffers(in), e)
}

const direntHeader = 24

func le32(b []byte) uint32 { return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24 }
func le64(b []byte) uint64 { return uint64(le32(b)) | uint64(le32(b[4:]))<<32 }

// readdirMode: raw fd_readdir with a fixed buffer size; see sweep.c.
func readdirMode(bufsize int) {
	dir, err := os.Open("/sandbox/d")
	if err != nil {
		fatal("open d", err)
	}
	fd := int32(dir.Fd())
	const big = 65536
	buf := make([]byte, bufsize+big)
	cookie := uint64(0)
	entries := 0
	for call := 0; call < 100000; call++ {
		size := bufsize
		for i := range buf[:size] {
			buf[i] = 0xee
		}
		var used uint32
		e := fdReaddir(fd, unsafe.Pointer(&buf[0]), int32(size), int64(cookie), unsafe.Pointer(&used))
		whole, at := 0, 0
		if e == 0 {
			for at+direntHeader <= int(used) {
				namlen := int(le32(buf[at+16:]))
				copy(buf[at+8:at+16], make([]byte, 8))
				if at+direntHeader+namlen > int(used) {
					break
				}
				at += direntHeader + namlen
				whole++
			}
			// A truncated last entry may still show (part of) its inode.
			if at < int(used) && int(used)-at > 8 {
				end := int(used) - at
				if end > 16 {
					end = 16
				}
				copy(buf[at+8:at+end], make([]byte, 8))
			}
		}
		shown := buf[:0]
		if e == 0 {
			shown = buf[:used]
		}
		fmt.Printf("call %d cookie=%d size=%d errno=%d used=%d whole=%d fnv=%016x\n", call, cookie, size, e, used, whole, fnv(shown))
		if e != 0 {
			os.Exit(1)
		}
		if whole == 0 && int(used) == size {
			// Nothing whole fitted: fetch one entry with a big buffer.
			e = fdReaddir(fd, unsafe.Pointer(&buf[0]), big, int64(cookie), unsafe.Pointer(&used))
			if e != 0 || used < direntHeader {
				fmt.Printf("  big call errno=%d used=%d\n", e, used)
				os.Exit(1)
			}
			whole = 1
		}
		at = 0
		n := 0
		for at+direntHeader <= int(used) && n < whole {
			next := le64(buf[at:])
			namlen := int(le32(buf[at+16:]))
			if at+direntHeader+namlen > int(used) {
				break
			}
			name := buf[at+direntHeader : at+direntHeader+namlen]
			fmt.Printf("  next=%d type=%d namlen=%d fnv=%016x name=%s\n", next, buf[at+20], namlen, fnv(name), report.Head(string(name), 40))
			cookie = next
			at += direntHeader + namlen
			n++
			entries++
		}
		if int(used) < size && n == whole && at == int(used) {
			break // a short buffer: end of the directory
		}
	}
	runtime.KeepAlive(dir)
	fmt.Printf("entries=%d\n", entries)
}

func listdirMode() {
	entries, err := os.ReadDir("/sandbox/d")
	if err != nil {
		fatal("readdir d", err)
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	sort.Strings(names)
	h := fnvStart
	for _, n := range names {
		h = report.Fnv1a(h, n+"\x00")
	}
	fmt.Printf("listdir count=%d fnv=%016x\n", len(names), h)
	for i, n := range names {
		if i < 3 || i+2 >= len(names) {
			report.Sample("name", i, n)
		}
	}
}

func show(what string, length int, err error) {
	if err == nil {
		fmt.Printf("%s len=%d -> ok\n", what, length)
	} else {
		fmt.Printf("%s len=%d -> %s\n", what, length, errText(err))
	}
}

// pathsMode: nested directories, a file at the leaf, then cleanup; see
// sweep.c. Lengths are of the path below /sandbox/.
func pathsMode(comp, depth int) {
	const root = "/sandbox/"
	path := ""
	made := 0
	for level := 0; level < depth; level++ {
		if level > 0 {
			path += "/"
		}
		path += strings.Repeat(string(rune('a'+level%26)), comp)
		err := os.Mkdir(root+path, 0o755)
		if err == nil {
			made++
		}
		if level < 2 || level+2 >= depth || err != nil {
			show("mkdir", len(path), err)
		}
		if err != nil {
			break
		}
	}
	file := path + "/f"
	err := os.WriteFile(root+file, []byte("leaf\n"), 0o644)
	show("create", len(file), err)
	if err == nil {
		info, err := os.Stat(root + file)
		show("stat", len(file), err)
		if err == nil {
			regular := 0
			if info.Mode().IsRegular() {
				regular = 1
			}
			fmt.Printf("  size=%d regular=%d\n", info.Size(), regular)
		}
		if text, err := os.ReadFile(root + file); err == nil {
			fmt.Printf("read -> %d [%s]\n", len(text), report.Head(string(text), 5))
		} else {
			fmt.Printf("read -> %s\n", errText(err))
		}
		renamed := path + "/g"
		show("rename", len(file), os.Rename(root+file, root+renamed))
		show("unlink", len(file), os.Remove(root+renamed))
	}
	for level := made; level > 0; level-- {
		length := level*(comp+1) - 1
		err := syscall.Rmdir(root + path[:length])
		if level <= 2 || level+1 >= made || err != nil {
			show("rmdir", length, err)
		}
	}
	fmt.Printf("made=%d\n", made)
}

func fatal(what string, err error) {
	fmt.Printf("error: %s: %s\n", what, errText(err))
	os.Exit(1)
}

func main() {
	number := func(i int) int {
		if i >= len(os.Args) {
			return 0
		}
		n, _ := strconv.Atoi(os.Args[i])
		return n
	}
	mode, set := os.LookupEnv("SWEEP")
	switch {
	case !set:
		report.Report()
	case mode == "preopens":
		preopens()
	case mode == "iovec" && len(os.Args) == 3:
		iovecMode(number(1), os.Args[2])
	case mode == "readdir" && len(os.Args) == 2:
		readdirMode(number(1))
	case mode == "listdir":
		listdirMode()
	case mode == "paths" && len(os.Args) == 3:
		pathsMode(number(1), number(2))
	default:
		fmt.Printf("unknown mode %s (argc %d)\n", mode, len(os.Args))
		os.Exit(2)
	}
}
