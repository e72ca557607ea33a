// Walks the benchmark's 2,000-file tree (/sandbox/tree), stat-ing every
// entry, and prints the number of files and their total size.
package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

func main() {
	files, bytes := 0, int64(0)
	err := filepath.WalkDir("/sandbox/tree", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if !d.IsDir() {
			files++
			bytes += info.Size()
		}
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("files:", files, "bytes:", bytes)
}
