//! Rate limits in three budgets, so that no one can spend another's:
//!
//! - **users**: requests with a valid chat token count per user, and per site (all its users
//!   together);
//! - **the site's server**: requests with a valid `x-api-secret` count per site;
//! - **everyone else**: requests that fail authentication or carry none count per client address.
//!
//! Only the first two are charged by the extractors that authenticate a request (`Budget`); the
//! middleware charges what is left to the client address after the fact, and refuses an address
//! that is already over its budget before any work (no key lookup). Buckets exist only for real
//! users, real sites and client addresses, never per unknown key, and every table is bounded.
//!
//! Windows are fixed minutes, which is what the `X-RateLimit-*` headers describe exactly (limit,
//! remaining, reset), the way GitHub's and Stream's APIs report them.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ipnet::IpNet;

use crate::config::Config;
use crate::domain::id::UserId;
use crate::domain::resource::ResourceId;
use crate::domain::time::now_ms;
use crate::http::error::AppError;
use crate::http::state::AppState;

const WINDOW_MS: i64 = 60_000;

/// Most buckets one limiter keeps. Past it, new keys share one overflow bucket until the next
/// window, so a flood of addresses costs bounded memory (and is limited as a whole).
const MAX_BUCKETS: usize = 100_000;

/// Routes for operators and orchestrators: never limited, no rate-limit headers.
const EXEMPT_PATHS: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

/// Counts requests per key in one-minute windows.
pub struct RateLimiter {
    limit: u32,
    capacity: usize,
    state: Mutex<Windows>,
}

#[derive(Default)]
struct Windows {
    counts: HashMap<String, (i64, u32)>,
    overflow: (i64, u32),
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
        Self::with_capacity(limit, MAX_BUCKETS)
    }

    fn with_capacity(limit: u32, capacity: usize) -> RateLimiter {
        RateLimiter {
            limit,
            capacity,
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
        let full = windows.counts.len() >= self.capacity;
        let bucket = match windows.counts.get_mut(key) {
            Some(bucket) => bucket,
            None if full => &mut windows.overflow,
            None => windows
                .counts
                .entry(key.to_owned())
                .or_insert((window_start, 0)),
        };
        if bucket.0 != window_start {
            *bucket = (window_start, 0);
        }
        bucket.1 = bucket.1.saturating_add(1);
        self.decision(bucket.1, window_start, now)
    }

    /// What `check` would answer for one more request of `key`, without counting it.
    pub fn peek(&self, key: &str, now: i64) -> Decision {
        let window_start = now - now.rem_euclid(WINDOW_MS);
        let windows = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let count = match windows.counts.get(key) {
            Some(&(start, count)) if start == window_start => count,
            Some(_) => 0,
            None if windows.counts.len() >= self.capacity && windows.overflow.0 == window_start => {
                windows.overflow.1
            }
            None => 0,
        };
        self.decision(count.saturating_add(1), window_start, now)
    }

    fn decision(&self, count: u32, window_start: i64, now: i64) -> Decision {
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

/// The three budgets, and whose `X-Forwarded-For` to believe.
pub struct Limits {
    per_user: RateLimiter,
    per_key: RateLimiter,
    per_secret: RateLimiter,
    per_address: RateLimiter,
    trusted_proxies: Vec<IpNet>,
}

impl Limits {
    pub fn new(config: &Config) -> Limits {
        Limits {
            per_user: RateLimiter::per_minute(config.rate_limit_per_user),
            per_key: RateLimiter::per_minute(config.rate_limit_per_key),
            per_secret: RateLimiter::per_minute(config.rate_limit_per_secret),
            per_address: RateLimiter::per_minute(config.rate_limit_per_address),
            trusted_proxies: config.trusted_proxies.clone(),
        }
    }

    /// A request of an authenticated user: their own budget first (a user over it spends none of
    /// the site's), then the site's. The headers report the tighter of the two.
    pub fn charge_user(&self, resource_id: &ResourceId, user_id: &UserId) -> Decision {
        let now = now_ms();
        let user = self.per_user.check(user_id.as_str(), now);
        if !user.allowed {
            return user;
        }
        let site = self.per_key.check(resource_id.as_str(), now);
        if !site.allowed || site.remaining < user.remaining {
            site
        } else {
            user
        }
    }

    /// A request of the site's own server (a valid `x-api-secret`).
    pub fn charge_secret(&self, resource_id: &ResourceId) -> Decision {
        self.per_secret.check(resource_id.as_str(), now_ms())
    }

    /// The client address of a request: the peer, or, when the peer is a trusted proxy, the
    /// nearest `X-Forwarded-For` hop that is not one.
    pub fn client_address(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            if !self.is_trusted(client) {
                break;
            }
            match hop.parse::<IpAddr>() {
                Ok(address) => client = address,
                Err(_) => break,
            }
        }
        client
    }

    fn is_trusted(&self, address: IpAddr) -> bool {
        self.trusted_proxies
            .iter()
            .any(|network| network.contains(&address))
    }
}

/// One bucket per IPv4 address, and per IPv6 /64 (what one subscriber usually gets).
fn address_key(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let network = IpNet::new(IpAddr::V6(v6), 64).map(|net| net.trunc());
                network.map_or_else(|_| v6.to_string(), |net| net.to_string())
            }
        },
    }
}

/// What a request was counted against, filled in by the extractor that authenticated it.
#[derive(Clone, Default)]
pub struct Budget(Arc<Mutex<Option<Charge>>>);

#[derive(Clone, Copy)]
enum Charge {
    Counted(Decision),
    /// The operator: not limited.
    Exempt,
}

