// Package tfhcl imports Terraform configurations for the azurerm provider,
// read directly from their .tf files with github.com/hashicorp/hcl/v2, into
// one aksnet design.
//
// All .tf files of a folder form one configuration, as for Terraform;
// .tfvars files given with them set its input variables. aksnet evaluates
// the configuration as far as it can without Terraform or Azure: literal
// values, variables (defaults and .tfvars values, converted to their
// declared types), locals, count and for_each, dynamic blocks, the
// functions whose result depends only on their arguments (including
// cidrsubnet, cidrsubnets, cidrhost and cidrnetmask, written on net/netip),
// and references from one resource to another. A reference to the ID of a
// resource of the configuration (vnet_subnet_id =
// azurerm_subnet.nodes.id) is joined to that resource by its Terraform
// address, as the plan importer joins a plan's configuration references.
//
// Everything else is unknown and never guessed: data sources, module
// outputs, variables without a value, functions that read files or the
// clock, and whatever depends on them. Each unknown value aksnet reads is
// left out of the design with a warning at its file, line and column that
// names the attribute and the cause. Resources whose name, count or
// for_each is unknown are left out the same way.
//
// The mapping onto the design is the plan importer's (package
// importer/terraform): the evaluated resources are handed to it as the
// JSON document `terraform show -json` prints for a plan, so a
// configuration, its plan and its state give the same design. Private
// endpoints, private DNS zones and their VNet links are mapped here.
// Locations in the design point into the .tf files.
package tfhcl
