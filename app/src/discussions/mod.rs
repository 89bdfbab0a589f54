//! Threaded discussions, one per module and so per cohort.
//!
//! Who sees what:
//! - Every member of the cohort reads the discussion. Fellows, coaches and
//!   facilitators write in it.
//! - With "post first" on, a fellow who has no post of their own in the discussion sees
//!   the prompt but nobody else's posts. Coaches, facilitators, reviewers and
//!   administrators always see every post.
//! - A hidden post shows "Hidden by a facilitator: REASON" in place of its text.
//!   Facilitators, administrators and the post's author still see the text, marked as
//!   hidden.
//! - A deleted post disappears. When replies to it remain, it shows "This post was
//!   deleted" so that the replies keep their place. Nobody sees its text again.

use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod mentions;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod thread;

/// Maximum length of a post or a prompt, in characters.
pub const BODY_MAX_CHARS: usize = 20_000;

/// Minimum length of the reason for hiding a post, in visible characters.
pub const HIDE_REASON_MIN_CHARS: usize = 10;

/// Maximum length of the reason for hiding a post, in characters.
pub const HIDE_REASON_MAX_CHARS: usize = 500;

/// Replies nest up to this depth below a thread's first post; deeper replies are shown
/// at this depth with "In reply to NAME".
pub const MAX_DEPTH: u8 = 4;

/// Formats a count with thousands separators, as in 20,000.
pub fn with_thousands(number: usize) -> String {
    let digits = number.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// Returns the address of a module's discussion.
pub fn discussion_path(cohort_id: i32, module_id: i32) -> String {
    format!("/cohorts/{cohort_id}/modules/{module_id}/discussion")
}

/// Returns the address of one post on its discussion page.
pub fn post_link(cohort_id: i32, module_id: i32, post_id: i32) -> String {
    format!("{}#post-{post_id}", discussion_path(cohort_id, module_id))
}

/// The state in which the viewer gets a post's text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PostState {
    /// The text is shown.
    Shown,
    /// The author deleted it; only a placeholder remains, because replies to it remain.
    Deleted,
    /// A facilitator hid it. `text_shown` is true for facilitators and the author, who
    /// see the text marked as hidden; everyone else sees the reason only.
    Hidden { reason: String, text_shown: bool },
}

/// An earlier text of an edited post.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionView {
    /// When this text was written, in the viewer's zone.
    pub written_at: String,
    /// The same instant in RFC 3339, for `<time datetime>`.
    pub written_at_iso: String,
    /// Sanitized HTML.
    pub html: String,
}

/// One post as the viewer may see it, with the replies shown under it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostView {
    pub id: i32,
    /// 0 for a thread's first post, up to [`MAX_DEPTH`] for replies.
    pub depth: u8,
    pub author: String,
    /// Whether the viewer wrote it.
    pub own: bool,
    /// When it was posted, in the viewer's zone.
    pub posted_at: String,
    pub posted_at_iso: String,
    /// The author of the post this one replies to, when the page shows it away from
    /// that post because replies nest no deeper than [`MAX_DEPTH`].
    pub in_reply_to: Option<String>,
    pub state: PostState,
    /// Sanitized HTML of the text, when the viewer may read it.
    pub html: Option<String>,
    /// The Markdown as written, for the author's edit form only.
    pub markdown: Option<String>,
    /// When it was last edited, in the viewer's zone.
    pub edited_at: Option<String>,
    /// Earlier texts, oldest first, when the viewer may read the text.
    pub revisions: Vec<RevisionView>,
    /// Posted by someone else after the viewer last read the discussion.
    pub is_new: bool,
    /// Whether the viewer may reply to it.
    pub can_reply: bool,
    pub replies: Vec<PostView>,
}

/// The form a preview belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PreviewTarget {
    /// The form that starts a thread.
    Thread,
    /// The reply form under a post.
    Reply(i32),
    /// The edit form of one's own post.
    Edit(i32),
    /// The facilitator's prompt and settings form.
    Settings,
}

/// A previewed text, shown in its form with the text kept as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub target: PreviewTarget,
    /// The Markdown as typed.
    pub text: String,
    /// Sanitized HTML.
    pub html: String,
    /// The post-first box as ticked, for the settings form.
    pub post_first: bool,
}

/// Whom a new or edited post's mentions reached, for the confirmation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentionReport {
    /// Names of the members notified.
    pub notified: Vec<String>,
    /// Words after `@` that name no member of the cohort.
    pub unmatched: Vec<String>,
}

/// The actions the viewer may take in the discussion.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rights {
    /// Start threads and reply.
    pub post: bool,
    /// Hide and unhide posts.
    pub moderate: bool,
    /// Change the prompt and the post-first setting.
    pub manage: bool,
    /// The viewer is a fellow who must post before reading others' posts.
    pub must_post_first: bool,
}

/// A module's discussion as one viewer may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscussionPage {
    pub cohort_id: i32,
    pub cohort_name: String,
    pub module_id: i32,
    pub module_name: String,
    /// The IANA zone in which the page shows times.
    pub zone: String,
    /// Sanitized HTML of the prompt; empty when there is none.
    pub prompt_html: String,
    /// The prompt as written, for those who may change it.
    pub prompt_markdown: Option<String>,
    pub post_first: bool,
    pub rights: Rights,
    pub threads: Vec<PostView>,
    /// Posts the page shows, placeholders included.
    pub shown_posts: usize,
    /// Posts marked new.
    pub new_posts: usize,
    /// The first post marked new, to link to.
    pub first_new: Option<i32>,
    /// Display names of the cohort's members, whom posts can mention.
    pub members: Vec<String>,
    pub preview: Option<Preview>,
    pub mention_report: Option<MentionReport>,
}

#[cfg(test)]
mod tests {
    use super::with_thousands;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(with_thousands(20_000), "20,000");
        assert_eq!(with_thousands(500), "500");
        assert_eq!(with_thousands(1_234_567), "1,234,567");
    }
}
