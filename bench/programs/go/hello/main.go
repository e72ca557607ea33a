// Start-up: the Go runtime's initialisation plus one line of output.
package main

import "fmt"

func main() {
	fmt.Println("hello, world")
}
