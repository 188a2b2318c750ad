package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/designfile"
	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/client"
	"github.com/aksnet/aksnet/ipam/server"
	"github.com/aksnet/aksnet/ipam/server/api"
	"github.com/aksnet/aksnet/ipam/store"
	"github.com/aksnet/aksnet/ipam/store/postgres"
	"github.com/aksnet/aksnet/ipam/store/sqlite"
)

// Defaults of aksnet ipam.
const (
	ipamDefaultDB     = "aksnet-ipam.db"
	ipamDefaultListen = "127.0.0.1:8280"
	ipamEnvURL        = "AKSNET_IPAM_URL"
	ipamEnvToken      = "AKSNET_IPAM_TOKEN"
)

// ipamFlags are the connection flags every client command shares.
type ipamFlags struct {
	server string
	token  string
	db     string
	output string
}

func (e *env) ipamCommand() *cobra.Command {
	fl := &ipamFlags{}
	c := &cobra.Command{
		Use:   "ipam",
		Short: "Run or use the address registry that never hands out a range twice",
		Long: `ipam is aksnet's address registry: pools of address space, allocations made by
prefix length, by AKS need or by explicit claim, reservations, ranges to
avoid, conflict checks and design imports, with an append-only audit log.

'aksnet ipam serve' runs the registry as an HTTP server (API, web page,
Prometheus metrics) on a SQLite file or a PostgreSQL database. The other
commands talk to a server (--server URL or AKSNET_IPAM_URL, with --token or
AKSNET_IPAM_TOKEN) or, without a server, work on a database directly
(--db FILE: serverless mode, acting as an admin).

Exit codes: 0 done, 1 conflicts found (check), 2 usage, input or request
error.`,
		Example: `  aksnet ipam token create --admin --name admin --db aksnet-ipam.db
  aksnet ipam serve
  export AKSNET_IPAM_URL=http://127.0.0.1:8280 AKSNET_IPAM_TOKEN=aksnet_...
  aksnet ipam pools create vnets 10.0.0.0/12 --purpose vnet
  aksnet ipam allocate vnets --bits 24 --owner team-a
  aksnet ipam allocate vnets --need node-subnet --mode overlay --node-pool 50 --owner team-a
  aksnet ipam check 10.0.3.0/24 172.16.0.0/16`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	c.AddCommand(
		e.ipamServeCommand(),
		e.ipamPoolsCommand(fl),
		e.ipamAllocateCommand(fl),
		e.ipamReleaseCommand(fl),
		e.ipamListCommand(fl),
		e.ipamCheckCommand(fl),
		e.ipamImportCommand(fl),
		e.ipamTokenCommand(fl),
	)
	return c
}

// connFlags adds the flags that say which registry to use, and -o.
func connFlags(c *cobra.Command, fl *ipamFlags) *cobra.Command {
	f := c.Flags()
	f.StringVar(&fl.server, "server", "", "registry server URL (default $"+ipamEnvURL+")")
	f.StringVar(&fl.token, "token", "", "API token (default $"+ipamEnvToken+")")
	f.StringVar(&fl.db, "db", "", "serverless mode: work on this registry database directly, a SQLite file (or sqlite:PATH) or a postgres:// URL")
	f.StringVarP(&fl.output, "output", "o", "text", "output format: text or json")
	_ = c.RegisterFlagCompletionFunc("output", fixedCompletion("text", "json"))
	return c
}

// ipamDB is a parsed --db value.
type ipamDB struct {
	postgres bool
	target   string // file path or DSN
}

func parseIPAMDB(v string) (ipamDB, error) {
	switch {
	case strings.HasPrefix(v, "postgres://"), strings.HasPrefix(v, "postgresql://"):
		return ipamDB{postgres: true, target: v}, nil
	case strings.HasPrefix(v, "sqlite:"):
		v = strings.TrimPrefix(v, "sqlite:")
	}
	if v == "" {
		return ipamDB{}, usageError("give --db FILE, --db sqlite:FILE or --db postgres://USER@HOST/DB", "empty database")
	}
	return ipamDB{target: v}, nil
}

func (d ipamDB) String() string {
	if d.postgres {
		return "PostgreSQL " + redactDSN(d.target)
	}
	return "SQLite " + d.target
}

// redactDSN hides a password in a connection URL.
func redactDSN(dsn string) string {
	at := strings.LastIndexByte(dsn, '@')
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return dsn
	}
	cred := dsn[scheme+3 : at]
	if user, _, ok := strings.Cut(cred, ":"); ok {
		return dsn[:scheme+3] + user + ":***" + dsn[at:]
	}
	return dsn
}

