// panic: an unrecovered panic (exit status 2, message and trace on stderr).
package main

import "fmt"

func main() {
	fmt.Println("before panic")
	explode()
}

func explode() {
	panic("boom")
}
