package planout

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/plan"
)

// svgRect is a parsed <rect> with its tooltip.
type svgRect struct {
	x, y, w, h float64
	title      string
}

// parseSVG checks that data is well-formed XML with an <svg> root and
// returns its rectangles with their <title> tooltips.
func parseSVG(t *testing.T, data []byte) []svgRect {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	var rects []svgRect
	var stack []string
	var cur *svgRect
	inTitle := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("invalid XML: %v", err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 && (tk.Name.Local != "svg" || tk.Name.Space != "http://www.w3.org/2000/svg") {
				t.Fatalf("root element %v, want svg in the SVG namespace", tk.Name)
			}
			stack = append(stack, tk.Name.Local)
			switch tk.Name.Local {
			case "rect":
				r := svgRect{}
				for _, a := range tk.Attr {
					v, _ := strconv.ParseFloat(a.Value, 64)
					switch a.Name.Local {
					case "x":
						r.x = v
					case "y":
						r.y = v
					case "width":
						r.w = v
					case "height":
						r.h = v
					}
				}
				rects = append(rects, r)
				cur = &rects[len(rects)-1]
			case "title":
				inTitle = true
			case "script", "foreignObject", "image", "style":
				t.Errorf("SVG contains <%s>", tk.Name.Local)
			}
			for _, a := range tk.Attr {
				if strings.Contains(a.Value, "http") && a.Name.Local != "xmlns" {
					t.Errorf("attribute %s=%q refers outside the file", a.Name.Local, a.Value)
				}
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
			switch tk.Name.Local {
			case "rect":
				cur = nil
			case "title":
				inTitle = false
			}
		case xml.CharData:
			if inTitle && cur != nil {
				cur.title += string(tk)
			}
		}
	}
	return rects
}

// findRect returns the rectangles whose tooltip starts with prefix.
func findRects(rects []svgRect, prefix string) []svgRect {
	var out []svgRect
	for _, r := range rects {
		if strings.HasPrefix(r.title, prefix+" ") {
			out = append(out, r)
		}
	}
	return out
}

func TestAddressMapName(t *testing.T) {
	for _, tc := range []struct {
		pool string
		i    int
		want string
	}{
		{"vnets", 0, "address-map-vnets-0.svg"},
		{"podsIPv6", 2, "address-map-podsipv6-2.svg"},
		{"../x y", 1, "address-map-x-y-1.svg"},
		{"", 0, "address-map-pool-0.svg"},
	} {
		if got := AddressMapName(tc.pool, tc.i); got != tc.want {
			t.Errorf("AddressMapName(%q, %d): got %q, want %q", tc.pool, tc.i, got, tc.want)
		}
	}
}

func TestAddressMapGolden(t *testing.T) {
	r := seedResult(t)
	seen := map[string]int{}
	for _, u := range r.Pools {
		var buf bytes.Buffer
		if err := AddressMap(&buf, u); err != nil {
			t.Fatal(err)
		}
		rects := parseSVG(t, buf.Bytes())
		// Every allocation, avoided range and free block has a rectangle
		// with a tooltip.
		for _, a := range u.Allocated {
			if len(findRects(rects, a.Prefix.String())) == 0 {
				t.Errorf("pool %s: no rectangle with a tooltip for %s", u.Pool, a.Prefix)
			}
		}
		for _, p := range append(append([]string{}, prefixStrings(u.Avoided)...), prefixStrings(u.Free)...) {
			if len(findRects(rects, p)) == 0 {
				t.Errorf("pool %s: no rectangle with a tooltip for %s", u.Pool, p)
			}
		}
		var again bytes.Buffer
		if err := AddressMap(&again, u); err != nil || !bytes.Equal(buf.Bytes(), again.Bytes()) {
			t.Errorf("pool %s: rendering twice gave different output", u.Pool)
		}
		i := seen[u.Pool]
		seen[u.Pool]++
		golden(t, AddressMapName(u.Pool, i), buf.Bytes())
	}
}

