// Benchmarks of aksnet audit on a generated cluster of 150,000 pods
// (AKSNET_BENCH_PODS changes the number), shaped like kubectl's own output
// (about 5.4 kB a pod, 820 MB in all). See docs/benchmarks.md, "Audit:
// 150,000 pods", and bench/audit/run.sh.
package audit_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aksnet/aksnet/audit"
	"github.com/aksnet/aksnet/bench/audit/podgen"
	"github.com/aksnet/aksnet/importer/kubectl"
	"github.com/aksnet/aksnet/internal/cli"
)

var (
	bundleOnce sync.Once
	bundleDir  string
	bundleSize int64
	bundlePods int
	bundleErr  error
)

// bundle writes the generated bundle once per run, in a temporary folder
// removed by TestMain.
func bundle(b *testing.B) (string, int64, int) {
	bundleOnce.Do(func() {
		bundlePods = 150_000
		if s := os.Getenv("AKSNET_BENCH_PODS"); s != "" {
			bundlePods, bundleErr = strconv.Atoi(s)
			if bundleErr != nil {
				return
			}
		}
		bundleDir, bundleErr = os.MkdirTemp("", "aksnet-bench-audit-")
		if bundleErr != nil {
			return
		}
		bundleSize, bundleErr = podgen.WriteBundle(bundleDir, podgen.Options{Pods: bundlePods, Outside: podgen.Spread(bundlePods, 3)})
	})
	if bundleErr != nil {
		b.Fatal(bundleErr)
	}
	return bundleDir, bundleSize, bundlePods
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bundleDir != "" {
		os.RemoveAll(bundleDir)
	}
	os.Exit(code)
}

// peakHeap samples the heap in use every 10 ms until stop is called and
// returns the largest value seen, in bytes.
func peakHeap() (stop func() uint64) {
	done := make(chan struct{})
	result := make(chan uint64)
	go func() {
		var ms runtime.MemStats
		var peak uint64
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-done:
				result <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); return <-result }
}

func report(b *testing.B, peak uint64, pods int) {
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(pods)*float64(b.N)/b.Elapsed().Seconds(), "pods/s")
}

// BenchmarkAuditBundle runs 'aksnet audit -o json BUNDLE' end to end: the
// design, nodes and Services, then pods.json streamed one pod at a time.
func BenchmarkAuditBundle(b *testing.B) {
	dir, size, pods := bundle(b)
	b.SetBytes(size)
	runtime.GC()
	stop := peakHeap()
	b.ResetTimer()
	for range b.N {
		var stderr strings.Builder
		if code := cli.Run(context.Background(), []string{"audit", "-o", "json", dir}, strings.NewReader(""), io.Discard, &stderr); code != 1 {
			b.Fatalf("exit %d, want 1 (three pods are outside the pod CIDR): %s", code, stderr.String())
		}
	}
	b.StopTimer()
	report(b, stop(), pods)
}

// BenchmarkStreamPods decodes pods.json alone with kubectl.Stream and an
// Auditor, without the CLI around it.
func BenchmarkStreamPods(b *testing.B) {
	dir, size, pods := bundle(b)
	b.SetBytes(size)
	runtime.GC()
	stop := peakHeap()
	b.ResetTimer()
	for range b.N {
		f, err := os.Open(filepath.Join(dir, "pods.json"))
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		err = kubectl.Stream("pods.json", f, kubectl.Handler{Pod: func(audit.Pod) error { n++; return nil }})
		f.Close()
		if err != nil || n != pods {
			b.Fatalf("streamed %d pods, %v; want %d", n, err, pods)
		}
	}
	b.StopTimer()
	report(b, stop(), pods)
}
