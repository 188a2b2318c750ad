package rules

import (
	"regexp"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var poolNameInvalid = &Rule{
	ID:       "pool-name-invalid",
	Title:    "Node pool name AKS does not accept",
	Severity: finding.Error,
	Doc: "AKS agent pool names must start with a lowercase letter and contain only lowercase letters " +
		"and digits, at most 12 characters (Windows pools at most 6, checked by windows-pool-unsupported). " +
		"The API rejects any other name when the pool is created, so a design that uses one cannot be " +
		"deployed as written; hyphens, underscores and capitals, common in other naming schemes, are the " +
		"usual cause.",
	Remediation: "Rename the pool to match ^[a-z][a-z0-9]{0,11}$, for example userpool1.",
	Sources:     []string{capSrcARMSpec},
	Check:       checkPoolNameInvalid,
}

var capPoolNamePattern = regexp.MustCompile(`^[a-z][a-z0-9]{0,11}$`)

func checkPoolNameInvalid(p *Pass) {
	for ci := range p.Design.Spec.Clusters {
		c := &p.Design.Spec.Clusters[ci]
		for pi := range c.NodePools {
			np := &c.NodePools[pi]
			if capPoolNamePattern.MatchString(np.Name) {
				continue
			}
			p.Reportf(design.PoolSubject(c, np), design.Field(np.Path, "name"),
				"pool name %q of cluster %s is not a valid AKS pool name: it must start with a lowercase letter and hold only lowercase letters and digits, at most 12 characters", np.Name, c.Name)
		}
	}
}
