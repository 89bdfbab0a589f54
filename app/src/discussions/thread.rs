//! Builds the threads one viewer may see from a discussion's rows: the visibility rules
//! in one place, as pure functions. Server only.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::mentions::{self, Member};
use super::{MAX_DEPTH, PostState, PostView, RevisionView};
use crate::auth::Role;
use crate::entities::{post_revisions, posts};

/// Returns whether a viewer must post before reading others' posts: post first is on,
/// the viewer is a fellow of the cohort and nothing more there, and has no post of
/// their own in the discussion that is not deleted. Administrators never must.
pub fn must_post_first(
    post_first: bool,
    is_admin: bool,
    roles_in_cohort: &[Role],
    has_posted: bool,
) -> bool {
    post_first
        && !is_admin
        && !has_posted
        && roles_in_cohort.contains(&Role::Fellow)
        && !roles_in_cohort
            .iter()
            .any(|role| matches!(role, Role::Facilitator | Role::Coach))
}

/// The person looking at the discussion, and what they may do.
pub struct Viewer {
    pub user_id: i32,
    /// Facilitators and administrators read hidden posts' text.
    pub reads_hidden: bool,
    /// Whether the viewer may write in the discussion.
    pub may_post: bool,
    /// The viewer must post before reading others' posts.
    pub must_post_first: bool,
    /// The newest post the viewer has seen, 0 for none.
    pub last_read_post_id: i32,
    pub zone: Tz,
}

/// The threads as the viewer sees them.
#[derive(Debug, Default)]
pub struct Threads {
    pub threads: Vec<PostView>,
    pub shown_posts: usize,
    pub new_posts: usize,
    pub first_new: Option<i32>,
    /// The newest post shown, which becomes the viewer's read marker.
    pub newest_shown: Option<i32>,
}

/// Formats an instant for a post's header: `Mar 15, 2027, 5:00 PM EDT`.
pub fn format_time(instant: DateTime<Utc>, zone: Tz) -> String {
    instant
        .with_timezone(&zone)
        .format("%b %-d, %Y, %-I:%M %p %Z")
        .to_string()
}