// openIPAMStore opens a registry database. create allows making a new
// SQLite file; otherwise a missing file is an error, so a typo does not
// start an empty registry.
func (e *env) openIPAMStore(ctx context.Context, d ipamDB, create bool, guard string) (store.Store, error) {
	if d.postgres {
		st, err := postgres.Open(ctx, d.target, postgres.Options{Guard: postgres.Guard(guard)})
		if err != nil {
			return nil, &exitError{code: ExitUsage, msg: err.Error(), hint: "check the connection string and that the database server runs"}
		}
		return st, nil
	}
	if guard != "" {
		return nil, usageError("--pg-guard applies to PostgreSQL databases only", "--pg-guard given with a SQLite database")
	}
	if !create {
		if _, err := os.Stat(d.target); err != nil {
			return nil, usageError("give the registry's database file, or create one with 'aksnet ipam serve' or 'aksnet ipam token create --admin'",
				"no registry database at %s", d.target)
		}
	}
	st, err := sqlite.Open(ctx, d.target, sqlite.Options{})
	if err != nil {
		return nil, &exitError{code: ExitUsage, msg: err.Error()}
	}
	return st, nil
}

// ipamClient returns a client for the server of the flags, or for the
// API run in this process over the --db database. close releases it.
func (e *env) ipamClient(fl *ipamFlags, create bool) (cl *client.Client, close func(), err error) {
	// Refuse a bad -o before anything is asked of the registry, so that no
	// change is made whose answer could not be printed.
	if _, err := e.ipamOutput(fl); err != nil {
		return nil, nil, err
	}
	url := fl.server
	if url == "" {
		url = e.getenv(ipamEnvURL)
	}
	token := fl.token
	if token == "" {
		token = e.getenv(ipamEnvToken)
	}
	switch {
	case fl.db != "" && fl.server != "":
		return nil, nil, usageError("use --server for a registry server or --db for a database, not both", "--server and --db both given")
	case fl.db != "":
		d, err := parseIPAMDB(fl.db)
		if err != nil {
			return nil, nil, err
		}
		st, err := e.openIPAMStore(e.ctx, d, create, "")
		if err != nil {
			return nil, nil, err
		}
		user := e.getenv("USER")
		if user == "" {
			user = "unknown"
		}
		srv, err := server.New(server.Config{Registry: store.NewRegistry(st, nil), Local: "local:" + user})
		if err != nil {
			st.Close()
			return nil, nil, err
		}
		cl, err := client.New("http://serverless", "", client.WithHandler(srv.Handler()), client.WithRetries(0))
		if err != nil {
			st.Close()
			return nil, nil, err
		}
		return cl, func() { st.Close() }, nil
	case url != "":
		cl, err := client.New(url, token)
		if err != nil {
			return nil, nil, usageError("set --server or "+ipamEnvURL+" to the server's URL, such as http://127.0.0.1:8280", "%v", err)
		}
		return cl, func() {}, nil
	}
	return nil, nil, usageError("give --server URL (or set "+ipamEnvURL+") to use a registry server, or --db FILE to work on a database directly",
		"no registry given")
}

// ipamError turns a client error into an exit-2 error with the server's
// message and hint.
func ipamError(err error) error {
	if err == nil {
		return nil
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return err
	}
	var ce *client.Error
	if errors.As(err, &ce) {
		msg := ce.Body.Error
		if ce.Body.Field != "" && !strings.Contains(msg, ce.Body.Field) {
			msg = ce.Body.Field + ": " + msg
		}
		for _, p := range ce.Body.Problems {
			line := ""
			if p.Line > 0 {
				line = fmt.Sprintf("line %d: ", p.Line)
			}
			msg += "\n" + line + p.Msg
		}
		return &exitError{code: ExitUsage, msg: msg, hint: ce.Body.Hint}
	}
	return &exitError{code: ExitUsage, msg: err.Error(),
		hint: "is the registry server running at that URL? start one with 'aksnet ipam serve'"}
}

// ipamDo runs f with a client for the registry of the flags and turns
// its error into an exit-2 error with the server's message and hint.
func ipamDo[T any](e *env, fl *ipamFlags, create bool, f func(*client.Client) (T, error)) (T, error) {
	cl, done, err := e.ipamClient(fl, create)
	if err != nil {
		var zero T
		return zero, err
	}
	defer done()
	v, err := f(cl)
	return v, ipamError(err)
}

// table starts a table on standard output with the tab-separated column
// names of header.
func (e *env) table(header string) *tabwriter.Writer {
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	return tw
}

// parseID parses the ID of an allocation or a token.
func parseID(v, hint, msg string) (int64, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		return 0, usageError(hint, msg, v)
	}
	return id, nil
}

func (e *env) ipamOutput(fl *ipamFlags) (bool, error) {
	switch fl.output {
	case "text", "":
		return false, nil
	case "json":
		return true, nil
	}
	return false, usageError("use -o text or -o json", "unknown output format %q", fl.output)
}

func (e *env) writeJSON(v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = e.stdout.Write(append(b, '\n'))
	return err
}

// ---- serve

