package collect

import (
	"fmt"
	"io"
	"strings"
)

// Scope says how often a step runs.
type Scope int

const (
	// Once runs the step one time.
	Once Scope = iota
	// PerNetworkGroup runs the step for each resource group that holds a
	// VNet the cluster uses (found from the subnet IDs of az aks show and
	// az aks nodepool list; the node resource group for an AKS-managed VNet).
	PerNetworkGroup
	// PerAttachmentGroup runs the step for each resource group that holds a
	// VNet of the cluster or a route table, NAT gateway or NSG attached to
	// one of their subnets.
	PerAttachmentGroup
	// PerZone runs the step for each private DNS zone found.
	PerZone
	// PerVNet runs the step for each VNet found.
	PerVNet
)

func (s Scope) String() string {
	switch s {
	case PerNetworkGroup:
		return "each VNet resource group"
	case PerAttachmentGroup:
		return "each VNet, route table, NAT gateway and NSG resource group"
	case PerZone:
		return "each private DNS zone"
	case PerVNet:
		return "each VNet"
	}
	return "once"
}

// Step is one command of a bundle. Args and File may hold placeholders:
// {resourceGroup} and {cluster} (the flags), {group} (the resource group
// of the scope), {zone} and {vnet}.
type Step struct {
	Tool  string
	Args  []string
	File  string
	Scope Scope
	// Resource is what a kubectl step lists (nodes, pods, ...); empty for az.
	Resource string
	// Why says what aksnet reads from the output.
	Why string
}

// Command returns the step's command line with placeholders left in.
func (s Step) Command() string { return s.Tool + " " + strings.Join(s.Args, " ") }

// Steps is every command aksnet collect runs, in order. az steps run only
// when a cluster is named (--resource-group and --cluster); kubectl steps
// always run, with --context when one is given.
var Steps = []Step{
	{Tool: "az", Args: []string{"aks", "show", "--resource-group", "{resourceGroup}", "--name", "{cluster}", "--output", "json"},
		File: "az-aks-show.json", Why: "network profile, node pools and their subnets, API server access"},
	{Tool: "az", Args: []string{"aks", "nodepool", "list", "--resource-group", "{resourceGroup}", "--cluster-name", "{cluster}", "--output", "json"},
		File: "az-aks-nodepool-list.json", Why: "every node pool: subnet, pod subnet, maxPods, count, autoscaling, max surge"},
	{Tool: "az", Args: []string{"network", "vnet", "list", "--resource-group", "{group}", "--output", "json"},
		File: "az-network-vnet-list.{group}.json", Scope: PerNetworkGroup, Why: "address spaces, subnets, their used addresses and attachments"},
	{Tool: "az", Args: []string{"network", "route-table", "list", "--resource-group", "{group}", "--output", "json"},
		File: "az-network-route-table-list.{group}.json", Scope: PerAttachmentGroup, Why: "user-defined routes (egress through a firewall)"},
	{Tool: "az", Args: []string{"network", "nat", "gateway", "list", "--resource-group", "{group}", "--output", "json"},
		File: "az-network-nat-gateway-list.{group}.json", Scope: PerAttachmentGroup, Why: "NAT gateways and their public IPs (SNAT ports)"},
	{Tool: "az", Args: []string{"network", "nsg", "list", "--resource-group", "{group}", "--output", "json"},
		File: "az-network-nsg-list.{group}.json", Scope: PerAttachmentGroup, Why: "security rules on the subnets"},
	{Tool: "az", Args: []string{"network", "private-endpoint", "list", "--resource-group", "{group}", "--output", "json"},
		File: "az-network-private-endpoint-list.{group}.json", Scope: PerNetworkGroup, Why: "private endpoints and the subnets they take addresses from"},
	{Tool: "az", Args: []string{"network", "private-dns", "zone", "list", "--resource-group", "{group}", "--output", "json"},
		File: "az-network-private-dns-zone-list.{group}.json", Scope: PerNetworkGroup, Why: "private DNS zones"},
	{Tool: "az", Args: []string{"network", "private-dns", "link", "vnet", "list", "--resource-group", "{group}", "--zone-name", "{zone}", "--output", "json"},
		File: "az-network-private-dns-link-vnet-list.{group}.{zone}.json", Scope: PerZone, Why: "which VNets resolve each private DNS zone"},
	{Tool: "az", Args: []string{"network", "vnet", "peering", "list", "--resource-group", "{group}", "--vnet-name", "{vnet}", "--output", "json"},
		File: "az-network-vnet-peering-list.{group}.{vnet}.json", Scope: PerVNet, Why: "peerings to hubs and other spokes"},
	{Tool: "kubectl", Args: []string{"get", "nodes", "--output", "json"}, File: "nodes.json", Resource: "nodes",
		Why: "node InternalIPs, pools and pod CIDRs"},
	{Tool: "kubectl", Args: []string{"get", "pods", "--all-namespaces", "--output", "json"}, File: "pods.json", Resource: "pods",
		Why: "pod IPs (streamed, so any number of pods is fine)"},
	{Tool: "kubectl", Args: []string{"get", "services", "--all-namespaces", "--output", "json"}, File: "services.json", Resource: "services",
		Why: "Service ClusterIPs and the kube-dns address"},
	{Tool: "kubectl", Args: []string{"get", "namespaces", "--output", "json"}, File: "namespaces.json", Resource: "namespaces",
		Why: "namespace labels, for NetworkPolicy analysis"},
	{Tool: "kubectl", Args: []string{"get", "networkpolicies", "--all-namespaces", "--output", "json"}, File: "networkpolicies.json", Resource: "networkpolicies",
		Why: "NetworkPolicies, for NetworkPolicy analysis"},
}

// WriteTable writes Steps as a Markdown table: command, output file, when
// it runs and what aksnet reads from it.
func WriteTable(w io.Writer) error {
	var b strings.Builder
	b.WriteString("| command | file | runs | read for |\n|---|---|---|---|\n")
	for _, s := range Steps {
		fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s |\n", s.Command(), s.File, s.Scope, s.Why)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
