//! Reading and writing modules' materials, progress, assignments and responses. Every
//! read takes a fixed number of statements, however many fellows the cohort has.
//! Server only.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::{
    AssignmentLine, EventLine, FeedsPart, MaterialKind, MaterialView, ModuleOverview,
    ResponseState, ResponseView,
};
use crate::auth::{Action, Actor, Role, authorize};
use crate::cohorts::schedule_store::{deadline, module_stage, zone_or_default};
use crate::entities::{
    assignment_responses, assignments, cohort_memberships, cohorts, events, evidence_items,
    material_progress, module_materials, modules, terms, users,
};
use crate::portfolio::rich_text;

/// A module with the term and cohort it belongs to.
pub struct Located {
    pub module: modules::Model,
    pub term: terms::Model,
    pub cohort: cohorts::Model,
}

impl Located {
    pub fn zone(&self) -> Tz {
        zone_or_default(&self.cohort.time_zone)
    }
}

/// Finds module `module_id` with its term and cohort.
async fn locate_module(
    db: &impl ConnectionTrait,
    module_id: i32,
) -> Result<Option<Located>, DbErr> {
    let Some(module) = modules::Entity::find_by_id(module_id).one(db).await? else {
        return Ok(None);
    };
    let Some(term) = terms::Entity::find_by_id(module.term_id).one(db).await? else {
        return Ok(None);
    };
    let Some(cohort) = cohorts::Entity::find_by_id(term.cohort_id).one(db).await? else {
        return Ok(None);
    };
    Ok(Some(Located {
        module,
        term,
        cohort,
    }))
}

/// Finds module `module_id` when it belongs to cohort `cohort_id`.
pub async fn locate(
    db: &impl ConnectionTrait,
    cohort_id: i32,
    module_id: i32,
) -> Result<Option<Located>, DbErr> {
    Ok(locate_module(db, module_id)
        .await?
        .filter(|located| located.cohort.id == cohort_id))
}

