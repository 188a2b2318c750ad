package netpol

// Verdict says how much of the asked connections is allowed.
type Verdict uint8

// Verdicts of Explain.
const (
	Denied Verdict = iota
	Allowed
	PartlyAllowed
)

func (v Verdict) String() string {
	switch v {
	case Allowed:
		return "allowed"
	case PartlyAllowed:
		return "partly allowed"
	}
	return "denied"
}

// Explanation is why src may or may not reach dst.
type Explanation struct {
	Src, Dst Endpoint
	// Query is the connections asked about (every connection when the
	// question named none).
	Query ConnSet
	// Allowed is the part of Query that both sides allow.
	Allowed ConnSet
	Verdict Verdict
	// Egress is the source's side, Ingress the destination's.
	Egress, Ingress Side
}

// Side is what one end's policies decide: the source's egress policies or
// the destination's ingress policies.
type Side struct {
	Direction Direction
	// Governed is false when NetworkPolicy does not apply to this end
	// (external addresses, host-network pods); Reason says why.
	Governed bool
	// Isolated is true when some policy of this Direction selects the
	// end; then only what the policies' rules allow passes. Otherwise
	// everything passes, and Reason says so.
	Isolated bool
	Reason   string
	// Policies are every policy selecting the end for this Direction, in
	// the order of Result.Policies.
	Policies []PolicyEffect
	// Allowed is what this side lets through (every connection when not
	// isolated).
	Allowed ConnSet
}

// PolicyEffect is one policy that selects an end: it isolates the end, and
// its Matched rules admit the far end.
type PolicyEffect struct {
	// Policy is the index in Result.Policies; Name is "namespace/name".
	Policy int
	Name   string
	Source Source
	// Rules is the number of rules the policy has for the direction.
	Rules int
	// Matched are the rules whose peers include the far end.
	Matched []RuleEffect
	// Partial are rules with an ipBlock that covers only part of an
	// external range asked about; they are not counted in Allowed.
	Partial []RuleEffect
	// Allowed is the union of the Matched rules' connections.
	Allowed ConnSet
}

// RuleEffect is one rule that applies to the far end.
type RuleEffect struct {
	// Index is the rule's index in spec.ingress or spec.egress.
	Index int
	// Peer is the index of the matching peer in the rule's from or to,
	// or -1 when the rule has none (it applies to every peer).
	Peer int
	// Conns are the connections the rule allows to the destination, with
	// named ports resolved against its containers.
	Conns ConnSet
	// MissingPorts are the named ports of the rule ("TCP/http") that the
	// destination does not define; they allow nothing.
	MissingPorts []string
}

// Explain says whether src may reach dst on query (every connection when
// query is empty), and which policies and rules decide it on each side.
func (r *Result) Explain(src, dst Endpoint, query ConnSet) Explanation {
	if query.IsEmpty() {
		query = AllConns()
	}
	s, d := r.endOf(src), r.endOf(dst)
	ex := Explanation{Src: src, Dst: dst, Query: query}
	eg := r.side(Egress, s.pod, d, d.pod, &ex.Egress)
	in := r.side(Ingress, d.pod, s, d.pod, &ex.Ingress)
	ex.Allowed = eg.Intersect(in).Intersect(query)
	switch {
	case ex.Allowed.IsEmpty():
		ex.Verdict = Denied
	case ex.Allowed.Equal(query):
		ex.Verdict = Allowed
	default:
		ex.Verdict = PartlyAllowed
	}
	return ex
}
