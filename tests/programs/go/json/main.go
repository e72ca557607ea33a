// json: encoding/json round trips of generated records plus regexp matching
// over generated text; only checksums and counts are printed.
package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
)

type Address struct {
	Street string `json:"street"`
	City   string `json:"city"`
	Zip    int    `json:"zip"`
}

type Record struct {
	ID     int               `json:"id"`
	Name   string            `json:"name"`
	Email  string            `json:"email"`
	Score  float64           `json:"score"`
	Active bool              `json:"active"`
	Tags   []string          `json:"tags"`
	Home   Address           `json:"home"`
	Extra  map[string]int    `json:"extra,omitempty"`
	Notes  *string           `json:"notes"`
	Nested [][]int           `json:"nested"`
	Labels map[string]string `json:"labels"`
}

type lcg uint64

func (l *lcg) next() uint64 {
	*l = *l*6364136223846793005 + 1442695040888963407
	return uint64(*l >> 33)
}

var syllables = []string{"ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "ü", "ß", "\"q\"", "<>&"}

func word(r *lcg, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(syllables[r.next()%uint64(len(syllables))])
	}
	return b.String()
}

func main() {
	r := lcg(7)
	records := make([]Record, 3000)
	for i := range records {
		rec := Record{
			ID:     i,
			Name:   word(&r, 3),
			Email:  fmt.Sprintf("user%d@%s.example", i, word(&r, 2)),
			Score:  float64(r.next()%100000) / 7.0,
			Active: r.next()%2 == 0,
			Tags:   []string{word(&r, 1), word(&r, 2)},
			Home:   Address{Street: word(&r, 4), City: word(&r, 2), Zip: int(r.next() % 99999)},
			Nested: [][]int{{i, i * 2}, {}},
			Labels: map[string]string{"k" + word(&r, 1): word(&r, 1), "z": "last"},
		}
		if i%3 == 0 {
			rec.Extra = map[string]int{"a": i, "b": -i}
		}
		if i%5 == 0 {
			note := word(&r, 5)
			rec.Notes = &note
		}
		records[i] = rec
	}

	encoded, err := json.Marshal(records)
	if err != nil {
		fmt.Println("marshal:", err)
		os.Exit(1)
	}
	fmt.Printf("encoded %d bytes sha256=%x\n", len(encoded), sha256.Sum256(encoded))

	var decoded []Record
	if err := json.Unmarshal(encoded, &decoded); err != nil {
		fmt.Println("unmarshal:", err)
		os.Exit(1)
	}
	fmt.Printf("decoded %d records, equal=%v\n", len(decoded), reflect.DeepEqual(records, decoded))

	indented, err := json.MarshalIndent(decoded[:50], "", "  ")
	if err != nil {
		fmt.Println("indent:", err)
		os.Exit(1)
	}
	fmt.Printf("indented sha256=%x\n", sha256.Sum256(indented))

	// Generic decoding into interface{} values.
	var generic []map[string]any
	if err := json.Unmarshal(encoded, &generic); err != nil {
		fmt.Println("generic unmarshal:", err)
		os.Exit(1)
	}
	var scoreSum float64
	for _, g := range generic {
		scoreSum += g["score"].(float64)
	}
	fmt.Printf("generic: %d maps, score sum=%.3f\n", len(generic), scoreSum)

	// Regular expressions over a generated text.
	var text strings.Builder
	for i := 0; i < 20000; i++ {
		switch r.next() % 4 {
		case 0:
			fmt.Fprintf(&text, "mail %s@%s.org; ", word(&r, 2), word(&r, 1))
		case 1:
			fmt.Fprintf(&text, "date 20%02d-%02d-%02d ", r.next()%30, 1+r.next()%12, 1+r.next()%28)
		case 2:
			fmt.Fprintf(&text, "num %d ", r.next()%1000000)
		default:
			text.WriteString(word(&r, 3) + " ")
		}
	}
	s := text.String()
	emails := regexp.MustCompile(`[a-zà-ÿ"<>&]+@[a-z"<>&]+\.org`).FindAllString(s, -1)
	dates := regexp.MustCompile(`\b(20\d\d)-(\d\d)-(\d\d)\b`).FindAllStringSubmatch(s, -1)
	replaced := regexp.MustCompile(`num (\d+)`).ReplaceAllString(s, "n<$1>")
	h := sha256.New()
	for _, e := range emails {
		h.Write([]byte(e))
	}
	fmt.Printf("text %d bytes: emails=%d sha256=%x\n", len(s), len(emails), h.Sum(nil))
	fmt.Printf("dates=%d first=%v\n", len(dates), dates[0][1:])
	fmt.Printf("replaced sha256=%x\n", sha256.Sum256([]byte(replaced)))
}
