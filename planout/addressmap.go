package planout

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"math/bits"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/plan"
	"github.com/aksnet/aksnet/sizing"
)

// AddressMapName returns the file name of the address map of the i-th
// prefix of pool: "address-map-vnets-0.svg". Characters other than ASCII
// letters and digits become dashes, and the name is lower case.
func AddressMapName(pool string, i int) string {
	var b strings.Builder
	for _, r := range strings.ToLower(pool) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	slug := strings.Trim(b.String(), "-")
	if slug == "" {
		slug = "pool"
	}
	return "address-map-" + slug + "-" + strconv.Itoa(i) + ".svg"
}

// Block classes of the address map, in legend order.
const (
	classVNet     = "vnet"
	classSubnet   = "subnet"
	classPod      = "pod"
	classService  = "service"
	classReserved = "reserved"
	classAvoided  = "avoided"
	classFree     = "free"
	classOther    = "other"
)

// mapStyle is how a class is drawn.
type mapStyle struct {
	legend string
	fill   string
	stroke string
	text   string
}

var mapStyles = map[string]mapStyle{
	classVNet:     {"VNet", "#4e79a7", "#ffffff", "#ffffff"},
	classSubnet:   {"subnet", "#a0cbe8", "#2f5f8a", "#10263a"},
	classPod:      {"pod CIDR", "#59a14f", "#ffffff", "#ffffff"},
	classService:  {"Service CIDR", "#f28e2b", "#ffffff", "#1f1300"},
	classReserved: {"reserved", "#b07aa1", "#ffffff", "#ffffff"},
	classAvoided:  {"avoided", "url(#avoid)", "#c0392b", "#7a1c14"},
	classFree:     {"free", "#f2f2f2", "#d0d0d0", "#6b6b6b"},
	classOther:    {"other", "#bab0ac", "#ffffff", "#1b1b1b"},
}

var legendOrder = []string{classVNet, classSubnet, classPod, classService, classReserved, classAvoided, classFree}

// classify picks the class of an allocation from its purpose, then from
// its pool's name.
func classify(pool string, a plan.Allocation) string {
	p := strings.ToLower(a.Purpose)
	switch {
	case strings.Contains(p, "reserv") || strings.Contains(p, "future"):
		return classReserved
	case strings.Contains(p, "subnet"):
		return classSubnet
	case strings.Contains(p, "vnet"):
		return classVNet
	case strings.Contains(p, "pod"):
		return classPod
	case strings.Contains(p, "service"):
		return classService
	}
	pool = strings.ToLower(pool)
	switch {
	case strings.Contains(pool, "pod"):
		return classPod
	case strings.Contains(pool, "service"):
		return classService
	case strings.Contains(pool, "vnet"):
		return classVNet
	}
	return classOther
}

// mapBlock is one range drawn on the map.
type mapBlock struct {
	p      netip.Prefix
	class  string
	owner  string
	what   string
	kept   bool
	depth  int  // allocations that contain it
	parent bool // it contains another allocation
}

// Geometry of the map, in pixels.
const (
	mapBarWidth    = 960.0
	mapRowHeight   = 34.0
	mapHeader      = 84.0
	mapMargin      = 12.0
	mapFontSize    = 11.0
	mapSmallFont   = 9.0
	mapCharWidth   = 0.6 // of the font size, for the monospace font
	mapBand        = 12.0
	mapStripTitle  = 20.0
	mapStripGap    = 10.0
	mapMaxStrips   = 24
	mapMinLabelPx  = 110.0 // the width the smallest block of a strip should get
	mapMaxStripLog = 3     // log2 of the most rows of a strip
	mapMinRows     = 3     // log2 of the fewest rows
	mapMaxRows     = 5     // log2 of the most rows
)

