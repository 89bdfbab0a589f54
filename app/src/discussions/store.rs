//! Reading and writing discussions, posts, their earlier texts and read markers.
//! Server only.
//!
//! Reads take a fixed number of statements however many posts or members there are:
//! each table is read once, with `IN` lists.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, QueryFilter, QuerySelect, TransactionSession, TransactionTrait,
};

use super::mentions::{self, Member};
use super::thread::{self, Viewer};
use super::{DiscussionPage, MentionReport, Preview, PreviewTarget, Rights};
use crate::audit::{self, AuditEvent, actions};
use crate::auth::{CurrentUser, Role};
use crate::entities::{
    cohort_memberships, cohorts, discussion_reads, discussions, modules, post_revisions, posts,
    terms, users,
};

/// A module with its term and cohort.
#[derive(Clone, Debug)]
pub struct Located {
    pub module: modules::Model,
    pub term: terms::Model,
    pub cohort: cohorts::Model,
}

/// Finds module `module_id` when it belongs to cohort `cohort_id` through its term.
pub async fn locate(
    db: &impl ConnectionTrait,
    cohort_id: i32,
    module_id: i32,
) -> Result<Option<Located>, DbErr> {
    let Some(module) = modules::Entity::find_by_id(module_id).one(db).await? else {
        return Ok(None);
    };
    let Some(term) = terms::Entity::find_by_id(module.term_id).one(db).await? else {
        return Ok(None);
    };
    if term.cohort_id != cohort_id {
        return Ok(None);
    }
    let cohort = cohorts::Entity::find_by_id(cohort_id).one(db).await?;
    Ok(cohort.map(|cohort| Located {
        module,
        term,
        cohort,
    }))
}

/// Returns a module's discussion, if it has one yet.
pub async fn find_discussion(
    db: &impl ConnectionTrait,
    module_id: i32,
) -> Result<Option<discussions::Model>, DbErr> {
    discussions::Entity::find()
        .filter(discussions::Column::ModuleId.eq(module_id))
        .one(db)
        .await
}

/// Returns a module's discussion, creating it without a prompt when it has none. Two
/// requests at once create one row: the unique module index turns the second insert
/// into nothing.
pub async fn ensure_discussion(
    db: &impl ConnectionTrait,
    module_id: i32,
) -> Result<discussions::Model, DbErr> {
    if let Some(found) = find_discussion(db, module_id).await? {
        return Ok(found);
    }
    discussions::Entity::insert(discussions::ActiveModel {
        module_id: Set(module_id),
        prompt: Set(String::new()),
        post_first: Set(false),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(discussions::Column::ModuleId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    find_discussion(db, module_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("discussion of module {module_id}")))
}

/// The people of a cohort whom posts can mention, with the roles each has there.
pub struct Roster {
    /// Enabled members, each once, sorted by name.
    pub members: Vec<Member>,
    pub roles: HashMap<i32, Vec<Role>>,
}

/// Reads a cohort's members and their names in one statement.
pub async fn roster(db: &impl ConnectionTrait, cohort_id: i32) -> Result<Roster, DbErr> {
    // Reviewers score the cohort's work blind, so they take no part in its discussions.
    let rows = cohort_memberships::Entity::find()
        .filter(cohort_memberships::Column::CohortId.eq(cohort_id))
        .filter(cohort_memberships::Column::Role.ne(Role::Reviewer.as_str()))
        .find_also_related(users::Entity)
        .all(db)
        .await?;
    let mut members: Vec<Member> = Vec::new();
    let mut roles: HashMap<i32, Vec<Role>> = HashMap::new();
    for (membership, user) in rows {
        let Some(user) = user.filter(|user| !user.disabled) else {
            continue;
        };
        if let Some(role) = Role::parse(&membership.role) {
            roles.entry(user.id).or_default().push(role);
        }
        if !members.iter().any(|member| member.user_id == user.id) {
            members.push(Member {
                user_id: user.id,
                name: user.display_name,
            });
        }
    }
    members.sort_by_key(|member| member.name.to_lowercase());
    Ok(Roster { members, roles })
}

/// Returns the display names of `ids`.
async fn names_of(db: &impl ConnectionTrait, ids: Vec<i32>) -> Result<HashMap<i32, String>, DbErr> {
    Ok(users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|user| (user.id, user.display_name))
        .collect())
}

/// Returns a post when it belongs to `discussion_id`.
pub async fn find_post(
    db: &impl ConnectionTrait,
    discussion_id: i32,
    post_id: i32,
) -> Result<Option<posts::Model>, DbErr> {
    posts::Entity::find_by_id(post_id)
        .filter(posts::Column::DiscussionId.eq(discussion_id))
        .one(db)
        .await
}

/// Returns whether `user_id` has a post in the discussion that is not deleted.
pub async fn has_posted(
    db: &impl ConnectionTrait,
    discussion_id: i32,
    user_id: i32,
) -> Result<bool, DbErr> {
    Ok(posts::Entity::find()
        .select_only()
        .column(posts::Column::Id)
        .filter(posts::Column::DiscussionId.eq(discussion_id))
        .filter(posts::Column::AuthorUserId.eq(user_id))
        .filter(posts::Column::DeletedAt.is_null())
        .into_tuple::<i32>()
        .one(db)
        .await?
        .is_some())
}

/// Extra content for the page: a preview taken from the session, and the post whose
/// mentions the confirmation reports.
#[derive(Default)]
pub struct PageExtras {
    pub preview: Option<StoredPreview>,
    pub report_post: Option<i32>,
}

/// A text posted for preview, kept in the session for the page view that follows.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredPreview {
    pub cohort_id: i32,
    pub module_id: i32,
    pub target: PreviewTarget,
    pub text: String,
    pub post_first: bool,
}