func (e *env) ipamServeCommand() *cobra.Command {
	var db, listen, logFormat, logLevel, urlFile, guard string
	var maxBody int64
	c := &cobra.Command{
		Use:   "serve",
		Short: "Run the registry server: JSON API, web page and metrics",
		Long: `Serve runs the address registry over HTTP until interrupted: the JSON API
under /api/v1 (described at /api/v1/openapi.json), the web page at /,
Prometheus metrics at /metrics (read token), and /healthz and /readyz.

The database is a SQLite file (created if missing; the default is
aksnet-ipam.db in the working folder) or a PostgreSQL database
(postgres://...), which several servers may share. Requests need a bearer
token; create the first one with 'aksnet ipam token create --admin --db ...'.

The server listens on loopback by default. It speaks plain HTTP: to serve
other machines, put a TLS-terminating proxy in front of it.`,
		Example: `  aksnet ipam serve
  aksnet ipam serve --db /var/lib/aksnet/ipam.db --listen 127.0.0.1:9000
  aksnet ipam serve --db postgres://ipam@db.internal/ipam`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := parseIPAMDB(db)
			if err != nil {
				return err
			}
			var level slog.Level
			if err := level.UnmarshalText([]byte(logLevel)); err != nil {
				return usageError("use --log-level debug, info, warn or error", "unknown log level %q", logLevel)
			}
			var h slog.Handler
			switch logFormat {
			case "text":
				h = slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level})
			case "json":
				h = slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: level})
			default:
				return usageError("use --log-format text or json", "unknown log format %q", logFormat)
			}
			log := slog.New(h)
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return usageError("give a free host:port such as 127.0.0.1:8280", "cannot listen on %s: %v", listen, err)
			}
			ctx := cmd.Context()
			st, err := e.openIPAMStore(ctx, d, true, guard)
			if err != nil {
				ln.Close()
				return err
			}
			defer st.Close()
			reg := store.NewRegistry(st, nil)
			srv, err := server.New(server.Config{Registry: reg, Logger: log, MaxBodyBytes: maxBody})
			if err != nil {
				ln.Close()
				return err
			}
			url := "http://" + ln.Addr().String()
			if host, _, _ := net.SplitHostPort(ln.Addr().String()); !isLoopback(host) {
				log.Warn("listening beyond loopback over plain HTTP; bearer tokens cross the network in clear unless a TLS proxy fronts this server", "addr", ln.Addr().String())
			}
			if n := countTokens(ctx, st); n == 0 {
				where := db
				if d.postgres {
					where = redactDSN(db) // the log is no place for a password
				}
				log.Warn("the registry has no API tokens yet; create one with: aksnet ipam token create --admin --name admin --db " + where)
			}
			log.Info("serving the address registry", "url", url, "database", d.String())
			if urlFile != "" {
				if err := os.WriteFile(urlFile, []byte(url+"\n"), 0o644); err != nil {
					ln.Close()
					return usageError("", "writing --url-file: %v", err)
				}
			}
			if err := srv.Serve(ctx, ln); err != nil {
				return &exitError{code: ExitUsage, msg: "server stopped: " + err.Error()}
			}
			log.Info("stopped")
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&db, "db", ipamDefaultDB, "database: a SQLite file (or sqlite:PATH) or a postgres:// URL")
	f.StringVar(&listen, "listen", ipamDefaultListen, "address to listen on, host:port")
	f.Int64Var(&maxBody, "max-body", server.DefaultMaxBodyBytes, "largest request body in bytes (larger bodies get 413)")
	f.StringVar(&logFormat, "log-format", "text", "log format on standard error: text or json")
	f.StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn or error")
	f.StringVar(&urlFile, "url-file", "", "write the server's URL to this file once it listens (for scripts; useful with --listen 127.0.0.1:0)")
	f.StringVar(&guard, "pg-guard", "", "PostgreSQL only, for a new database: exclusion (GiST exclusion constraints; the default) or serializable (for Postgres-compatible distributed databases)")
	return c
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

func countTokens(ctx context.Context, st store.Store) int {
	n := -1
	st.View(ctx, func(tx store.ReadTx) error {
		ts, err := tx.Tokens()
		if err == nil {
			n = len(ts)
		}
		return err
	})
	return n
}

// ---- pools

