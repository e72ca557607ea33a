// timers: sleeping goroutines, time.After, a Ticker and select timeouts.
// Only deterministic facts are printed (orders are sorted, durations are
// reported as "elapsed >= bound" booleans).
package main

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

func main() {
	start := time.Now()

	// Goroutines blocked in time.Sleep concurrently.
	var wg sync.WaitGroup
	var mu sync.Mutex
	var woke []int
	for _, ms := range []int{30, 10, 20} {
		wg.Add(1)
		go func(ms int) {
			defer wg.Done()
			t := time.Now()
			time.Sleep(time.Duration(ms) * time.Millisecond)
			ok := time.Since(t) >= time.Duration(ms)*time.Millisecond
			mu.Lock()
			woke = append(woke, ms)
			mu.Unlock()
			if !ok {
				fmt.Printf("sleep %dms woke early\n", ms)
			}
		}(ms)
	}
	wg.Wait()
	sort.Ints(woke)
	fmt.Printf("sleepers woke: %v\n", woke)
	fmt.Printf("sleepers elapsed >= 30ms: %v\n", time.Since(start) >= 30*time.Millisecond)

	// time.After.
	t := time.Now()
	<-time.After(25 * time.Millisecond)
	fmt.Printf("after elapsed >= 25ms: %v\n", time.Since(t) >= 25*time.Millisecond)

	// A Ticker: three ticks 10 ms apart.
	t = time.Now()
	ticker := time.NewTicker(10 * time.Millisecond)
	ticks := 0
	for range ticker.C {
		ticks++
		if ticks == 3 {
			break
		}
	}
	ticker.Stop()
	fmt.Printf("ticks=%d elapsed >= 30ms: %v\n", ticks, time.Since(t) >= 30*time.Millisecond)

	// select: a channel that never delivers loses against a timeout ...
	never := make(chan int)
	t = time.Now()
	select {
	case <-never:
		fmt.Println("select: impossible receive")
	case <-time.After(15 * time.Millisecond):
		fmt.Printf("select: timeout, elapsed >= 15ms: %v\n", time.Since(t) >= 15*time.Millisecond)
	}

	// ... and a channel fed after 5 ms wins against a long timeout.
	soon := make(chan int, 1)
	go func() {
		time.Sleep(5 * time.Millisecond)
		soon <- 42
	}()
	select {
	case v := <-soon:
		fmt.Printf("select: received %d\n", v)
	case <-time.After(10 * time.Second):
		fmt.Println("select: unexpected timeout")
	}

	// Wall clock plausibility and monotonic ordering.
	fmt.Printf("wall clock after 2024: %v\n", time.Now().Year() >= 2024)
	prev := time.Now()
	monotonic := true
	for i := 0; i < 1000; i++ {
		now := time.Now()
		if now.Before(prev) {
			monotonic = false
		}
		prev = now
	}
	fmt.Printf("monotonic: %v\n", monotonic)
	fmt.Printf("total elapsed >= 100ms: %v\n", time.Since(start) >= 100*time.Millisecond)
}