/// Reads a module's discussion as `viewer` may see it, and moves the viewer's read
/// marker to the newest post shown. `rights` carries what the policy lets the viewer
/// do; this adds whether they must post first.
pub async fn page(
    db: &impl ConnectionTrait,
    located: &Located,
    viewer: &CurrentUser,
    mut rights: Rights,
    extras: PageExtras,
) -> Result<DiscussionPage, DbErr> {
    let cohort_zone = crate::cohorts::schedule_store::zone_or_default(&located.cohort.time_zone);
    let zone = viewer
        .time_zone
        .as_deref()
        .and_then(|zone| zone.parse().ok())
        .unwrap_or(cohort_zone);
    let discussion = find_discussion(db, located.module.id).await?;
    let rows = match &discussion {
        Some(discussion) => {
            posts::Entity::find()
                .filter(posts::Column::DiscussionId.eq(discussion.id))
                .all(db)
                .await?
        }
        None => Vec::new(),
    };
    let roster = roster(db, located.cohort.id).await?;
    let mut names: HashMap<i32, String> = roster
        .members
        .iter()
        .map(|member| (member.user_id, member.name.clone()))
        .collect();
    let former: Vec<i32> = rows
        .iter()
        .map(|post| post.author_user_id)
        .filter(|id| !names.contains_key(id))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    names.extend(names_of(db, former).await?);
    let edited: Vec<i32> = rows
        .iter()
        .filter(|post| post.edited_at.is_some())
        .map(|post| post.id)
        .collect();
    let mut revisions: HashMap<i32, Vec<post_revisions::Model>> = HashMap::new();
    for revision in post_revisions::Entity::find()
        .filter(post_revisions::Column::PostId.is_in(edited))
        .all(db)
        .await?
    {
        revisions
            .entry(revision.post_id)
            .or_default()
            .push(revision);
    }
    let last_read = match &discussion {
        Some(discussion) => discussion_reads::Entity::find()
            .filter(discussion_reads::Column::DiscussionId.eq(discussion.id))
            .filter(discussion_reads::Column::UserId.eq(viewer.id))
            .one(db)
            .await?
            .map(|read| read.last_read_post_id),
        None => None,
    };

    let post_first = discussion.as_ref().is_some_and(|d| d.post_first);
    let posted = rows
        .iter()
        .any(|post| post.author_user_id == viewer.id && post.deleted_at.is_none());
    let roles_here = roster.roles.get(&viewer.id).cloned().unwrap_or_default();
    rights.must_post_first =
        thread::must_post_first(post_first, viewer.is_admin, &roles_here, posted);
    let built = thread::build(
        &rows,
        &revisions,
        &names,
        &roster.members,
        &Viewer {
            user_id: viewer.id,
            reads_hidden: rights.moderate,
            may_post: rights.post,
            must_post_first: rights.must_post_first,
            last_read_post_id: last_read.unwrap_or(0),
            zone,
        },
    );
    if let (Some(discussion), Some(newest)) = (&discussion, built.newest_shown)
        && last_read.is_none_or(|last| newest > last)
    {
        mark_read(db, discussion.id, viewer.id, newest).await?;
    }

    let preview = extras
        .preview
        .filter(|stored| {
            stored.cohort_id == located.cohort.id && stored.module_id == located.module.id
        })
        .filter(|stored| stored.target != PreviewTarget::Settings || rights.manage)
        .map(|stored| Preview {
            html: match stored.target {
                PreviewTarget::Settings => crate::portfolio::rich_text::to_html(&stored.text),
                _ => thread::render(&stored.text, &roster.members),
            },
            target: stored.target,
            text: stored.text,
            post_first: stored.post_first,
        });
    let mention_report = extras
        .report_post
        .and_then(|id| rows.iter().find(|post| post.id == id))
        .filter(|post| post.author_user_id == viewer.id && post.deleted_at.is_none())
        .map(|post| {
            let previous = revisions
                .get(&post.id)
                .and_then(|list| {
                    list.iter()
                        .max_by_key(|revision| (revision.written_at, revision.id))
                })
                .map(|revision| revision.body.as_str());
            mention_report(&post.body, previous, viewer.id, &roster.members)
        });

    let prompt = discussion
        .as_ref()
        .map(|discussion| discussion.prompt.clone())
        .unwrap_or_default();
    let prompt_html = if crate::text::is_blank(&prompt) {
        String::new()
    } else {
        crate::portfolio::rich_text::to_html(&prompt)
    };
    Ok(DiscussionPage {
        cohort_id: located.cohort.id,
        cohort_name: located.cohort.name.clone(),
        module_id: located.module.id,
        module_name: located.module.name.clone(),
        zone: zone.name().to_owned(),
        prompt_html,
        prompt_markdown: rights.manage.then_some(prompt),
        post_first,
        rights,
        threads: built.threads,
        shown_posts: built.shown_posts,
        new_posts: built.new_posts,
        first_new: built.first_new,
        members: roster
            .members
            .into_iter()
            .map(|member| member.name)
            .collect(),
        preview,
        mention_report,
    })
}

