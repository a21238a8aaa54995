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
