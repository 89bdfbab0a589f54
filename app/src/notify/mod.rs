//! Notifications: the in-app inbox, and email sent at once or gathered into a daily
//! digest, as each person chooses per kind.

use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod store;

/// The subject of a notification. Each kind has its own email choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    /// Someone mentioned the person in a discussion post.
    Mention,
    /// Someone replied to the person's post.
    Reply,
    /// A facilitator marked an assignment response complete or returned it.
    Assignment,
    /// A workshop or meeting of the person's cohort was scheduled, moved or cancelled.
    Schedule,
    /// A coaching session was scheduled, moved or logged.
    Coaching,
    /// A facilitator or coach wrote to the person from a dashboard.
    Message,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Mention,
        Kind::Reply,
        Kind::Assignment,
        Kind::Schedule,
        Kind::Coaching,
        Kind::Message,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Mention => "mention",
            Kind::Reply => "reply",
            Kind::Assignment => "assignment",
            Kind::Schedule => "schedule",
            Kind::Coaching => "coaching",
            Kind::Message => "message",
        }
    }

    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// Returns the kind's name on the preferences form.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Mention => "Someone mentions you in a discussion",
            Kind::Reply => "Someone replies to your post",
            Kind::Assignment => "A facilitator responds to your assignment",
            Kind::Schedule => "A workshop or meeting is scheduled or changed",
            Kind::Coaching => "A coaching session is scheduled or logged",
            Kind::Message => "A facilitator or coach sends you a message",
        }
    }
}

/// Whether and when a kind of notification is also emailed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum EmailChoice {
    /// Inbox only.
    Never,
    /// One email per notification, when it happens.
    AtOnce,
    /// Gathered into one email a day.
    #[default]
    Digest,
}

impl EmailChoice {
    pub const ALL: [EmailChoice; 3] =
        [EmailChoice::AtOnce, EmailChoice::Digest, EmailChoice::Never];

    pub fn name(self) -> &'static str {
        match self {
            EmailChoice::Never => "never",
            EmailChoice::AtOnce => "at_once",
            EmailChoice::Digest => "digest",
        }
    }

    pub fn parse(name: &str) -> Option<EmailChoice> {
        EmailChoice::ALL
            .into_iter()
            .find(|choice| choice.name() == name)
    }

    pub fn label(self) -> &'static str {
        match self {
            EmailChoice::Never => "Inbox only",
            EmailChoice::AtOnce => "Email at once",
            EmailChoice::Digest => "Daily digest email",
        }
    }
}

/// A person's email choice for each kind; kinds left out use the default, the digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Preferences {
    #[serde(flatten)]
    pub choices: std::collections::BTreeMap<String, EmailChoice>,
}

impl Preferences {
    /// Reads the stored JSON; anything unreadable counts as the defaults.
    #[cfg(feature = "ssr")]
    pub fn from_json(text: &str) -> Preferences {
        serde_json::from_str(text).unwrap_or_default()
    }

    pub fn choice(&self, kind: Kind) -> EmailChoice {
        self.choices.get(kind.name()).copied().unwrap_or_default()
    }
}

/// One inbox entry as the inbox page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxEntry {
    pub id: i32,
    pub kind: Kind,
    pub title: String,
    pub link: String,
    /// When it happened, in the viewer's zone.
    pub when: String,
    pub unread: bool,
}

/// The inbox page: the newest entries, the unread count and the preferences.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    pub entries: Vec<InboxEntry>,
    pub unread: u64,
    /// Entries older than the ones shown exist.
    pub more: bool,
    pub preferences: Vec<(Kind, EmailChoice)>,
}