/// Reports whom a post's mentions reached: members mentioned in `body` and not in the
/// `previous` text it replaced, other than the author, and the words after `@` that
/// name nobody in the cohort.
pub fn mention_report(
    body: &str,
    previous: Option<&str>,
    author_id: i32,
    members: &[Member],
) -> MentionReport {
    let now = mentions::find(body, members);
    let before = previous
        .map(|text| mentions::find(text, members).user_ids)
        .unwrap_or_default();
    let mut notified: Vec<String> = Vec::new();
    for id in newly_mentioned(&now.user_ids, &before, author_id) {
        if let Some(member) = members.iter().find(|member| member.user_id == id)
            && !notified.contains(&member.name)
        {
            notified.push(member.name.clone());
        }
    }
    MentionReport {
        notified,
        unmatched: now.unmatched,
    }
}

/// Reads every earlier text of a post, oldest first.
pub async fn revision_bodies(
    db: &impl ConnectionTrait,
    post_id: i32,
) -> Result<Vec<String>, DbErr> {
    use sea_orm::QueryOrder;
    Ok(post_revisions::Entity::find()
        .filter(post_revisions::Column::PostId.eq(post_id))
        .order_by_asc(post_revisions::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|revision| revision.body)
        .collect())
}

/// Returns the members mentioned now who were not before, other than the author.
pub fn newly_mentioned(now: &[i32], before: &[i32], author_id: i32) -> Vec<i32> {
    now.iter()
        .copied()
        .filter(|id| *id != author_id && !before.contains(id))
        .collect()
}

/// Sets a read marker, inserting or updating one row.
async fn mark_read(
    db: &impl ConnectionTrait,
    discussion_id: i32,
    user_id: i32,
    post_id: i32,
) -> Result<(), DbErr> {
    discussion_reads::Entity::insert(discussion_reads::ActiveModel {
        discussion_id: Set(discussion_id),
        user_id: Set(user_id),
        last_read_post_id: Set(post_id),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            discussion_reads::Column::DiscussionId,
            discussion_reads::Column::UserId,
        ])
        .update_column(discussion_reads::Column::LastReadPostId)
        .to_owned(),
    )
    .exec_without_returning(db)
    .await
    .map(|_| ())
}