func (e *env) ipamPoolsCommand(fl *ipamFlags) *cobra.Command {
	c := &cobra.Command{
		Use:   "pools",
		Short: "List the pools with their usage; create and delete pools",
		Example: `  aksnet ipam pools
  aksnet ipam pools create vnets 10.0.0.0/12 --purpose vnet --tag region=westeurope
  aksnet ipam pools delete vnets`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			asJSON, err := e.ipamOutput(fl)
			if err != nil {
				return err
			}
			pools, err := ipamDo(e, fl, false, func(cl *client.Client) ([]api.Pool, error) { return cl.Pools(e.ctx) })
			if err != nil {
				return err
			}
			if asJSON {
				return e.writeJSON(api.Pools{Pools: pools})
			}
			if len(pools) == 0 {
				fmt.Fprintln(e.stdout, "no pools; create one with 'aksnet ipam pools create NAME CIDR --purpose vnet'")
				return nil
			}
			tw := e.table("NAME\tCIDR\tPURPOSE\tUSED\tFREE\tLARGEST FREE\tALLOCATIONS")
			for _, p := range pools {
				u := p.Usage
				largest := "-"
				if u.Largest.IsValid() {
					largest = u.Largest.String()
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%d\n", p.Name, p.CIDR, p.Purpose, percent(u.Allocated+u.Reserved, u.Size),
					u.Free, largest, u.Allocations)
			}
			return tw.Flush()
		},
	}
	var purpose, desc string
	var tags []string
	create := &cobra.Command{
		Use:   "create NAME CIDR",
		Short: "Register a pool of address space",
		Args:  cobra.ExactArgs(2),
		RunE: func(_ *cobra.Command, args []string) error {
			tm, err := parseTags(tags)
			if err != nil {
				return err
			}
			p, err := ipamDo(e, fl, true, func(cl *client.Client) (ipam.Pool, error) {
				return cl.CreatePool(e.ctx, api.CreatePoolRequest{Name: args[0], CIDR: args[1], Purpose: ipam.Purpose(purpose), Tags: tm, Description: desc})
			})
			if err != nil {
				return err
			}
			if fl.output == "json" {
				return e.writeJSON(p)
			}
			fmt.Fprintf(e.stdout, "pool %s %s (%s)\n", p.Name, p.CIDR, p.Purpose)
			return nil
		},
	}
	create.Flags().StringVar(&purpose, "purpose", "", "what the space is for: vnet, pod-overlay, service or other (required)")
	create.Flags().StringVar(&desc, "description", "", "free text for people")
	create.Flags().StringArrayVar(&tags, "tag", nil, "tag KEY=VALUE (repeatable)")
	_ = create.RegisterFlagCompletionFunc("purpose", fixedCompletion("vnet", "pod-overlay", "service", "other"))
	del := &cobra.Command{
		Use:   "delete NAME",
		Short: "Remove a pool without live allocations or reservations",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			_, err := ipamDo(e, fl, false, func(cl *client.Client) (struct{}, error) { return struct{}{}, cl.DeletePool(e.ctx, args[0]) })
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "pool %s deleted\n", args[0])
			return nil
		},
	}
	connFlags(create, fl)
	connFlags(del, fl)
	c.AddCommand(create, del)
	return connFlags(c, fl)
}

func percent(n, of uint64) string {
	if of == 0 {
		return "0%"
	}
	return strconv.FormatFloat(float64(n)*100/float64(of), 'f', 1, 64) + "%"
}

func parseTags(vs []string) (map[string]string, error) {
	if len(vs) == 0 {
		return nil, nil
	}
	m := map[string]string{}
	for _, v := range vs {
		k, val, ok := strings.Cut(v, "=")
		if !ok || k == "" {
			return nil, usageError("write tags as KEY=VALUE, such as --tag region=westeurope", "bad tag %q", v)
		}
		m[k] = val
	}
	return m, nil
}

// ---- allocate

type allocateFlags struct {
	bits        int
	cidr        string
	need        string
	mode        string
	k8s         string
	nodePools   []string
	services    int
	extra       int
	stage       string
	owner       string
	cluster     string
	purpose     string
	tags        []string
	reservation int64
	key         string
}

