//! Reading and writing fellows' evidence. Server only.

use chrono::Utc;
use chrono_tz::Tz;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::{EvidenceKind, EvidenceView};
use crate::entities::{competencies, evidence_items, evidence_tags};
use crate::program::format::EvidenceType;

/// Library filters: a search, one evidence type and one competency tag, each optional.
#[derive(Clone, Debug, Default)]
pub struct LibraryFilter {
    pub search: String,
    pub evidence_type: Option<EvidenceType>,
    pub competency_id: Option<i32>,
}

/// Returns the bytes the owner's files take together.
pub async fn used_bytes(db: &impl ConnectionTrait, owner: i32) -> Result<u64, DbErr> {
    used_bytes_through(db, owner, i32::MAX).await
}

/// Returns the bytes the owner's files take up to and including item `id`. Uploads that
/// finish at the same time are settled by this order: each counts only the items
/// recorded before it.
pub async fn used_bytes_through(
    db: &impl ConnectionTrait,
    owner: i32,
    id: i32,
) -> Result<u64, DbErr> {
    let sizes: Vec<Option<i64>> = evidence_items::Entity::find()
        .select_only()
        .column(evidence_items::Column::FileSize)
        .filter(evidence_items::Column::OwnerUserId.eq(owner))
        .filter(evidence_items::Column::Id.lte(id))
        .filter(evidence_items::Column::FileSize.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(sizes
        .into_iter()
        .flatten()
        .map(|size| size.max(0) as u64)
        .sum())
}

/// Finds the owner's item that contains the file with `sha256`.
pub async fn find_file(
    db: &impl ConnectionTrait,
    owner: i32,
    sha256: &str,
) -> Result<Option<evidence_items::Model>, DbErr> {
    evidence_items::Entity::find()
        .filter(evidence_items::Column::OwnerUserId.eq(owner))
        .filter(evidence_items::Column::FileSha256.eq(sha256))
        .one(db)
        .await
}

/// Returns whether any evidence item or module material still refers to the blob
/// `sha256`.
pub async fn blob_in_use(db: &impl ConnectionTrait, sha256: &str) -> Result<bool, DbErr> {
    use crate::entities::module_materials;
    if evidence_items::Entity::find()
        .filter(evidence_items::Column::FileSha256.eq(sha256))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(true);
    }
    Ok(module_materials::Entity::find()
        .filter(module_materials::Column::FileKey.eq(sha256))
        .one(db)
        .await?
        .is_some())
}

/// A new item's fields; which of `file`, `url` and `body` are set follows `kind`.
#[derive(Clone, Debug)]
pub struct NewEvidence {
    pub owner: i32,
    pub kind: EvidenceKind,
    pub title: String,
    pub description: String,
    pub file: Option<StoredFileFields>,
    pub url: Option<String>,
    pub body: Option<String>,
}

