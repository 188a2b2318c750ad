package tfhcl

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/aksnet/aksnet/designfile"
	"github.com/aksnet/aksnet/export"
	"github.com/aksnet/aksnet/plan"
)

// BenchmarkImportVariables imports the fixture with variables, .tfvars,
// locals, for_each and cidrsubnet.
func BenchmarkImportVariables(b *testing.B) {
	files := loadDir(b, "variables")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Import(files); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportPlannedEstate imports the Terraform export of the plan of
// examples/financial-saas.yaml: 5 VNets, 22 subnets, 3 clusters, 13
// private endpoints, 103 resources in all.
func BenchmarkImportPlannedEstate(b *testing.B) {
	path := filepath.Join("..", "..", "examples", "financial-saas.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	req, err := designfile.LoadRequirements(path, data)
	if err != nil {
		b.Fatal(err)
	}
	res, err := plan.Plan(req, nil)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := export.Terraform(&buf, res.Design); err != nil {
		b.Fatal(err)
	}
	files := []File{{Name: "main.tf", Data: buf.Bytes()}}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Import(files); err != nil {
			b.Fatal(err)
		}
	}
}