// AddressMap writes an SVG picture of one pool prefix drawn to scale: the
// address space is a bar wrapped into rows of equal size, read left to
// right and top to bottom like text, with each row labelled by its first
// address. Every allocation, avoided range and free block is a rectangle
// at its address offset, coloured by purpose; allocations inside other
// allocations (subnets in a VNet) are drawn inset in their parent. Below
// the map come zoomed strips, each to its own scale, so that small blocks
// stay legible: the part of a sparsely used pool that holds its
// allocations, and each allocation that holds others. Blocks are labelled
// with their CIDR and owner where the label fits, and every block has a
// <title> tooltip. The picture uses no scripts and no external fonts.
func AddressMap(w io.Writer, u plan.PoolUsage) error {
	if !u.Prefix.IsValid() {
		return fmt.Errorf("address map of pool %q: invalid prefix", u.Pool)
	}
	pool := u.Prefix.Masked()
	blocks := mapBlocks(u, pool)

	rowsLog := rowLog(blocks, pool)
	rows := 1 << rowsLog
	rowBits := pool.Bits() + rowsLog

	// The strips, zoomed in: first the part of a sparsely used pool that
	// holds its allocations, then each allocation that holds others.
	var strips []mapStrip
	if st, ok := extentStrip(blocks, pool, rowBits); ok {
		strips = append(strips, st)
	}
	hidden := 0
	for i, blk := range blocks {
		if !blk.parent || blk.depth != 0 || blk.class == classFree || blk.class == classAvoided {
			continue
		}
		if len(strips) == mapMaxStrips {
			hidden++
			continue
		}
		strips = append(strips, parentStrip(blocks, i))
	}

	// The axis labels: the first address of each row of the map and of
	// the strips.
	labels := make([]string, rows)
	axis := 0
	for i := range rows {
		labels[i] = rowStart(pool, rowBits, i).String()
		axis = max(axis, len(labels[i]))
	}
	for _, st := range strips {
		axis = max(axis, len(st.frame.Addr().String()))
	}
	axisWidth := float64(axis)*mapFontSize*mapCharWidth + 10
	x0 := mapMargin + axisWidth
	width := x0 + mapBarWidth + mapMargin
	gridBottom := mapHeader + float64(rows)*mapRowHeight
	y := gridBottom + mapMargin
	if len(strips) > 0 {
		y += 28
	}
	for k := range strips {
		strips[k].top = y + mapStripTitle
		y = strips[k].top + float64(int(1)<<strips[k].rowsLog)*mapRowHeight + mapStripGap
	}
	if hidden > 0 {
		y += 20
	}
	height := y + mapMargin

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="monospace" font-size="%s">`+"\n",
		px(width), px(height), px(width), px(height), px(mapFontSize))
	title := "pool " + u.Pool + " " + pool.String()
	b.WriteString("<title>" + xmlText(title) + "</title>\n")
	b.WriteString(`<defs><pattern id="avoid" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
		`<rect width="8" height="8" fill="#fbe3e4"/><line x1="0" y1="0" x2="0" y2="8" stroke="#e15759" stroke-width="3"/></pattern></defs>` + "\n")
	fmt.Fprintf(&b, `<rect width="%s" height="%s" fill="#ffffff"/>`+"\n", px(width), px(height))

	// Header: title, figures, legend.
	fmt.Fprintf(&b, `<text x="%s" y="22" font-size="15" font-weight="bold" fill="#1b1b1b">%s</text>`+"\n", px(mapMargin), xmlText(title))
	fmt.Fprintf(&b, `<text x="%s" y="42" fill="#333333">%s</text>`+"\n", px(mapMargin),
		xmlText(poolFigures(u, pool)+" · one row is a /"+strconv.Itoa(rowBits)))
	lx := mapMargin
	for _, class := range legendOrder {
		st := mapStyles[class]
		fmt.Fprintf(&b, `<rect x="%s" y="54" width="14" height="14" fill="%s" stroke="%s"/>`, px(lx), st.fill, st.stroke)
		fmt.Fprintf(&b, `<text x="%s" y="65">%s</text>`+"\n", px(lx+19), xmlText(st.legend))
		lx += 19 + float64(len(st.legend))*mapFontSize*mapCharWidth + 18
	}

	// The map: row axis, free background, then the blocks.
	for i := range rows {
		y := mapHeader + float64(i)*mapRowHeight
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" fill="#555555">%s</text>`+"\n",
			px(x0-6), px(y+mapRowHeight/2+4), xmlText(labels[i]))
	}
	fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s"/>`+"\n",
		px(x0), px(mapHeader), px(mapBarWidth), px(float64(rows)*mapRowHeight), mapStyles[classFree].fill, mapStyles[classFree].stroke)
	grid := mapFrame{pool: pool, rowsLog: rowsLog, x0: x0, top: mapHeader, rowH: mapRowHeight}
	for _, blk := range blocks {
		drawBlock(&b, blk, grid)
	}

	// The strips, each to its own scale.
	if len(strips) > 0 {
		fmt.Fprintf(&b, `<text x="%s" y="%s" font-weight="bold" fill="#1b1b1b">%s</text>`+"\n", px(mapMargin), px(gridBottom+mapMargin+18),
			xmlText("Zoomed in"))
	}
	for _, st := range strips {
		stripRowBits := st.frame.Bits() + st.rowsLog
		heading := st.heading + ", one row is a /" + strconv.Itoa(stripRowBits)
		fmt.Fprintf(&b, `<text x="%s" y="%s" fill="#1b1b1b">%s</text>`+"\n", px(x0), px(st.top-5), xmlText(heading))
		n := 1 << st.rowsLog
		for i := range n {
			fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" fill="#555555">%s</text>`+"\n",
				px(x0-6), px(st.top+float64(i)*mapRowHeight+mapRowHeight/2+4), xmlText(rowStart(st.frame, stripRowBits, i).String()))
		}
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s"/>`+"\n",
			px(x0), px(st.top), px(mapBarWidth), px(float64(n)*mapRowHeight), mapStyles[classFree].fill, mapStyles[classFree].stroke)
		frame := mapFrame{pool: st.frame, rowsLog: st.rowsLog, x0: x0, top: st.top, rowH: mapRowHeight}
		for _, blk := range blocks {
			if st.includes(blk) {
				drawBlock(&b, blk, frame)
			}
		}
	}
	if hidden > 0 {
		fmt.Fprintf(&b, `<text x="%s" y="%s" fill="#555555">%s</text>`+"\n", px(x0), px(height-2*mapMargin-4),
			xmlText(fmt.Sprintf("%d more allocations hold others; their insides are in the tooltips of the map above.", hidden)))
	}
	b.WriteString("</svg>\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("address map of pool %s %s: %w", u.Pool, pool, err)
	}
	return nil
}