func (e *env) ipamAllocateCommand(fl *ipamFlags) *cobra.Command {
	var af allocateFlags
	c := &cobra.Command{
		Use:   "allocate POOL",
		Short: "Allocate a range: the next free block of a size or of an AKS need, or a given CIDR",
		Long: `Allocate takes a range from POOL and prints its CIDR on standard output
(details on standard error, or everything with -o json). Say what to
allocate with exactly one of:

  --bits N         the lowest free aligned /N
  --need KIND      a block sized for an AKS need, as 'aksnet plan' sizes it:
                   node-subnet, pod-subnet, pod-cidr or service-cidr, with
                   --mode, one --node-pool per node pool and --services
  --cidr CIDR      exactly that range (an explicit claim)

With --idempotency-key, asking again with the same key and request returns
the same range instead of a new one.`,
		Example: `  aksnet ipam allocate vnets --bits 24 --owner team-a --cluster aks-a
  aksnet ipam allocate vnets --need node-subnet --mode overlay --node-pool 50 --node-pool 20,maxSurge=33% --owner team-a
  aksnet ipam allocate services --need service-cidr --services 2000 --owner team-a
  aksnet ipam allocate vnets --cidr 10.0.8.0/22 --owner team-b --idempotency-key team-b-hub`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			req, err := af.request()
			if err != nil {
				return err
			}
			asJSON, err := e.ipamOutput(fl)
			if err != nil {
				return err
			}
			var replayed bool
			a, err := ipamDo(e, fl, false, func(cl *client.Client) (a api.Allocation, err error) {
				a, replayed, err = cl.Allocate(e.ctx, args[0], req, af.key)
				return a, err
			})
			if err != nil {
				return err
			}
			if asJSON {
				return e.writeJSON(a)
			}
			fmt.Fprintln(e.stdout, a.CIDR)
			what := "allocated"
			if replayed {
				what = "already allocated under this idempotency key"
			}
			fmt.Fprintf(e.stderr, "%s: allocation %d in pool %s for %s\n", what, a.ID, a.Pool, a.Owner)
			if a.Sizing != nil {
				fmt.Fprintf(e.stderr, "sizing: %s\n", a.Sizing.Explanation)
			}
			return nil
		},
	}
	f := c.Flags()
	f.IntVar(&af.bits, "bits", 0, "prefix length of the block to allocate")
	f.StringVar(&af.cidr, "cidr", "", "exact CIDR to claim")
	f.StringVar(&af.need, "need", "", "AKS need to size the block for: node-subnet, pod-subnet, pod-cidr or service-cidr")
	f.StringVar(&af.mode, "mode", "", "CNI mode of the need: overlay, kubenet, node-subnet, pod-subnet-dynamic, pod-subnet-static or byo")
	f.StringVar(&af.k8s, "kubernetes-version", "", "Kubernetes version, for default upgrade surges (default "+ipam.DefaultKubernetesVersion+")")
	f.StringArrayVar(&af.nodePools, "node-pool", nil, "a node pool of the need: MAXNODES[,maxPods=N][,maxSurge=N|N%][,name=NAME] (repeatable)")
	f.IntVar(&af.services, "services", 0, "Services a service-cidr need must hold")
	f.IntVar(&af.extra, "extra", 0, "extra addresses a node subnet must hold (load balancers, private endpoints)")
	f.StringVar(&af.stage, "stage", "", "sizing stage: steady, upgrade, blueGreen, headroom or growth (the default)")
	f.StringVar(&af.owner, "owner", "", "who holds the range (required)")
	f.StringVar(&af.cluster, "cluster", "", "AKS cluster the range serves")
	f.StringVar(&af.purpose, "purpose", "", "what the range is for, such as node-subnet or vnet")
	f.StringArrayVar(&af.tags, "tag", nil, "tag KEY=VALUE (repeatable)")
	f.Int64Var(&af.reservation, "reservation", 0, "take the range from this reservation (same owner)")
	f.StringVar(&af.key, "idempotency-key", "", "retry-safe key: the same key and request get the same range")
	_ = c.RegisterFlagCompletionFunc("need", fixedCompletion("node-subnet", "pod-subnet", "pod-cidr", "service-cidr"))
	_ = c.RegisterFlagCompletionFunc("mode", fixedCompletion("overlay", "kubenet", "node-subnet", "pod-subnet-dynamic", "pod-subnet-static", "byo"))
	return connFlags(c, fl)
}

// request builds the API request from the flags.
func (af *allocateFlags) request() (api.AllocateRequest, error) {
	tags, err := parseTags(af.tags)
	if err != nil {
		return api.AllocateRequest{}, err
	}
	req := api.AllocateRequest{Bits: af.bits, CIDR: af.cidr, Owner: af.owner, Cluster: af.cluster, Purpose: af.purpose,
		Tags: tags, Reservation: af.reservation}
	n := 0
	for _, set := range []bool{af.bits != 0, af.cidr != "", af.need != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		return req, usageError("give exactly one of --bits N, --need KIND and --cidr CIDR", "say what to allocate")
	}
	if af.owner == "" {
		return req, usageError("say who holds the range with --owner TEAM", "--owner is required")
	}
	if af.need == "" {
		if af.mode != "" || len(af.nodePools) > 0 || af.services != 0 || af.extra != 0 || af.stage != "" || af.k8s != "" {
			return req, usageError("--mode, --node-pool, --services, --extra, --stage and --kubernetes-version describe a --need", "need flags without --need")
		}
		return req, nil
	}
	need := &ipam.Need{Kind: ipam.NeedKind(af.need), Mode: ipam.CNIMode(af.mode), KubernetesVersion: af.k8s,
		Services: af.services, Extra: af.extra, Stage: af.stage}
	for _, spec := range af.nodePools {
		np, err := parseNodePool(spec)
		if err != nil {
			return req, err
		}
		need.Pools = append(need.Pools, np)
	}
	if _, err := need.Size(); err != nil {
		var ie *ipam.InvalidError
		if errors.As(err, &ie) {
			return req, usageError(needHint(ie.Field), "%s", ie.Error())
		}
		return req, usageError("", "%v", err)
	}
	req.Need = need
	return req, nil
}

func needHint(field string) string {
	switch {
	case strings.HasPrefix(field, "need.pools"):
		return "describe each node pool with --node-pool MAXNODES[,maxPods=N][,maxSurge=N|N%]"
	case field == "need.mode":
		return "give --mode overlay, kubenet, node-subnet, pod-subnet-dynamic, pod-subnet-static or byo"
	case field == "need.services":
		return "give --services N for a service-cidr need"
	}
	return "see 'aksnet ipam allocate --help'"
}

