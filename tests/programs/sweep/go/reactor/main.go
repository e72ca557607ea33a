//go:build go1.24

// The reactor flavour of the sweep program (-buildmode=c-shared): the Go
// runtime reads the arguments and the environment in _initialize, the host
// then calls report.
package main

import "p1sweep/report"

//go:wasmexport report
func reportExport() int32 {
	report.Report()
	return 0
}

func main() {}
