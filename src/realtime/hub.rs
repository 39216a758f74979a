//! The node-local registry of WebSocket connections, by user, with an index of elevated users per
//! resource. Delivery serialises an event once and hands it to each connection's bounded queue; a
//! connection whose queue is full gets no more events and its session ends (the client reconnects
//! and catches up by cursor). A connection counts against the caps until its session has ended,
//! whatever state it is in, so a stuck socket cannot make room for more.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use prometheus_client::metrics::counter::Counter;
use tokio::sync::mpsc;

use super::event::Audience;
use crate::domain::id::UserId;
use crate::domain::resource::ResourceId;
use crate::domain::role::Role;

/// Events a connection may have queued before it counts as too slow.
const QUEUE: usize = 256;

/// Sockets one user may hold open on one server process (tabs, devices); more is abuse.
pub const MAX_CONNECTIONS_PER_USER: usize = 32;

pub struct Hub {
    state: Mutex<State>,
    next_id: AtomicU64,
    max_connections: usize,
    /// Events handed to a socket's queue, and events a socket did not get (its queue was full,
    /// or it had already been cut off as too slow).
    pub delivered: Counter,
    pub dropped: Counter,
}

/// Why a connection was not registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// The user already holds `MAX_CONNECTIONS_PER_USER` sockets on this process.
    User,
    /// The process holds its maximum of sockets.
    Process,
}

#[derive(Default)]
struct State {
    /// Every registered connection.
    total: usize,
    /// user id → their connections on this node.
    connections: HashMap<UserId, Vec<Connection>>,
    /// resource id → elevated users connected, with their role.
    elevated: HashMap<ResourceId, HashMap<UserId, Role>>,
}

struct Connection {
    id: u64,
    /// `None` once the connection fell too far behind: it gets nothing more, but still counts.
    sender: Option<mpsc::Sender<Arc<str>>>,
}

/// A registered connection; dropping it unregisters.
pub struct Registration {
    hub: Arc<Hub>,
    id: u64,
    user_id: UserId,
    resource_id: ResourceId,
}

impl Hub {
    /// A hub that holds at most `max_connections` sockets.
    pub fn new(max_connections: usize) -> Hub {
        Hub {
            state: Mutex::default(),
            next_id: AtomicU64::new(0),
            max_connections,
            delivered: Counter::default(),
            dropped: Counter::default(),
        }
    }

    /// Registers a connection of `user_id`, unless the user or the process is at its cap; events
    /// for them arrive on the receiver. The last value says whether this is the user's first
    /// connection on this node.
    pub fn register(
        self: &Arc<Self>,
        resource_id: &ResourceId,
        user_id: &UserId,
        role: Role,
    ) -> Result<(Registration, mpsc::Receiver<Arc<str>>, bool), Full> {
        let mut state = self.lock();
        if state.total >= self.max_connections {
            return Err(Full::Process);
        }
        if state.connections.get(user_id).map_or(0, Vec::len) >= MAX_CONNECTIONS_PER_USER {
            return Err(Full::User);
        }
        let (sender, receiver) = mpsc::channel(QUEUE);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        state.total += 1;
        let connections = state.connections.entry(user_id.to_owned()).or_default();
        let first = connections.is_empty();
        connections.push(Connection {
            id,
            sender: Some(sender),
        });
        if role.is_elevated() {
            state
                .elevated
                .entry(resource_id.to_owned())
                .or_default()
                .insert(user_id.to_owned(), role);
        }
        let registration = Registration {
            hub: Arc::clone(self),
            id,
            user_id: user_id.to_owned(),
            resource_id: resource_id.to_owned(),
        };
        Ok((registration, receiver, first))
    }

    /// Records a role change of a connected user (checked at each heartbeat).
    /// A user with no connection left here is not indexed: a heartbeat racing the end of its
    /// session must not leave an entry behind.
    pub fn set_role(&self, resource_id: &ResourceId, user_id: &UserId, role: Role) {
        let mut state = self.lock();
        let connected = state.connections.contains_key(user_id);
        if connected && role.is_elevated() {
            let elevated = state.elevated.entry(resource_id.to_owned()).or_default();
            elevated.insert(user_id.to_owned(), role);
        } else if let Some(elevated) = state.elevated.get_mut(resource_id) {
            elevated.remove(user_id);
            if elevated.is_empty() {
                state.elevated.remove(resource_id);
            }
        }
    }

    /// Whether the user has a connection on this node.
    pub fn is_connected(&self, user_id: &UserId) -> bool {
        self.connections_of(user_id) > 0
    }

    /// How many connections the user has on this node.
    pub fn connections_of(&self, user_id: &UserId) -> usize {
        self.lock().connections.get(user_id).map_or(0, Vec::len)
    }

    /// How many connections this node holds.
    pub fn total_connections(&self) -> usize {
        self.lock().total
    }

