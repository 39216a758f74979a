//! The server's CPU time over a run's measured window, from /proc/PID/stat: per request it stays
//! comparable between runs on a busy machine, where throughput does not.

use std::time::Duration;

use crate::http_load::Window;

/// Clock ticks per second of /proc's times (`USER_HZ`, 100 on Linux).
const TICKS_PER_SECOND: u64 = 100;

/// The user plus system CPU time process `pid` used so far.
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name (in parentheses, and it may hold spaces) start with the
    // third; utime and stime are the 14th and 15th.
    let after_name = stat.get(stat.rfind(')')? + 1..)?;
    let mut times = after_name.split_whitespace().skip(11);
    let mut ticks = || times.next()?.parse::<u64>().ok();
    let total = ticks()? + ticks()?;
    Some(Duration::from_millis(total * 1000 / TICKS_PER_SECOND))
}

/// The CPU time process `pid` used between the window's start and end.
pub async fn used_in(pid: Option<u32>, window: Window) -> Option<Duration> {
    let pid = pid?;
    tokio::time::sleep_until(window.start.into()).await;
    let start = cpu_time(pid)?;
    tokio::time::sleep_until(window.end.into()).await;
    Some(cpu_time(pid)?.saturating_sub(start))
}
