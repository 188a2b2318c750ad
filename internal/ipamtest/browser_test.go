package ipamtest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/client"
	"github.com/aksnet/aksnet/ipam/server/api"
	"github.com/aksnet/aksnet/ipam/store"
	"github.com/aksnet/aksnet/ipam/store/sqlite"
)

// chromium returns Debian's Chromium (or $AKSNET_CHROMIUM), skipping the
// test when there is none unless CI is set.
func chromium(t *testing.T) string {
	t.Helper()
	path := os.Getenv("AKSNET_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := os.Stat(path); err != nil {
		msg := path + " is missing; install it with: bash .ci/chromium.sh"
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI is set, so the browser test may not be skipped)")
		}
		t.Skip(msg)
	}
	return path
}

const browserDesign = `apiVersion: aksnet.dev/v1alpha1
kind: Design
metadata:
  name: contoso-prod
  owner: platform-team
spec:
  vnets:
    - name: spoke-prod
      region: westeurope
      addressSpace: [10.0.64.0/18]
      subnets:
        - name: aks-nodes
          purpose: nodes
          addressPrefixes: [10.0.64.0/26]
  clusters:
    - name: aks-prod
      region: westeurope
      kubernetesVersion: "1.33"
      vnet: spoke-prod
      network:
        plugin: azure
        pluginMode: overlay
        podCidrs: [100.64.0.0/16]
        serviceCidrs: [10.0.128.0/20]
        dnsServiceIP: 10.0.128.10
      outbound:
        type: userDefinedRouting
      nodePools:
        - name: system
          mode: System
          subnet: aks-nodes
          count: 3
`