/// Finds the module a material belongs to.
pub async fn locate_material(
    db: &impl ConnectionTrait,
    material_id: i32,
) -> Result<Option<(module_materials::Model, Located)>, DbErr> {
    let Some(material) = module_materials::Entity::find_by_id(material_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(locate_module(db, material.module_id)
        .await?
        .map(|located| (material, located)))
}

/// Finds the module an assignment belongs to.
pub async fn locate_assignment(
    db: &impl ConnectionTrait,
    assignment_id: i32,
) -> Result<Option<(assignments::Model, Located)>, DbErr> {
    let Some(assignment) = assignments::Entity::find_by_id(assignment_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(locate_module(db, assignment.module_id)
        .await?
        .map(|located| (assignment, located)))
}

/// Builds a subquery of the ids of a cohort's fellows.
pub(crate) fn fellows_of(cohort_id: i32) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(cohort_memberships::Column::UserId)
        .from(cohort_memberships::Entity)
        .and_where(cohort_memberships::Column::CohortId.eq(cohort_id))
        .and_where(cohort_memberships::Column::Role.eq(Role::Fellow.as_str()))
        .to_owned()
}

/// Returns the viewer's zone: their own choice, or the cohort's.
pub fn viewer_zone(actor: &Actor, cohort_zone: Tz) -> Tz {
    actor
        .user()
        .and_then(|user| user.time_zone.as_deref())
        .and_then(|zone| zone.parse().ok())
        .unwrap_or(cohort_zone)
}

fn material_view(material: &module_materials::Model, done: bool, done_by: u64) -> MaterialView {
    MaterialView {
        id: material.id,
        kind: MaterialKind::parse(&material.kind).unwrap_or(MaterialKind::Text),
        title: material.title.clone(),
        body: material.body.clone(),
        html: rich_text::to_html(&material.body),
        url: material.url.clone().unwrap_or_default(),
        file_name: material.file_name.clone().unwrap_or_default(),
        file_size: material
            .file_size
            .map(|size| crate::portfolio::size_text(u64::try_from(size).unwrap_or(0)))
            .unwrap_or_default(),
        done,
        done_by,
    }
}

fn assignment_line(
    assignment: &assignments::Model,
    cohort_zone: Tz,
    viewer: Tz,
    now: DateTime<Utc>,
) -> AssignmentLine {
    AssignmentLine {
        id: assignment.id,
        title: assignment.title.clone(),
        instructions: assignment.instructions.clone(),
        html: rich_text::to_html(&assignment.instructions),
        due: assignment.due_at.map(|at| {
            let zone = assignment
                .due_zone
                .as_deref()
                .map_or(cohort_zone, zone_or_default);
            deadline(at, zone, viewer, now)
        }),
        feeds_part: assignment.feeds_part.as_deref().and_then(FeedsPart::parse),
        mine: None,
        waiting: 0,
        complete: 0,
    }
}

/// Counts rows per key: `(key, count)` pairs into a map.
fn counts(rows: Vec<(i32, i64)>) -> HashMap<i32, u64> {
    rows.into_iter()
        .map(|(key, count)| (key, u64::try_from(count).unwrap_or(0)))
        .collect()
}

/// Reads everything the module page shows for `actor`.
pub async fn overview(
    db: &impl ConnectionTrait,
    actor: &Actor,
    located: &Located,
    now: DateTime<Utc>,
) -> Result<ModuleOverview, DbErr> {
    let cohort_id = located.cohort.id;
    let module = &located.module;
    let user_id = actor.user().map_or(0, |user| user.id);
    let can_manage = authorize(actor, Action::ManageModules(cohort_id)).is_ok();
    let is_fellow = actor
        .user()
        .is_some_and(|user| user.has_role_in(cohort_id, Role::Fellow));
    let cohort_zone = located.zone();
    let viewer = viewer_zone(actor, cohort_zone);
    let today = now.with_timezone(&cohort_zone).date_naive();

    let materials = module_materials::Entity::find()
        .filter(module_materials::Column::ModuleId.eq(module.id))
        .order_by_asc(module_materials::Column::Position)
        .order_by_asc(module_materials::Column::Id)
        .all(db)
        .await?;
    let material_ids: Vec<i32> = materials.iter().map(|material| material.id).collect();
    let mine_done: HashSet<i32> = material_progress::Entity::find()
        .select_only()
        .column(material_progress::Column::MaterialId)
        .filter(material_progress::Column::MaterialId.is_in(material_ids.clone()))
        .filter(material_progress::Column::UserId.eq(user_id))
        .into_tuple::<i32>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let assignment_rows = assignments::Entity::find()
        .filter(assignments::Column::ModuleId.eq(module.id))
        .order_by_asc(assignments::Column::Position)
        .order_by_asc(assignments::Column::Id)
        .all(db)
        .await?;
    let assignment_ids: Vec<i32> = assignment_rows.iter().map(|row| row.id).collect();

    let mut done_by = HashMap::new();
    let mut waiting = HashMap::new();
    let mut complete = HashMap::new();
    let mut mine: HashMap<i32, ResponseState> = HashMap::new();
    if can_manage {
        done_by = counts(
            material_progress::Entity::find()
                .select_only()
                .column(material_progress::Column::MaterialId)
                .column_as(material_progress::Column::Id.count(), "n")
                .filter(material_progress::Column::MaterialId.is_in(material_ids.clone()))
                .filter(material_progress::Column::UserId.in_subquery(fellows_of(cohort_id)))
                .group_by(material_progress::Column::MaterialId)
                .into_tuple::<(i32, i64)>()
                .all(db)
                .await?,
        );
        let states: Vec<(i32, String, i64)> = assignment_responses::Entity::find()
            .select_only()
            .column(assignment_responses::Column::AssignmentId)
            .column(assignment_responses::Column::State)
            .column_as(assignment_responses::Column::Id.count(), "n")
            .filter(assignment_responses::Column::AssignmentId.is_in(assignment_ids.clone()))
            .group_by(assignment_responses::Column::AssignmentId)
            .group_by(assignment_responses::Column::State)
            .into_tuple()
            .all(db)
            .await?;
        for (assignment, state, count) in states {
            let count = u64::try_from(count).unwrap_or(0);
            match ResponseState::parse(&state) {
                Some(ResponseState::Submitted) => {
                    waiting.insert(assignment, count);
                }
                Some(ResponseState::Complete) => {
                    complete.insert(assignment, count);
                }
                _ => {}
            }
        }
    }
    if is_fellow {
        let rows: Vec<(i32, String)> = assignment_responses::Entity::find()
            .select_only()
            .column(assignment_responses::Column::AssignmentId)
            .column(assignment_responses::Column::State)
            .filter(assignment_responses::Column::AssignmentId.is_in(assignment_ids.clone()))
            .filter(assignment_responses::Column::FellowUserId.eq(user_id))
            .into_tuple()
            .all(db)
            .await?;
        mine = rows
            .into_iter()
            .filter_map(|(id, state)| ResponseState::parse(&state).map(|state| (id, state)))
            .collect();
    }

    let event_rows = events::Entity::find()
        .filter(events::Column::ModuleId.eq(module.id))
        .order_by_asc(events::Column::StartsAt)
        .all(db)
        .await?;
    let fellows = cohort_memberships::Entity::find()
        .filter(cohort_memberships::Column::CohortId.eq(cohort_id))
        .filter(cohort_memberships::Column::Role.eq(Role::Fellow.as_str()))
        .count(db)
        .await?;
    let discussion_new = crate::discussions::store::unread_counts(db, user_id, &[module.id])
        .await?
        .get(&module.id)
        .copied()
        .unwrap_or(0);
    let siblings = sibling_modules(db, cohort_id).await?;

    let due = module.due_at.map(|at| {
        let zone = module
            .due_zone
            .as_deref()
            .map_or(cohort_zone, zone_or_default);
        deadline(at, zone, viewer, now)
    });
    Ok(ModuleOverview {
        cohort_id,
        cohort_label: crate::cohorts::cohort_label(&located.cohort.name, located.cohort.year),
        module_id: module.id,
        name: module.name.clone(),
        term_title: term_title(&located.term),
        opens_on: module
            .opens_on
            .map(|day| day.to_string())
            .unwrap_or_default(),
        stage: module_stage(due.as_ref(), module.opens_on, today),
        due,
        materials: materials
            .iter()
            .map(|material| {
                material_view(
                    material,
                    mine_done.contains(&material.id),
                    done_by.get(&material.id).copied().unwrap_or(0),
                )
            })
            .collect(),
        assignments: assignment_rows
            .iter()
            .map(|row| AssignmentLine {
                mine: mine.get(&row.id).copied(),
                waiting: waiting.get(&row.id).copied().unwrap_or(0),
                complete: complete.get(&row.id).copied().unwrap_or(0),
                ..assignment_line(row, cohort_zone, viewer, now)
            })
            .collect(),
        events: event_rows
            .iter()
            .map(|event| EventLine {
                id: event.id,
                title: event.title.clone(),
                when: crate::local_time::format_in_zone(event.starts_at, viewer),
                cancelled: event.cancelled_at.is_some(),
            })
            .collect(),
        discussion_new,
        fellows,
        can_manage,
        is_fellow,
        siblings,
        upload_limit: String::new(),
    })
}

/// Formats a term's heading, such as `Term 1 (Spring)`.
pub fn term_title(term: &terms::Model) -> String {
    let season = if term.season == "fall" {
        "Fall"
    } else {
        "Spring"
    };
    format!("Term {} ({season})", term.position)
}

/// Lists every module of the cohort in order, labelled with its term, in two
/// statements.
pub async fn sibling_modules(
    db: &impl ConnectionTrait,
    cohort_id: i32,
) -> Result<Vec<(i32, String)>, DbErr> {
    let term_rows = terms::Entity::find()
        .filter(terms::Column::CohortId.eq(cohort_id))
        .order_by_asc(terms::Column::Position)
        .all(db)
        .await?;
    let module_rows = modules::Entity::find()
        .filter(modules::Column::TermId.is_in(term_rows.iter().map(|term| term.id)))
        .order_by_asc(modules::Column::Position)
        .order_by_asc(modules::Column::Id)
        .all(db)
        .await?;
    Ok(term_rows
        .iter()
        .flat_map(|term| {
            module_rows
                .iter()
                .filter(move |module| module.term_id == term.id)
                .map(move |module| (module.id, format!("{}: {}", term_title(term), module.name)))
        })
        .collect())
}

/// A material's fields as the editor posts them, already checked.
pub struct MaterialFields {
    pub kind: MaterialKind,
    pub title: String,
    pub body: String,
    pub url: Option<String>,
}

/// Adds a material at the end of the module's list.
pub async fn add_material(
    db: &impl ConnectionTrait,
    module_id: i32,
    fields: MaterialFields,
    file: Option<(String, String, String, i64)>,
) -> Result<module_materials::Model, DbErr> {
    let last = module_materials::Entity::find()
        .filter(module_materials::Column::ModuleId.eq(module_id))
        .order_by_desc(module_materials::Column::Position)
        .one(db)
        .await?
        .map_or(0, |material| material.position);
    let (file_key, file_name, file_type, file_size) = match file {
        Some((key, name, mime, size)) => (Some(key), Some(name), Some(mime), Some(size)),
        None => (None, None, None, None),
    };
    module_materials::ActiveModel {
        module_id: Set(module_id),
        position: Set(last + 1),
        kind: Set(fields.kind.name().to_owned()),
        title: Set(fields.title),
        body: Set(fields.body),
        url: Set(fields.url),
        file_key: Set(file_key),
        file_name: Set(file_name),
        file_type: Set(file_type),
        file_size: Set(file_size),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Changes a material's title, text and address; its kind and file stay.
pub async fn update_material(
    db: &impl ConnectionTrait,
    material: module_materials::Model,
    fields: MaterialFields,
) -> Result<(), DbErr> {
    let mut row: module_materials::ActiveModel = material.into();
    row.title = Set(fields.title);
    row.body = Set(fields.body);
    row.url = Set(fields.url);
    row.updated_at = Set(Utc::now());
    row.update(db).await.map(|_| ())
}

/// Swaps a material with its neighbour above (`up`) or below.
pub async fn move_material(
    db: &impl ConnectionTrait,
    material: &module_materials::Model,
    up: bool,
) -> Result<bool, DbErr> {
    let neighbour = module_materials::Entity::find()
        .filter(module_materials::Column::ModuleId.eq(material.module_id))
        .filter(if up {
            module_materials::Column::Position.lt(material.position)
        } else {
            module_materials::Column::Position.gt(material.position)
        });
    let neighbour = if up {
        neighbour.order_by_desc(module_materials::Column::Position)
    } else {
        neighbour.order_by_asc(module_materials::Column::Position)
    }
    .one(db)
    .await?;
    let Some(neighbour) = neighbour else {
        return Ok(false);
    };
    for (id, position) in [
        (material.id, neighbour.position),
        (neighbour.id, material.position),
    ] {
        module_materials::Entity::update_many()
            .col_expr(module_materials::Column::Position, Expr::value(position))
            .filter(module_materials::Column::Id.eq(id))
            .exec(db)
            .await?;
    }
    Ok(true)
}

/// Records whether `user_id` finished a material. Marking twice keeps one row.
pub async fn set_done(
    db: &impl ConnectionTrait,
    material_id: i32,
    user_id: i32,
    done: bool,
) -> Result<(), DbErr> {
    let existing = material_progress::Entity::find()
        .filter(material_progress::Column::MaterialId.eq(material_id))
        .filter(material_progress::Column::UserId.eq(user_id))
        .one(db)
        .await?;
    match (existing, done) {
        (None, true) => {
            let inserted = material_progress::ActiveModel {
                material_id: Set(material_id),
                user_id: Set(user_id),
                completed_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(db)
            .await;
            match inserted {
                Ok(_) => Ok(()),
                // Two clicks at once: the other one recorded it.
                Err(error)
                    if matches!(
                        error.sql_err(),
                        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
                    ) =>
                {
                    Ok(())
                }
                Err(error) => Err(error),
            }
        }
        (Some(row), false) => material_progress::Entity::delete_by_id(row.id)
            .exec(db)
            .await
            .map(|_| ()),
        _ => Ok(()),
    }
}

/// An assignment's fields as the editor posts them, already checked.
pub struct AssignmentFields {
    pub title: String,
    pub instructions: String,
    pub due: Option<(DateTime<Utc>, String)>,
    pub feeds_part: Option<FeedsPart>,
}

/// Adds an assignment, or changes `existing`.
pub async fn save_assignment(
    db: &impl ConnectionTrait,
    module_id: i32,
    existing: Option<assignments::Model>,
    fields: AssignmentFields,
) -> Result<assignments::Model, DbErr> {
    let (due_at, due_zone) = match fields.due {
        Some((at, zone)) => (Some(at), Some(zone)),
        None => (None, None),
    };
    let mut row = match existing {
        Some(existing) => existing.into(),
        None => {
            let last = assignments::Entity::find()
                .filter(assignments::Column::ModuleId.eq(module_id))
                .order_by_desc(assignments::Column::Position)
                .one(db)
                .await?
                .map_or(0, |assignment| assignment.position);
            assignments::ActiveModel {
                module_id: Set(module_id),
                position: Set(last + 1),
                ..Default::default()
            }
        }
    };
    row.title = Set(fields.title);
    row.instructions = Set(fields.instructions);
    row.due_at = Set(due_at);
    row.due_zone = Set(due_zone);
    row.feeds_part = Set(fields.feeds_part.map(|part| part.name().to_owned()));
    row.updated_at = Set(Utc::now());
    match row.id {
        sea_orm::ActiveValue::Unchanged(_) | sea_orm::ActiveValue::Set(_) => row.update(db).await,
        sea_orm::ActiveValue::NotSet => row.insert(db).await,
    }
}

/// Reads the fellow's response to an assignment, if they saved one.
pub async fn response_of(
    db: &impl ConnectionTrait,
    assignment_id: i32,
    fellow_id: i32,
) -> Result<Option<assignment_responses::Model>, DbErr> {
    assignment_responses::Entity::find()
        .filter(assignment_responses::Column::AssignmentId.eq(assignment_id))
        .filter(assignment_responses::Column::FellowUserId.eq(fellow_id))
        .one(db)
        .await
}

/// The outcome of a fellow's save.
#[derive(Debug, PartialEq)]
pub enum ResponseSaved {
    Stored {
        version: i32,
    },
    /// Another tab saved first; nothing was overwritten.
    Stale {
        current_version: i32,
    },
    /// Handed in or complete: no longer editable.
    Closed(ResponseState),
}

/// Saves a fellow's response made from `base_version` (0 for a first save), and
/// hands it in when `hand_in`. The check and the write are one statement.
pub async fn save_response(
    db: &impl ConnectionTrait,
    assignment_id: i32,
    fellow_id: i32,
    base_version: i32,
    body: &str,
    evidence: &[i32],
    hand_in: bool,
) -> Result<ResponseSaved, DbErr> {
    let now = Utc::now();
    let evidence_json = serde_json::to_string(evidence).unwrap_or_else(|_| "[]".into());
    let state = if hand_in {
        ResponseState::Submitted
    } else {
        ResponseState::Draft
    };
    let existing = response_of(db, assignment_id, fellow_id).await?;
    let Some(existing) = existing else {
        if base_version != 0 {
            return Ok(ResponseSaved::Stale { current_version: 0 });
        }
        let inserted = assignment_responses::ActiveModel {
            assignment_id: Set(assignment_id),
            fellow_user_id: Set(fellow_id),
            body: Set(body.to_owned()),
            evidence_ids: Set(evidence_json),
            state: Set(state.name().to_owned()),
            version: Set(1),
            submitted_at: Set(hand_in.then_some(now)),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await;
        return match inserted {
            Ok(_) => Ok(ResponseSaved::Stored { version: 1 }),
            Err(error)
                if matches!(
                    error.sql_err(),
                    Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
                ) =>
            {
                let current = response_of(db, assignment_id, fellow_id).await?;
                Ok(ResponseSaved::Stale {
                    current_version: current.map_or(0, |row| row.version),
                })
            }
            Err(error) => Err(error),
        };
    };
    let current_state = ResponseState::parse(&existing.state).unwrap_or(ResponseState::Draft);
    if !current_state.editable() {
        return Ok(ResponseSaved::Closed(current_state));
    }
    // A returned response stays returned until it is handed in again.
    let state = if hand_in { state } else { current_state };
    let mut update = assignment_responses::Entity::update_many()
        .col_expr(assignment_responses::Column::Body, Expr::value(body))
        .col_expr(
            assignment_responses::Column::EvidenceIds,
            Expr::value(evidence_json),
        )
        .col_expr(
            assignment_responses::Column::State,
            Expr::value(state.name()),
        )
        .col_expr(
            assignment_responses::Column::Version,
            Expr::col(assignment_responses::Column::Version).add(1),
        )
        .col_expr(assignment_responses::Column::UpdatedAt, Expr::value(now))
        .filter(assignment_responses::Column::Id.eq(existing.id))
        .filter(assignment_responses::Column::Version.eq(base_version))
        .filter(
            assignment_responses::Column::State
                .is_in([ResponseState::Draft.name(), ResponseState::Returned.name()]),
        );
    if hand_in {
        update = update.col_expr(
            assignment_responses::Column::SubmittedAt,
            Expr::value(Some(now)),
        );
    }
    let result = update.exec(db).await?;
    if result.rows_affected == 1 {
        Ok(ResponseSaved::Stored {
            version: base_version + 1,
        })
    } else {
        Ok(ResponseSaved::Stale {
            current_version: existing.version,
        })
    }
}

/// Records a facilitator's decision on a handed-in response; false when the response
/// changed since `response` was read.
pub async fn decide_response(
    db: &impl ConnectionTrait,
    response: &assignment_responses::Model,
    decided_by: i32,
    outcome: ResponseState,
    feedback: &str,
) -> Result<bool, DbErr> {
    let mut update = assignment_responses::Entity::update_many().col_expr(
        assignment_responses::Column::State,
        Expr::value(outcome.name()),
    );
    // Marking complete without a new comment keeps the comment the fellow revised to.
    if !feedback.trim().is_empty() {
        update = update.col_expr(
            assignment_responses::Column::Feedback,
            Expr::value(Some(feedback.to_owned())),
        );
    }
    let result = update
        .col_expr(
            assignment_responses::Column::ReviewedByUserId,
            Expr::value(Some(decided_by)),
        )
        .col_expr(
            assignment_responses::Column::ReviewedAt,
            Expr::value(Some(Utc::now())),
        )
        .col_expr(
            assignment_responses::Column::Version,
            Expr::col(assignment_responses::Column::Version).add(1),
        )
        .filter(assignment_responses::Column::Id.eq(response.id))
        .filter(assignment_responses::Column::Version.eq(response.version))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Reads the evidence ids stored with a response.
pub fn evidence_ids(response: &assignment_responses::Model) -> Vec<i32> {
    serde_json::from_str(&response.evidence_ids).unwrap_or_default()
}

/// Builds the page view of responses, reading the fellows' names and the evidence
/// titles in two statements.
pub async fn response_views(
    db: &impl ConnectionTrait,
    rows: Vec<assignment_responses::Model>,
    viewer: Tz,
) -> Result<Vec<ResponseView>, DbErr> {
    let fellow_ids: Vec<i32> = rows.iter().map(|row| row.fellow_user_id).collect();
    let names: HashMap<i32, String> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::DisplayName)
        .filter(users::Column::Id.is_in(fellow_ids))
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let evidence_requested: Vec<i32> = rows.iter().flat_map(evidence_ids).collect();
    let titles: HashMap<i32, (i32, String)> = evidence_items::Entity::find()
        .select_only()
        .column(evidence_items::Column::Id)
        .column(evidence_items::Column::OwnerUserId)
        .column(evidence_items::Column::Title)
        .filter(evidence_items::Column::Id.is_in(evidence_requested))
        .into_tuple::<(i32, i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, owner, title)| (id, (owner, title)))
        .collect();
    let when = |at: Option<DateTime<Utc>>| {
        at.map(|at| crate::local_time::format_in_zone(at, viewer))
            .unwrap_or_default()
    };
    Ok(rows
        .into_iter()
        .map(|row| ResponseView {
            id: row.id,
            fellow_id: row.fellow_user_id,
            fellow_name: names.get(&row.fellow_user_id).cloned().unwrap_or_default(),
            html: rich_text::to_html(&row.body),
            evidence: evidence_ids(&row)
                .into_iter()
                .filter_map(|id| {
                    titles
                        .get(&id)
                        .filter(|(owner, _)| *owner == row.fellow_user_id)
                        .map(|(_, title)| (id, title.clone()))
                })
                .collect(),
            state: ResponseState::parse(&row.state).unwrap_or(ResponseState::Draft),
            version: row.version,
            submitted: when(row.submitted_at),
            feedback: row.feedback.clone().unwrap_or_default(),
            reviewed: when(row.reviewed_at),
            body: row.body,
        })
        .collect())
}

/// Builds the assignment line for the page, in the viewer's zone.
pub fn line_for(
    assignment: &assignments::Model,
    located: &Located,
    viewer: Tz,
    now: DateTime<Utc>,
) -> AssignmentLine {
    assignment_line(assignment, located.zone(), viewer, now)
}

/// Lists the micro-credentials of the fellow's chosen competencies in the cohort whose
/// drafts are open, with their Part 1 questions, as targets for copying a response.
pub async fn draft_targets(
    db: &impl ConnectionTrait,
    cohort_id: i32,
    fellow_id: i32,
) -> Result<Vec<super::DraftTarget>, DbErr> {
    use crate::entities::{competency_choices, microcredentials};
    let Some(choice) = competency_choices::Entity::find()
        .filter(competency_choices::Column::CohortId.eq(cohort_id))
        .filter(competency_choices::Column::FellowUserId.eq(fellow_id))
        .one(db)
        .await?
    else {
        return Ok(Vec::new());
    };
    let chosen = crate::program::plan_store::choice_set(Some(&choice)).competencies();
    let credentials = microcredentials::Entity::find()
        .filter(microcredentials::Column::CompetencyId.is_in(chosen))
        .order_by_asc(microcredentials::Column::Position)
        .all(db)
        .await?;
    let program_id = crate::cohorts::store::default_program_id(db).await?;
    let versions = crate::program::framework_store::current_versions(db, program_id).await?;
    // Drafts with reviewers or decided cannot change, so they are not offered.
    let closed: HashSet<i32> = crate::entities::submissions::Entity::find()
        .filter(crate::entities::submissions::Column::CohortId.eq(cohort_id))
        .filter(crate::entities::submissions::Column::FellowUserId.eq(fellow_id))
        .all(db)
        .await?
        .iter()
        .filter(|submission| !crate::portfolio::submission_store::state_of(submission).editable())
        .map(|submission| submission.microcredential_id)
        .collect();
    Ok(credentials
        .iter()
        .filter(|credential| !closed.contains(&credential.id))
        .filter_map(|credential| {
            let version = versions.get(&credential.id)?;
            let definition =
                crate::program::framework_store::decode_definition(&version.definition).ok()?;
            Some(super::DraftTarget {
                microcredential_id: credential.id,
                title: definition.title,
                questions: definition
                    .overview_questions
                    .into_iter()
                    .map(|question| question.prompt)
                    .collect(),
            })
        })
        .collect())
}

/// The result of copying a response into a draft.
#[derive(Debug, PartialEq, Eq)]
pub enum CopyOutcome {
    /// Added; the composer's address ends with `key`.
    Copied { key: String },
    /// No response with text is saved.
    NothingToCopy,
    /// The assignment feeds no part, or the question does not exist.
    NoSuchPart,
    /// The micro-credential is not one of the fellow's in the cohort.
    NotYours,
    /// The submission is with reviewers or decided.
    Closed,
}

/// Appends the fellow's saved response to the part of the micro-credential draft the
/// assignment feeds, as one version-checked save (retried once if a save races it).
pub async fn copy_into_draft(
    db: &impl ConnectionTrait,
    assignment: &assignments::Model,
    cohort_id: i32,
    fellow_id: i32,
    microcredential_id: i32,
    question: Option<usize>,
) -> Result<CopyOutcome, DbErr> {
    use crate::entities::microcredentials;
    use crate::portfolio::submission_store::{self, Saved};

    let Some(response) = response_of(db, assignment.id, fellow_id).await? else {
        return Ok(CopyOutcome::NothingToCopy);
    };
    if crate::text::is_blank(&response.body) {
        return Ok(CopyOutcome::NothingToCopy);
    }
    let Some(part) = assignment.feeds_part.as_deref().and_then(FeedsPart::parse) else {
        return Ok(CopyOutcome::NoSuchPart);
    };
    let targets = draft_targets(db, cohort_id, fellow_id).await?;
    let Some(target) = targets
        .iter()
        .find(|target| target.microcredential_id == microcredential_id)
    else {
        return Ok(CopyOutcome::NotYours);
    };
    let index = match part {
        FeedsPart::Reflection => None,
        FeedsPart::Overview => match question {
            Some(number) if number >= 1 && number <= target.questions.len() => Some(number - 1),
            _ => return Ok(CopyOutcome::NoSuchPart),
        },
    };
    let Some(credential) = microcredentials::Entity::find_by_id(microcredential_id)
        .one(db)
        .await?
    else {
        return Ok(CopyOutcome::NotYours);
    };
    for _ in 0..2 {
        let submission =
            submission_store::open(db, cohort_id, fellow_id, microcredential_id).await?;
        let mut content = submission_store::decode(&submission.draft_content);
        let slot = match index {
            Some(index) => {
                if content.answers.len() <= index {
                    content.answers.resize(index + 1, String::new());
                }
                &mut content.answers[index]
            }
            None => &mut content.reflection,
        };
        if !slot.trim().is_empty() {
            slot.push_str("\n\n");
        }
        slot.push_str(response.body.trim());
        match submission_store::save_draft(db, submission.id, submission.draft_version, &content)
            .await?
        {
            Saved::Stored { .. } => {
                return Ok(CopyOutcome::Copied {
                    key: credential.key,
                });
            }
            Saved::Closed(_) => return Ok(CopyOutcome::Closed),
            Saved::Conflict(_) => continue,
        }
    }
    Ok(CopyOutcome::Closed)
}
