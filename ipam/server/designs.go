package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/designfile"
	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/server/api"
	"github.com/aksnet/aksnet/ipam/store"
	"github.com/aksnet/aksnet/rules"
)

// ActionDesignImport is the audit action of a design import. Its entry's
// subject is "design/NAME" and its detail the document and what the
// import did with each range, so the registry keeps every imported
// design without a table of its own.
const ActionDesignImport = "design.import"

// designDetail is the detail of a design.import audit entry.
type designDetail struct {
	Name     string              `json:"name"`
	Owner    string              `json:"owner"`
	YAML     string              `json:"yaml"`
	Ranges   []api.ImportedRange `json:"ranges"`
	Errors   int                 `json:"errors"`
	Warnings int                 `json:"warnings"`
	Infos    int                 `json:"infos"`
}

// designSource is the file name problems and findings of an imported
// design carry.
const designSource = "design.yaml"

// validDesignName checks the metadata.name of a design to import: 1 to
// 63 letters, digits, '-', '.' and '_'.
func validDesignName(n string) error {
	ok := n != "" && len(n) <= 63
	for i := 0; i < len(n) && ok; i++ {
		c := n[i]
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
	}
	if !ok {
		return badRequest("metadata.name", fmt.Sprintf("design name %q must be 1 to 63 letters, digits, '-', '.' and '_'", n),
			"the registry files imported designs under their metadata.name")
	}
	return nil
}

// place is one range of a design to register.
type place struct {
	r    api.ImportedRange
	key  string
	ext  *design.ExternalRange
	pool string
}

// DesignRanges lists the top-level ranges of a design in document order:
// VNet address spaces (purpose vnet), cluster pod CIDRs (pod-cidr) and
// Service CIDRs (service-cidr), and external ranges (external), each with
// its path and line. Subnets are not listed: they lie inside their VNet's
// address space, which holds them in the registry.
func DesignRanges(d *design.Design) []api.ImportedRange {
	var out []api.ImportedRange
	add := func(path, purpose, cluster string, p netip.Prefix) {
		out = append(out, api.ImportedRange{Path: path, Line: d.Locate(path).Line, CIDR: p.Masked(), Purpose: purpose, Cluster: cluster})
	}
	for i := range d.Spec.VNets {
		v := &d.Spec.VNets[i]
		for j, p := range v.AddressSpace {
			add(design.Index(design.Field(v.Path, "addressSpace"), j), "vnet", "", p)
		}
	}
	for i := range d.Spec.Clusters {
		c := &d.Spec.Clusters[i]
		net := design.Field(c.Path, "network")
		for j, p := range c.Network.PodCIDRs {
			add(design.Index(design.Field(net, "podCidrs"), j), "pod-cidr", c.Name, p)
		}
		for j, p := range c.Network.ServiceCIDRs {
			add(design.Index(design.Field(net, "serviceCidrs"), j), "service-cidr", c.Name, p)
		}
	}
	for i := range d.Spec.ExternalRanges {
		e := &d.Spec.ExternalRanges[i]
		for j, p := range e.CIDRs {
			add(design.Index(design.Field(e.Path, "cidrs"), j), "external", "", p)
		}
	}
	return out
}

// designRanges is DesignRanges with what the import needs to register
// each range: its idempotency key and, for external ranges, the range.
func designRanges(d *design.Design) []place {
	var ext []*design.ExternalRange
	for i := range d.Spec.ExternalRanges {
		for range d.Spec.ExternalRanges[i].CIDRs {
			ext = append(ext, &d.Spec.ExternalRanges[i])
		}
	}
	var out []place
	k := 0
	for _, r := range DesignRanges(d) {
		pl := place{r: r, key: "design:" + d.Metadata.Name + ":" + r.Path}
		if r.Purpose == "external" {
			pl.ext = ext[k]
			k++
		}
		out = append(out, pl)
	}
	return out
}

func countFindings(fs []finding.Finding) (errs, warns, infos int) {
	for _, f := range fs {
		switch f.Severity {
		case finding.Error:
			errs++
		case finding.Warning:
			warns++
		default:
			infos++
		}
	}
	return
}