impl Budget {
    /// Counts the request with `charge` unless it was counted already (a request with both a
    /// secret and a token counts once, as the site's server); 429 if over.
    pub fn charge(&self, charge: impl FnOnce() -> Decision) -> Result<(), AppError> {
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_some() {
            return Ok(());
        }
        let decision = charge();
        *slot = Some(Charge::Counted(decision));
        if decision.allowed {
            Ok(())
        } else {
            Err(AppError::RateLimited {
                retry_after: decision.reset_after_seconds,
            })
        }
    }

    /// Marks the request as one that no budget applies to.
    pub fn exempt(&self) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(Charge::Exempt);
    }

    fn take(&self) -> Option<Charge> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Budget {
    type Rejection = std::convert::Infallible;

    /// The request's budget slot (a detached one on routes the middleware does not cover).
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Budget>()
            .cloned()
            .unwrap_or_default())
    }
}

/// Middleware: refuses an address that is over its budget, lets the extractors charge the user's
/// or the site's budget, charges everything else to the address, and writes the headers.
pub async fn limit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut request: Request,
    next: Next,
) -> Response {
    if EXEMPT_PATHS.contains(&request.uri().path()) {
        return next.run(request).await;
    }
    let limits = &state.limits;
    let address = address_key(limits.client_address(peer.ip(), request.headers()));
    let ahead = limits.per_address.peek(&address, now_ms());
    if !ahead.allowed {
        let mut response = AppError::RateLimited {
            retry_after: ahead.reset_after_seconds,
        }
        .into_response();
        write_headers(response.headers_mut(), &ahead);
        return response;
    }
    let budget = Budget::default();
    request.extensions_mut().insert(budget.clone());
    let mut response = next.run(request).await;
    let decision = match budget.take() {
        Some(Charge::Counted(decision)) => decision,
        Some(Charge::Exempt) => return response,
        None => limits.per_address.check(&address, now_ms()),
    };
    write_headers(response.headers_mut(), &decision);
    response
}

fn write_headers(headers: &mut HeaderMap, decision: &Decision) {
    headers.insert("x-ratelimit-limit", HeaderValue::from(decision.limit));
    headers.insert(
        "x-ratelimit-remaining",
        HeaderValue::from(decision.remaining),
    );
    headers.insert(
        "x-ratelimit-reset",
        HeaderValue::from(decision.reset_at_seconds),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_up_to_the_limit_then_refuses_until_the_window_resets() {
        let limiter = RateLimiter::per_minute(2);
        let t = 1_000_000 * WINDOW_MS;
        assert!(limiter.check("a", t).allowed);
        assert!(limiter.peek("a", t).allowed, "peeking does not count");
        assert_eq!(limiter.check("a", t + 1).remaining, 0);
        assert!(!limiter.peek("a", t + 1).allowed);
        let refused = limiter.check("a", t + 2);
        assert!(!refused.allowed);
        assert_eq!(refused.reset_after_seconds, 60);
        assert!(limiter.check("b", t + 3).allowed, "keys are independent");
        assert!(
            limiter.check("a", t + WINDOW_MS).allowed,
            "a new window starts afresh"
        );
    }

    #[test]
    fn past_its_capacity_new_keys_share_one_bucket() {
        let limiter = RateLimiter::with_capacity(2, 3);
        let t = 1_000_000 * WINDOW_MS;
        for key in ["a", "b", "c"] {
            assert!(limiter.check(key, t).allowed);
        }
        assert!(limiter.check("d", t).allowed);
        assert!(limiter.check("e", t).allowed);
        assert!(!limiter.check("f", t).allowed, "d, e and f share a bucket");
        assert!(!limiter.peek("g", t).allowed);
        assert!(limiter.check("a", t).allowed, "known keys keep their own");
        assert_eq!(limiter.state.lock().expect("lock").counts.len(), 3);
        assert!(
            limiter.check("f", t + WINDOW_MS).allowed,
            "the next window sweeps and starts afresh"
        );
    }

    #[test]
    fn forwarded_addresses_are_believed_from_trusted_proxies_only() {
        let limits = Limits {
            trusted_proxies: vec!["10.0.0.0/8".parse().expect("net")],
            ..Limits::new(&test_config())
        };
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("198.51.100.7, 203.0.113.9, 10.1.1.1"),
        );
        let proxy: IpAddr = "10.0.0.2".parse().expect("ip");
        let stranger: IpAddr = "192.0.2.1".parse().expect("ip");
        assert_eq!(
            limits.client_address(proxy, &headers),
            "203.0.113.9".parse::<IpAddr>().expect("ip"),
            "the nearest untrusted hop, not the client-written leftmost one"
        );
        assert_eq!(limits.client_address(stranger, &headers), stranger);
        assert_eq!(limits.client_address(proxy, &HeaderMap::new()), proxy);
    }

    #[test]
    fn ipv6_addresses_share_a_bucket_per_64() {
        let a = address_key("2001:db8:1:2::1".parse().expect("ip"));
        let b = address_key("2001:db8:1:2:ffff::9".parse().expect("ip"));
        let c = address_key("2001:db8:1:3::1".parse().expect("ip"));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            address_key("::ffff:192.0.2.1".parse().expect("ip")),
            "192.0.2.1"
        );
    }

    fn test_config() -> Config {
        use clap::Parser;
        #[derive(Parser)]
        struct Args {
            #[command(flatten)]
            config: Config,
        }
        Args::parse_from(["test"]).config
    }
}
