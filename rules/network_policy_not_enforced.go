package rules

import (
	"fmt"
	"strings"
	"time"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

// Dated NetworkPolicy engine changes.
var (
	// egNPMWindowsRetirement: Azure NPM on Windows nodes is unsupported and
	// takes no new onboarding from this day.
	egNPMWindowsRetirement = egDate(2026, time.September, 30)
	// egNPMLinuxRetirement: Azure NPM on Linux is unsupported from this day.
	egNPMLinuxRetirement = egDate(2028, time.September, 30)
	// egLegacyEngineBlock: from this release AKS rejects installing or
	// uninstalling Calico or Azure NPM on clusters older than 1.30.
	egLegacyEngineBlock = egDate(2026, time.May, 29)
)

// Azure NPM scale limits on Linux (beyond them it runs out of memory).
const (
	egNPMMaxNodes = 250
	egNPMMaxPods  = 20000
)

var networkPolicyNotEnforced = &Rule{
	ID:       "network-policy-not-enforced",
	Title:    "NetworkPolicies will not be enforced: no engine, or an engine the cluster cannot run",
	Severity: finding.Error,
	Doc: "Kubernetes accepts NetworkPolicy objects whether or not anything enforces them. Without a " +
		"policy engine (networkPolicy none, the AKS default) every policy is silently ignored and every " +
		"pod can reach every other pod. An engine the cluster cannot run does the same damage, and the " +
		"combinations are narrow. Cilium needs the Cilium dataplane on Azure CNI and covers Linux nodes " +
		"only. Azure NPM needs Azure CNI (not kubenet) and runs out of memory beyond 250 nodes or " +
		"20,000 pods. It has no IPv6, its Windows support ended on 2026-09-30, and its Linux support " +
		"ends on 2028-09-30. Calico and Azure NPM do not support dual-stack clusters, and since the " +
		"2026-05-29 release AKS refuses to install or remove them on Kubernetes older than 1.30. " +
		"Requirements that ask for policy (requirements.networkPolicy, requirements.sensitiveNamespaces) " +
		"turn a missing engine into an error; without them it is a warning, because policies written " +
		"later will not be enforced either.",
	Remediation: "Enforce NetworkPolicy with Azure CNI powered by Cilium (network.dataplane: cilium, " +
		"network.policy: cilium) on Overlay or a pod subnet.",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/use-network-policies",
		"https://learn.microsoft.com/azure/aks/azure-cni-powered-by-cilium",
		"https://learn.microsoft.com/azure/aks/azure-cni-overlay",
		"https://learn.microsoft.com/azure/aks/configure-kubenet",
		"https://learn.microsoft.com/azure/aks/update-azure-cni",
		"https://github.com/Azure/AKS/blob/master/CHANGELOG.md",
	},
	Check: egCheckNetworkPolicy,
}

// egPolicyEngine returns the engine that will enforce policies. The Cilium
// dataplane enforces NetworkPolicy itself, so an unwritten policy with the
// Cilium dataplane counts as Cilium; an explicit "none" stays none.
func egPolicyEngine(c *design.Cluster) design.PolicyEngine {
	if c.Network.Policy == "" && c.Dataplane() == design.DataplaneCilium {
		return design.PolicyCilium
	}
	return c.Policy()
}

// egPolicyName names an engine as users know it.
func egPolicyName(e design.PolicyEngine) string {
	switch e {
	case design.PolicyAzure:
		return "Azure Network Policy Manager"
	case design.PolicyCalico:
		return "Calico"
	case design.PolicyCilium:
		return "Cilium"
	}
	return "none"
}

func egCheckNetworkPolicy(p *Pass) {
	for i := range p.Design.Spec.Clusters {
		egCheckClusterPolicy(p, &p.Design.Spec.Clusters[i])
	}
}

