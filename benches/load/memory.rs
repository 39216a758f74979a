//! The server's memory and both processes' open-file limits, read from /proc.

use std::future::Future;
use std::time::Duration;

/// How often the server's resident memory is sampled during a run.
const SAMPLE_EVERY: Duration = Duration::from_millis(20);

/// A field of /proc/PID/status in KiB (`VmRSS`, `VmHWM`).
pub fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// The server's resident memory now, in KiB.
pub fn rss_kib(pid: Option<u32>) -> Option<u64> {
    status_kib(pid?, "VmRSS")
}

/// Runs `work` while sampling the server's resident memory; its output and the peak in KiB.
/// The kernel's own peak (`VmHWM`) is reset first where allowed, so a peak between two samples
/// is not missed.
pub async fn peak_during<T>(pid: Option<u32>, work: impl Future<Output = T>) -> (T, Option<u64>) {
    let Some(pid) = pid else {
        return (work.await, None);
    };
    let hwm_reset = std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok();
    let mut peak = status_kib(pid, "VmRSS");
    let mut tick = tokio::time::interval(SAMPLE_EVERY);
    tokio::pin!(work);
    let output = loop {
        tokio::select! {
            output = &mut work => break output,
            _ = tick.tick() => peak = peak.max(status_kib(pid, "VmRSS")),
        }
    };
    peak = peak.max(status_kib(pid, "VmRSS"));
    if hwm_reset {
        peak = peak.max(status_kib(pid, "VmHWM"));
    }
    (output, peak)
}

/// The soft limit on open files of a process (`self` or a pid).
pub fn open_file_limit(process: &str) -> Option<u64> {
    let limits = std::fs::read_to_string(format!("/proc/{process}/limits")).ok()?;
    let line = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}
