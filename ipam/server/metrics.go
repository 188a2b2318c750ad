package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/aksnet/aksnet/ipam/store"
)

// metrics are the server's Prometheus metrics, in a registry of their
// own. Pool gauges are read from the database at each scrape, so they
// are right whichever server made the changes; the counters count this
// process's work (rate() of aksnet_ipam_allocations_total is allocations
// per second).
type metrics struct {
	reg         *prometheus.Registry
	handler     http.Handler
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	allocations *prometheus.CounterVec
	releases    *prometheus.CounterVec
}

func newMetrics(s *Server) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "aksnet_ipam_http_requests_total",
		Help: "HTTP requests served, by route pattern, method and status code.",
	}, []string{"route", "method", "code"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "aksnet_ipam_http_request_duration_seconds",
		Help:    "Time to serve an HTTP request, by route pattern.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route"})
	m.allocations = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "aksnet_ipam_allocations_total",
		Help: "Allocations made by this server, by pool (replays not counted).",
	}, []string{"pool"})
	m.releases = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "aksnet_ipam_releases_total",
		Help: "Allocations released by this server, by pool.",
	}, []string{"pool"})
	m.reg.MustRegister(m.requests, m.duration, m.allocations, m.releases,
		&poolCollector{st: s.reg.Store(), timeout: 5 * time.Second},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
	return m
}

func (m *metrics) observe(route, method string, code int, d time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(code)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}

func (m *metrics) allocated(pool string) { m.allocations.WithLabelValues(pool).Inc() }
func (m *metrics) released(pool string)  { m.releases.WithLabelValues(pool).Inc() }

func (s *Server) serveMetrics(w http.ResponseWriter, c *call) error {
	s.metrics.handler.ServeHTTP(w, c.r)
	return nil
}

// poolCollector reports each pool's usage at scrape time.
type poolCollector struct {
	st      store.Store
	timeout time.Duration
}

var (
	labels       = []string{"pool", "cidr", "purpose"}
	descSize     = prometheus.NewDesc("aksnet_ipam_pool_size_addresses", "Addresses in the pool.", labels, nil)
	descUsed     = prometheus.NewDesc("aksnet_ipam_pool_used_addresses", "Addresses in live allocations.", labels, nil)
	descReserved = prometheus.NewDesc("aksnet_ipam_pool_reserved_addresses", "Addresses held by live reservations and not allocated.", labels, nil)
	descAvoided  = prometheus.NewDesc("aksnet_ipam_pool_avoided_addresses", "Addresses in ranges to avoid, neither allocated nor reserved.", labels, nil)
	descFree     = prometheus.NewDesc("aksnet_ipam_pool_free_addresses", "Addresses free for allocation.", labels, nil)
	descLargest  = prometheus.NewDesc("aksnet_ipam_pool_largest_free_block_addresses", "Addresses in the largest free aligned block (0 when full).", labels, nil)
	descLargestP = prometheus.NewDesc("aksnet_ipam_pool_largest_free_block_prefix_length", "Prefix length of the largest free aligned block (absent when full).", labels, nil)
	descLive     = prometheus.NewDesc("aksnet_ipam_pool_allocations", "Live allocations in the pool.", labels, nil)
	descUp       = prometheus.NewDesc("aksnet_ipam_database_up", "1 when the pool metrics could be read from the database.", nil, nil)
)

func (p *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descSize, descUsed, descReserved, descAvoided, descFree, descLargest, descLargestP, descLive, descUp} {
		ch <- d
	}
}

func (p *poolCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), p.timeout)
	defer cancel()
	var ms []prometheus.Metric
	err := p.st.View(ctx, func(tx store.ReadTx) error {
		pools, err := tx.Pools()
		if err != nil {
			return err
		}
		for _, pl := range pools {
			sp, err := tx.Space(pl.Name)
			if err != nil {
				return err
			}
			u := sp.Usage()
			lv := []string{pl.Name, pl.CIDR.String(), string(pl.Purpose)}
			g := func(d *prometheus.Desc, v float64) {
				ms = append(ms, prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, lv...))
			}
			g(descSize, float64(u.Size))
			g(descUsed, float64(u.Allocated))
			g(descReserved, float64(u.Reserved))
			g(descAvoided, float64(u.Avoided))
			g(descFree, float64(u.Free))
			g(descLive, float64(u.Allocations))
			if u.Largest.IsValid() {
				g(descLargest, float64(uint64(1)<<min(63, u.Largest.Addr().BitLen()-u.Largest.Bits())))
				g(descLargestP, float64(u.Largest.Bits()))
			} else {
				g(descLargest, 0)
			}
		}
		return nil
	})
	up := 1.0
	if err != nil {
		up = 0
		ms = nil
	}
	for _, m := range ms {
		ch <- m
	}
	ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, up)
}
