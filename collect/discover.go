package collect

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aksnet/aksnet/importer"
)

// The parts of az output that decide what to collect next. az prints
// resource properties flattened and camelCased; the REST API's spellings
// (vnetSubnetID, podSubnetID) are read too.
type azPoolRefs struct {
	VnetSubnetId string `json:"vnetSubnetId"`
	VnetSubnetID string `json:"vnetSubnetID"`
	PodSubnetId  string `json:"podSubnetId"`
	PodSubnetID  string `json:"podSubnetID"`
}

type azClusterRefs struct {
	NodeResourceGroup      string       `json:"nodeResourceGroup"`
	AgentPoolProfiles      []azPoolRefs `json:"agentPoolProfiles"`
	APIServerAccessProfile *struct {
		SubnetId string `json:"subnetId"`
	} `json:"apiServerAccessProfile"`
}

type azRef struct {
	ID string `json:"id"`
}

type azVNetRefs struct {
	Name          string `json:"name"`
	ID            string `json:"id"`
	ResourceGroup string `json:"resourceGroup"`
	Subnets       []struct {
		RouteTable           *azRef `json:"routeTable"`
		NatGateway           *azRef `json:"natGateway"`
		NetworkSecurityGroup *azRef `json:"networkSecurityGroup"`
	} `json:"subnets"`
}

type azNamed struct {
	Name          string `json:"name"`
	ResourceGroup string `json:"resourceGroup"`
}

// Found is what the output of one discovery command points at.
type Found struct {
	// NodeResourceGroup is the AKS node resource group (az aks show).
	NodeResourceGroup string
	// NetworkGroups are resource groups of subnets the cluster uses.
	NetworkGroups []string
	// AttachmentGroups are resource groups of route tables, NAT gateways
	// and NSGs attached to subnets of the VNets listed.
	AttachmentGroups []string
	// VNets and Zones are (resource group, name) pairs.
	VNets, Zones [][2]string
}

// Discover reads the output of a discovery step (az aks show, az aks
// nodepool list, az network vnet list, az network private-dns zone list;
// which one is given by its output file pattern) and returns what it points
// at. group is the resource group the command listed. Output of any other
// step gives an empty Found.
func Discover(filePattern, group string, data []byte) (Found, error) {
	var f Found
	subnet := func(what, id string) error {
		if id == "" {
			return nil
		}
		r, ok := importer.ParseResourceID(id)
		if !ok || !r.Is("Microsoft.Network", "virtualNetworks", "subnets") {
			return fmt.Errorf("%s %q is not a subnet resource ID", what, id)
		}
		f.NetworkGroups = addGroup(f.NetworkGroups, r.ResourceGroup)
		return nil
	}
	pools := func(ps []azPoolRefs, at string) error {
		for i, p := range ps {
			for _, id := range []string{p.VnetSubnetId, p.VnetSubnetID} {
				if err := subnet(fmt.Sprintf("%s[%d].vnetSubnetId", at, i), id); err != nil {
					return err
				}
			}
			for _, id := range []string{p.PodSubnetId, p.PodSubnetID} {
				if err := subnet(fmt.Sprintf("%s[%d].podSubnetId", at, i), id); err != nil {
					return err
				}
			}
		}
		return nil
	}
	switch filePattern {
	case "az-aks-show.json":
		var c azClusterRefs
		if err := json.Unmarshal(data, &c); err != nil {
			return f, fmt.Errorf("not az aks show output: %w", err)
		}
		f.NodeResourceGroup = c.NodeResourceGroup
		if err := pools(c.AgentPoolProfiles, "agentPoolProfiles"); err != nil {
			return f, err
		}
		if c.APIServerAccessProfile != nil {
			if err := subnet("apiServerAccessProfile.subnetId", c.APIServerAccessProfile.SubnetId); err != nil {
				return f, err
			}
		}
	case "az-aks-nodepool-list.json":
		var ps []azPoolRefs
		if err := json.Unmarshal(data, &ps); err != nil {
			return f, fmt.Errorf("not az aks nodepool list output: %w", err)
		}
		if err := pools(ps, ""); err != nil {
			return f, err
		}
	case "az-network-vnet-list.{group}.json":
		var vs []azVNetRefs
		if err := json.Unmarshal(data, &vs); err != nil {
			return f, fmt.Errorf("not az network vnet list output: %w", err)
		}
		f.AttachmentGroups = addGroup(f.AttachmentGroups, group)
		for i, v := range vs {
			if v.Name == "" {
				return f, fmt.Errorf("[%d]: a VNet without a name", i)
			}
			g := v.ResourceGroup
			if g == "" {
				g = group
			}
			f.VNets = append(f.VNets, [2]string{g, v.Name})
			for j, s := range v.Subnets {
				for _, ref := range []*azRef{s.RouteTable, s.NatGateway, s.NetworkSecurityGroup} {
					if ref == nil || ref.ID == "" {
						continue
					}
					r, ok := importer.ParseResourceID(ref.ID)
					if !ok {
						return f, fmt.Errorf("[%d].subnets[%d]: %q is not a resource ID", i, j, ref.ID)
					}
					f.AttachmentGroups = addGroup(f.AttachmentGroups, r.ResourceGroup)
				}
			}
		}
	case "az-network-private-dns-zone-list.{group}.json":
		var zs []azNamed
		if err := json.Unmarshal(data, &zs); err != nil {
			return f, fmt.Errorf("not az network private-dns zone list output: %w", err)
		}
		for i, z := range zs {
			if z.Name == "" || strings.ContainsAny(z.Name, "/\\ ") {
				return f, fmt.Errorf("[%d]: %q is not a DNS zone name", i, z.Name)
			}
			g := z.ResourceGroup
			if g == "" {
				g = group
			}
			f.Zones = append(f.Zones, [2]string{g, z.Name})
		}
	}
	return f, nil
}

// discover folds what one command's output points at into the collection.
func (c *collector) discover(st Step, v vars, data []byte) {
	if st.Tool != "az" {
		return
	}
	f, err := Discover(st.File, v.group, data)
	if err != nil {
		e := &c.man.Commands[len(c.man.Commands)-1]
		c.fail.Failures = append(c.fail.Failures, Failure{Command: strings.Join(e.Command, " "), ExitCode: e.ExitCode,
			Stderr: "unexpected output: " + err.Error(), Hint: "pass the output of the az command unchanged; is the az CLI up to date (az upgrade)?"})
		e.Error = err.Error()
		c.azFailed = true
		return
	}
	if f.NodeResourceGroup != "" {
		c.nodeRG = f.NodeResourceGroup
	}
	for _, g := range f.NetworkGroups {
		c.netRGs = addGroup(c.netRGs, g)
	}
	for _, g := range f.AttachmentGroups {
		c.attRGs = addGroup(c.attRGs, g)
	}
	for _, vn := range f.VNets {
		if !containsPair(c.vnets, vn) {
			c.vnets = append(c.vnets, groupName{vn[0], vn[1]})
		}
	}
	for _, z := range f.Zones {
		if !containsPair(c.zones, z) {
			c.zones = append(c.zones, groupName{z[0], z[1]})
		}
	}
}

func containsPair(list []groupName, p [2]string) bool {
	for _, x := range list {
		if strings.EqualFold(x.group, p[0]) && strings.EqualFold(x.name, p[1]) {
			return true
		}
	}
	return false
}