#[derive(Clone, Debug)]
pub struct StoredFileFields {
    pub sha256: String,
    pub size: u64,
    pub mime: String,
    pub name: String,
    pub pdf_preferred: bool,
    pub author: Option<String>,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewEvidence,
) -> Result<evidence_items::Model, DbErr> {
    let now = Utc::now();
    let file = new.file;
    evidence_items::ActiveModel {
        owner_user_id: Set(new.owner),
        kind: Set(new.kind.name().to_owned()),
        title: Set(new.title),
        description: Set(new.description),
        file_sha256: Set(file.as_ref().map(|file| file.sha256.clone())),
        file_size: Set(file.as_ref().map(|file| file.size as i64)),
        file_mime: Set(file.as_ref().map(|file| file.mime.clone())),
        file_name: Set(file.as_ref().map(|file| file.name.clone())),
        pdf_preferred: Set(file.as_ref().is_some_and(|file| file.pdf_preferred)),
        file_author: Set(file.and_then(|file| file.author)),
        url: Set(new.url),
        body: Set(new.body),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Replaces an item's competency tags.
pub async fn set_tags(
    db: &impl ConnectionTrait,
    evidence_id: i32,
    competency_ids: &[i32],
) -> Result<(), DbErr> {
    evidence_tags::Entity::delete_many()
        .filter(evidence_tags::Column::EvidenceId.eq(evidence_id))
        .exec(db)
        .await?;
    if competency_ids.is_empty() {
        return Ok(());
    }
    evidence_tags::Entity::insert_many(competency_ids.iter().map(|&competency_id| {
        evidence_tags::ActiveModel {
            evidence_id: Set(evidence_id),
            competency_id: Set(competency_id),
        }
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// Lists the competencies evidence can be tagged with, by name.
pub async fn competency_names(db: &impl ConnectionTrait) -> Result<Vec<(i32, String)>, DbErr> {
    Ok(competencies::Entity::find()
        .order_by_asc(competencies::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|competency| (competency.id, competency.name))
        .collect())
}

/// Lists the owner's items matching `filter`, newest first, with their tags.
pub async fn list(
    db: &impl ConnectionTrait,
    owner: i32,
    filter: &LibraryFilter,
    competencies: &[(i32, String)],
    zone: Tz,
) -> Result<Vec<EvidenceView>, DbErr> {
    let items = evidence_items::Entity::find()
        .filter(evidence_items::Column::OwnerUserId.eq(owner))
        .order_by_desc(evidence_items::Column::CreatedAt)
        .order_by_desc(evidence_items::Column::Id)
        .all(db)
        .await?;
    let views = views(db, items, competencies, zone).await?;
    let search = filter.search.trim().to_lowercase();
    Ok(views
        .into_iter()
        .filter(|view| {
            search.is_empty()
                || view.title.to_lowercase().contains(&search)
                || view.description.to_lowercase().contains(&search)
                || view
                    .file_name
                    .as_deref()
                    .is_some_and(|name| name.to_lowercase().contains(&search))
                || view
                    .body
                    .as_deref()
                    .is_some_and(|body| body.to_lowercase().contains(&search))
        })
        .filter(|view| {
            filter
                .evidence_type
                .is_none_or(|wanted| view.evidence_type == wanted)
        })
        .filter(|view| {
            filter
                .competency_id
                .is_none_or(|wanted| view.tags.iter().any(|(id, _)| *id == wanted))
        })
        .collect())
}

/// Finds one item.
pub async fn find(
    db: &impl ConnectionTrait,
    evidence_id: i32,
) -> Result<Option<evidence_items::Model>, DbErr> {
    evidence_items::Entity::find_by_id(evidence_id)
        .one(db)
        .await
}

/// Turns items into views, reading all their tags in one query.
pub async fn views(
    db: &impl ConnectionTrait,
    items: Vec<evidence_items::Model>,
    competencies: &[(i32, String)],
    zone: Tz,
) -> Result<Vec<EvidenceView>, DbErr> {
    let ids: Vec<i32> = items.iter().map(|item| item.id).collect();
    let tags = if ids.is_empty() {
        Vec::new()
    } else {
        evidence_tags::Entity::find()
            .filter(evidence_tags::Column::EvidenceId.is_in(ids))
            .all(db)
            .await?
    };
    Ok(items
        .into_iter()
        .map(|item| {
            let item_tags = tags
                .iter()
                .filter(|tag| tag.evidence_id == item.id)
                .filter_map(|tag| {
                    competencies
                        .iter()
                        .find(|(id, _)| *id == tag.competency_id)
                        .cloned()
                })
                .collect();
            view(item, item_tags, zone)
        })
        .collect())
}

fn view(item: evidence_items::Model, tags: Vec<(i32, String)>, zone: Tz) -> EvidenceView {
    let kind = EvidenceKind::parse(&item.kind).unwrap_or(EvidenceKind::Text);
    let evidence_type = super::evidence_type_of(kind, item.file_mime.as_deref());
    EvidenceView {
        id: item.id,
        kind,
        evidence_type,
        title: item.title,
        description: item.description,
        file_name: item.file_name,
        file_mime: item.file_mime,
        file_size: item.file_size.map(|size| size.max(0) as u64),
        pdf_preferred: item.pdf_preferred,
        url: item.url,
        body_html: item.body.as_deref().map(super::rich_text::to_html),
        body: item.body,
        tags,
        added: crate::local_time::format_in_zone(item.created_at, zone),
    }
}

/// Returns whether `actor` may see the work of fellow `owner`: the fellow, an
/// administrator, or a coach or facilitator of a cohort the fellow belongs to.
pub async fn may_view(
    db: &impl ConnectionTrait,
    actor: &crate::auth::Actor,
    owner: i32,
) -> Result<bool, DbErr> {
    use crate::auth::Role;
    use crate::entities::cohort_memberships;
    let Some(user) = actor.user() else {
        return Ok(false);
    };
    if user.id == owner || user.is_admin {
        return Ok(true);
    }
    let cohorts: Vec<i32> = cohort_memberships::Entity::find()
        .select_only()
        .column(cohort_memberships::Column::CohortId)
        .filter(cohort_memberships::Column::UserId.eq(owner))
        .filter(cohort_memberships::Column::Role.eq(Role::Fellow.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(cohorts.into_iter().any(|cohort| {
        user.has_role_in(cohort, Role::Coach) || user.has_role_in(cohort, Role::Facilitator)
    }))
}

/// Returns whether a submitted attempt of the item's owner uses the item.
pub async fn in_submitted_attempt(
    db: &impl ConnectionTrait,
    item: &evidence_items::Model,
) -> Result<bool, DbErr> {
    use crate::entities::{submission_attempts, submissions};
    let submission_ids: Vec<i32> = submissions::Entity::find()
        .select_only()
        .column(submissions::Column::Id)
        .filter(submissions::Column::FellowUserId.eq(item.owner_user_id))
        .into_tuple()
        .all(db)
        .await?;
    if submission_ids.is_empty() {
        return Ok(false);
    }
    let contents: Vec<String> = submission_attempts::Entity::find()
        .select_only()
        .column(submission_attempts::Column::Content)
        .filter(submission_attempts::Column::SubmissionId.is_in(submission_ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(contents.iter().any(|content| {
        super::submission_store::decode(content)
            .artifacts
            .contains(&Some(item.id))
    }))
}