func egCheckClusterPolicy(p *Pass, c *design.Cluster) {
	network := design.Field(c.Path, "network")
	policyPath := network
	if c.Network.Policy != "" {
		policyPath = design.Field(network, "policy")
	}
	engine := egPolicyEngine(c)
	m := c.IPAM()
	report := func(sev finding.Severity, msg, fix string) {
		p.Report(Issue{Subject: c.Subject(), Path: policyPath, Severity: sev, Message: msg, Remediation: fix})
	}

	if engine == design.PolicyNone {
		if m == design.IPAMBYO {
			return // the user's own CNI decides; AKS installs no engine
		}
		req := c.Requirements
		var wants []string
		if req.NetworkPolicy {
			wants = append(wants, "requirements.networkPolicy is true")
		}
		if n := len(req.SensitiveNamespaces); n > 0 {
			wants = append(wants, fmt.Sprintf("%s %s must be isolated", egPlural(n, "namespace", "namespaces"),
				egList(req.SensitiveNamespaces)))
		}
		how := "network.policy is none"
		if c.Network.Policy == "" {
			how = "no network.policy is set, so AKS installs none"
		}
		if len(wants) > 0 {
			report(finding.Error, fmt.Sprintf("cluster %s needs NetworkPolicy enforcement (%s) but %s: the API "+
				"server accepts NetworkPolicy objects and nothing enforces them", c.Name, strings.Join(wants, "; "), how), "")
			return
		}
		report(finding.Warning, fmt.Sprintf("cluster %s has no NetworkPolicy engine (%s): every pod can reach "+
			"every other pod, and NetworkPolicies written later will be accepted and silently ignored", c.Name, how), "")
		return
	}

	name := egPolicyName(engine)
	if m == design.IPAMBYO {
		report(finding.Error, fmt.Sprintf("cluster %s asks AKS for %s with plugin none: with a bring-your-own "+
			"CNI AKS installs no policy engine, so network.policy must be none and your CNI must enforce policies",
			c.Name, name), "Set network.policy to none and enforce NetworkPolicy with the CNI you install, or use an AKS-managed plugin.")
		return
	}

	cilium := c.Dataplane() == design.DataplaneCilium
	switch {
	case m == design.IPAMKubenet && (engine == design.PolicyCilium || cilium):
		report(finding.Error, fmt.Sprintf("cluster %s uses kubenet with Cilium: Azure CNI powered by Cilium needs "+
			"Azure CNI (Overlay, pod subnet or node subnet), not kubenet", c.Name),
			"Migrate the cluster to Azure CNI Overlay first, then update the dataplane to Cilium.")
		return
	case engine == design.PolicyCilium && !cilium:
		report(finding.Error, fmt.Sprintf("cluster %s sets network.policy cilium with the %s dataplane: Cilium "+
			"enforces policies only as the dataplane", c.Name, c.Dataplane()),
			"Set network.dataplane: cilium together with network.policy: cilium.")
		return
	case cilium && engine != design.PolicyCilium:
		report(finding.Error, fmt.Sprintf("cluster %s runs the Cilium dataplane with %s: the Cilium dataplane "+
			"enforces NetworkPolicy itself and cannot run another engine", c.Name, name),
			"Set network.policy: cilium (or leave it unset) on the Cilium dataplane.")
		return
	case engine == design.PolicyAzure && m == design.IPAMKubenet:
		report(finding.Error, fmt.Sprintf("cluster %s uses Azure Network Policy Manager on kubenet, which NPM "+
			"does not support", c.Name),
			"Migrate to Azure CNI Overlay and enforce policies with Cilium; on kubenet only Calico is available.")
		return
	}

	if cilium {
		for _, w := range egWindowsPools(c) {
			p.Report(Issue{
				Subject: design.PoolSubject(c, w), Path: w.Path, Severity: finding.Error,
				Message: fmt.Sprintf("pool %s of cluster %s runs Windows, but Azure CNI powered by Cilium is "+
					"Linux-only: Windows nodes get no Cilium dataplane and no policy enforcement", w.Name, c.Name),
				Remediation: "Move Windows workloads to a cluster without the Cilium dataplane (Azure CNI Overlay " +
					"with Calico enforces policies on Windows), or drop the Windows pool.",
			})
		}
	}

	if engine == design.PolicyAzure {
		egCheckNPM(p, c, policyPath)
	}
	if engine == design.PolicyCalico {
		for _, w := range egWindowsPools(c) {
			if w.OSSKU == design.SKUWindows2025 {
				p.Report(Issue{
					Subject: design.PoolSubject(c, w), Path: w.Path, Severity: finding.Warning,
					Message: fmt.Sprintf("pool %s of cluster %s runs Windows Server 2025, but Calico's documented "+
						"Windows support covers Windows Server 2019 and 2022 only", w.Name, c.Name),
					Remediation: "Confirm Calico enforces policies on Windows Server 2025 nodes before relying on it, or run the pool on Windows Server 2022.",
				})
			}
		}
	}
	if (engine == design.PolicyAzure || engine == design.PolicyCalico) && c.DualStack() {
		report(finding.Error, fmt.Sprintf("cluster %s is dual-stack and uses %s, which does not support "+
			"dual-stack clusters", c.Name, name),
			"Use Azure CNI powered by Cilium (network.dataplane: cilium) for dual-stack NetworkPolicy enforcement.")
	}
	if (engine == design.PolicyAzure || engine == design.PolicyCalico) && !c.VersionAtLeast(1, 30) {
		sev, when := finding.Error, "since the "+egDay(egLegacyEngineBlock)+" release AKS refuses"
		if !egReached(egLegacyEngineBlock) {
			sev, when = finding.Warning, "from the "+egDay(egLegacyEngineBlock)+" release AKS refuses"
		}
		report(sev, fmt.Sprintf("cluster %s runs Kubernetes %s with %s: %s to install or uninstall Calico or "+
			"Azure NPM on clusters older than 1.30", c.Name, c.KubernetesVersion, name, when),
			"Upgrade the cluster to Kubernetes 1.30 or later before installing or removing the policy engine.")
	}
}