// mapStrip is a zoomed view of part of the pool.
type mapStrip struct {
	heading string
	frame   netip.Prefix // the range shown
	rowsLog int          // log2 of the rows it wraps into
	top     float64
	// within is the range whose blocks are drawn; free and avoided
	// blocks are drawn only when withSpace is set.
	within    netip.Prefix
	withSpace bool
}

// includes reports whether the strip draws blk.
func (st mapStrip) includes(blk mapBlock) bool {
	if (blk.class == classFree || blk.class == classAvoided) && !st.withSpace {
		return false
	}
	return contains(st.within, blk.p) && (contains(st.frame, blk.p) || contains(blk.p, st.frame))
}

// zoom returns the smallest prefix, at least as long as outer, that holds
// every block of blocks that include accepts, and the longest prefix
// among them; ok is false when there is none.
func zoom(blocks []mapBlock, outer netip.Prefix, include func(mapBlock) bool) (frame netip.Prefix, smallest int, ok bool) {
	var lo, hi netip.Addr
	smallest = outer.Bits()
	for _, blk := range blocks {
		if !include(blk) {
			continue
		}
		first, last := blk.p.Addr(), cidr.LastAddr(blk.p)
		if !lo.IsValid() || first.Less(lo) {
			lo = first
		}
		if !hi.IsValid() || hi.Less(last) {
			hi = last
		}
		smallest = max(smallest, blk.p.Bits())
	}
	if !lo.IsValid() {
		return outer, smallest, false
	}
	return netip.PrefixFrom(lo, max(commonBits(lo, hi), outer.Bits())).Masked(), smallest, true
}

// stripRows returns how many rows (log2, at most 8 rows) a strip of frame
// needs for its smallest block, of prefix length smallest, to be about
// mapMinLabelPx wide.
func stripRows(frame netip.Prefix, smallest int) int {
	widthPx := math.Ldexp(mapBarWidth, frame.Bits()-smallest)
	rowsLog := 0
	for rowsLog < mapMaxStripLog && widthPx < mapMinLabelPx && rowsLog < frame.Addr().BitLen()-frame.Bits() {
		rowsLog++
		widthPx *= 2
	}
	return rowsLog
}

