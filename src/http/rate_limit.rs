//! Fixed-window rate limits (per API key, per user) and the `X-RateLimit-*` headers.
//!
//! A fixed one-minute window is what the headers describe exactly (limit, remaining, reset), the
//! way GitHub's and Stream's APIs report them; token buckets would need approximations there.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::domain::time::now_ms;
use crate::error::AppError;

const WINDOW_MS: i64 = 60_000;

/// Counts requests per key in one-minute windows.
pub struct RateLimiter {
    limit: u32,
    state: Mutex<Windows>,
}

#[derive(Default)]
struct Windows {
    counts: HashMap<String, (i64, u32)>,
    last_sweep: i64,
}

/// The outcome of one check, with what the headers report.
#[derive(Debug, Clone, Copy)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Unix seconds at which the window resets.
    pub reset_at_seconds: i64,
    pub reset_after_seconds: u64,
}

impl RateLimiter {
    pub fn per_minute(limit: u32) -> RateLimiter {
        RateLimiter {
            limit,
            state: Mutex::new(Windows::default()),
        }
    }

    /// Counts one request of `key` at `now` (ms) and says whether it is within the limit.
    pub fn check(&self, key: &str, now: i64) -> Decision {
        let window_start = now - now.rem_euclid(WINDOW_MS);
        let mut windows = self.state.lock().unwrap_or_else(|p| p.into_inner());
        // Forget finished windows once per window, so idle keys cost no memory.
        if now - windows.last_sweep >= WINDOW_MS {
            windows
                .counts
                .retain(|_, (start, _)| *start == window_start);
            windows.last_sweep = now;
        }
        let count = match windows.counts.get_mut(key) {
            Some((start, count)) if *start == window_start => {
                *count = count.saturating_add(1);
                *count
            }
            _ => {
                windows.counts.insert(key.to_owned(), (window_start, 1));
                1
            }
        };
        let reset_at = window_start + WINDOW_MS;
        Decision {
            allowed: count <= self.limit,
            limit: self.limit,
            remaining: self.limit.saturating_sub(count),
            reset_at_seconds: reset_at / 1000,
            reset_after_seconds: ((reset_at - now + 999) / 1000).max(1) as u64,
        }
    }
}

/// Middleware: limits per API key (per client address for requests without one) and writes the
/// headers on every response. Per-user limits are checked where the user is known (`Caller`).
pub async fn limit_per_key(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    let key = match request
        .headers()
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
    {
        Some(key) => format!("key:{}", key.get(..64).unwrap_or(key)),
        None => format!("ip:{}", peer.ip()),
    };
    let decision = state.key_limiter.check(&key, now_ms());
    let mut response = if decision.allowed {
        next.run(request).await
    } else {
        AppError::RateLimited {
            retry_after: decision.reset_after_seconds,
        }
        .into_response()
    };
    let headers = response.headers_mut();
    headers.insert("x-ratelimit-limit", HeaderValue::from(decision.limit));
    headers.insert(
        "x-ratelimit-remaining",
        HeaderValue::from(decision.remaining),
    );
    headers.insert(
        "x-ratelimit-reset",
        HeaderValue::from(decision.reset_at_seconds),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_up_to_the_limit_then_refuses_until_the_window_resets() {
        let limiter = RateLimiter::per_minute(2);
        let t = 1_000_000 * WINDOW_MS;
        assert!(limiter.check("a", t).allowed);
        assert_eq!(limiter.check("a", t + 1).remaining, 0);
        let refused = limiter.check("a", t + 2);
        assert!(!refused.allowed);
        assert_eq!(refused.reset_after_seconds, 60);
        assert!(limiter.check("b", t + 3).allowed, "keys are independent");
        assert!(
            limiter.check("a", t + WINDOW_MS).allowed,
            "a new window starts afresh"
        );
    }
}
