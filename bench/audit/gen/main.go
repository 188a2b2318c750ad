// Command gen writes a generated cluster bundle for aksnet audit (see
// package podgen): design.yaml, nodes.json, services.json and pods.json.
//
//	go run ./bench/audit/gen -pods 150000 -outside 3 DIR
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/aksnet/aksnet/bench/audit/podgen"
)

func main() {
	pods := flag.Int("pods", 150_000, "number of pods")
	outside := flag.Int("outside", 3, "number of pods given an address outside the pod CIDR (spread evenly)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: gen [-pods N] [-outside K] DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 || *pods < 1 || *outside < 0 || *outside > *pods {
		flag.Usage()
		os.Exit(2)
	}
	o := podgen.Options{Pods: *pods, Outside: podgen.Spread(*pods, *outside)}
	size, err := podgen.WriteBundle(flag.Arg(0), o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	fmt.Printf("%s: %d pods on %d nodes, %d outside the pod CIDR; pods.json is %d bytes\n", flag.Arg(0), *pods, o.Nodes(), *outside, size)
}