// extentStrip zooms in on the part of the pool that holds its
// allocations, when that part is at most a sixteenth of the pool and the
// smallest allocation is too narrow on the map (rows of rowBits) for its
// label: planners allocate lowest first, so a young pool is mostly empty
// space.
func extentStrip(blocks []mapBlock, pool netip.Prefix, rowBits int) (mapStrip, bool) {
	frame, smallest, ok := zoom(blocks, pool, func(blk mapBlock) bool {
		return blk.class != classFree && blk.class != classAvoided && blk.depth == 0
	})
	if !ok || frame.Bits() < pool.Bits()+4 || math.Ldexp(mapBarWidth, rowBits-smallest) >= mapMinLabelPx {
		return mapStrip{}, false
	}
	return mapStrip{
		heading: "Allocated part of the pool: " + frame.String(),
		frame:   frame, rowsLog: stripRows(frame, smallest), within: frame, withSpace: true,
	}, true
}

// parentStrip zooms in on blocks[i], an allocation that holds others: the
// frame is the smallest prefix that holds everything inside it.
func parentStrip(blocks []mapBlock, i int) mapStrip {
	parent := blocks[i]
	frame, smallest, _ := zoom(blocks, parent.p, func(blk mapBlock) bool {
		return blk.class != classFree && blk.class != classAvoided && blk.p != parent.p && contains(parent.p, blk.p)
	})
	heading := parent.p.String()
	if parent.owner != "" {
		heading += " " + parent.owner
	}
	if parent.what != "" {
		heading += " (" + parent.what + ")"
	}
	if frame != parent.p {
		heading += ": " + frame.String() + " shown"
	}
	return mapStrip{heading: heading, frame: frame, rowsLog: stripRows(frame, smallest), within: parent.p}
}

// commonBits returns the number of leading bits a and b share.
func commonBits(a, b netip.Addr) int {
	ah, al := addrU128(a)
	bh, bl := addrU128(b)
	n := bits.LeadingZeros64(ah ^ bh)
	if n == 64 {
		n += bits.LeadingZeros64(al ^ bl)
	}
	if a.Is4() {
		return n - 96
	}
	return n
}

// mapBlocks gathers what to draw, in drawing order: free blocks, avoided
// ranges, then allocations from the outside in (parents before the ranges
// inside them), each group in address order.
func mapBlocks(u plan.PoolUsage, pool netip.Prefix) []mapBlock {
	var free, avoided, allocs []mapBlock
	for _, p := range u.Free {
		if p = clip(pool, p); p.IsValid() {
			free = append(free, mapBlock{p: p, class: classFree, what: "free"})
		}
	}
	for _, p := range u.Avoided {
		if p = clip(pool, p); p.IsValid() {
			avoided = append(avoided, mapBlock{p: p, class: classAvoided, what: "avoided: the plan may not use it"})
		}
	}
	for _, a := range u.Allocated {
		p := clip(pool, a.Prefix)
		if !p.IsValid() {
			continue
		}
		allocs = append(allocs, mapBlock{p: p, class: classify(u.Pool, a), owner: a.Owner, what: a.Purpose, kept: a.Kept})
	}
	byAddr := func(a, b mapBlock) int {
		if c := a.p.Addr().Compare(b.p.Addr()); c != 0 {
			return c
		}
		return cmp.Compare(a.p.Bits(), b.p.Bits())
	}
	slices.SortStableFunc(free, byAddr)
	slices.SortStableFunc(avoided, byAddr)
	slices.SortStableFunc(allocs, byAddr)
	// Nesting: walk in address order (parents first at equal address)
	// with a stack of the allocations that contain the current one.
	var stack []int
	for i := range allocs {
		for len(stack) > 0 && !contains(allocs[stack[len(stack)-1]].p, allocs[i].p) {
			stack = stack[:len(stack)-1]
		}
		allocs[i].depth = len(stack)
		if len(stack) > 0 {
			allocs[stack[len(stack)-1]].parent = true
		}
		stack = append(stack, i)
	}
	slices.SortStableFunc(allocs, func(a, b mapBlock) int { return cmp.Compare(a.depth, b.depth) })
	out := append(free, avoided...)
	return append(out, allocs...)
}