// parseNodePool parses MAXNODES[,maxPods=N][,maxSurge=S][,name=NAME].
func parseNodePool(spec string) (ipam.NodePoolNeed, error) {
	bad := func(format string, args ...any) (ipam.NodePoolNeed, error) {
		return ipam.NodePoolNeed{}, usageError("write --node-pool MAXNODES[,maxPods=N][,maxSurge=N|N%][,name=NAME], such as --node-pool 50,maxPods=110",
			"--node-pool %q: %s", spec, fmt.Sprintf(format, args...))
	}
	parts := strings.Split(spec, ",")
	n, err := strconv.Atoi(strings.TrimSpace(parts[0]))
	if err != nil {
		return bad("%q is not a node count", parts[0])
	}
	np := ipam.NodePoolNeed{MaxNodes: n}
	for _, p := range parts[1:] {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok {
			return bad("%q is not KEY=VALUE", p)
		}
		switch k {
		case "maxPods":
			if np.MaxPods, err = strconv.Atoi(v); err != nil {
				return bad("maxPods %q is not a number", v)
			}
		case "maxSurge":
			np.MaxSurge = v
		case "name":
			np.Name = v
		default:
			return bad("unknown key %q; use maxPods, maxSurge or name", k)
		}
	}
	return np, nil
}

// ---- release

func (e *env) ipamReleaseCommand(fl *ipamFlags) *cobra.Command {
	return connFlags(&cobra.Command{
		Use:     "release POOL ID",
		Short:   "Release an allocation",
		Example: `  aksnet ipam release vnets 12`,
		Args:    cobra.ExactArgs(2),
		RunE: func(_ *cobra.Command, args []string) error {
			id, err := parseID(args[1], "give the allocation's ID, as 'aksnet ipam list' shows it", "%q is not an allocation ID")
			if err != nil {
				return err
			}
			a, err := ipamDo(e, fl, false, func(cl *client.Client) (ipam.Allocation, error) { return cl.Release(e.ctx, args[0], id) })
			if err != nil {
				return err
			}
			if fl.output == "json" {
				return e.writeJSON(a)
			}
			fmt.Fprintf(e.stdout, "released allocation %d %s of %s in pool %s\n", a.ID, a.CIDR, a.Owner, a.Pool)
			return nil
		},
	}, fl)
}

// ---- list

func (e *env) ipamListCommand(fl *ipamFlags) *cobra.Command {
	var q client.AllocationQuery
	c := &cobra.Command{
		Use:   "list",
		Short: "List and search allocations",
		Example: `  aksnet ipam list --pool vnets
  aksnet ipam list --search team-a
  aksnet ipam list --search 10.0.3.17 --state all`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			asJSON, err := e.ipamOutput(fl)
			if err != nil {
				return err
			}
			as, err := ipamDo(e, fl, false, func(cl *client.Client) ([]ipam.Allocation, error) { return cl.AllAllocations(e.ctx, q) })
			if err != nil {
				return err
			}
			if asJSON {
				if as == nil {
					as = []ipam.Allocation{}
				}
				return e.writeJSON(api.Allocations{Allocations: as})
			}
			if len(as) == 0 {
				fmt.Fprintln(e.stderr, "no allocations match")
				return nil
			}
			tw := e.table("ID\tPOOL\tCIDR\tOWNER\tCLUSTER\tPURPOSE\tSTATE\tCREATED")
			for _, a := range as {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", a.ID, a.Pool, a.CIDR, a.Owner, dash(a.Cluster), dash(a.Purpose),
					a.State, a.CreatedAt.UTC().Format(time.DateTime))
			}
			return tw.Flush()
		},
	}
	f := c.Flags()
	f.StringVar(&q.Pool, "pool", "", "only this pool")
	f.StringVar(&q.Owner, "owner", "", "only this owner")
	f.StringVar(&q.Cluster, "cluster", "", "only this cluster")
	f.StringVar(&q.Purpose, "purpose", "", "only this purpose")
	f.StringVar(&q.State, "state", "live", "live, released or all")
	f.StringVar(&q.Q, "search", "", "an address or CIDR (allocations overlapping it) or an owner, cluster or purpose")
	return connFlags(c, fl)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// ---- check

