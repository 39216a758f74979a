//! Prometheus metrics: requests by route and status, latency histograms by route; the process
//! (CPU, memory, open files), WebSockets and real-time events, the store's latency and errors by
//! operation, and the NATS connection. Values that live elsewhere are read at each scrape.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::http::state::AppState;
use crate::realtime::bus::Bus;
use crate::realtime::hub::Hub;
use crate::store::Store;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    method: String,
    route: String,
    status: u16,
}

/// The registry and the request metrics in it.
pub struct Metrics {
    registry: Registry,
    requests: Family<StatusLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
}

impl Metrics {
    /// The registry, with the metrics that `hub`, `bus` and `store` keep themselves.
    pub fn new(hub: &Arc<Hub>, bus: &Bus, store: &Store) -> Self {
        let requests = Family::<StatusLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(
            (|| Histogram::new(exponential_buckets(0.0005, 2.0, 14))) as fn() -> Histogram,
        );
        let mut registry = Registry::with_prefix("chatcloud");
        registry.register(
            "http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency by route",
            latency.clone(),
        );
        registry.register(
            "realtime_events_published",
            "Real-time events this process published",
            bus.published.clone(),
        );
        registry.register(
            "realtime_events_delivered",
            "Real-time events handed to a WebSocket's queue",
            hub.delivered.clone(),
        );
        registry.register(
            "realtime_events_dropped",
            "Real-time events a WebSocket did not get: its queue was full (the socket is then closed as a slow consumer)",
            hub.dropped.clone(),
        );
        let store_metrics = store.metrics();
        registry.register(
            "store_operation_duration_seconds",
            "Store calls by kind (read, write) and operation: queueing, running and, for a write, its commit",
            store_metrics.latency.clone(),
        );
        registry.register(
            "store_operation_errors",
            "Store calls that failed, by kind, operation and error code",
            store_metrics.errors.clone(),
        );
        registry.register_collector(Box::new(Gauges {
            hub: Arc::clone(hub),
            bus: bus.clone(),
        }));
        Metrics {
            registry,
            requests,
            latency,
        }
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// The values read at each scrape: the process from `/proc/self`, open WebSockets, NATS.
struct Gauges {
    hub: Arc<Hub>,
    bus: Bus,
}

impl std::fmt::Debug for Gauges {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Gauges")
    }
}

/// Clock ticks per second of `/proc/self/stat` (USER_HZ, 100 on every Linux architecture).
const TICKS_PER_SECOND: f64 = 100.0;

impl Collector for Gauges {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        if let Some(seconds) = cpu_seconds() {
            let cpu = ConstCounter::new(seconds);
            cpu.encode(encoder.encode_descriptor(
                "process_cpu_seconds",
                "User and system CPU time of the process",
                None,
                cpu.metric_type(),
            )?)?;
        }
        let gauges = [
            (
                "process_resident_memory_bytes",
                "Resident memory of the process",
                resident_bytes(),
            ),
            (
                "process_open_fds",
                "Open file descriptors of the process",
                open_fds(),
            ),
            (
                "process_max_fds",
                "The process's limit of open file descriptors",
                max_fds(),
            ),
            (
                "websocket_connections",
                "Open WebSockets on this process",
                i64::try_from(self.hub.total_connections()).ok(),
            ),
            (
                "nats_connection_state",
                "The NATS connection: 1 connected, 0 not connected (reconnecting), -1 NATS not configured",
                Some(match self.bus.nats_connected() {
                    Some(true) => 1,
                    Some(false) => 0,
                    None => -1,
                }),
            ),
        ];
        for (name, help, value) in gauges {
            let Some(value) = value else { continue };
            let gauge = ConstGauge::new(value);
            gauge.encode(encoder.encode_descriptor(name, help, None, gauge.metric_type())?)?;
        }
        Ok(())
    }
}

/// utime + stime, fields 14 and 15 of `/proc/self/stat` (counted after the command's closing
/// parenthesis, which may itself hold spaces).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_command = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_command.split_whitespace().skip(11);
    let user: f64 = fields.next()?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    Some((user + system) / TICKS_PER_SECOND)
}

/// `VmRSS` of `/proc/self/status`, in bytes.
fn resident_bytes() -> Option<i64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: i64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn open_fds() -> Option<i64> {
    let entries = std::fs::read_dir("/proc/self/fd").ok()?;
    i64::try_from(entries.count()).ok()
}

/// The soft limit on the `Max open files` line of `/proc/self/limits`.
fn max_fds() -> Option<i64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// Middleware: counts and times each request under its route template (never the raw path,
/// so ids do not explode the label space).
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let labels = RouteLabels { method, route };
    state
        .metrics
        .latency
        .get_or_create(&labels)
        .observe(started.elapsed().as_secs_f64());
    state
        .metrics
        .requests
        .get_or_create(&StatusLabels {
            method: labels.method,
            route: labels.route,
            status: response.status().as_u16(),
        })
        .inc();
    response
}