func TestAddressMapToScale(t *testing.T) {
	// A /16 pool whose allocations are /19s: one /19 per row, 8 rows.
	// 10.0.64.0/18 covers rows 2 and 3; 10.0.40.0/21 is the second
	// quarter of row 1; the subnet 10.0.64.0/20 inside the /18 is the
	// first half of row 2, inset below its parent's label band.
	u := usage("vnets", "10.0.0.0/16", []plan.Allocation{
		{Prefix: pfx("10.0.0.0/19"), Purpose: "spoke VNet", Owner: "a"},
		{Prefix: pfx("10.0.40.0/21"), Purpose: "spoke VNet", Owner: "b"},
		{Prefix: pfx("10.0.64.0/18"), Purpose: "spoke VNet", Owner: "c"},
		{Prefix: pfx("10.0.64.0/20"), Purpose: "node subnet", Owner: "c"},
		{Prefix: pfx("10.0.224.0/19"), Purpose: "spoke VNet", Owner: "d"},
	})
	var buf bytes.Buffer
	if err := AddressMap(&buf, u); err != nil {
		t.Fatal(err)
	}
	rects := parseSVG(t, buf.Bytes())
	x0 := findRects(rects, "10.0.0.0/19")[0].x
	check := func(prefix string, x, y, w, h float64) {
		t.Helper()
		rs := findRects(rects, prefix)
		if len(rs) == 0 {
			t.Fatalf("no rectangle for %s", prefix)
		}
		r := rs[0] // the main map comes before the zoomed strips
		if r.x != x || r.y != y || r.w != w || r.h != h {
			t.Errorf("%s: got x=%g y=%g w=%g h=%g, want x=%g y=%g w=%g h=%g", prefix, r.x, r.y, r.w, r.h, x, y, w, h)
		}
	}
	row := mapRowHeight
	check("10.0.0.0/19", x0, mapHeader, mapBarWidth, row)
	check("10.0.40.0/21", x0+mapBarWidth/4, mapHeader+row, mapBarWidth/4, row)
	check("10.0.64.0/18", x0, mapHeader+2*row, mapBarWidth, 2*row)
	check("10.0.64.0/20", x0, mapHeader+2*row+mapBand, mapBarWidth/2, row-mapBand-2)
	check("10.0.224.0/19", x0, mapHeader+7*row, mapBarWidth, row)
	// Free space: 10.0.32.0/21 is the first quarter of row 1.
	check("10.0.32.0/21", x0, mapHeader+row, mapBarWidth/4, row)
	if !strings.Contains(buf.String(), "one row is a /19") {
		t.Error("the header does not say how large a row is")
	}
}

func TestAddressMapIPv6(t *testing.T) {
	u := usage("vnetsIPv6", "fd00:1234::/48", []plan.Allocation{
		{Prefix: pfx("fd00:1234::/56"), Purpose: "spoke VNet", Owner: "a"},
		{Prefix: pfx("fd00:1234:0:1::/64"), Purpose: "node subnet", Owner: "a"},
		{Prefix: pfx("fd00:1234:0:8000::/49"), Purpose: "reserved for a future cluster"},
	}, "fd00:1234:0:4000::/50")
	var buf bytes.Buffer
	if err := AddressMap(&buf, u); err != nil {
		t.Fatal(err)
	}
	rects := parseSVG(t, buf.Bytes())
	if len(findRects(rects, "fd00:1234:0:1::/64")) == 0 {
		t.Error("no rectangle for the /64 subnet")
	}
	if rs := findRects(rects, "fd00:1234:0:8000::/49"); len(rs) == 0 || rs[0].w != mapBarWidth {
		t.Errorf("the /49 reservation should span whole rows: %+v", rs)
	}
	if !strings.Contains(buf.String(), "2^80 addresses") {
		t.Error("the pool size of a /48 should read 2^80")
	}
}

func TestAddressMapInvalid(t *testing.T) {
	if err := AddressMap(io.Discard, plan.PoolUsage{Pool: "x"}); err == nil {
		t.Error("got no error for an invalid prefix")
	}
}

func prefixStrings[T interface{ String() string }](ps []T) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}
