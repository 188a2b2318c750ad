// Command gen writes the cidr benchmark prefixes, one per line, so that
// other tools (bench/cidr/overlaps.py, bench/cidr/goover) can read them.
//
// Usage:
//
//	go run ./bench/cidr/gen -n 5000 -o bench/out/prefixes-5000.txt
package main

import (
	"bufio"
	"flag"
	"log"
	"os"

	"github.com/aksnet/aksnet/bench/cidr/prefixgen"
)

func main() {
	n := flag.Int("n", 1000, "number of prefixes")
	seed := flag.Uint64("seed", prefixgen.DefaultSeed, "generator seed")
	out := flag.String("o", "", "output file (required)")
	flag.Parse()
	if *out == "" || *n < 0 {
		flag.Usage()
		os.Exit(2)
	}
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for _, p := range prefixgen.Generate(*n, *seed) {
		w.WriteString(p.String())
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
