package designfile

import "github.com/aksnet/aksnet/plan"

// RequirementsSchemaID is the $id of the published requirements schema.
const RequirementsSchemaID = "https://aksnet.dev/schemas/requirements-v1alpha1.json"

// LoadRequirements parses and validates one requirements document (kind
// Requirements), as strictly as Load reads designs.
func LoadRequirements(name string, data []byte) (*plan.Requirements, error) {
	r := &plan.Requirements{}
	sources, perr := decodeDocument(name, data, plan.Kind, r)
	if perr != nil {
		return nil, perr
	}
	r.Sources = sources
	if probs := plan.Validate(r); len(probs) > 0 {
		return nil, locate(name, sources, probs)
	}
	return r, nil
}

// RequirementsSchema returns the JSON Schema of requirements documents.
func RequirementsSchema() ([]byte, error) {
	return schemaFor(&plan.Requirements{}, RequirementsSchemaID, plan.Kind,
		"aksnet requirements", "What an AKS estate needs, read by aksnet plan to produce a design.")
}