// contains reports whether outer contains inner (equal counts).
func contains(outer, inner netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// clip returns p when it lies in pool, pool when p contains it, and the
// zero prefix when they are disjoint.
func clip(pool, p netip.Prefix) netip.Prefix {
	if !p.IsValid() || p.Addr().Is4() != pool.Addr().Is4() {
		return netip.Prefix{}
	}
	p = p.Masked()
	switch {
	case contains(pool, p):
		return p
	case contains(p, pool):
		return pool
	}
	return netip.Prefix{}
}

// rowLog picks how many rows (a power of two) to wrap the pool into: the
// most common size among the outermost allocations becomes one row, so a
// pool of /16 VNets shows one VNet per row, within 8 to 32 rows.
func rowLog(blocks []mapBlock, pool netip.Prefix) int {
	hostBits := pool.Addr().BitLen() - pool.Bits()
	counts := map[int]int{}
	best, bestN := pool.Bits()+4, 0
	for _, blk := range blocks {
		if blk.class == classFree || blk.class == classAvoided || blk.depth > 0 {
			continue
		}
		bits := blk.p.Bits()
		counts[bits]++
		if n := counts[bits]; n > bestN || n == bestN && bits < best {
			best, bestN = bits, n
		}
	}
	log := min(max(best-pool.Bits(), mapMinRows), mapMaxRows)
	return min(log, hostBits)
}

// rowStart returns the first address of row i when pool is cut into
// prefixes of rowBits.
func rowStart(pool netip.Prefix, rowBits, i int) netip.Addr {
	shift := pool.Addr().BitLen() - rowBits
	hi, lo := addrU128(pool.Addr())
	// Add i << shift to (hi, lo).
	var addHi, addLo uint64
	if shift >= 64 {
		addHi = uint64(i) << (shift - 64)
	} else {
		addLo = uint64(i) << shift
		if shift > 0 {
			addHi = uint64(i) >> (64 - shift)
		}
	}
	lo2 := lo + addLo
	carry := uint64(0)
	if lo2 < lo {
		carry = 1
	}
	return u128Addr(hi+addHi+carry, lo2, pool.Addr().Is4())
}

// addrU128 returns an address as a 128-bit number (IPv4 in the low bits).
func addrU128(a netip.Addr) (hi, lo uint64) {
	if a.Is4() {
		b := a.As4()
		return 0, uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
	}
	b := a.As16()
	for i := range 8 {
		hi = hi<<8 | uint64(b[i])
		lo = lo<<8 | uint64(b[8+i])
	}
	return hi, lo
}

// u128Addr is the inverse of addrU128.
func u128Addr(hi, lo uint64, v4 bool) netip.Addr {
	if v4 {
		return netip.AddrFrom4([4]byte{byte(lo >> 24), byte(lo >> 16), byte(lo >> 8), byte(lo)})
	}
	var b [16]byte
	for i := range 8 {
		b[7-i] = byte(hi >> (8 * i))
		b[15-i] = byte(lo >> (8 * i))
	}
	return netip.AddrFrom16(b)
}

// offset returns the position of a inside pool as a fraction of the pool.
func offset(pool netip.Prefix, a netip.Addr, hostBits int) float64 {
	ph, pl := addrU128(pool.Addr())
	ah, al := addrU128(a)
	lo := al - pl
	hi := ah - ph
	if al < pl {
		hi--
	}
	return math.Ldexp(float64(hi), 64-hostBits) + math.Ldexp(float64(lo), -hostBits)
}

// mapFrame is a region blocks are drawn in: the range it shows (pool),
// wrapped into 2^rowsLog rows of height rowH starting at (x0, top).
type mapFrame struct {
	pool    netip.Prefix
	rowsLog int
	x0, top float64
	rowH    float64
}

// drawBlock draws one block of frame f: a block at least a row long covers
// whole rows, a shorter one lies inside one row (CIDR blocks are aligned,
// so nothing else can happen). Blocks inside others are inset below a
// band that carries their parent's label. The block's depth counts from
// the frame's own range.
func drawBlock(b *strings.Builder, blk mapBlock, f mapFrame) {
	hostBits := f.pool.Addr().BitLen() - f.pool.Bits()
	rows := float64(int(1) << f.rowsLog)
	p := clip(f.pool, blk.p) // a block larger than the frame fills it
	start := offset(f.pool, p.Addr(), hostBits) * rows
	size := math.Ldexp(1, f.pool.Bits()-p.Bits()) * rows // in rows
	st := mapStyles[blk.class]
	depth := blk.depth
	inset := float64(depth) * mapBand
	bottom := float64(depth) * 2

	var x, y, w, h float64
	row := math.Floor(start)
	if size >= 1 {
		x, w = f.x0, mapBarWidth
		y = f.top + row*f.rowH + inset
		h = size*f.rowH - inset - bottom
	} else {
		x = f.x0 + (start-row)*mapBarWidth
		w = math.Max(size*mapBarWidth, 1)
		y = f.top + row*f.rowH + inset
		h = f.rowH - inset - bottom
	}
	if h < 2 {
		y, h = y-(2-h)/2, 2
	}
	strokeWidth := "1"
	if blk.kept {
		strokeWidth = "2"
	}
	fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s" stroke-width="%s">`,
		px(x), px(y), px(w), px(h), st.fill, st.stroke, strokeWidth)
	b.WriteString("<title>" + xmlText(blockTitle(blk)) + "</title></rect>\n")

	// Label: CIDR and owner, or just the CIDR, where it fits. A block with
	// others inside carries its label in the band above them.
	cidrText := blk.p.String()
	full := cidrText
	if blk.owner != "" {
		full += " " + blk.owner
	}
	band := blk.parent && depth < 2
	font := mapFontSize
	ty := y + h/2 + 4
	if band {
		font = mapSmallFont
		ty = y + mapBand - 3
		if blk.what != "" {
			full += " (" + blk.what + ")"
		}
	}
	avail := w - 6
	label := ""
	for _, cand := range []string{full, cidrText} {
		if float64(len(cand))*font*mapCharWidth <= avail {
			label = cand
			break
		}
	}
	if label == "" || h < font {
		return
	}
	if band {
		fmt.Fprintf(b, `<text x="%s" y="%s" font-size="%s" fill="%s">%s</text>`+"\n",
			px(x+3), px(ty), px(font), st.text, xmlText(label))
		return
	}
	fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" fill="%s">%s</text>`+"\n",
		px(x+w/2), px(ty), st.text, xmlText(label))
}

