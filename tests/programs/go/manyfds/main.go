// manyfds: holds many files open at once (os.Args[1], default 200: within
// the 256 descriptors the stock placement holds for Go, so the
// differential suite runs it both ways; tests/descriptors.rs runs 10,000
// through p1-convert), closes every third, opens as many again, then
// closes everything, printing what the descriptor numbers were (the native
// host hands the highest freed number out first).
package main

import (
	"fmt"
	"os"
	"strconv"
)

func main() {
	count := 200
	if len(os.Args) > 1 {
		if n, err := strconv.Atoi(os.Args[1]); err == nil {
			count = n
		}
	}
	if err := os.MkdirAll("many", 0o755); err != nil {
		panic(err)
	}
	files := make([]*os.File, count)
	lowest, highest, sum := int64(-1), int64(-1), int64(0)
	for i := range files {
		f, err := os.OpenFile(fmt.Sprintf("many/f%d", i), os.O_CREATE|os.O_RDWR, 0o644)
		if err != nil {
			fmt.Printf("open %d: %v\n", i, err)
			os.Exit(1)
		}
		files[i] = f
		fd := int64(f.Fd())
		if lowest < 0 || fd < lowest {
			lowest = fd
		}
		if fd > highest {
			highest = fd
		}
		sum += fd
	}
	fmt.Printf("opened %d: lowest=%d highest=%d sum=%d\n", count, lowest, highest, sum)
	for i := 0; i < count; i += 3 {
		files[i].Close()
		files[i] = nil
	}
	first, resum := int64(-1), int64(0)
	for i := 0; i < count; i += 3 {
		f, err := os.Open(fmt.Sprintf("many/f%d", i))
		if err != nil {
			fmt.Printf("reopen %d: %v\n", i, err)
			os.Exit(1)
		}
		if first < 0 {
			first = int64(f.Fd())
		}
		resum += int64(f.Fd())
		files[i] = f
	}
	fmt.Printf("closed and reopened %d: first=%d sum=%d\n", (count+2)/3, first, resum)
	for _, f := range files {
		f.Close()
	}
	fmt.Println("closed all")
}
