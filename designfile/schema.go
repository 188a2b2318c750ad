package designfile

import (
	"encoding/json"
	"net/netip"
	"reflect"

	"github.com/invopop/jsonschema"

	"github.com/aksnet/aksnet/design"
)

// SchemaID is the $id of the published design schema.
const SchemaID = "https://aksnet.dev/schemas/design-v1alpha1.json"

// Schema returns the JSON Schema (draft 2020-12) of design documents,
// generated from the same Go types the loader decodes into, so the two
// cannot drift. Editors use it to validate designs as they are typed.
func Schema() ([]byte, error) {
	return schemaFor(&design.Design{}, SchemaID, design.Kind, "aksnet design",
		"An AKS estate: VNets, subnets, external ranges, clusters and node pools, checked by aksnet check.")
}

func schemaFor(v any, id, kind, title, description string) ([]byte, error) {
	r := &jsonschema.Reflector{
		ExpandedStruct: true,
		Mapper:         mapType,
	}
	s := r.Reflect(v)
	s.ID = jsonschema.ID(id)
	s.Title = title
	s.Description = description
	if p, ok := s.Properties.Get("apiVersion"); ok {
		p.Const = design.APIVersion
	}
	if p, ok := s.Properties.Get("kind"); ok {
		p.Const = kind
	}
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

var enumIface = reflect.TypeFor[enum]()

func mapType(t reflect.Type) *jsonschema.Schema {
	switch t {
	case reflect.TypeFor[netip.Prefix]():
		return &jsonschema.Schema{
			Type:        "string",
			Description: "A CIDR with no host bits set, e.g. 10.80.0.0/16 or fd00:1::/64.",
			Pattern:     `^[0-9A-Fa-f:.]+/[0-9]{1,3}$`,
		}
	case reflect.TypeFor[netip.Addr]():
		return &jsonschema.Schema{
			Type:        "string",
			Description: "An IP address, e.g. 10.0.0.10.",
			Pattern:     `^[0-9A-Fa-f:.]+$`,
		}
	}
	if t.Kind() == reflect.String && t.Implements(enumIface) {
		vals := reflect.Zero(t).Interface().(enum).EnumValues()
		s := &jsonschema.Schema{Type: "string"}
		for _, v := range vals {
			s.Enum = append(s.Enum, v)
		}
		return s
	}
	return nil
}