/// Adds a post. `parent_id` is `None` for a thread's first post.
pub async fn insert_post(
    db: &impl ConnectionTrait,
    discussion_id: i32,
    parent_id: Option<i32>,
    author_user_id: i32,
    body: &str,
    now: DateTime<Utc>,
) -> Result<posts::Model, DbErr> {
    posts::ActiveModel {
        discussion_id: Set(discussion_id),
        parent_id: Set(parent_id),
        author_user_id: Set(author_user_id),
        body: Set(body.to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Replaces a post's text, keeping the text it replaces with the time it was written.
pub async fn edit_post<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    post: &posts::Model,
    body: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    post_revisions::ActiveModel {
        post_id: Set(post.id),
        body: Set(post.body.clone()),
        written_at: Set(post.edited_at.unwrap_or(post.created_at)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    posts::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(post.id),
        body: Set(body.to_owned()),
        edited_at: Set(Some(now)),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    txn.commit().await
}

/// Marks a post deleted. Its text stays in the database but is shown to nobody.
pub async fn delete_post(
    db: &impl ConnectionTrait,
    post_id: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    posts::Entity::update_many()
        .col_expr(posts::Column::DeletedAt, Expr::value(now))
        .filter(posts::Column::Id.eq(post_id))
        .filter(posts::Column::DeletedAt.is_null())
        .exec(db)
        .await
        .map(|_| ())
}

/// Hides a post with a reason and records it in the audit log, in one transaction.
/// Returns `false` when the post was hidden already.
pub async fn hide_post<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    post_id: i32,
    module_id: i32,
    moderator_id: i32,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    let changed = posts::Entity::update_many()
        .col_expr(posts::Column::HiddenAt, Expr::value(now))
        .col_expr(posts::Column::HiddenByUserId, Expr::value(moderator_id))
        .col_expr(posts::Column::HiddenReason, Expr::value(reason))
        .filter(posts::Column::Id.eq(post_id))
        .filter(posts::Column::HiddenAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if changed == 0 {
        return Ok(false);
    }
    audit::record(
        &txn,
        AuditEvent {
            actor_user_id: Some(moderator_id),
            action: actions::DISCUSSION_POST_HIDDEN,
            subject: format!("post {post_id}"),
            details: format!("module {module_id}; reason: {reason}"),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// Shows a hidden post again and records it in the audit log, in one transaction.
/// Returns `false` when the post was not hidden.
pub async fn unhide_post<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    post: &posts::Model,
    module_id: i32,
    moderator_id: i32,
) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    let changed = posts::Entity::update_many()
        .col_expr(
            posts::Column::HiddenAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            posts::Column::HiddenByUserId,
            Expr::value(Option::<i32>::None),
        )
        .col_expr(
            posts::Column::HiddenReason,
            Expr::value(Option::<String>::None),
        )
        .filter(posts::Column::Id.eq(post.id))
        .filter(posts::Column::HiddenAt.is_not_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if changed == 0 {
        return Ok(false);
    }
    audit::record(
        &txn,
        AuditEvent {
            actor_user_id: Some(moderator_id),
            action: actions::DISCUSSION_POST_UNHIDDEN,
            subject: format!("post {}", post.id),
            details: format!(
                "module {module_id}; it was hidden for: {}",
                post.hidden_reason.as_deref().unwrap_or_default()
            ),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// Saves a discussion's prompt and post-first setting, creating the discussion when
/// the module has none yet.
pub async fn save_settings(
    db: &impl ConnectionTrait,
    module_id: i32,
    prompt: &str,
    post_first: bool,
) -> Result<(), DbErr> {
    let discussion = ensure_discussion(db, module_id).await?;
    discussions::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(discussion.id),
        prompt: Set(prompt.to_owned()),
        post_first: Set(post_first),
        ..Default::default()
    }
    .update(db)
    .await
    .map(|_| ())
}

/// Counts, per module, the posts by others in its discussion that `user_id` has not
/// read: newer than their read marker, and neither deleted nor hidden. A discussion
/// where the user must post first counts 0. Every module asked for has an entry.
///
/// Runs at most eight statements, however many modules are asked for.
pub async fn unread_counts(
    db: &impl ConnectionTrait,
    user_id: i32,
    module_ids: &[i32],
) -> Result<HashMap<i32, u64>, DbErr> {
    let mut counts: HashMap<i32, u64> = module_ids.iter().map(|id| (*id, 0)).collect();
    if module_ids.is_empty() {
        return Ok(counts);
    }
    let found = discussions::Entity::find()
        .filter(discussions::Column::ModuleId.is_in(module_ids.to_vec()))
        .all(db)
        .await?;
    if found.is_empty() {
        return Ok(counts);
    }

    let discussion_ids: Vec<i32> = found.iter().map(|discussion| discussion.id).collect();
    let reads: HashMap<i32, i32> = discussion_reads::Entity::find()
        .filter(discussion_reads::Column::UserId.eq(user_id))
        .filter(discussion_reads::Column::DiscussionId.is_in(discussion_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|read| (read.discussion_id, read.last_read_post_id))
        .collect();
    let locked = locked_discussions(db, user_id, &found).await?;
    let open: Vec<&discussions::Model> = found
        .iter()
        .filter(|discussion| !locked.contains(&discussion.id))
        .collect();
    if open.is_empty() {
        return Ok(counts);
    }

    // One statement for every discussion: each counts the posts after its own marker.
    let mut unread = Condition::any();
    for discussion in &open {
        unread = unread.add(match reads.get(&discussion.id) {
            Some(last) => Condition::all()
                .add(posts::Column::DiscussionId.eq(discussion.id))
                .add(posts::Column::Id.gt(*last)),
            None => Condition::all().add(posts::Column::DiscussionId.eq(discussion.id)),
        });
    }
    let rows: Vec<(i32, i64)> = posts::Entity::find()
        .select_only()
        .column(posts::Column::DiscussionId)
        .column_as(posts::Column::Id.count(), "unread")
        .filter(unread)
        .filter(posts::Column::AuthorUserId.ne(user_id))
        .filter(posts::Column::DeletedAt.is_null())
        .filter(posts::Column::HiddenAt.is_null())
        .group_by(posts::Column::DiscussionId)
        .into_tuple()
        .all(db)
        .await?;

    let module_of: HashMap<i32, i32> = found
        .iter()
        .map(|discussion| (discussion.id, discussion.module_id))
        .collect();
    for (discussion_id, count) in rows {
        if let Some(module_id) = module_of.get(&discussion_id) {
            counts.insert(*module_id, u64::try_from(count).unwrap_or(0));
        }
    }
    Ok(counts)
}

/// Returns the discussions among `found` where `user_id` must post before reading
/// others' posts. Reads nothing unless one of them has post first on.
async fn locked_discussions(
    db: &impl ConnectionTrait,
    user_id: i32,
    found: &[discussions::Model],
) -> Result<HashSet<i32>, DbErr> {
    let post_first: Vec<&discussions::Model> = found
        .iter()
        .filter(|discussion| discussion.post_first)
        .collect();
    if post_first.is_empty() {
        return Ok(HashSet::new());
    }
    let is_admin = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .is_some_and(|user| user.is_admin);
    if is_admin {
        return Ok(HashSet::new());
    }
    let posted: HashSet<i32> = posts::Entity::find()
        .select_only()
        .column(posts::Column::DiscussionId)
        .filter(posts::Column::AuthorUserId.eq(user_id))
        .filter(posts::Column::DeletedAt.is_null())
        .filter(
            posts::Column::DiscussionId.is_in(
                post_first
                    .iter()
                    .map(|discussion| discussion.id)
                    .collect::<Vec<_>>(),
            ),
        )
        .distinct()
        .into_tuple::<i32>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let module_terms: HashMap<i32, i32> = modules::Entity::find()
        .filter(
            modules::Column::Id.is_in(
                post_first
                    .iter()
                    .map(|discussion| discussion.module_id)
                    .collect::<Vec<_>>(),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|module| (module.id, module.term_id))
        .collect();
    let term_cohorts: HashMap<i32, i32> = terms::Entity::find()
        .filter(terms::Column::Id.is_in(module_terms.values().copied().collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|term| (term.id, term.cohort_id))
        .collect();
    let mut roles: HashMap<i32, Vec<Role>> = HashMap::new();
    for membership in cohort_memberships::Entity::find()
        .filter(cohort_memberships::Column::UserId.eq(user_id))
        .all(db)
        .await?
    {
        if let Some(role) = Role::parse(&membership.role) {
            roles.entry(membership.cohort_id).or_default().push(role);
        }
    }
    Ok(post_first
        .into_iter()
        .filter(|discussion| {
            let cohort = module_terms
                .get(&discussion.module_id)
                .and_then(|term| term_cohorts.get(term));
            let roles_there = cohort
                .and_then(|cohort| roles.get(cohort))
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            thread::must_post_first(true, false, roles_there, posted.contains(&discussion.id))
        })
        .map(|discussion| discussion.id)
        .collect())
}
