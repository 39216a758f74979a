//! The project's load benchmark, against a running server (SQLite or PostgreSQL):
//!
//! ```sh
//! ulimit -n $(ulimit -Hn)
//! cargo bench --bench load -- --url http://127.0.0.1:8080 --operator-key KEY --server-pid PID
//! ```
//!
//! It creates its own resource through the operator API, its users, tokens and conversations
//! through the API, then measures each load for a fixed time after a warm-up and prints markdown
//! tables. How to start the server for it, and the results, are in docs/BENCHMARKS.md.

mod args;
mod bare;
mod cpu;
mod http_load;
mod memory;
mod plans;
mod report;
mod setup;
mod ws_client;
mod ws_idle;
mod ws_latency;

use std::net::SocketAddr;
use std::time::Instant;

use anyhow::Context;
use clap::Parser;

use crate::args::{Args, Load};
use crate::http_load::{Call, Window};
use crate::report::{Row, Usage};

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads.max(1))
        .enable_all()
        .build()?
        .block_on(run(args))
}

async fn run(args: Args) -> anyhow::Result<()> {
    let url = reqwest::Url::parse(&args.url).context("--url")?;
    let addr = *url
        .socket_addrs(|| None)?
        .first()
        .context("--url names no address")?;
    let ws_base = args.url.trim_end_matches('/').replacen("http", "ws", 1);
    let pid = args.server_pid;

    let started = Instant::now();
    let api = setup::Api::provision(&args.url, &args.operator_key).await?;
    let fixture = setup::fixture(api).await?;
    if let Some(database_url) = args.analyze.clone() {
        tokio::task::spawn_blocking(move || {
            let mut client = postgres::Client::connect(&database_url, postgres::NoTls)?;
            client.batch_execute("analyze")
        })
        .await?
        .context("--analyze")?;
    }
    eprintln!(
        "set up {} users, {} conversations in {:.1} s; each run: {} s warm-up, {} s measured",
        fixture.users.len(),
        fixture.conversations.len(),
        started.elapsed().as_secs_f64(),
        args.warmup,
        args.duration
    );

    let mut rows = Vec::new();
    if args.runs(Load::Send) {
        for &concurrency in &args.send_concurrency {
            let plans = plans::send(&fixture, concurrency);
            let load = ("send", "msg/s");
            rows.push(closed_loop(&args, load, concurrency, addr, pid, plans).await);
        }
    }
    let c = args.read_concurrency;
    let reads = [
        (
            Load::List,
            "conversation list",
            plans::list as fn(_, _) -> _,
        ),
        (Load::History, "50-message history page", plans::history),
        (Load::Unread, "unread count", plans::unread),
        (Load::Stats, "admin stats", plans::stats),
    ];
    for (load, label, plan) in reads {
        if args.runs(load) {
            let plans = plan(&fixture, c);
            rows.push(closed_loop(&args, (label, "req/s"), c, addr, pid, plans).await);
        }
    }
    if args.runs(Load::Health) {
        let plans = plans::same_call(Call::get("/healthz"), c);
        let load = ("GET /healthz", "req/s");
        rows.push(closed_loop(&args, load, c, addr, pid, plans).await);
    }
    if args.runs(Load::Bare) {
        let bare = bare::spawn()?;
        let plans = plans::same_call(Call::get(bare::PATH), c);
        let load = ("bare axum JSON route (in the generator's process)", "req/s");
        rows.push(closed_loop(&args, load, c, bare, None, plans).await);
    }
    if args.runs(Load::WsLatency) {
        let window = Window::after(args.warmup(), args.duration());
        let work = ws_latency::run(addr, &ws_base, &fixture, args.ws_rate, window);
        let ((latency, peak), cpu) =
            tokio::join!(memory::peak_during(pid, work), cpu::used_in(pid, window));
        let row = Row::paced(
            &latency?,
            args.ws_rate,
            args.duration(),
            Usage { peak, cpu },
        );
        progress(&row);
        rows.push(row);
    }

    println!();
    Row::print_header();
    for row in &rows {
        row.print();
    }
    if args.runs(Load::WsIdle) {
        let wanted = args
            .idle_connections
            .unwrap_or_else(|| ws_idle::default_count(pid));
        let idle = ws_idle::run(&fixture.api, &ws_base, pid, wanted).await?;
        println!();
        report::print_idle(&idle);
    }
    Ok(())
}

/// A closed-loop load against `target`, sampling the memory and CPU time of the process
/// `server_pid`.
async fn closed_loop(
    args: &Args,
    (label, unit): (&str, &str),
    concurrency: usize,
    target: SocketAddr,
    server_pid: Option<u32>,
    plans: Vec<Vec<Call>>,
) -> Row {
    let window = Window::after(args.warmup(), args.duration());
    let work = http_load::run(target, plans, window);
    let ((tally, peak), cpu) = tokio::join!(
        memory::peak_during(server_pid, work),
        cpu::used_in(server_pid, window)
    );
    let usage = Usage { peak, cpu };
    let row = Row::closed_loop(label, concurrency, unit, &tally, args.duration(), usage);
    progress(&row);
    row
}

fn progress(row: &Row) {
    eprintln!(
        "{} (c={}): {}, p50 {:.2} ms, p99 {:.2} ms, errors: {}",
        row.load, row.concurrency, row.throughput, row.latency_ms[0], row.latency_ms[1], row.errors
    );
}
