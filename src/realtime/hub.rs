//! The node-local registry of WebSocket connections, by user, with an index of elevated users per
//! resource. Delivery serialises an event once and hands it to each connection's bounded queue; a
//! connection whose queue is full is dropped (its client reconnects and catches up by cursor).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

use super::event::Audience;
use crate::domain::role::Role;

/// Events a connection may have queued before it counts as too slow.
const QUEUE: usize = 256;

#[derive(Default)]
pub struct Hub {
    state: Mutex<State>,
    next_id: AtomicU64,
}

#[derive(Default)]
struct State {
    /// user id → their connections on this node.
    connections: HashMap<String, Vec<Connection>>,
    /// resource id → elevated users connected, with their role.
    elevated: HashMap<String, HashMap<String, Role>>,
}

struct Connection {
    id: u64,
    sender: mpsc::Sender<Arc<str>>,
}

/// A registered connection; dropping it unregisters.
pub struct Registration {
    hub: Arc<Hub>,
    id: u64,
    user_id: String,
    resource_id: String,
}

impl Hub {
    /// Registers a connection of `user_id`; events for them arrive on the receiver. The second
    /// value says whether this is the user's first connection on this node.
    pub fn register(
        self: &Arc<Self>,
        resource_id: &str,
        user_id: &str,
        role: Role,
    ) -> (Registration, mpsc::Receiver<Arc<str>>, bool) {
        let (sender, receiver) = mpsc::channel(QUEUE);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut state = self.lock();
        let connections = state.connections.entry(user_id.to_owned()).or_default();
        let first = connections.is_empty();
        connections.push(Connection { id, sender });
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
        (registration, receiver, first)
    }

    /// Records a role change of a connected user (checked at each heartbeat).
    pub fn set_role(&self, resource_id: &str, user_id: &str, role: Role) {
        let mut state = self.lock();
        let elevated = state.elevated.entry(resource_id.to_owned()).or_default();
        if role.is_elevated() {
            elevated.insert(user_id.to_owned(), role);
        } else {
            elevated.remove(user_id);
        }
    }

    /// Whether the user has a connection on this node.
    pub fn is_connected(&self, user_id: &str) -> bool {
        self.connections_of(user_id) > 0
    }

    /// How many connections the user has on this node.
    pub fn connections_of(&self, user_id: &str) -> usize {
        self.lock().connections.get(user_id).map_or(0, Vec::len)
    }

    /// Hands `json` to every connection of the audience, each user once.
    pub fn deliver(&self, audience: &Audience, json: &Arc<str>) {
        let mut state = self.lock();
        let mut users: Vec<String> = audience.users.clone();
        if audience.staff || audience.moderators {
            if let Some(elevated) = state.elevated.get(&audience.resource_id) {
                users.extend(
                    elevated
                        .iter()
                        .filter(|(_, role)| audience.staff || **role >= Role::Moderator)
                        .map(|(user_id, _)| user_id.clone()),
                );
            }
        }
        users.sort_unstable();
        users.dedup();
        for user_id in users {
            if audience.except.as_deref() == Some(user_id.as_str()) {
                continue;
            }
            if let Some(connections) = state.connections.get_mut(&user_id) {
                // A full queue means a stalled client: drop it rather than buffer without bound.
                connections.retain(|c| c.sender.try_send(Arc::clone(json)).is_ok());
                if connections.is_empty() {
                    state.connections.remove(&user_id);
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
        connections.retain(|c| c.id != self.id);
        if connections.is_empty() {
            state.connections.remove(&self.user_id);
            if let Some(elevated) = state.elevated.get_mut(&self.resource_id) {
                elevated.remove(&self.user_id);
            }
        }
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

    fn audience(users: &[&str], staff: bool, moderators: bool) -> Audience {
        Audience {
            resource_id: "r".into(),
            users: users.iter().map(|u| u.to_string()).collect(),
            staff,
            moderators,
            except: None,
        }
    }

    #[tokio::test]
    async fn delivers_to_named_users_and_the_right_elevated_ones_once() {
        let hub = Arc::new(Hub::default());
        let (_a, mut alice, first) = hub.register("r", "alice", Role::User);
        assert!(first);
        let (_s, mut staff, _) = hub.register("r", "staff", Role::Staff);
        let (_m, mut moderator, _) = hub.register("r", "mod", Role::Moderator);
        let (_o, mut other, _) = hub.register("other", "x", Role::Admin);
        let json: Arc<str> = Arc::from("{}");

        hub.deliver(&audience(&["alice", "mod"], false, true), &json);
        assert!(alice.try_recv().is_ok());
        assert!(moderator.try_recv().is_ok());
        assert!(
            moderator.try_recv().is_err(),
            "named and moderator, still once"
        );
        assert!(staff.try_recv().is_err(), "staff do not see P2P events");
        assert!(other.try_recv().is_err(), "never another resource");

        hub.deliver(&audience(&["alice"], true, false).except("alice"), &json);
        assert!(alice.try_recv().is_err());
        assert!(staff.try_recv().is_ok());
    }

    #[tokio::test]
    async fn dropping_a_registration_unregisters() {
        let hub = Arc::new(Hub::default());
        let (first, _rx1, _) = hub.register("r", "alice", Role::User);
        let (second, _rx2, was_first) = hub.register("r", "alice", Role::User);
        assert!(!was_first);
        drop(first);
        assert!(hub.is_connected("alice"));
        drop(second);
        assert!(!hub.is_connected("alice"));
    }

    #[tokio::test]
    async fn a_full_queue_drops_the_connection() {
        let hub = Arc::new(Hub::default());
        let (_registration, _receiver, _) = hub.register("r", "slow", Role::User);
        let json: Arc<str> = Arc::from("{}");
        for _ in 0..=QUEUE {
            hub.deliver(&audience(&["slow"], false, false), &json);
        }
        assert!(!hub.is_connected("slow"));
    }
}
