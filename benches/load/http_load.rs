//! Closed-loop HTTP load: N tasks, each on its own keep-alive HTTP/1.1 connection, each cycling
//! through its own list of requests for a fixed time. Hyper directly, without a client pool: one
//! connection per task is all a closed loop needs, and the generator shares the server's cores.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE, HOST};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// Pause after a failed connection attempt, so a server that is down is not spun against.
const RECONNECT_PAUSE: Duration = Duration::from_millis(10);

/// One request, ready to be sent again and again.
#[derive(Clone)]
pub struct Call {
    method: Method,
    path: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
}

impl Call {
    pub fn get(path: impl Into<String>) -> Call {
        Call {
            method: Method::GET,
            path: path.into(),
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    pub fn post(path: impl Into<String>, body: &serde_json::Value) -> Call {
        Call {
            method: Method::POST,
            body: Bytes::from(body.to_string()),
            ..Call::get(path)
        }
        .header(CONTENT_TYPE.as_str(), "application/json")
    }

    /// Adds a header; names and values here are the benchmark's own, always valid.
    pub fn header(mut self, name: &str, value: &str) -> Call {
        match (
            HeaderName::try_from(name),
            HeaderValue::try_from(value.to_owned()),
        ) {
            (Ok(name), Ok(value)) => self.headers.push((name, value)),
            _ => panic!("invalid header {name}: {value}"),
        }
        self
    }

    /// The caller's API key and chat token.
    pub fn with_user(self, api_key: &str, token: &str) -> Call {
        self.header("x-api-key", api_key)
            .header("authorization", &format!("Bearer {token}"))
    }
}

/// A keep-alive HTTP/1.1 connection that reconnects after an error.
pub struct Connection {
    addr: SocketAddr,
    host: HeaderValue,
    open: Option<Open>,
}

/// The two halves of an open hyper connection. The driver is polled by the task that sends,
/// during each exchange, rather than by a task of its own: one task wake-up less per request.
struct Open {
    sender: SendRequest<Full<Bytes>>,
    driver: Pin<Box<http1::Connection<TokioIo<TcpStream>, Full<Bytes>>>>,
}

impl Connection {
    pub fn new(addr: SocketAddr) -> Connection {
        Connection {
            addr,
            host: HeaderValue::try_from(addr.to_string()).expect("an address is a valid host"),
            open: None,
        }
    }

    /// Sends `call` and reads the whole answer; its status, or an error if the exchange failed.
    pub async fn send(&mut self, call: &Call) -> anyhow::Result<StatusCode> {
        let Open { sender, driver } = match &mut self.open {
            Some(open) => open,
            None => self.open.insert(self.connect().await?),
        };
        let mut request = Request::builder()
            .method(call.method.clone())
            .uri(call.path.as_str())
            .header(HOST, self.host.clone());
        for (name, value) in &call.headers {
            request = request.header(name, value);
        }
        let request = request.body(Full::new(call.body.clone()))?;
        let exchange = async {
            sender.ready().await?;
            let response = sender.send_request(request).await?;
            let status = response.status();
            response.into_body().collect().await?;
            anyhow::Ok(status)
        };
        let outcome = tokio::select! {
            biased;
            outcome = exchange => outcome,
            ended = driver.as_mut() => Err(anyhow::anyhow!("connection ended: {ended:?}")),
        };
        if outcome.is_err() {
            self.open = None;
        }
        outcome
    }

    async fn connect(&self) -> anyhow::Result<Open> {
        let stream = match TcpStream::connect(self.addr).await {
            Ok(stream) => stream,
            Err(error) => {
                tokio::time::sleep(RECONNECT_PAUSE).await;
                return Err(error.into());
            }
        };
        stream.set_nodelay(true)?;
        let (sender, driver) = http1::handshake(TokioIo::new(stream)).await?;
        Ok(Open {
            sender,
            driver: Box::pin(driver),
        })
    }
}

/// Latencies of the successful requests (microseconds) and the failures by status.
pub struct Tally {
    pub latencies: Histogram<u64>,
    pub errors: BTreeMap<String, u64>,
}

impl Default for Tally {
    fn default() -> Tally {
        Tally {
            latencies: Histogram::new_with_bounds(1, 60_000_000, 3)
                .expect("static histogram bounds are valid"),
            errors: BTreeMap::new(),
        }
    }
}

impl Tally {
    pub fn record(&mut self, outcome: anyhow::Result<StatusCode>, latency: Duration) {
        match outcome {
            Ok(status) if status.is_success() => self.record_latency(latency),
            Ok(status) => self.record_error(status.as_str()),
            Err(_) => self.record_error("connection error"),
        }
    }

    pub fn record_latency(&mut self, latency: Duration) {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.latencies.saturating_record(micros);
    }

    pub fn record_error(&mut self, kind: &str) {
        *self.errors.entry(kind.to_owned()).or_default() += 1;
    }

    pub fn merge(&mut self, other: Tally) {
        self.latencies
            .add(&other.latencies)
            .expect("histograms of one shape add up");
        for (kind, count) in other.errors {
            *self.errors.entry(kind).or_default() += count;
        }
    }

    pub fn successes(&self) -> u64 {
        self.latencies.len()
    }

    /// p50, p99 and p99.9 in milliseconds.
    pub fn percentiles_ms(&self) -> [f64; 3] {
        [50.0, 99.0, 99.9].map(|q| self.latencies.value_at_quantile(q / 100.0) as f64 / 1_000.0)
    }
}

/// The measured part of a run: what completes between `start` and `end` counts.
#[derive(Clone, Copy)]
pub struct Window {
    pub start: Instant,
    pub end: Instant,
}

impl Window {
    /// A window that opens after `warmup` from now and lasts `duration`.
    pub fn after(warmup: Duration, duration: Duration) -> Window {
        let start = Instant::now() + warmup;
        Window {
            start,
            end: start + duration,
        }
    }

    pub fn contains(&self, at: Instant) -> bool {
        at >= self.start && at < self.end
    }
}

/// Runs one task per plan, each cycling through its calls on its own connection, through the
/// warm-up and the measured window; the tally of the window.
pub async fn run(addr: SocketAddr, plans: Vec<Vec<Call>>, window: Window) -> Tally {
    let workers: Vec<_> = plans
        .into_iter()
        .map(|calls| tokio::spawn(worker(addr, calls, window)))
        .collect();
    let mut tally = Tally::default();
    for worker in workers {
        match worker.await {
            Ok(part) => tally.merge(part),
            Err(_) => tally.record_error("worker panicked"),
        }
    }
    tally
}

async fn worker(addr: SocketAddr, calls: Vec<Call>, window: Window) -> Tally {
    let mut connection = Connection::new(addr);
    let mut tally = Tally::default();
    for call in calls.iter().cycle() {
        let started = Instant::now();
        if started >= window.end {
            break;
        }
        let outcome = connection.send(call).await;
        let done = Instant::now();
        if window.contains(done) {
            tally.record(outcome, done - started);
        }
    }
    tally
}
