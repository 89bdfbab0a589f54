//! Who is calling: accounts, roles, sessions and the one policy that decides what each
//! person may do.

pub mod api;
pub mod input;
pub mod pages;
pub mod policy;

#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod rate_limit;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod tokens;

use serde::{Deserialize, Serialize};

pub use policy::{Action, authorize};

/// A person's role in one cohort. Program administrator is global and lives on the
/// user instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    Fellow,
    Coach,
    Reviewer,
    Facilitator,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Fellow, Role::Coach, Role::Reviewer, Role::Facilitator];

    /// Returns the name stored in the database and used in rosters and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Fellow => "fellow",
            Role::Coach => "coach",
            Role::Reviewer => "reviewer",
            Role::Facilitator => "facilitator",
        }
    }

    /// Parses a stored or typed role name, ignoring letter case and surrounding spaces.
    pub fn parse(text: &str) -> Option<Role> {
        let text = text.trim();
        Role::ALL
            .into_iter()
            .find(|role| role.as_str().eq_ignore_ascii_case(text))
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Fellow => "Fellow",
            Role::Coach => "Coach",
            Role::Reviewer => "Reviewer",
            Role::Facilitator => "Facilitator",
        }
    }
}

/// One role in one cohort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Membership {
    pub cohort_id: i32,
    pub role: Role,
}

/// The signed-in person, as the server loads them for each request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i32,
    pub email: String,
    pub display_name: String,
    pub is_admin: bool,
    pub memberships: Vec<Membership>,
    /// The IANA time zone the person chose for reading times; `None` shows each
    /// cohort's own zone.
    pub time_zone: Option<String>,
}

impl CurrentUser {
    pub fn has_role(&self, role: Role) -> bool {
        self.memberships
            .iter()
            .any(|membership| membership.role == role)
    }

    pub fn has_role_in(&self, cohort_id: i32, role: Role) -> bool {
        self.memberships.contains(&Membership { cohort_id, role })
    }

    pub fn is_member_of(&self, cohort_id: i32) -> bool {
        self.memberships
            .iter()
            .any(|membership| membership.cohort_id == cohort_id)
    }

    /// Returns the home page a person lands on after signing in. A person with several roles
    /// lands on the one that manages the most; the others are linked from there.
    pub fn home_path(&self) -> &'static str {
        if self.is_admin {
            "/admin"
        } else if self.has_role(Role::Facilitator) {
            "/facilitator"
        } else if self.has_role(Role::Coach) {
            "/coach"
        } else if self.has_role(Role::Reviewer) {
            "/reviewer"
        } else {
            "/fellow"
        }
    }
}

/// The sender of a request: a signed-in person or an anonymous visitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Actor {
    #[default]
    Anonymous,
    User(CurrentUser),
}

impl Actor {
    pub fn user(&self) -> Option<&CurrentUser> {
        match self {
            Actor::Anonymous => None,
            Actor::User(user) => Some(user),
        }
    }
}

/// Returns the actor of the request being handled. The server's session middleware puts it in
/// the request; outside a request, and in the browser, it is `Anonymous`.
pub fn current_actor() -> Actor {
    #[cfg(feature = "ssr")]
    {
        use leptos::prelude::use_context;
        if let Some(parts) = use_context::<http::request::Parts>()
            && let Some(actor) = parts.extensions.get::<Actor>()
        {
            return actor.clone();
        }
    }
    Actor::Anonymous
}