func (e *env) ipamCheckCommand(fl *ipamFlags) *cobra.Command {
	var designPath string
	c := &cobra.Command{
		Use:   "check [CIDR...]",
		Short: "Check ranges, or every range of a design, against the registry",
		Long: `Check lists what each range overlaps in the registry: ranges to avoid (the
built-in ones included), pools (space the registry manages), reservations
and allocations. With --design, it checks every VNet address space, pod
CIDR, Service CIDR and external range of a design, leaving out the
allocations an import of that same design made.

Exit codes: 0 no conflicts, 1 conflicts found, 2 usage or request error.`,
		Example: `  aksnet ipam check 10.0.3.0/24 172.16.0.0/16
  aksnet ipam check --design design.yaml`,
		RunE: func(_ *cobra.Command, args []string) error {
			asJSON, err := e.ipamOutput(fl)
			if err != nil {
				return err
			}
			type item struct {
				label string
				p     netip.Prefix
			}
			var items []item
			designName := ""
			for _, a := range args {
				p, err := netip.ParsePrefix(a)
				if err != nil {
					return usageError("write CIDRs such as 10.1.0.0/24", "%q is not a CIDR", a)
				}
				if m := p.Masked(); m != p {
					return usageError(fmt.Sprintf("did you mean %s?", m), "%s has host bits set", p)
				}
				items = append(items, item{p.String(), p})
			}
			if designPath != "" {
				data, err := e.readFile(designPath)
				if err != nil {
					return usageError("", "reading %s: %v", designPath, err)
				}
				d, err := designfile.Load(designPath, data)
				if err != nil {
					return &exitError{code: ExitUsage, msg: err.Error()}
				}
				designName = d.Metadata.Name
				for _, r := range server.DesignRanges(d) {
					items = append(items, item{fmt.Sprintf("%s:%d %s (%s)", designPath, r.Line, r.CIDR, r.Path), r.CIDR})
				}
			}
			if len(items) == 0 {
				return usageError("give CIDRs to check, or --design FILE", "nothing to check")
			}
			if len(items) > 256 {
				return usageError("check at most 256 ranges at a time", "%d ranges to check", len(items))
			}
			ps := make([]netip.Prefix, len(items))
			for i, it := range items {
				ps[i] = it.p
			}
			res, err := ipamDo(e, fl, false, func(cl *client.Client) (api.Check, error) {
				res, err := cl.Check(e.ctx, ps)
				if err != nil {
					return res, err
				}
				return res, e.dropOwnImport(cl, &res, designName)
			})
			if err != nil {
				return err
			}
			total := res.Conflicts
			if asJSON {
				if err := e.writeJSON(res); err != nil {
					return err
				}
			} else {
				for i, r := range res.Results {
					if len(r.Conflicts) == 0 {
						fmt.Fprintf(e.stdout, "%s: free\n", items[i].label)
						continue
					}
					fmt.Fprintf(e.stdout, "%s: %s\n", items[i].label, plural(len(r.Conflicts), "conflict"))
					for _, cf := range r.Conflicts {
						fmt.Fprintf(e.stdout, "  overlaps %s\n", cf.String())
					}
				}
				fmt.Fprintf(e.stdout, "%s, %s\n", plural(len(res.Results), "range"), plural(total, "conflict"))
			}
			if total > 0 {
				return errFindings
			}
			return nil
		},
	}
	c.Flags().StringVar(&designPath, "design", "", "check every range of this design file")
	return connFlags(c, fl)
}

// dropOwnImport leaves out of res the conflicts that are where an import
// of the design designName registered the range itself, and recounts
// the conflicts.
func (e *env) dropOwnImport(cl *client.Client, res *api.Check, designName string) error {
	total := 0
	own := map[int64]bool{}
	for i := range res.Results {
		r := &res.Results[i]
		self := false
		for _, cf := range r.Conflicts {
			if designName != "" && cf.Kind == ipam.ConflictAllocation && cf.CIDR == r.CIDR {
				a, err := cl.Allocation(e.ctx, cf.ID)
				if err != nil {
					return err
				}
				if a.Tags["design"] == designName {
					own[cf.ID], self = true, true
				}
			}
		}
		kept := r.Conflicts[:0]
		for _, cf := range r.Conflicts {
			// The range's own allocation, and the pool that holds
			// it, are where the design is registered.
			if own[cf.ID] && cf.Kind == ipam.ConflictAllocation || self && cf.Kind == ipam.ConflictPool {
				continue
			}
			kept = append(kept, cf)
		}
		r.Conflicts = kept
		total += len(kept)
	}
	res.Conflicts = total
	return nil
}

// ---- import

func (e *env) ipamImportCommand(fl *ipamFlags) *cobra.Command {
	var o client.ImportOptions
	c := &cobra.Command{
		Use:   "import FILE",
		Short: "Register every range of a design: VNet address spaces, pod and Service CIDRs",
		Long: `Import registers a design with the registry: each VNet address space, pod
CIDR and Service CIDR becomes an allocation (an explicit claim) in the pool
that holds it, owned by the design's metadata.owner (or its name). Importing
the same design again changes nothing. The registry keeps the document and
shows the findings of 'aksnet check' on it in its web page.

With --dry-run nothing changes; the output says what would happen to each
range, and which ranges conflict with what.`,
		Example: `  aksnet ipam import design.yaml --dry-run
  aksnet ipam import design.yaml --external avoid`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			asJSON, err := e.ipamOutput(fl)
			if err != nil {
				return err
			}
			data, err := e.readFile(args[0])
			if err != nil {
				return usageError("", "reading %s: %v", args[0], err)
			}
			// Problems with the file are reported locally, with its name.
			if _, err := designfile.Load(args[0], data); err != nil {
				return &exitError{code: ExitUsage, msg: err.Error()}
			}
			res, err := ipamDo(e, fl, false, func(cl *client.Client) (api.Import, error) { return cl.ImportDesign(e.ctx, data, o) })
			if err != nil {
				return err
			}
			if asJSON {
				return e.writeJSON(res)
			}
			tw := e.table("LINE\tPATH\tCIDR\tPOOL\tSTATUS\tALLOCATION")
			for _, r := range res.Ranges {
				alloc := "-"
				if r.Allocation != 0 {
					alloc = strconv.FormatInt(r.Allocation, 10)
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", r.Line, r.Path, r.CIDR, dash(r.Pool), r.Status, alloc)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			for _, r := range res.Ranges {
				for _, cf := range r.Conflicts {
					fmt.Fprintf(e.stdout, "line %d: %s overlaps %s\n", r.Line, r.CIDR, cf.String())
				}
			}
			verb := "imported"
			if res.DryRun {
				verb = "dry run of"
			}
			fmt.Fprintf(e.stdout, "%s design %s: %s; aksnet check: %s, %s\n", verb, res.Design, plural(len(res.Ranges), "range"),
				plural(res.Errors, "error"), plural(res.Warnings, "warning"))
			return nil
		},
	}
	f := c.Flags()
	f.BoolVar(&o.DryRun, "dry-run", false, "say what would happen without changing anything")
	f.StringVar(&o.External, "external", "skip", "external ranges: skip, or avoid (register them as ranges to avoid)")
	f.StringVar(&o.Outside, "outside", "error", "ranges in no pool: error, or skip them")
	f.StringVar(&o.Owner, "owner", "", "owner of the allocations (default: the design's metadata.owner, else its name)")
	return connFlags(c, fl)
}

