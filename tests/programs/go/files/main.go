// files: filesystem operations inside the preopened directory "/sandbox".
// The harness pre-populates seed.txt and tree/; the files left behind are
// compared by the harness as well.
package main

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

const root = "/sandbox"

func p(name string) string { return root + "/" + name }

func check(what string, err error) {
	if err != nil {
		fmt.Printf("%s: unexpected error: %s\n", what, kind(err))
		os.Exit(1)
	}
}

// kind reduces an error to something stable across hosts: the portable
// io/fs category, or the errno name for anything else.
func kind(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, fs.ErrNotExist):
		return "not exist"
	case errors.Is(err, fs.ErrExist):
		return "exist"
	case errors.Is(err, fs.ErrPermission):
		return "permission"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return "other: " + pe.Op + ": " + pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return "other: " + le.Op + ": " + le.Err.Error()
	}
	return "other: " + err.Error()
}

func main() {
	// Pre-populated input.
	seed, err := os.ReadFile(p("seed.txt"))
	check("read seed", err)
	fmt.Printf("seed: %d bytes sha256=%x\n", len(seed), sha256.Sum256(seed))

	// Create + write, then append through O_APPEND.
	check("write new", os.WriteFile(p("new.txt"), []byte("hello\n"), 0o644))
	f, err := os.OpenFile(p("new.txt"), os.O_WRONLY|os.O_APPEND, 0)
	check("open append", err)
	_, err = f.Write([]byte("world\n"))
	check("append", err)
	check("close append", f.Close())

	// Seek + read back, positional I/O, truncate.
	f, err = os.OpenFile(p("new.txt"), os.O_RDWR, 0)
	check("open rdwr", err)
	off, err := f.Seek(3, io.SeekStart)
	check("seek", err)
	buf := make([]byte, 5)
	n, err := io.ReadFull(f, buf)
	check("read", err)
	fmt.Printf("seek=%d read %d: %q\n", off, n, buf[:n])
	end, err := f.Seek(0, io.SeekEnd)
	check("seek end", err)
	fmt.Printf("size via seek: %d\n", end)
	_, err = f.WriteAt([]byte("HE"), 0)
	check("writeat", err)
	_, err = f.ReadAt(buf[:4], 6)
	check("readat", err)
	fmt.Printf("readat 6: %q\n", buf[:4])
	check("truncate", f.Truncate(4))
	st, err := f.Stat()
	check("fstat", err)
	fmt.Printf("after truncate: size=%d mode=%v\n", st.Size(), st.Mode().IsRegular())
	check("close rdwr", f.Close())
	check("extend", os.Truncate(p("new.txt"), 10))
	data, err := os.ReadFile(p("new.txt"))
	check("read extended", err)
	fmt.Printf("after extend: %q\n", data)

	// Rename and remove.
	check("rename", os.Rename(p("new.txt"), p("renamed.txt")))
	_, err = os.Stat(p("new.txt"))
	fmt.Printf("stat old name: %s\n", kind(err))
	check("write tmp", os.WriteFile(p("tmp.txt"), []byte("temporary"), 0o644))
	check("remove tmp", os.Remove(p("tmp.txt")))
	_, err = os.Stat(p("tmp.txt"))
	fmt.Printf("stat removed: %s\n", kind(err))

	// Many files in one directory.
	check("mkdir many", os.Mkdir(p("many"), 0o755))
	for i := 0; i < 300; i++ {
		content := strings.Repeat("x", i%17) + fmt.Sprintf("%d\n", i)
		check("write many", os.WriteFile(p(fmt.Sprintf("many/f%03d.txt", i)), []byte(content), 0o644))
	}
	entries, err := os.ReadDir(p("many"))
	check("readdir", err)
	var names []string
	var total int64
	for _, e := range entries {
		names = append(names, e.Name())
		info, err := e.Info()
		check("entry info", err)
		total += info.Size()
	}
	sort.Strings(names)
	fmt.Printf("many: %d entries, first=%s last=%s total=%d\n", len(names), names[0], names[len(names)-1], total)

	// Walk the pre-populated tree (filepath.Walk visits in lexical order).
	check("modify tree", os.WriteFile(p("tree/a.txt"), []byte("rewritten\n"), 0o644))
	err = filepath.Walk(p("tree"), func(path string, info fs.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if info.IsDir() {
			fmt.Printf("walk: %s/\n", rel)
		} else {
			fmt.Printf("walk: %s (%d bytes)\n", rel, info.Size())
		}
		return nil
	})
	check("walk", err)

	// Directories.
	check("mkdir empty", os.Mkdir(p("emptydir"), 0o755))
	check("rmdir empty", os.Remove(p("emptydir")))
	_, err = os.Stat(p("emptydir"))
	fmt.Printf("stat rmdir'd: %s\n", kind(err))
	check("mkdir keep", os.MkdirAll(p("keep/inner/deeper"), 0o755))
	st, err = os.Stat(p("keep/inner"))
	check("stat keep", err)
	fmt.Printf("keep/inner is dir: %v\n", st.IsDir())

	// A larger file written and read back in one go.
	big := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	check("write big", os.WriteFile(p("big.bin"), big, 0o644))
	back, err := os.ReadFile(p("big.bin"))
	check("read big", err)
	fmt.Printf("big round trip equal: %v\n", bytes.Equal(big, back))

	// Error kinds.
	_, err = os.Open(p("missing.txt"))
	fmt.Printf("open missing: %s\n", kind(err))
	fmt.Printf("mkdir existing: %s\n", kind(os.Mkdir(p("many"), 0o755)))
	fmt.Printf("rmdir non-empty: %s\n", kind(os.Remove(p("many"))))
	_, err = os.ReadDir(p("seed.txt"))
	fmt.Printf("readdir on file: %s\n", kind(err))
	_, err = os.OpenFile(p("renamed.txt"), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	fmt.Printf("create exclusive existing: %s\n", kind(err))
	_, err = os.Stat(p("missing/child.txt"))
	fmt.Printf("stat under missing dir: %s\n", kind(err))

	// Symlinks: two pre-populated by the harness, one created here.
	target, err := os.Readlink(p("link-to-seed"))
	fmt.Printf("readlink: %q %s\n", target, kind(err))
	via, err := os.ReadFile(p("link-to-seed"))
	fmt.Printf("read through link: equal=%v %s\n", bytes.Equal(via, seed), kind(err))
	st, err = os.Lstat(p("link-to-seed"))
	check("lstat link", err)
	fmt.Printf("lstat sees a symlink: %v\n", st.Mode()&fs.ModeSymlink != 0)
	check("symlink", os.Symlink("big.bin", p("link-to-big")))
	st, err = os.Stat(p("link-to-big"))
	check("stat through new link", err)
	fmt.Printf("stat through new link: size=%d\n", st.Size())
	_, err = os.ReadFile(p("escape-link"))
	fmt.Printf("follow link out of the sandbox: %s\n", kind(err))
}
