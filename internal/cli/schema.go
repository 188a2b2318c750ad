package cli

import (
	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/designfile"
)

func (e *env) schemaCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of design files",
		Long: `Schema prints the JSON Schema (draft 2020-12) of design documents. Point your
editor at it to validate designs while typing, e.g. with the YAML language
server: # yaml-language-server: $schema=./design.schema.json`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			b, err := designfile.Schema()
			if err != nil {
				return err
			}
			_, err = e.stdout.Write(b)
			return err
		},
	}
}