// importDesign registers every range of a design: VNet address spaces,
// pod CIDRs and Service CIDRs as allocations (explicit claims) in the
// pools that hold them, with idempotency keys made of the design name
// and the range's path, so importing the same design again changes
// nothing. external=avoid also registers its external ranges as ranges
// to avoid. When a claim is refused, the claims this import made are
// released again and the answer names the range.
func (s *Server) importDesign(w http.ResponseWriter, c *call) error {
	q, err := query(c.r, []string{"dryRun", "external", "outside", "owner"})
	if err != nil {
		return err
	}
	dryRun := false
	switch q.Get("dryRun") {
	case "", "false":
	case "true":
		dryRun = true
	default:
		return badRequest("dryRun", fmt.Sprintf("dryRun=%q: use true or false", q.Get("dryRun")), "")
	}
	external := q.Get("external")
	if external != "" && external != "skip" && external != "avoid" {
		return badRequest("external", fmt.Sprintf("external=%q: use skip (the default) or avoid", external), "")
	}
	outside := q.Get("outside")
	if outside != "" && outside != "error" && outside != "skip" {
		return badRequest("outside", fmt.Sprintf("outside=%q: use error (the default) or skip", outside), "")
	}
	d, err := designfile.Load(designSource, c.body)
	if err != nil {
		return err
	}
	name := d.Metadata.Name
	if err := validDesignName(name); err != nil {
		return err
	}
	owner := q.Get("owner")
	if owner == "" {
		owner = d.Metadata.Owner
	}
	if owner == "" {
		owner = name
	}
	res := rules.Run(d, rules.Options{})
	out := api.Import{Design: name, DryRun: dryRun, Ranges: []api.ImportedRange{}}
	out.Errors, out.Warnings, out.Infos = countFindings(res.Findings)

	var pools []ipam.Pool
	if err := s.reg.Store().View(c.ctx, func(tx store.ReadTx) error {
		var err error
		pools, err = tx.Pools()
		return err
	}); err != nil {
		return err
	}
	places := designRanges(d)
	first := map[netip.Prefix]int{}
	for i := range places {
		pl := &places[i]
		if pl.ext != nil {
			pl.r.Status = api.RangeSkipped
			if external == "avoid" {
				pl.r.Status = api.RangeWouldAllocate
			}
			continue
		}
		if j, ok := first[pl.r.CIDR]; ok {
			pl.r.Status = api.RangeShared
			pl.pool = places[j].pool
			continue
		}
		first[pl.r.CIDR] = i
		for _, p := range pools {
			if p.CIDR.Bits() <= pl.r.CIDR.Bits() && p.CIDR.Contains(pl.r.CIDR.Addr()) && p.CIDR.Addr().BitLen() == pl.r.CIDR.Addr().BitLen() {
				pl.pool = p.Name
				break
			}
		}
		if pl.pool == "" {
			pl.r.Status = api.RangeOutside
			if !dryRun && outside != "skip" {
				return atPath(pl.r.Path, badRequest("", fmt.Sprintf("%s at %s (line %d) lies in no registered pool", pl.r.CIDR, pl.r.Path, pl.r.Line),
					"register a pool that holds it, or import with outside=skip to leave such ranges out"))
			}
			continue
		}
		pl.r.Pool = pl.pool
		pl.r.Status = api.RangeWouldAllocate
	}

	if dryRun {
		return s.dryRun(w, c, places, &out, owner, name)
	}

	var made []ipam.Allocation
	var avoided []netip.Prefix
	rollback := func() {
		// Undo with a fresh context: the request's may be what failed.
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.RequestTimeout)
		defer cancel()
		for _, a := range slices.Backward(made) {
			if _, err := s.reg.Release(ctx, c.actor, a.Pool, a.ID); err != nil {
				s.log.Error("design import: undoing a claim failed", "allocation", a.ID, "err", err)
			}
		}
		for _, p := range avoided {
			if _, err := s.reg.RemoveAvoid(ctx, c.actor, p); err != nil {
				s.log.Error("design import: undoing a range to avoid failed", "cidr", p, "err", err)
			}
		}
	}
	for i := range places {
		pl := &places[i]
		if pl.ext != nil || pl.r.Status != api.RangeWouldAllocate {
			continue
		}
		a, replayed, err := s.reg.Allocate(c.ctx, c.actor, ipam.Request{Pool: pl.pool, CIDR: pl.r.CIDR, Owner: owner,
			Cluster: pl.r.Cluster, Purpose: pl.r.Purpose, Tags: map[string]string{"design": name}, IdempotencyKey: pl.key})
		if err != nil {
			rollback()
			return atPath(pl.r.Path, fmt.Errorf("%s at %s (line %d): %w", pl.r.CIDR, pl.r.Path, pl.r.Line, err))
		}
		pl.r.Allocation = a.ID
		pl.r.Status = api.RangeExisting
		if !replayed {
			pl.r.Status = api.RangeAllocated
			made = append(made, a)
			s.metrics.allocated(a.Pool)
		}
	}
	for i := range places {
		pl := &places[i]
		if pl.r.Status == api.RangeShared {
			pl.r.Allocation = places[first[pl.r.CIDR]].r.Allocation
		}
		if pl.ext == nil || pl.r.Status != api.RangeWouldAllocate {
			continue
		}
		reason := fmt.Sprintf("%s range %q of design %s", pl.ext.Kind, pl.ext.Name, name)
		if pl.ext.Owner != "" {
			reason += ", owned by " + pl.ext.Owner
		}
		_, err := s.reg.AddAvoid(c.ctx, c.actor, ipam.Avoid{CIDR: pl.r.CIDR, Name: pl.ext.Name, Reason: reason})
		switch {
		case errors.Is(err, ipam.ErrExists):
			pl.r.Status = api.RangeExisting
		case err != nil:
			rollback()
			return atPath(pl.r.Path, fmt.Errorf("%s at %s (line %d): %w", pl.r.CIDR, pl.r.Path, pl.r.Line, err))
		default:
			pl.r.Status = api.RangeAvoided
			avoided = append(avoided, pl.r.CIDR)
		}
	}
	for _, pl := range places {
		out.Ranges = append(out.Ranges, pl.r)
	}
	detail := designDetail{Name: name, Owner: owner, YAML: string(c.body), Ranges: out.Ranges,
		Errors: out.Errors, Warnings: out.Warnings, Infos: out.Infos}
	js, err := json.Marshal(detail)
	if err != nil {
		return err
	}
	entry := store.AuditEntry{At: s.cfg.Now().UTC().Truncate(time.Microsecond), Actor: c.actor, Action: ActionDesignImport,
		Subject: "design/" + name, Detail: string(js)}
	err = s.reg.Store().Update(c.ctx, func(tx store.Tx) error {
		var err error
		entry, err = tx.AppendAudit(entry)
		return err
	})
	if err != nil {
		return err
	}
	s.designs.add(entry, detail)
	w.Header().Set("Location", api.Prefix+"/designs/"+name)
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// dryRun says what an import would do without changing anything.
func (s *Server) dryRun(w http.ResponseWriter, c *call, places []place, out *api.Import, owner, name string) error {
	err := s.reg.Store().View(c.ctx, func(tx store.ReadTx) error {
		for i := range places {
			pl := &places[i]
			if pl.r.Status != api.RangeWouldAllocate {
				continue
			}
			if pl.ext == nil {
				a, err := tx.AllocationByKey(pl.pool, pl.key)
				switch {
				case err == nil && a.State == ipam.StateLive && a.CIDR == pl.r.CIDR:
					pl.r.Status, pl.r.Allocation = api.RangeExisting, a.ID
					continue
				case err != nil && !errors.Is(err, ipam.ErrNotFound):
					return err
				}
			}
			snap, err := tx.Overlapping(pl.r.CIDR)
			if err != nil {
				return err
			}
			cs, err := ipam.Check(snap, pl.r.CIDR)
			if err != nil {
				return err
			}
			var refused []ipam.Conflict
			for _, cf := range cs {
				// Its own pool is where the range goes; a range to avoid
				// may overlap other ranges to avoid.
				if cf.Kind == ipam.ConflictPool || (pl.ext != nil && cf.Kind != ipam.ConflictAvoid) {
					continue
				}
				if pl.ext != nil && cf.CIDR == pl.r.CIDR {
					pl.r.Status = api.RangeExisting
				}
				refused = append(refused, cf)
			}
			if pl.ext != nil {
				continue // ranges to avoid may overlap anything
			}
			if len(refused) > 0 {
				pl.r.Status, pl.r.Conflicts = api.RangeConflict, refused
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := range places {
		if places[i].r.Status == api.RangeShared {
			places[i].r.Allocation = places[firstPlace(places, places[i].r.CIDR)].r.Allocation
		}
		out.Ranges = append(out.Ranges, places[i].r)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func firstPlace(places []place, p netip.Prefix) int {
	for i := range places {
		if places[i].r.CIDR == p && places[i].ext == nil {
			return i
		}
	}
	return 0
}

// designIndex knows the latest import of each design, read from the
// audit log: once in full, then only the entries added since.
type designIndex struct {
	mu     sync.Mutex
	top    int64
	byName map[string]api.DesignSummary
}

func newDesignIndex() *designIndex { return &designIndex{byName: map[string]api.DesignSummary{}} }

func summary(e store.AuditEntry, d designDetail) api.DesignSummary {
	return api.DesignSummary{Name: d.Name, ImportedAt: e.At, ImportedBy: e.Actor.Name, Audit: e.ID,
		RangeCount: len(d.Ranges), Errors: d.Errors, Warnings: d.Warnings, Infos: d.Infos}
}

// add records an import this server made.
func (x *designIndex) add(e store.AuditEntry, d designDetail) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if cur, ok := x.byName[d.Name]; !ok || cur.Audit < e.ID {
		x.byName[d.Name] = summary(e, d)
	}
}

// refresh reads the audit entries newer than the last one read.
func (x *designIndex) refresh(ctx context.Context, st store.Store) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	const page = 1000
	top, before := x.top, int64(0)
	for {
		var es []store.AuditEntry
		err := st.View(ctx, func(tx store.ReadTx) error {
			var err error
			es, err = tx.Audit(store.AuditFilter{BeforeID: before, Limit: page})
			return err
		})
		if err != nil {
			return err
		}
		for _, e := range es {
			if e.ID <= x.top {
				x.top = top
				return nil
			}
			top = max(top, e.ID)
			if e.Action != ActionDesignImport {
				continue
			}
			var d designDetail
			if err := json.Unmarshal([]byte(e.Detail), &d); err != nil || d.Name == "" {
				continue
			}
			if cur, ok := x.byName[d.Name]; !ok || cur.Audit < e.ID {
				x.byName[d.Name] = summary(e, d)
			}
		}
		if len(es) < page {
			x.top = top
			return nil
		}
		before = es[len(es)-1].ID
	}
}

func (s *Server) listDesigns(w http.ResponseWriter, c *call) error {
	if _, err := query(c.r, nil); err != nil {
		return err
	}
	if err := s.designs.refresh(c.ctx, s.reg.Store()); err != nil {
		return err
	}
	s.designs.mu.Lock()
	out := api.Designs{Designs: []api.DesignSummary{}}
	for _, d := range s.designs.byName {
		out.Designs = append(out.Designs, d)
	}
	s.designs.mu.Unlock()
	slices.SortFunc(out.Designs, func(a, b api.DesignSummary) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	writeJSON(w, http.StatusOK, out)
	return nil
}

// getDesign returns the latest import of a design and the findings of
// aksnet check on it with the rules of this aksnet.
func (s *Server) getDesign(w http.ResponseWriter, c *call) error {
	if _, err := query(c.r, nil); err != nil {
		return err
	}
	name := c.r.PathValue("name")
	var es []store.AuditEntry
	err := s.reg.Store().View(c.ctx, func(tx store.ReadTx) error {
		var err error
		es, err = tx.Audit(store.AuditFilter{Subject: "design/" + name, Limit: 1})
		return err
	})
	if err != nil {
		return err
	}
	if len(es) == 0 || es[0].Action != ActionDesignImport {
		return fmt.Errorf("%w: no design %q was imported", ipam.ErrNotFound, name)
	}
	var d designDetail
	if err := json.Unmarshal([]byte(es[0].Detail), &d); err != nil {
		return fmt.Errorf("audit entry %d: %w", es[0].ID, err)
	}
	out := api.Design{DesignSummary: summary(es[0], d), YAML: d.YAML, Ranges: d.Ranges, Findings: []finding.Finding{}}
	if dd, err := designfile.Load(designSource, []byte(d.YAML)); err == nil {
		res := rules.Run(dd, rules.Options{})
		if res.Findings != nil {
			out.Findings = res.Findings
		}
		out.Suppressed = res.Suppressed
		out.Errors, out.Warnings, out.Infos = countFindings(res.Findings)
	} else {
		// The design was valid when imported; a stricter aksnet may
		// refuse it now. Say so instead of hiding it.
		out.Problem = "this aksnet cannot read the imported design any more: " + firstLine(err.Error())
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
