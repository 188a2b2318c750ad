// Command goover counts the overlapping pairs among the prefixes in a file
// (one per line) with cidr.ForEachOverlap and reports the fastest of
// several runs, for a same-input comparison with bench/cidr/overlaps.py.
//
// Usage:
//
//	go run ./bench/cidr/goover -runs 20 bench/out/prefixes-5000.txt
//
// It prints one line: the file, the prefix count, the pair count and the
// best time in seconds. Parsing the file is not timed.
//
// With -naive it times the O(n²) loop over netip.Prefix.Overlaps instead,
// the same algorithm as overlaps.py, to separate the cost of the language
// from the cost of the algorithm.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"net/netip"
	"os"
	"time"

	"github.com/aksnet/aksnet/cidr"
)

func main() {
	runs := flag.Int("runs", 20, "number of timed runs; the fastest is reported")
	naive := flag.Bool("naive", false, "time the O(n²) pairwise loop instead of cidr.ForEachOverlap")
	flag.Parse()
	if flag.NArg() != 1 || *runs < 1 {
		fmt.Fprintln(os.Stderr, "usage: goover [-runs N] FILE")
		os.Exit(2)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		log.Fatal(err)
	}
	var ps []netip.Prefix
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if sc.Text() == "" {
			continue
		}
		p, err := cidr.ParsePrefix(sc.Text())
		if err != nil {
			log.Fatal(err)
		}
		ps = append(ps, p)
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	f.Close()

	method := "go"
	count := func() int {
		n := 0
		cidr.ForEachOverlap(ps, func(i, j int) { n++ })
		return n
	}
	if *naive {
		method = "go-naive"
		count = func() int {
			n := 0
			for i, a := range ps {
				for _, b := range ps[i+1:] {
					if a.Overlaps(b) {
						n++
					}
				}
			}
			return n
		}
	}
	best := time.Duration(1<<63 - 1)
	pairs := 0
	for range *runs {
		t := time.Now()
		pairs = count()
		best = min(best, time.Since(t))
	}
	fmt.Printf("%s file=%s prefixes=%d pairs=%d seconds=%.6f\n", method, flag.Arg(0), len(ps), pairs, best.Seconds())
}
