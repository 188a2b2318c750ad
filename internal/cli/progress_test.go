package cli

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	now := time.Date(2026, 10, 2, 8, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	bar := newProgressBar(&buf, "pods.json", 4_000_000, clock)
	r := &progressReader{r: strings.NewReader(strings.Repeat("x", 4_000_000)), bar: bar}
	p := make([]byte, 1_000_000)
	for range 2 {
		if _, err := io.ReadFull(r, p); err != nil {
			t.Fatal(err)
		}
	}
	// The second read came within the redraw interval: drawn once.
	if got, want := buf.String(), "\rpods.json [=======>                      ]  25%  1.0 MB / 4.0 MB\x1b[K"; got != want {
		t.Errorf("first drawing:\ngot  %q\nwant %q", got, want)
	}
	now = now.Add(redraw)
	if _, err := io.ReadFull(r, p); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(buf.String(), "\rpods.json [======================>       ]  75%  3.0 MB / 4.0 MB\x1b[K") {
		t.Errorf("after the interval: %q", buf.String())
	}
	if _, err := io.ReadFull(r, p); err != nil {
		t.Fatal(err)
	}
	bar.finish()
	if !strings.HasSuffix(buf.String(), "\rpods.json [==============================] 100%  4.0 MB / 4.0 MB\x1b[K\n") {
		t.Errorf("finished: %q", buf.String())
	}

	buf.Reset()
	count := newProgressBar(&buf, "pods listed", 0, clock)
	for range 12_500 {
		count.add(1)
	}
	count.finish()
	if got, want := buf.String(), "\rpods listed  1\x1b[K\rpods listed  12,500\x1b[K\n"; got != want {
		t.Errorf("count: got %q, want %q", got, want)
	}
}

// TestNoProgressOffTerminal: a progress bar is only made for a terminal;
// a buffer, a pipe or a regular file get none.
func TestNoProgressOffTerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, w := range []io.Writer{&bytes.Buffer{}, f} {
		e := &env{stderr: w, getenv: func(string) string { return "" }}
		if bar := e.progress("pods.json", 1<<30); bar != nil {
			t.Errorf("%T: got a progress bar", w)
		}
	}
}

func TestGroupDigits(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 150000: "150,000", 1234567: "1,234,567"} {
		if got := groupDigits(n); got != want {
			t.Errorf("groupDigits(%d) = %q, want %q", n, got, want)
		}
	}
}