    /// Hands `json` to every connection of the audience, each user once.
    pub fn deliver(&self, audience: &Audience, json: &Arc<str>) {
        let mut state = self.lock();
        let mut users: Vec<UserId> = audience.users.clone();
        if let Some(least) = audience.roles_from {
            if let Some(elevated) = state.elevated.get(&audience.resource_id) {
                users.extend(
                    elevated
                        .iter()
                        .filter(|(_, role)| **role >= least)
                        .map(|(user_id, _)| user_id.clone()),
                );
            }
        }
        users.sort_unstable();
        users.dedup();
        for user_id in users {
            if audience.except.as_ref() == Some(&user_id) {
                continue;
            }
            if let Some(connections) = state.connections.get_mut(&user_id) {
                for connection in connections.iter_mut() {
                    // A full queue means a stalled client: cut it off rather than buffer without
                    // bound. Dropping the sender ends its session, which unregisters it.
                    let delivered = connection
                        .sender
                        .as_ref()
                        .is_some_and(|sender| sender.try_send(Arc::clone(json)).is_ok());
                    if delivered {
                        self.delivered.inc();
                    } else {
                        self.dropped.inc();
                        connection.sender = None;
                    }
                }
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Registration {
    fn unregister(&self) {
        let mut state = self.hub.lock();
        let Some(connections) = state.connections.get_mut(&self.user_id) else {
            return;
        };
        let before = connections.len();
        connections.retain(|c| c.id != self.id);
        let removed = before - connections.len();
        if connections.is_empty() {
            state.connections.remove(&self.user_id);
            if let Some(elevated) = state.elevated.get_mut(&self.resource_id) {
                elevated.remove(&self.user_id);
                if elevated.is_empty() {
                    state.elevated.remove(&self.resource_id);
                }
            }
        }
        state.total -= removed;
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.unregister();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::id::test_user_id;

    fn site() -> ResourceId {
        ResourceId::named("r")
    }

    fn audience(users: &[&str], roles_from: Option<Role>) -> Audience {
        Audience {
            resource_id: site(),
            users: users.iter().map(|name| test_user_id(name)).collect(),
            roles_from,
            except: None,
        }
    }

    #[tokio::test]
    async fn delivers_to_named_users_and_the_right_elevated_ones_once() {
        let hub = Arc::new(Hub::new(100));
        let (_a, mut alice, first) = hub
            .register(&site(), &test_user_id("alice"), Role::User)
            .expect("room");
        assert!(first);
        let (_s, mut staff, _) = hub
            .register(&site(), &test_user_id("staff"), Role::Staff)
            .expect("room");
        let (_m, mut moderator, _) = hub
            .register(&site(), &test_user_id("mod"), Role::Moderator)
            .expect("room");
        let (_o, mut other, _) = hub
            .register(&ResourceId::named("other"), &test_user_id("x"), Role::Admin)
            .expect("room");
        let json: Arc<str> = Arc::from("{}");

        hub.deliver(&audience(&["alice", "mod"], Some(Role::Moderator)), &json);
        assert!(alice.try_recv().is_ok());
        assert!(moderator.try_recv().is_ok());
        assert!(
            moderator.try_recv().is_err(),
            "named and moderator, still once"
        );
        assert!(staff.try_recv().is_err(), "staff do not see P2P events");
        assert!(other.try_recv().is_err(), "never another resource");

        hub.deliver(
            &audience(&["alice"], Some(Role::Staff)).except(&test_user_id("alice")),
            &json,
        );
        assert!(alice.try_recv().is_err());
        assert!(staff.try_recv().is_ok());
    }

    #[tokio::test]
    async fn a_role_change_after_the_last_connection_leaves_no_entry() {
        let hub = Arc::new(Hub::new(100));
        let staff = test_user_id("staff");
        let (registration, _rx, _) = hub.register(&site(), &staff, Role::Staff).expect("room");
        drop(registration);
        hub.set_role(&site(), &staff, Role::Admin);
        assert!(
            hub.lock().elevated.is_empty(),
            "no entry for a user who left"
        );
        let (_again, _rx, _) = hub.register(&site(), &staff, Role::Staff).expect("room");
        hub.set_role(&site(), &staff, Role::User);
        assert!(
            hub.lock().elevated.is_empty(),
            "demoted users leave the index"
        );
    }

    #[tokio::test]
    async fn dropping_a_registration_unregisters() {
        let hub = Arc::new(Hub::new(100));
        let alice = test_user_id("alice");
        let (first, _rx1, _) = hub.register(&site(), &alice, Role::User).expect("room");
        let (second, _rx2, was_first) = hub.register(&site(), &alice, Role::User).expect("room");
        assert!(!was_first);
        drop(first);
        assert!(hub.is_connected(&alice));
        assert_eq!(hub.total_connections(), 1);
        drop(second);
        assert!(!hub.is_connected(&alice));
        assert_eq!(hub.total_connections(), 0);
    }

    #[tokio::test]
    async fn a_full_queue_cuts_the_connection_off_but_it_counts_until_unregistered() {
        let hub = Arc::new(Hub::new(100));
        let slow = test_user_id("slow");
        let (registration, mut receiver, _) =
            hub.register(&site(), &slow, Role::User).expect("room");
        let json: Arc<str> = Arc::from("{}");
        for _ in 0..=QUEUE {
            hub.deliver(&audience(&["slow"], None), &json);
        }
        for _ in 0..QUEUE {
            assert!(receiver.recv().await.is_some());
        }
        assert!(
            receiver.recv().await.is_none(),
            "the session is told to end"
        );
        assert_eq!(hub.connections_of(&slow), 1, "still counted");
        drop(registration);
        assert_eq!(hub.connections_of(&slow), 0);
    }

    #[tokio::test]
    async fn caps_per_user_and_per_process() {
        let hub = Arc::new(Hub::new(MAX_CONNECTIONS_PER_USER + 1));
        let [alice, bob, carol] = ["alice", "bob", "carol"].map(test_user_id);
        let mut held = Vec::new();
        for _ in 0..MAX_CONNECTIONS_PER_USER {
            held.push(hub.register(&site(), &alice, Role::User).expect("room"));
        }
        assert_eq!(
            hub.register(&site(), &alice, Role::User).err(),
            Some(Full::User)
        );
        held.push(hub.register(&site(), &bob, Role::User).expect("room"));
        assert_eq!(
            hub.register(&site(), &carol, Role::User).err(),
            Some(Full::Process)
        );
        held.pop();
        assert!(hub.register(&site(), &carol, Role::User).is_ok());
    }
}
