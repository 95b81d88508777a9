//! What the group pages show, as server functions answer them.

use serde::{Deserialize, Serialize};

/// How the caller stands in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Standing {
    None,
    Pending,
    Member,
    Admin,
    Owner,
}

impl Standing {
    pub fn from_role(role: Option<&str>, active: bool) -> Self {
        match (role, active) {
            (Some("pending"), _) => Standing::Pending,
            (Some("owner"), true) => Standing::Owner,
            (Some("admin"), true) => Standing::Admin,
            (Some(_), true) => Standing::Member,
            _ => Standing::None,
        }
    }
    pub fn is_member(self) -> bool {
        matches!(self, Standing::Member | Standing::Admin | Standing::Owner)
    }
    pub fn label(self) -> &'static str {
        match self {
            Standing::None => "",
            Standing::Pending => "Request pending",
            Standing::Member => "Member",
            Standing::Admin => "Admin",
            Standing::Owner => "Owner",
        }
    }
}

/// One group in the browse list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCard {
    pub slug: String,
    pub name: String,
    pub excerpt: Option<String>,
    pub group_type: String,
    pub tags: Vec<String>,
    pub member_count: i32,
    pub max_members: Option<i32>,
    pub is_open: bool,
    pub is_public: bool,
    pub standing: Standing,
}

/// A page of `/groups`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupList {
    pub groups: Vec<GroupCard>,
    /// Cursor of the next page, when there is one.
    pub next: Option<String>,
    /// Is the caller signed in (the page offers "Create a group")?
    pub signed_in: bool,
}

/// A member as a group page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub joined: String,
}

/// A waiting request, for the manage page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestView {
    pub username: String,
    pub display_name: String,
    pub asked: String,
    pub answer: Option<String>,
}

/// The one thing the caller can do on a group page, or why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupAction {
    Join,
    Request,
    Cancel,
    Leave,
    /// Nothing to do, and why ("This group is full.").
    None(String),
}

/// `/groups/{slug}` and the manage page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDetail {
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub group_type: String,
    pub tags: Vec<String>,
    pub owner: String,
    pub member_count: i32,
    pub max_members: Option<i32>,
    pub is_public: bool,
    pub is_open: bool,
    pub is_system: bool,
    pub is_active: bool,
    pub created: String,
    pub show_members: bool,
    pub join_question: Option<String>,
    pub standing: Standing,
    pub action: GroupAction,
    /// `None` when the caller may not see the member list.
    pub members: Option<Vec<MemberView>>,
    /// May the caller open the manage page?
    pub can_manage: bool,
    /// Is the caller the owner (or a site admin acting as one)?
    pub is_owner: bool,
    /// Waiting requests, for managers only.
    pub requests: Vec<RequestView>,
}
