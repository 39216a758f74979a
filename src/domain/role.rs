//! Roles and the permission flags (contract §3).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Roles, weakest first so that `Ord` reads as "at least as strong as".
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Staff,
    Moderator,
    Admin,
    Superadmin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::User,
        Role::Staff,
        Role::Moderator,
        Role::Admin,
        Role::Superadmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Staff => "staff",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
            Role::Superadmin => "superadmin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == s)
    }

    /// staff, moderator, admin, superadmin.
    pub fn is_elevated(self) -> bool {
        self >= Role::Staff
    }

    /// Whether a caller of this role may create, promote, demote or otherwise manage a user
    /// who has (or is to get) `target`: a superadmin manages every role, an admin up to
    /// moderator, nobody else anyone.
    pub fn may_manage(self, target: Role) -> bool {
        match self {
            Role::Superadmin => true,
            Role::Admin => target <= Role::Moderator,
            _ => false,
        }
    }
}

/// The five permission flags; every role starts with all of them true.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Permissions {
    pub can_send_message: bool,
    pub can_receive_message: bool,
    pub can_delete_message: bool,
    pub can_edit_message: bool,
    pub can_archive_conversation: bool,
}

impl Default for Permissions {
    fn default() -> Self {
        Permissions {
            can_send_message: true,
            can_receive_message: true,
            can_delete_message: true,
            can_edit_message: true,
            can_archive_conversation: true,
        }
    }
}

/// Some of the flags, as a request gives them; the rest keep their current value.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PermissionsPatch {
    pub can_send_message: Option<bool>,
    pub can_receive_message: Option<bool>,
    pub can_delete_message: Option<bool>,
    pub can_edit_message: Option<bool>,
    pub can_archive_conversation: Option<bool>,
}

impl Permissions {
    /// These permissions with the flags of `patch` merged in.
    pub fn merged(self, patch: PermissionsPatch) -> Permissions {
        Permissions {
            can_send_message: patch.can_send_message.unwrap_or(self.can_send_message),
            can_receive_message: patch
                .can_receive_message
                .unwrap_or(self.can_receive_message),
            can_delete_message: patch.can_delete_message.unwrap_or(self.can_delete_message),
            can_edit_message: patch.can_edit_message.unwrap_or(self.can_edit_message),
            can_archive_conversation: patch
                .can_archive_conversation
                .unwrap_or(self.can_archive_conversation),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elevated_roles_are_the_four_above_user() {
        let elevated: Vec<Role> = Role::ALL.into_iter().filter(|r| r.is_elevated()).collect();
        assert_eq!(
            elevated,
            [Role::Staff, Role::Moderator, Role::Admin, Role::Superadmin]
        );
    }

    #[test]
    fn management_follows_the_hierarchy() {
        assert!(Role::Superadmin.may_manage(Role::Superadmin));
        assert!(Role::Admin.may_manage(Role::Moderator));
        assert!(!Role::Admin.may_manage(Role::Admin));
        assert!(!Role::Moderator.may_manage(Role::User));
        assert!(!Role::User.may_manage(Role::User));
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn patch_merges_only_given_flags() {
        let patch = PermissionsPatch {
            can_edit_message: Some(false),
            ..Default::default()
        };
        let merged = Permissions::default().merged(patch);
        assert!(!merged.can_edit_message);
        assert!(merged.can_send_message);
    }
}