// seed fills a registry the way a small estate would: two pools,
// allocations of several owners and sizes, a reservation, a range to
// avoid and an imported design.
func seed(t *testing.T, ctx context.Context, c *client.Client) {
	t.Helper()
	setupPool(t, ctx, c, "vnets", "10.0.0.0/16")
	if _, err := c.CreatePool(ctx, api.CreatePoolRequest{Name: "pods", CIDR: "100.64.0.0/10", Purpose: ipam.PurposePodOverlay}); err != nil {
		t.Fatal(err)
	}
	owners := []string{"team-a", "team-b", "team-c", "team-a", "team-b", "team-d"}
	for i, bits := range []int{20, 24, 24, 22, 26, 28, 24, 23, 27, 25} {
		req := api.AllocateRequest{Bits: bits, Owner: owners[i%len(owners)], Cluster: fmt.Sprintf("aks-%d", i%3), Purpose: "node-subnet"}
		if _, _, err := c.Allocate(ctx, "vnets", req, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Reserve(ctx, "vnets", api.ReserveRequest{Bits: 21, Owner: "team-a", Note: "growth"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddAvoid(ctx, api.AvoidRequest{CIDR: "10.0.240.0/20", Name: "vpn-clients", Reason: "point-to-site VPN pool"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ImportDesign(ctx, []byte(browserDesign), client.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, _, err := c.Allocate(ctx, "pods", api.AllocateRequest{Bits: 16, Owner: "team-c"}, ""); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBrowserPage drives the web page in headless Chromium: it signs in
// with a read token, checks that the map of a seeded pool draws every
// live allocation once and to scale, searches an allocation and finds it
// on the map, and opens the findings of an imported design and the audit
// log. With AKSNET_SCREENSHOT=FILE it saves a screenshot of the map.
func TestBrowserPage(t *testing.T) {
	exe := chromium(t)
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "page.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv := startInProcess(t, st)
	admin := newClient(t, srv.URL, adminToken(t, srv.reg))
	seed(t, ctx, admin)
	read, _, err := srv.reg.CreateToken(ctx, store.Actor{Name: "test-setup"}, "viewer", []ipam.Scope{ipam.ScopeRead}, randReader{})
	if err != nil {
		t.Fatal(err)
	}
	live, err := admin.AllAllocations(ctx, client.AllocationQuery{Pool: "vnets"})
	if err != nil {
		t.Fatal(err)
	}
	var wantCIDRs []string
	for _, a := range live {
		wantCIDRs = append(wantCIDRs, a.CIDR.String())
	}
	slices.Sort(wantCIDRs)

	actx, cancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// The first action starts the browser, which lives as long as bctx.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	// JavaScript exceptions, console errors and browser log errors (CSP
	// violations among them) fail the test.
	var mu sync.Mutex
	var jsErrors []string
	cctx, stopConsole := context.WithCancel(bctx)
	console := chromedp.Console(cctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for m, err := range console {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				mu.Lock()
				jsErrors = append(jsErrors, m.String())
				mu.Unlock()
			}
		}
	}()
	defer func() {
		stopConsole()
		wg.Wait()
		for _, e := range jsErrors {
			t.Errorf("page error: %s", e)
		}
	}()
	bctx, cancel = context.WithTimeout(bctx, 90*time.Second)
	defer cancel()

	eval := func(expr string, out any) {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Evaluate[any](expr))
		if err == nil {
			err = remarshal(v, out)
		}
		if err != nil {
			t.Fatalf("evaluating %s: %v", expr, err)
		}
	}

	// Sign in with the read token.
	if err := chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible("#token"),
		chromedp.SendKeys("#token", read),
		chromedp.Click(`#token-form button[type="submit"]`),
		chromedp.WaitVisible("#pool-map rect.allocation"),
	); err != nil {
		t.Fatal(err)
	}
	var who string
	eval(`document.getElementById("who").textContent`, &who)
	if who != "Signed in as token viewer (read)." {
		t.Errorf("sign-in line: %q", who)
	}
	var stored string
	eval(`sessionStorage.getItem("aksnet-ipam-token")`, &stored)
	if stored != read {
		t.Errorf("the token is not kept in sessionStorage")
	}

	// The map of the first pool draws each live allocation once.
	var pool string
	eval(`document.getElementById("pool-map").dataset.pool`, &pool)
	if pool != "vnets" {
		t.Fatalf("the map shows pool %q, want vnets", pool)
	}
	var gotCIDRs []string
	eval(`Array.from(document.querySelectorAll("#pool-map rect.allocation")).map(r => r.dataset.cidr)`, &gotCIDRs)
	slices.Sort(gotCIDRs)
	if !slices.Equal(gotCIDRs, wantCIDRs) {
		t.Errorf("the map draws allocations %v, the registry has %v", gotCIDRs, wantCIDRs)
	}
	var kinds map[string]int
	eval(`(() => { const n = {}; for (const r of document.querySelectorAll("#pool-map rect")) n[r.getAttribute("class")] = (n[r.getAttribute("class")] || 0) + 1; return n; })()`, &kinds)
	if kinds["reservation"] != 1 || kinds["avoid"] != 1 || kinds["free"] == 0 {
		t.Errorf("map blocks by kind: %v", kinds)
	}
	// To scale: a block's area is proportional to its size.
	var areas map[string]float64
	eval(`(() => { const a = {}; for (const r of document.querySelectorAll("#pool-map rect")) a[r.dataset.cidr] = r.width.baseVal.value * r.height.baseVal.value; return a; })()`, &areas)
	total := 0.0
	for _, a := range areas {
		total += a
	}
	for _, a := range live {
		got := areas[a.CIDR.String()] / total
		want := float64(uint64(1)<<(32-a.CIDR.Bits())) / 65536
		if got < want*0.99 || got > want*1.01 && a.CIDR.Bits() <= 26 {
			t.Errorf("%s covers %.5f of the map, want %.5f", a.CIDR, got, want)
		}
	}
	var barWidth string
	eval(`document.querySelector('.pool[data-pool="vnets"] .bar .allocated').style.width`, &barWidth)
	if barWidth == "" || barWidth == "0%" {
		t.Errorf("utilization bar width %q", barWidth)
	}
	var largest string
	eval(`document.getElementById("map-facts").textContent`, &largest)
	u, err := admin.Pool(ctx, "vnets")
	if err != nil {
		t.Fatal(err)
	}
	if want := "largest free block " + u.Usage.Largest.String(); !bytes.Contains([]byte(largest), []byte(want)) {
		t.Errorf("map facts %q lack %q", largest, want)
	}
	shot := filepath.Join(t.TempDir(), "map.png")
	if p := os.Getenv("AKSNET_SCREENSHOT"); p != "" {
		shot = p
	}
	png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("screenshot is not a PNG")
	}
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}

	// Search an owner; pick a result; the map marks it.
	var teamB []ipam.Allocation
	for _, a := range live {
		if a.Owner == "team-b" {
			teamB = append(teamB, a)
		}
	}
	if err := chromedp.Do(bctx,
		chromedp.Click(`nav button[data-view="search"]`),
		chromedp.WaitVisible("#q"),
		chromedp.SendKeys("#q", "team-b"),
		chromedp.Click(`#search-form button[type="submit"]`),
		chromedp.WaitVisible("#results tbody tr"),
	); err != nil {
		t.Fatal(err)
	}
	var rows []int64
	eval(`Array.from(document.querySelectorAll("#results tbody tr")).map(r => Number(r.dataset.id))`, &rows)
	if len(rows) != len(teamB) {
		t.Errorf("search for team-b shows %d rows, the registry has %d allocations", len(rows), len(teamB))
	}
	if err := chromedp.Do(bctx,
		chromedp.Click("#results tbody tr"),
		chromedp.WaitReady("#pool-map rect.hit"),
	); err != nil {
		t.Fatal(err)
	}
	var hit int64
	eval(`Number(document.querySelector("#pool-map rect.hit").dataset.id)`, &hit)
	if len(rows) > 0 && hit != rows[0] {
		t.Errorf("the map marks allocation %d, the search row was %d", hit, rows[0])
	}
	// An address search finds what holds it.
	var ok bool
	eval(`document.getElementById("q").value = ""; document.querySelector("#results tbody").replaceChildren(); true`, &ok)
	if err := chromedp.Do(bctx,
		chromedp.Click(`nav button[data-view="search"]`),
		chromedp.SendKeys("#q", "10.0.64.9"),
		chromedp.Click(`#search-form button[type="submit"]`),
		chromedp.WaitVisible(`#results tbody tr`),
	); err != nil {
		t.Fatal(err)
	}
	var cells []string
	eval(`Array.from(document.querySelectorAll("#results tbody tr td:nth-child(3)")).map(c => c.textContent)`, &cells)
	if !slices.Equal(cells, []string{"10.0.64.0/18"}) {
		t.Errorf("address search: %v", cells)
	}

	// The imported design and its findings.
	d, err := admin.Design(ctx, "contoso-prod")
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(bctx,
		chromedp.Click(`nav button[data-view="designs"]`),
		chromedp.WaitVisible("#designs tbody tr.pick"),
		chromedp.Click("#designs tbody tr.pick"),
		chromedp.WaitVisible("#findings li"),
	); err != nil {
		t.Fatal(err)
	}
	var findings []string
	eval(`Array.from(document.querySelectorAll("#findings li code")).map(c => c.textContent)`, &findings)
	var want []string
	for _, f := range d.Findings {
		want = append(want, f.Rule)
	}
	if !slices.Equal(findings, want) {
		t.Errorf("findings shown %v, the API has %v", findings, want)
	}

	// The audit log.
	if err := chromedp.Do(bctx,
		chromedp.Click(`nav button[data-view="audit"]`),
		chromedp.WaitVisible("#audit tbody tr"),
	); err != nil {
		t.Fatal(err)
	}
	var actions []string
	eval(`Array.from(document.querySelectorAll("#audit tbody tr td:nth-child(5)")).map(c => c.textContent)`, &actions)
	au, err := admin.Audit(ctx, client.AuditQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var wantActions []string
	for _, e := range au.Entries {
		wantActions = append(wantActions, e.Action)
	}
	if !slices.Equal(actions, wantActions) || !slices.Contains(actions, "design.import") {
		t.Errorf("audit rows %v, the log has %v", actions, wantActions)
	}
}
