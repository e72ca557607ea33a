// A JSON round trip of 2,000 records, 10 times: mostly computation and
// allocation, with the few P1 calls the Go runtime makes on its own (clocks,
// polls) plus one line of output.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
)

type Record struct {
	ID    int               `json:"id"`
	Name  string            `json:"name"`
	Tags  []string          `json:"tags"`
	Score float64           `json:"score"`
	Attrs map[string]string `json:"attrs"`
}

func main() {
	records := make([]Record, 2000)
	for i := range records {
		records[i] = Record{
			ID:    i,
			Name:  "record-" + strconv.Itoa(i),
			Tags:  []string{"alpha", "beta", strconv.Itoa(i % 7)},
			Score: float64(i) * 1.25,
			Attrs: map[string]string{"k": strconv.Itoa(i), "parity": strconv.Itoa(i % 2)},
		}
	}
	total := 0
	for round := 0; round < 10; round++ {
		data, err := json.Marshal(records)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var decoded []Record
		if err := json.Unmarshal(data, &decoded); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		total += len(data) + len(decoded)
	}
	fmt.Println("json bytes+records:", total)
}