// blockTitle is the tooltip of a block.
func blockTitle(blk mapBlock) string {
	parts := []string{blk.p.String()}
	if blk.what != "" {
		parts = append(parts, blk.what)
	}
	if blk.owner != "" {
		parts = append(parts, "owner "+blk.owner)
	}
	parts = append(parts, countAddresses(blk.p)+" addresses")
	if blk.kept {
		parts = append(parts, "kept from the previous design")
	}
	return strings.Join(parts, " · ")
}

// countAddresses formats the size of p: "65,536", or "2^64" for sizes a
// uint64 cannot hold exactly.
func countAddresses(p netip.Prefix) string {
	host := p.Addr().BitLen() - p.Bits()
	if host >= 64 {
		return "2^" + strconv.Itoa(host)
	}
	return sizing.Count(cidr.Addresses(p))
}

// poolFigures says how much of the pool is allocated, avoided and free.
func poolFigures(u plan.PoolUsage, pool netip.Prefix) string {
	share := func(ps []netip.Prefix) float64 {
		var f float64
		for _, p := range cidr.Merge(ps) {
			if p = clip(pool, p); p.IsValid() {
				f += math.Ldexp(1, pool.Bits()-p.Bits())
			}
		}
		return f * 100
	}
	var alloc, reserved []netip.Prefix
	for _, a := range u.Allocated {
		if classify(u.Pool, a) == classReserved {
			reserved = append(reserved, a.Prefix)
		} else {
			alloc = append(alloc, a.Prefix)
		}
	}
	largest := "none"
	best := -1
	for _, p := range u.Free {
		if best < 0 || p.Bits() < best {
			best, largest = p.Bits(), p.String()
		}
	}
	return fmt.Sprintf("%s addresses · %s · allocated %s%% · reserved %s%% · avoided %s%% · free %s%% (largest free block %s)",
		countAddresses(pool), count(len(u.Allocated), "allocation"), pct(share(alloc)), pct(share(reserved)), pct(share(u.Avoided)),
		pct(share(u.Free)), largest)
}

// pct formats a percentage with one decimal.
func pct(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// px formats a coordinate with at most two decimals.
func px(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// xmlText escapes s for XML text and attribute values.
func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