// egCheckNPM reports Azure NPM's Windows retirement, its scale limits and its
// Linux retirement.
func egCheckNPM(p *Pass, c *design.Cluster, policyPath string) {
	for _, w := range egWindowsPools(c) {
		is := Issue{Subject: design.PoolSubject(c, w), Path: w.Path}
		var what string
		if egReached(egNPMWindowsRetirement) {
			is.Severity = finding.Error
			what = "Azure NPM on Windows nodes has been unsupported since " + egDay(egNPMWindowsRetirement) +
				" and takes no new onboarding"
		} else {
			is.Severity = finding.Warning
			what = "Azure NPM on Windows nodes becomes unsupported on " + egDay(egNPMWindowsRetirement) +
				" (" + egUntil(egNPMWindowsRetirement) + ")"
		}
		if w.OSSKU != "" && w.OSSKU != design.SKUWindows2022 {
			what += fmt.Sprintf(", and it only ever covered Windows Server 2022, not %s", w.OSSKU)
		}
		is.Message = fmt.Sprintf("pool %s of cluster %s runs Windows with Azure NPM: %s", w.Name, c.Name, what)
		is.Remediation = "Enforce policies on Windows nodes with Calico (Azure CNI), or move the Windows " +
			"workloads to a cluster whose engine supports them; plan Linux pools on Cilium."
		p.Report(is)
	}

	nodes, peak, pods := 0, 0, 0
	linux := false
	for i := range c.NodePools {
		pl := &c.NodePools[i]
		if pl.IsWindows() {
			continue
		}
		linux = true
		n := pl.MaxNodes()
		nodes += n
		peak += n + c.SurgeNodes(pl, n)
		pods += n * c.MaxPodsFor(pl)
	}
	report := func(sev finding.Severity, msg, fix string) {
		p.Report(Issue{Subject: c.Subject(), Path: policyPath, Severity: sev, Message: msg, Remediation: fix})
	}
	scaleFix := "Enforce policies with Azure CNI powered by Cilium, which has no such limit, or keep the " +
		"cluster within 250 nodes and 20,000 pods."
	switch {
	case nodes > egNPMMaxNodes:
		report(finding.Error, fmt.Sprintf("cluster %s uses Azure NPM with %s Linux nodes at full scale; NPM "+
			"supports at most %d nodes and runs out of memory beyond", c.Name, egNum(nodes), egNPMMaxNodes), scaleFix)
	case peak > egNPMMaxNodes:
		report(finding.Warning, fmt.Sprintf("cluster %s uses Azure NPM with %s Linux nodes at full scale and %s "+
			"during upgrades, above NPM's %d-node limit while surge nodes exist", c.Name, egNum(nodes), egNum(peak),
			egNPMMaxNodes), scaleFix)
	}
	if pods > egNPMMaxPods {
		report(finding.Warning, fmt.Sprintf("cluster %s uses Azure NPM and its Linux pools can hold up to %s pods "+
			"(maxPods × nodes at full scale); NPM supports at most %s pods", c.Name, egNum(pods), egNum(egNPMMaxPods)),
			scaleFix)
	}

	if !linux {
		return
	}
	msg := "Azure NPM on Linux becomes unsupported on " + egDay(egNPMLinuxRetirement) + " (" + egUntil(egNPMLinuxRetirement) + ")"
	sev := finding.Info
	switch {
	case egReached(egNPMLinuxRetirement):
		sev, msg = finding.Error, "Azure NPM on Linux has been unsupported since "+egDay(egNPMLinuxRetirement)
	case egReached(egNPMLinuxRetirement.AddDate(-1, 0, 0)):
		sev = finding.Warning
	}
	report(sev, fmt.Sprintf("cluster %s enforces policies with Azure NPM: %s", c.Name, msg),
		"Plan the move to Azure CNI powered by Cilium (az aks update --network-dataplane cilium), which replaces "+
			"NPM; check the policies that behave differently under Cilium first.")
}
