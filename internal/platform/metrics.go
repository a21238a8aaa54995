package platform

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the platform's Prometheus metrics, served at /metrics.
type metrics struct {
	reg           *prometheus.Registry
	requests      *prometheus.CounterVec
	latency       *prometheus.HistogramVec
	instanceStart *prometheus.HistogramVec
	limits        *prometheus.CounterVec
	builds        *prometheus.CounterVec
	buildTime     *prometheus.HistogramVec
	apps          prometheus.Gauge
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "terrarium_requests_total", Help: "Requests served, by app and status code.",
		}, []string{"app", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "terrarium_request_duration_seconds", Help: "Request latency, by app, from the request's arrival to its answer.",
			Buckets: prometheus.ExponentialBuckets(50e-6, 2, 18),
		}, []string{"app"}),
		instanceStart: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "terrarium_instance_start_seconds", Help: "Time to instantiate an app's module for a request, by app.",
			Buckets: prometheus.ExponentialBuckets(1e-6, 2, 20),
		}, []string{"app"}),
		limits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "terrarium_limit_exceeded_total", Help: "Requests that exceeded a limit, by app and limit.",
		}, []string{"app", "limit"}),
		builds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "terrarium_builds_total", Help: "Deploys, by app, language and result (deployed, failed, refused).",
		}, []string{"app", "language", "result"}),
		buildTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "terrarium_deploy_stage_seconds", Help: "Time of each stage of a deploy (upload, extract, build, compile, store, total), by language.",
			Buckets: prometheus.ExponentialBuckets(1e-3, 2, 18),
		}, []string{"language", "stage"}),
		apps: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "terrarium_apps", Help: "Apps with a version serving.",
		}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.instanceStart, m.limits, m.builds, m.buildTime, m.apps,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// tieringCollector reports what the tiered engine did for each app's
// current version, read from its runtime at every scrape.
type tieringCollector struct {
	s            *Server
	tierUps, osr *prometheus.Desc
}

func newTieringCollector(s *Server) *tieringCollector {
	return &tieringCollector{s: s,
		tierUps: prometheus.NewDesc("terrarium_tier_ups_total",
			"Functions of the app's current version that turned hot and moved to machine code.", []string{"app", "version"}, nil),
		osr: prometheus.NewDesc("terrarium_osr_entries_total",
			"Calls of the app's current version that moved to machine code inside a running loop.", []string{"app", "version"}, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *tieringCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.tierUps
	ch <- c.osr
}

// Collect implements prometheus.Collector.
func (c *tieringCollector) Collect(ch chan<- prometheus.Metric) {
	c.s.mu.Lock()
	entries := make([]*entry, 0, len(c.s.apps))
	for _, e := range c.s.apps {
		entries = append(entries, e)
	}
	c.s.mu.Unlock()
	for _, e := range entries {
		app := e.current.Load()
		if app == nil {
			continue
		}
		t := app.Tiering()
		v := strconv.Itoa(app.Version())
		ch <- prometheus.MustNewConstMetric(c.tierUps, prometheus.CounterValue, float64(t.Compiled), e.name, v)
		ch <- prometheus.MustNewConstMetric(c.osr, prometheus.CounterValue, float64(t.OSR), e.name, v)
	}
}

// Request implements serve.Observer.
func (m *metrics) Request(app string, status int, d time.Duration) {
	m.requests.WithLabelValues(app, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(app).Observe(d.Seconds())
}

// InstanceStart implements serve.Observer.
func (m *metrics) InstanceStart(app string, d time.Duration) {
	m.instanceStart.WithLabelValues(app).Observe(d.Seconds())
}

// LimitExceeded implements serve.Observer.
func (m *metrics) LimitExceeded(app, limit string) {
	m.limits.WithLabelValues(app, limit).Inc()
}

// forget drops a deleted app's series.
func (m *metrics) forget(app string) {
	for _, v := range []*prometheus.MetricVec{m.requests.MetricVec, m.limits.MetricVec, m.builds.MetricVec} {
		v.DeletePartialMatch(prometheus.Labels{"app": app})
	}
	m.latency.DeletePartialMatch(prometheus.Labels{"app": app})
	m.instanceStart.DeletePartialMatch(prometheus.Labels{"app": app})
}
