//! The results as markdown tables.

use std::time::Duration;

use crate::http_load::Tally;
use crate::ws_idle::IdleRun;
use crate::ws_latency::LatencyRun;

/// One measured load.
pub struct Row {
    pub load: String,
    pub concurrency: String,
    pub throughput: String,
    pub latency_ms: [f64; 3],
    pub errors: String,
    pub peak_rss_kib: Option<u64>,
    /// The server's CPU time per successful operation, in microseconds.
    pub cpu_us_per_op: Option<f64>,
}

/// What the server process used during a run (`None`: no `--server-pid`, or no /proc).
pub struct Usage {
    pub peak: Option<u64>,
    pub cpu: Option<Duration>,
}

impl Usage {
    fn per_op(&self, successes: u64) -> Option<f64> {
        let cpu = self.cpu?;
        (successes > 0).then(|| cpu.as_secs_f64() * 1e6 / successes as f64)
    }
}

impl Row {
    /// A closed-loop run: throughput is the successes over the measured time.
    pub fn closed_loop(
        load: &str,
        concurrency: usize,
        unit: &str,
        tally: &Tally,
        measured: Duration,
        usage: Usage,
    ) -> Row {
        let rate = tally.successes() as f64 / measured.as_secs_f64();
        Row {
            load: load.to_owned(),
            concurrency: concurrency.to_string(),
            throughput: format!("{} {unit}", thousands(rate.round() as u64)),
            latency_ms: tally.percentiles_ms(),
            errors: errors(tally),
            peak_rss_kib: usage.peak,
            cpu_us_per_op: usage.per_op(tally.successes()),
        }
    }

    /// The WebSocket run: latency from just before the POST to the `message.new` frame.
    pub fn paced(run: &LatencyRun, rate: u32, measured: Duration, usage: Usage) -> Row {
        let mut errors = errors(&run.tally);
        if run.lost > 0 {
            errors = format!("{} of {} sent never received; {errors}", run.lost, run.sent);
        }
        Row {
            load: "WebSocket send-to-receive".to_owned(),
            concurrency: format!("paced {} msg/s", thousands(u64::from(rate))),
            throughput: format!(
                "{} msg/s received",
                thousands((run.tally.successes() as f64 / measured.as_secs_f64()).round() as u64)
            ),
            latency_ms: run.tally.percentiles_ms(),
            errors,
            peak_rss_kib: usage.peak,
            cpu_us_per_op: usage.per_op(run.tally.successes()),
        }
    }

    pub fn print_header() {
        println!("| load | concurrency | throughput | p50 ms | p99 ms | p99.9 ms | errors | server peak RSS MiB | server CPU µs per op |");
        println!("|---|---|---|---|---|---|---|---|---|");
    }

    pub fn print(&self) {
        let [p50, p99, p999] = self.latency_ms;
        println!(
            "| {} | {} | {} | {p50:.2} | {p99:.2} | {p999:.2} | {} | {} | {} |",
            self.load,
            self.concurrency,
            self.throughput,
            self.errors,
            mib(self.peak_rss_kib),
            self.cpu_us_per_op
                .map_or("n/a".to_owned(), |us| format!("{us:.0}"))
        );
    }
}

pub fn print_idle(run: &IdleRun) {
    println!("| idle WebSocket connections | opened | open at the reading | server RSS before MiB | after MiB | per connection KiB |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| {} | {} | {} | {} | {} | {} |",
        thousands(run.wanted as u64),
        thousands(run.opened as u64),
        thousands(run.still_open as u64),
        mib(run.rss_before_kib),
        mib(run.rss_after_kib),
        run.per_connection_kib()
            .map_or("n/a".to_owned(), |kib| format!("{kib:.1}")),
    );
}

/// Failures by status, or "none".
fn errors(tally: &Tally) -> String {
    if tally.errors.is_empty() {
        return "none".to_owned();
    }
    let parts: Vec<String> = tally
        .errors
        .iter()
        .map(|(kind, count)| format!("{kind}: {count}"))
        .collect();
    parts.join(", ")
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or("n/a".to_owned(), |kib| {
        format!("{:.0}", kib as f64 / 1024.0)
    })
}

/// `12345` as `12,345`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
