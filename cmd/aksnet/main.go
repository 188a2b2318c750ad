// Command aksnet plans and checks Azure Kubernetes Service network designs.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/aksnet/aksnet/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
