package cli

import (
	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/designfile"
)

func (e *env) schemaCommand() *cobra.Command {
	var kind string
	c := &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of design files",
		Long: `Schema prints the JSON Schema (draft 2020-12) of design documents, or of
requirements documents with --kind Requirements. Point your
editor at it to validate designs while typing, e.g. with the YAML language
server: # yaml-language-server: $schema=./design.schema.json`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			var b []byte
			var err error
			switch kind {
			case "Design":
				b, err = designfile.Schema()
			case "Requirements":
				b, err = designfile.RequirementsSchema()
			default:
				return usageError("use --kind Design or --kind Requirements", "unknown kind %q", kind)
			}
			if err != nil {
				return err
			}
			_, err = e.stdout.Write(b)
			return err
		},
	}
	c.Flags().StringVar(&kind, "kind", "Design", "document kind: Design or Requirements")
	_ = c.RegisterFlagCompletionFunc("kind", fixedCompletion("Design", "Requirements"))
	return c
}