/// Formats an instant for `<time datetime>`, to the second.
fn iso_time(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Renders Markdown through the sanitizer, then marks the mentions of members.
pub fn render(markdown: &str, members: &[Member]) -> String {
    let html = crate::portfolio::rich_text::to_html(markdown);
    mentions::highlight(&html, &mentions::find(markdown, members).names)
}

/// Builds the threads from every post of a discussion. `revisions` contains the earlier
/// texts of edited posts, `names` every author's display name and `members` the people
/// whose mentions are marked.
pub fn build(
    rows: &[posts::Model],
    revisions: &HashMap<i32, Vec<post_revisions::Model>>,
    names: &HashMap<i32, String>,
    members: &[Member],
    viewer: &Viewer,
) -> Threads {
    let mut rows: Vec<&posts::Model> = rows.iter().collect();
    rows.sort_by_key(|post| post.id);
    let visible: Vec<&posts::Model> = if viewer.must_post_first {
        rows.into_iter()
            .filter(|post| post.author_user_id == viewer.user_id)
            .collect()
    } else {
        rows
    };

    // A deleted post stays, as a placeholder, only while a reply to it stays. Replies
    // have higher ids than their parents, so one pass from the newest settles it.
    let mut kept: HashSet<i32> = HashSet::new();
    let mut has_kept_reply: HashSet<i32> = HashSet::new();
    for post in visible.iter().rev() {
        if post.deleted_at.is_none() || has_kept_reply.contains(&post.id) {
            kept.insert(post.id);
            if let Some(parent) = post.parent_id {
                has_kept_reply.insert(parent);
            }
        }
    }
    let by_id: HashMap<i32, &posts::Model> = visible.iter().map(|post| (post.id, *post)).collect();

    // Depth and the post each one is shown under: its parent, or, below the maximum
    // depth, the parent's own place.
    let mut depth: HashMap<i32, u8> = HashMap::new();
    let mut shown_under: HashMap<i32, Option<i32>> = HashMap::new();
    let mut threads = Threads::default();
    let mut views: HashMap<i32, PostView> = HashMap::new();
    let mut order: Vec<i32> = Vec::new();
    for post in visible.iter().filter(|post| kept.contains(&post.id)) {
        let parent = post
            .parent_id
            .filter(|parent| kept.contains(parent) && by_id.contains_key(parent));
        let (post_depth, under, in_reply_to) = match parent {
            None => (0, None, None),
            Some(parent) => {
                let parent_depth = depth.get(&parent).copied().unwrap_or(0);
                if parent_depth < MAX_DEPTH {
                    (parent_depth + 1, Some(parent), None)
                } else {
                    let parent_author = by_id
                        .get(&parent)
                        .map(|row| author_name(names, row.author_user_id))
                        .unwrap_or_default();
                    (
                        MAX_DEPTH,
                        shown_under.get(&parent).copied().flatten(),
                        Some(parent_author),
                    )
                }
            }
        };
        depth.insert(post.id, post_depth);
        shown_under.insert(post.id, under);
        let view = post_view(
            post,
            post_depth,
            in_reply_to,
            revisions,
            names,
            members,
            viewer,
        );
        threads.shown_posts += 1;
        if view.is_new {
            threads.new_posts += 1;
            threads.first_new.get_or_insert(post.id);
        }
        threads.newest_shown = Some(post.id);
        views.insert(post.id, view);
        order.push(post.id);
    }

    // Attach replies from the newest, so each list ends up oldest first.
    for id in order.iter().rev() {
        let Some(Some(under)) = shown_under.get(id).copied() else {
            continue;
        };
        if let Some(reply) = views.remove(id)
            && let Some(parent) = views.get_mut(&under)
        {
            parent.replies.insert(0, reply);
        }
    }
    threads.threads = order.iter().filter_map(|id| views.remove(id)).collect();
    threads
}

fn author_name(names: &HashMap<i32, String>, user_id: i32) -> String {
    names
        .get(&user_id)
        .cloned()
        .unwrap_or_else(|| "A former member".to_owned())
}

fn post_view(
    post: &posts::Model,
    depth: u8,
    in_reply_to: Option<String>,
    revisions: &HashMap<i32, Vec<post_revisions::Model>>,
    names: &HashMap<i32, String>,
    members: &[Member],
    viewer: &Viewer,
) -> PostView {
    let own = post.author_user_id == viewer.user_id;
    let state = if post.deleted_at.is_some() {
        PostState::Deleted
    } else if post.hidden_at.is_some() {
        PostState::Hidden {
            reason: post.hidden_reason.clone().unwrap_or_default(),
            text_shown: viewer.reads_hidden || own,
        }
    } else {
        PostState::Shown
    };
    let text_readable = match &state {
        PostState::Shown => true,
        PostState::Hidden { text_shown, .. } => *text_shown,
        PostState::Deleted => false,
    };
    let earlier = if text_readable {
        revisions
            .get(&post.id)
            .map(|list| {
                let mut list: Vec<&post_revisions::Model> = list.iter().collect();
                list.sort_by_key(|revision| (revision.written_at, revision.id));
                list.into_iter()
                    .map(|revision| RevisionView {
                        written_at: format_time(revision.written_at, viewer.zone),
                        written_at_iso: iso_time(revision.written_at),
                        html: render(&revision.body, members),
                    })
                    .collect()
            })
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let editable = own && matches!(state, PostState::Shown);
    PostView {
        id: post.id,
        depth,
        author: author_name(names, post.author_user_id),
        own,
        posted_at: format_time(post.created_at, viewer.zone),
        posted_at_iso: iso_time(post.created_at),
        in_reply_to,
        html: text_readable.then(|| render(&post.body, members)),
        markdown: editable.then(|| post.body.clone()),
        edited_at: post
            .edited_at
            .filter(|_| text_readable)
            .map(|at| format_time(at, viewer.zone)),
        revisions: earlier,
        is_new: !own && matches!(state, PostState::Shown) && post.id > viewer.last_read_post_id,
        can_reply: viewer.may_post && !viewer.must_post_first && matches!(state, PostState::Shown),
        state,
        replies: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FELLOW: i32 = 1;
    const OTHER: i32 = 2;

    fn post(id: i32, parent_id: Option<i32>, author: i32) -> posts::Model {
        posts::Model {
            id,
            discussion_id: 1,
            parent_id,
            author_user_id: author,
            body: format!("Post {id}"),
            created_at: Utc::now(),
            edited_at: None,
            hidden_at: None,
            hidden_by_user_id: None,
            hidden_reason: None,
            deleted_at: None,
        }
    }

    fn viewer(user_id: i32) -> Viewer {
        Viewer {
            user_id,
            reads_hidden: false,
            may_post: true,
            must_post_first: false,
            last_read_post_id: 0,
            zone: chrono_tz::America::New_York,
        }
    }

    fn names() -> HashMap<i32, String> {
        HashMap::from([
            (FELLOW, "Ana Lopez".to_owned()),
            (OTHER, "Ben Ortiz".into()),
        ])
    }

    fn ids(views: &[PostView]) -> Vec<i32> {
        views.iter().map(|view| view.id).collect()
    }

    #[test]
    fn post_first_applies_to_fellows_only() {
        assert!(must_post_first(true, false, &[Role::Fellow], false));
        assert!(!must_post_first(true, false, &[Role::Fellow], true));
        assert!(!must_post_first(false, false, &[Role::Fellow], false));
        assert!(!must_post_first(
            true,
            false,
            &[Role::Fellow, Role::Coach],
            false
        ));
        assert!(!must_post_first(true, false, &[Role::Facilitator], false));
        assert!(!must_post_first(true, false, &[Role::Reviewer], false));
        assert!(!must_post_first(true, true, &[Role::Fellow], false));
    }

    #[test]
    fn deep_replies_show_flat_with_parent_named() {
        let rows: Vec<posts::Model> = (1..=7)
            .map(|id| {
                post(
                    id,
                    (id > 1).then_some(id - 1),
                    if id % 2 == 0 { OTHER } else { FELLOW },
                )
            })
            .collect();
        let built = build(&rows, &HashMap::new(), &names(), &[], &viewer(FELLOW));
        assert_eq!(built.shown_posts, 7);
        let mut level = &built.threads[0];
        for depth in 1..=3 {
            assert_eq!(level.replies.len(), 1, "depth {depth}");
            level = &level.replies[0];
        }
        // Posts 5, 6 and 7 all sit at the deepest level, under post 4.
        assert_eq!(ids(&level.replies), vec![5, 6, 7]);
        assert_eq!(level.replies[0].in_reply_to, None);
        assert_eq!(level.replies[1].in_reply_to.as_deref(), Some("Ana Lopez"));
        assert_eq!(level.replies[2].in_reply_to.as_deref(), Some("Ben Ortiz"));
        assert!(level.replies.iter().all(|reply| reply.depth == MAX_DEPTH));
    }

    #[test]
    fn deleted_posts_stay_only_with_replies() {
        let mut rows = vec![
            post(1, None, OTHER),
            post(2, Some(1), FELLOW),
            post(3, None, OTHER),
        ];
        rows[0].deleted_at = Some(Utc::now());
        rows[2].deleted_at = Some(Utc::now());
        let built = build(&rows, &HashMap::new(), &names(), &[], &viewer(FELLOW));
        assert_eq!(ids(&built.threads), vec![1]);
        assert_eq!(built.threads[0].state, PostState::Deleted);
        assert_eq!(built.threads[0].html, None);
        assert!(!built.threads[0].can_reply);
        assert_eq!(ids(&built.threads[0].replies), vec![2]);
    }

    #[test]
    fn hidden_text_reaches_moderators_and_author() {
        let mut rows = vec![post(1, None, OTHER)];
        rows[0].hidden_at = Some(Utc::now());
        rows[0].hidden_reason = Some("Shares a student's name".into());
        let fellow = build(&rows, &HashMap::new(), &names(), &[], &viewer(FELLOW));
        assert_eq!(fellow.threads[0].html, None);
        assert!(!fellow.threads[0].is_new);
        let author = build(&rows, &HashMap::new(), &names(), &[], &viewer(OTHER));
        assert!(author.threads[0].html.is_some());
        let moderator = Viewer {
            reads_hidden: true,
            ..viewer(3)
        };
        let moderated = build(&rows, &HashMap::new(), &names(), &[], &moderator);
        assert_eq!(
            moderated.threads[0].state,
            PostState::Hidden {
                reason: "Shares a student's name".into(),
                text_shown: true
            }
        );
    }

    #[test]
    fn new_marks_others_posts_after_marker() {
        let rows = vec![
            post(1, None, OTHER),
            post(2, Some(1), FELLOW),
            post(3, Some(1), OTHER),
        ];
        let built = build(
            &rows,
            &HashMap::new(),
            &names(),
            &[],
            &Viewer {
                last_read_post_id: 1,
                ..viewer(FELLOW)
            },
        );
        assert_eq!(built.new_posts, 1);
        assert_eq!(built.first_new, Some(3));
        assert_eq!(built.newest_shown, Some(3));
    }

    #[test]
    fn post_first_shows_own_posts_only() {
        let rows = vec![post(1, None, OTHER), post(2, Some(1), OTHER)];
        let locked = Viewer {
            must_post_first: true,
            ..viewer(FELLOW)
        };
        let built = build(&rows, &HashMap::new(), &names(), &[], &locked);
        assert!(built.threads.is_empty());
        assert_eq!(built.newest_shown, None);
    }
}
