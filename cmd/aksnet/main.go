// Command aksnet plans and checks Azure Kubernetes Service network designs.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/aksnet/aksnet/internal/cli"
)

func main() {
	// SIGTERM is how systemd and Kubernetes stop 'aksnet ipam serve'.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
