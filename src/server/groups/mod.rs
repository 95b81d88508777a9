//! Groups: browsing and a group's page (`browse`), joining and leaving
//! (`membership`), and running a group (`manage`).
//!
//! Who may do what is decided here, once, by [`GroupAccess`]: it loads the
//! group and the caller's standing in it, and only its `manager()` and
//! `owner()` checks produce the [`Manager`] and [`Owner`] values that the
//! changing functions require, so a forgotten check does not compile. The
//! store re-checks the parts that can race (capacity, ownership) inside its
//! transactions.
//!
//! Site administrators see every group and act as a group admin (approve,
//! deny, remove, edit, delete); role changes and hand-overs stay with the owner.

pub mod browse;
pub mod manage;
pub mod membership;
pub mod words;

use crate::domain::{AppError, GroupAction, GroupSettings, GroupSlug, Standing};
use crate::server::events::record;
use crate::server::request::{RequestMeta, SignedIn};
use crate::server::state::AppState;
use crate::server::store::GroupRow;

/// A group and where the caller stands in it.
pub struct GroupAccess {
    pub group: GroupRow,
    pub standing: Standing,
    pub site_admin: bool,
    pub viewer: Option<SignedIn>,
}

/// Proof that the caller may manage the group (owner, admin or site admin).
pub struct Manager<'a> {
    pub access: &'a GroupAccess,
    pub who: &'a SignedIn,
}

/// Proof that the caller owns the group.
pub struct Owner<'a> {
    pub access: &'a GroupAccess,
    pub who: &'a SignedIn,
}

impl GroupAccess {
    /// The group at `slug` (a malformed slug names none) and the caller's standing.
    pub async fn load(
        state: &AppState,
        viewer: Option<SignedIn>,
        slug: &str,
        meta: &RequestMeta,
    ) -> Result<Self, AppError> {
        let slug = GroupSlug::parse(slug).map_err(|_| AppError::NotFound)?;
        let groups = &state.store.groups;
        let group = groups
            .find(slug.as_ref())
            .await
            .map_err(|e| meta.store_error(e))?
            .ok_or(AppError::NotFound)?;
        let standing = match &viewer {
            Some(v) => groups
                .membership(&group.id, v.user_id())
                .await
                .map_err(|e| meta.store_error(e))?
                .map(|m| Standing::from_role(m.role_in_group.as_deref(), m.is_active))
                .unwrap_or(Standing::None),
            None => Standing::None,
        };
        let site_admin = viewer.as_ref().is_some_and(|v| v.user.is_admin());
        Ok(Self {
            group,
            standing,
            site_admin,
            viewer,
        })
    }

    /// The signed-in caller, or `Unauthenticated`.
    pub fn signed_in(&self) -> Result<&SignedIn, AppError> {
        self.viewer.as_ref().ok_or(AppError::Unauthenticated)
    }

    pub fn manager(&self) -> Result<Manager<'_>, AppError> {
        let who = self.signed_in()?;
        if matches!(self.standing, Standing::Owner | Standing::Admin) || self.site_admin {
            Ok(Manager { access: self, who })
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn owner(&self) -> Result<Owner<'_>, AppError> {
        let who = self.signed_in()?;
        if self.standing == Standing::Owner && self.group.owner_id == who.user_id() {
            Ok(Owner { access: self, who })
        } else {
            Err(AppError::Forbidden)
        }
    }

    fn may_see_members(&self, settings: &GroupSettings) -> bool {
        self.standing.is_member()
            || self.site_admin
            || (self.group.is_public && settings.show_members)
    }

    /// The one thing the caller can do on the group's page, or why not.
    fn action(&self) -> GroupAction {
        let g = &self.group;
        if self.viewer.is_none() {
            return GroupAction::None("Sign in to join this group.".into());
        }
        if g.is_system {
            return GroupAction::None(
                "This is a system group: its membership is managed for you.".into(),
            );
        }
        if !g.is_active {
            return GroupAction::None("This group is not active.".into());
        }
        match self.standing {
            Standing::Owner => GroupAction::None(
                "You own this group. Hand it over to another member before you can leave.".into(),
            ),
            Standing::Admin | Standing::Member => GroupAction::Leave,
            Standing::Pending => GroupAction::Cancel,
            Standing::None if !g.is_open => GroupAction::Request,
            Standing::None if g.max_members.is_some_and(|m| g.member_count >= m) => {
                GroupAction::None("This group is full.".into())
            }
            Standing::None => GroupAction::Join,
        }
    }

    /// Records `kind` on the caller's timeline, naming the group and, for
    /// an action on someone, that member.
    async fn event(
        &self,
        state: &AppState,
        who: &SignedIn,
        kind: &'static str,
        member: Option<&str>,
        meta: &RequestMeta,
    ) {
        let mut extra = serde_json::json!({ "group": self.group.name, "slug": self.group.slug });
        if let Some(m) = member {
            extra["member"] = serde_json::Value::String(m.to_string());
        }
        record(
            state,
            &who.session_id,
            who.user_id(),
            kind,
            meta,
            Some(extra),
        )
        .await;
    }
}

/// A store change that found nothing to change is a conflict with this message.
fn conflict_unless(done: bool, message: &str) -> Result<(), AppError> {
    if done {
        Ok(())
    } else {
        Err(AppError::Conflict(message.to_string()))
    }
}
