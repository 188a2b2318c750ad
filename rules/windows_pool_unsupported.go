package rules

import (
	"fmt"
	"time"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var windowsPoolUnsupported = &Rule{
	ID:       "windows-pool-unsupported",
	Title:    "Windows node pool in a combination AKS does not support",
	Severity: finding.Error,
	Doc: "Windows node pools only work with some network setups and images. kubenet has no Windows " +
		"support at all, and Azure CNI powered by Cilium is Linux-only (a cluster with Windows pools " +
		"cannot even switch its dataplane). Windows Server 2019 pools lost support on 2026-03-01 (their " +
		"images are removed on 2027-04-01) and never worked with static block pod IP allocation; " +
		"Windows Server 2022 loses support on 2028-06-30 and is not offered for Kubernetes 1.37 and " +
		"later. The AKS API limits Windows pool names to 6 characters (Linux pools may have 12). On " +
		"Overlay, 110 pods per node is the recommended ceiling for Windows nodes, below the mode's " +
		"default of 250.",
	Remediation: "Run Windows pools on Azure CNI (Overlay or pod subnet) with the Azure dataplane, use Windows Server 2025 (or 2022 until its retirement), keep Windows pool names to 6 characters, and set maxPods to 110 or less on Windows Overlay pools.",
	Sources: []string{
		capSrcKubenet, capSrcCNIOverview, capSrcCilium, capSrcWindows, capSrcStatic, capSrcOverlay, capSrcARMSpec,
	},
	Check: checkWindowsPoolUnsupported,
}

// Windows dates and limits used by windows-pool-unsupported.
var (
	capWS2019End = capDate(2026, time.March, 1)
	capWS2022End = capDate(2028, time.June, 30)
)

const (
	capWindowsNameMax       = 6
	capWindowsOverlayMaxPod = 110
)

func checkWindowsPoolUnsupported(p *Pass) {
	for ci := range p.Design.Spec.Clusters {
		c := &p.Design.Spec.Clusters[ci]
		for pi := range c.NodePools {
			np := &c.NodePools[pi]
			if !np.IsWindows() {
				continue
			}
			subject := design.PoolSubject(c, np)
			name := capPoolName(c, np)
			osPath := np.Path
			switch {
			case np.OS != "":
				osPath = design.Field(np.Path, "os")
			case np.OSSKU != "":
				osPath = design.Field(np.Path, "osSku")
			}
			m := c.IPAM()
			if m == design.IPAMKubenet {
				p.Reportf(subject, osPath, "Windows pool %s is in kubenet cluster %s; kubenet does not support Windows node pools", name, c.Name)
			}
			if c.Dataplane() == design.DataplaneCilium {
				p.Reportf(subject, osPath, "Windows pool %s is in cluster %s, which uses the Cilium dataplane; Azure CNI powered by Cilium runs Linux nodes only", name, c.Name)
			}
			skuPath := design.Field(np.Path, "osSku")
			switch np.OSSKU {
			case design.SKUWindows2019:
				is := Issue{Subject: subject, Path: skuPath}
				if capReached(capWS2019End) {
					is.Message = fmt.Sprintf("Windows pool %s runs Windows Server 2019, unsupported since %s (node images are removed on 2027-04-01)", name, capWS2019End.Format(time.DateOnly))
				} else {
					is.Severity = finding.Warning
					is.Message = fmt.Sprintf("Windows pool %s runs Windows Server 2019, unsupported from %s", name, capWS2019End.Format(time.DateOnly))
				}
				if m == design.IPAMPodSubnetStatic {
					is.Severity = finding.Error
					is.Message += "; static block pod IP allocation does not support Windows Server 2019 at all"
				}
				p.Report(is)
			case design.SKUWindows2022:
				is := Issue{Subject: subject, Path: skuPath}
				switch {
				case c.VersionAtLeast(1, 37):
					is.Message = fmt.Sprintf("Windows pool %s runs Windows Server 2022, which is not available for Kubernetes 1.37 and later (cluster %s is on %s)", name, c.Name, c.KubernetesVersion)
				case capReached(capWS2022End):
					is.Message = fmt.Sprintf("Windows pool %s runs Windows Server 2022, unsupported since %s", name, capWS2022End.Format(time.DateOnly))
				default:
					is.Severity = finding.Warning
					is.Message = fmt.Sprintf("Windows pool %s runs Windows Server 2022, unsupported from %s and not available for Kubernetes 1.37 and later; plan the move to Windows Server 2025", name, capWS2022End.Format(time.DateOnly))
				}
				p.Report(is)
			}
			if len(np.Name) > capWindowsNameMax {
				p.Reportf(subject, design.Field(np.Path, "name"), "Windows pool name %q has %d characters; AKS allows at most %d for Windows pools", np.Name, len(np.Name), capWindowsNameMax)
			}
			if mp := c.MaxPodsFor(np); m == design.IPAMOverlay && mp > capWindowsOverlayMaxPod {
				path, how := design.Field(np.Path, "maxPods"), "sets"
				if np.MaxPods == nil {
					path, how = np.Path, "defaults to"
				}
				p.Report(Issue{
					Subject:  subject,
					Path:     path,
					Severity: finding.Warning,
					Message:  fmt.Sprintf("Windows Overlay pool %s %s maxPods %d; %d is the recommended maximum for Windows nodes", name, how, mp, capWindowsOverlayMaxPod),
				})
			}
		}
	}
}