// ---- tokens

func (e *env) ipamTokenCommand(fl *ipamFlags) *cobra.Command {
	c := &cobra.Command{
		Use:   "token",
		Short: "Create, list and revoke API tokens",
		Long: `API tokens authenticate requests to the registry server. Each has scopes:

  read            list and look at everything
  allocate:POOL   read, plus allocate, release and reserve in POOL
  admin           everything: pools, ranges to avoid, imports, tokens

Only a hash of each token is stored; the secret is printed once, on
creation. The first admin token is created in serverless mode, on the
database file: aksnet ipam token create --admin --name admin --db aksnet-ipam.db`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var name string
	var admin, read bool
	var pools []string
	create := &cobra.Command{
		Use:   "create --name NAME (--admin | --read | --allocate POOL...)",
		Short: "Create a token and print its secret (shown once)",
		Example: `  aksnet ipam token create --admin --name admin --db aksnet-ipam.db
  aksnet ipam token create --name ci-team-a --allocate vnets --allocate pods`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			var scopes []string
			if admin {
				scopes = append(scopes, string(ipam.ScopeAdmin))
			}
			if read {
				scopes = append(scopes, string(ipam.ScopeRead))
			}
			for _, p := range pools {
				scopes = append(scopes, string(ipam.ScopeAllocate(p)))
			}
			if len(scopes) == 0 {
				return usageError("give --admin, --read or --allocate POOL", "a token needs at least one scope")
			}
			if name == "" {
				return usageError("name the token with --name, such as --name ci-team-a; the audit log shows it", "--name is required")
			}
			tok, err := ipamDo(e, fl, true, func(cl *client.Client) (api.NewToken, error) { return cl.CreateToken(e.ctx, name, scopes) })
			if err != nil {
				return err
			}
			if fl.output == "json" {
				return e.writeJSON(tok)
			}
			fmt.Fprintln(e.stdout, tok.Secret)
			fmt.Fprintf(e.stderr, "token %d %q with scopes %s; the secret above is shown only once\n", tok.ID, tok.Name, strings.Join(scopeStrings(tok.Scopes), ", "))
			return nil
		},
	}
	create.Flags().StringVar(&name, "name", "", "token name, shown in the audit log (required)")
	create.Flags().BoolVar(&admin, "admin", false, "scope admin: everything")
	create.Flags().BoolVar(&read, "read", false, "scope read: look at everything")
	create.Flags().StringArrayVar(&pools, "allocate", nil, "scope allocate:POOL (repeatable)")
	list := &cobra.Command{
		Use:   "list",
		Short: "List tokens (never their secrets)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			ts, err := ipamDo(e, fl, false, func(cl *client.Client) ([]store.Token, error) { return cl.Tokens(e.ctx) })
			if err != nil {
				return err
			}
			if fl.output == "json" {
				return e.writeJSON(api.Tokens{Tokens: ts})
			}
			tw := e.table("ID\tNAME\tSCOPES\tCREATED\tREVOKED")
			for _, t := range ts {
				revoked := "-"
				if !t.RevokedAt.IsZero() {
					revoked = t.RevokedAt.UTC().Format(time.DateTime)
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", t.ID, t.Name, strings.Join(scopeStrings(t.Scopes), ","), t.CreatedAt.UTC().Format(time.DateTime), revoked)
			}
			return tw.Flush()
		},
	}
	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a token",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			id, err := parseID(args[0], "give the token's ID, as 'aksnet ipam token list' shows it", "%q is not a token ID")
			if err != nil {
				return err
			}
			t, err := ipamDo(e, fl, false, func(cl *client.Client) (store.Token, error) { return cl.RevokeToken(e.ctx, id) })
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "token %d %q revoked\n", t.ID, t.Name)
			return nil
		},
	}
	c.AddCommand(connFlags(create, fl), connFlags(list, fl), connFlags(revoke, fl))
	return c
}

func scopeStrings(ss []ipam.Scope) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}
