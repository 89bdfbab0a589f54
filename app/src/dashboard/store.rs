//! Reads what the dashboards show. Each read uses the same number of statements for a
//! cohort of 30 fellows or 3,000: rows are fetched per table, never per fellow, and
//! grouped in the database where only totals are needed.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{
    Expr, ExprTrait, Func, IntoColumnRef, IntoCondition, IntoTableRef, Query, SelectStatement,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::auth::Role;
use crate::entities::{
    assignment_responses, assignments, attendance, coaching_pairs, cohort_memberships, cohorts,
    competencies, competency_choices, discussions, events, evidence_items, growth_ratings,
    material_progress, microcredentials, modules, posts, reviews, submission_attempts, submissions,
    terms, users,
};
use crate::modules::store::fellows_of;

/// A module of the cohort, in schedule order.
#[derive(Clone, Debug)]
pub struct ModuleRow {
    pub id: i32,
    pub term: i32,
    pub name: String,
}

#[derive(Clone, Debug)]
pub struct AssignmentRow {
    pub id: i32,
    pub module_id: i32,
    pub title: String,
    pub due_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug)]
pub struct EventRow {
    pub id: i32,
    pub module_id: Option<i32>,
    pub kind: String,
    pub title: String,
    pub ends_at: DateTime<Utc>,
    pub cancelled: bool,
}

#[derive(Clone, Debug)]
pub struct SubmissionRow {
    pub id: i32,
    pub cohort_id: i32,
    pub fellow_id: i32,
    pub microcredential_id: i32,
    pub state: String,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub saved_at: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub struct AttemptRow {
    pub id: i32,
    pub submission_id: i32,
    pub submitted_at: DateTime<Utc>,
    pub outcome: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub turnaround_days: Option<i32>,
    pub target_days: Option<i32>,
    /// When the attempt's first review was assigned, which puts it in review.
    pub review_started_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug)]
pub struct ResponseRow {
    pub assignment_id: i32,
    pub fellow_id: i32,
    pub state: String,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub struct AttendanceRow {
    pub event_id: i32,
    pub user_id: i32,
    pub status: String,
    pub checked_in_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug)]
pub struct RatingRow {
    pub fellow_id: i32,
    pub competency_id: i32,
    pub stage: i32,
    pub at: DateTime<Utc>,
}

/// The competency choices a fellow made, by slot.
#[derive(Clone, Debug)]
pub struct ChoiceRow {
    pub fellow_id: i32,
    pub picks: [Option<i32>; 4],
}

/// Everything a cohort's dashboard is built from.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub cohort: cohorts::Model,
    pub modules: Vec<ModuleRow>,
    pub assignments: Vec<AssignmentRow>,
    pub events: Vec<EventRow>,
    /// Fellows with their display names, by name.
    pub fellows: Vec<(i32, String)>,
    /// When each fellow joined the cohort.
    pub joined: Vec<(i32, DateTime<Utc>)>,
    pub coaches: Vec<(i32, String)>,
    /// (coach, fellow).
    pub pairs: Vec<(i32, i32)>,
    pub choices: Vec<ChoiceRow>,
    /// Competency id and name, across the program.
    pub competencies: Vec<(i32, String)>,
    /// Micro-credential id and the competency it recognises.
    pub microcredentials: Vec<(i32, i32)>,
    pub submissions: Vec<SubmissionRow>,
    pub attempts: Vec<AttemptRow>,
    pub responses: Vec<ResponseRow>,
    pub attendance: Vec<AttendanceRow>,
    /// (author, module, posts, latest post).
    pub posts: Vec<(i32, i32, i64, DateTime<Utc>)>,
    /// Growth ratings fellows gave themselves, oldest first.
    pub ratings: Vec<RatingRow>,
    /// The latest moment each fellow finished a material or added evidence.
    pub other_activity: Vec<(i32, DateTime<Utc>)>,
}

/// Builds `SELECT column FROM table WHERE condition`, for `IN (…)` filters.
fn ids(
    column: impl IntoColumnRef,
    table: impl IntoTableRef,
    condition: impl IntoCondition,
) -> SelectStatement {
    Query::select()
        .column(column)
        .from(table)
        .cond_where(condition)
        .to_owned()
}

/// Reads a cohort's snapshot, or `None` when there is no such cohort.
pub async fn load(db: &impl ConnectionTrait, cohort_id: i32) -> Result<Option<Snapshot>, DbErr> {
    let Some(cohort) = cohorts::Entity::find_by_id(cohort_id).one(db).await? else {
        return Ok(None);
    };
    let term_ids = ids(
        terms::Column::Id,
        terms::Entity,
        terms::Column::CohortId.eq(cohort_id),
    );
    let module_ids = ids(
        modules::Column::Id,
        modules::Entity,
        modules::Column::TermId.in_subquery(term_ids.clone()),
    );
    let term_positions: Vec<(i32, i32)> = terms::Entity::find()
        .select_only()
        .column(terms::Column::Id)
        .column(terms::Column::Position)
        .filter(terms::Column::CohortId.eq(cohort_id))
        .into_tuple()
        .all(db)
        .await?;
    let mut modules: Vec<ModuleRow> = modules::Entity::find()
        .select_only()
        .column(modules::Column::Id)
        .column(modules::Column::TermId)
        .column(modules::Column::Position)
        .column(modules::Column::Name)
        .filter(modules::Column::TermId.in_subquery(term_ids))
        .into_tuple::<(i32, i32, i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, term_id, position, name)| {
            let term = term_positions
                .iter()
                .find(|(id, _)| *id == term_id)
                .map_or(0, |(_, position)| *position);
            (term, position, ModuleRow { id, term, name })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|(term, position, row)| (term * 1000 + position, row))
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_values()
        .collect();
    modules.dedup_by_key(|module| module.id);

    let assignments = assignments::Entity::find()
        .select_only()
        .column(assignments::Column::Id)
        .column(assignments::Column::ModuleId)
        .column(assignments::Column::Title)
        .column(assignments::Column::DueAt)
        .filter(assignments::Column::ModuleId.in_subquery(module_ids.clone()))
        .order_by_asc(assignments::Column::Position)
        .into_tuple::<(i32, i32, String, Option<DateTime<Utc>>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, module_id, title, due_at)| AssignmentRow {
            id,
            module_id,
            title,
            due_at,
        })
        .collect();

    let events = events::Entity::find()
        .filter(events::Column::CohortId.eq(cohort_id))
        .order_by_asc(events::Column::StartsAt)
        .all(db)
        .await?
        .into_iter()
        .map(|event| EventRow {
            id: event.id,
            module_id: event.module_id,
            kind: event.kind,
            title: event.title,
            ends_at: event.starts_at + chrono::Duration::minutes(event.duration_minutes.into()),
            cancelled: event.cancelled_at.is_some(),
        })
        .collect();

    let fellows = members(db, cohort_id, Role::Fellow).await?;
    let joined = cohort_memberships::Entity::find()
        .select_only()
        .column(cohort_memberships::Column::UserId)
        .column(cohort_memberships::Column::CreatedAt)
        .filter(cohort_memberships::Column::CohortId.eq(cohort_id))
        .filter(cohort_memberships::Column::Role.eq(Role::Fellow.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    let coaches = members(db, cohort_id, Role::Coach).await?;
    let pairs = coaching_pairs::Entity::find()
        .select_only()
        .column(coaching_pairs::Column::CoachUserId)
        .column(coaching_pairs::Column::FellowUserId)
        .filter(coaching_pairs::Column::CohortId.eq(cohort_id))
        .into_tuple()
        .all(db)
        .await?;
    let choices = choices_of(db, Some(cohort_id))
        .await?
        .into_iter()
        .map(|(_, row)| row)
        .collect();
    let (competencies, microcredentials) = catalog(db).await?;
    let submissions = submissions_of(db, Some(cohort_id)).await?;
    let attempts = attempts_of(db, Some(cohort_id)).await?;

    let responses = assignment_responses::Entity::find()
        .select_only()
        .column(assignment_responses::Column::AssignmentId)
        .column(assignment_responses::Column::FellowUserId)
        .column(assignment_responses::Column::State)
        .column(assignment_responses::Column::UpdatedAt)
        .filter(assignment_responses::Column::AssignmentId.in_subquery(ids(
            assignments::Column::Id,
            assignments::Entity,
            assignments::Column::ModuleId.in_subquery(module_ids.clone()),
        )))
        .into_tuple::<(i32, i32, String, DateTime<Utc>)>()
        .all(db)
        .await?
        .into_iter()
        .map(
            |(assignment_id, fellow_id, state, updated_at)| ResponseRow {
                assignment_id,
                fellow_id,
                state,
                updated_at,
            },
        )
        .collect();

    let attendance = attendance_of(db, Some(cohort_id)).await?;

    let posts = posts::Entity::find()
        .select_only()
        .column(posts::Column::AuthorUserId)
        .column(discussions::Column::ModuleId)
        .column_as(posts::Column::Id.count(), "n")
        .column_as(posts::Column::CreatedAt.max(), "latest")
        .join_as(
            sea_orm::JoinType::InnerJoin,
            posts::Entity::belongs_to(discussions::Entity)
                .from(posts::Column::DiscussionId)
                .to(discussions::Column::Id)
                .into(),
            discussions::Entity,
        )
        .filter(discussions::Column::ModuleId.in_subquery(module_ids))
        .filter(posts::Column::DeletedAt.is_null())
        .group_by(posts::Column::AuthorUserId)
        .group_by(discussions::Column::ModuleId)
        .into_tuple()
        .all(db)
        .await?;

    let ratings = growth_ratings::Entity::find()
        .select_only()
        .column(growth_ratings::Column::FellowUserId)
        .column(growth_ratings::Column::CompetencyId)
        .column(growth_ratings::Column::Stage)
        .column(growth_ratings::Column::CreatedAt)
        .filter(growth_ratings::Column::CohortId.eq(cohort_id))
        .filter(growth_ratings::Column::RaterRole.eq("fellow"))
        .order_by_asc(growth_ratings::Column::CreatedAt)
        .order_by_asc(growth_ratings::Column::Id)
        .into_tuple::<(i32, i32, i32, DateTime<Utc>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(fellow_id, competency_id, stage, at)| RatingRow {
            fellow_id,
            competency_id,
            stage,
            at,
        })
        .collect();

    let mut other_activity: Vec<(i32, DateTime<Utc>)> = material_progress::Entity::find()
        .select_only()
        .column(material_progress::Column::UserId)
        .column_as(material_progress::Column::CompletedAt.max(), "latest")
        .filter(material_progress::Column::UserId.in_subquery(fellows_of(cohort_id)))
        .group_by(material_progress::Column::UserId)
        .into_tuple()
        .all(db)
        .await?;
    other_activity.extend(
        evidence_items::Entity::find()
            .select_only()
            .column(evidence_items::Column::OwnerUserId)
            .column_as(evidence_items::Column::CreatedAt.max(), "latest")
            .filter(evidence_items::Column::OwnerUserId.in_subquery(fellows_of(cohort_id)))
            .group_by(evidence_items::Column::OwnerUserId)
            .into_tuple::<(i32, DateTime<Utc>)>()
            .all(db)
            .await?,
    );

    Ok(Some(Snapshot {
        cohort,
        modules,
        assignments,
        events,
        fellows,
        joined,
        coaches,
        pairs,
        choices,
        competencies,
        microcredentials,
        submissions,
        attempts,
        responses,
        attendance,
        posts,
        ratings,
        other_activity,
    }))
}

/// Reads the people with `role` in a cohort, by name.
async fn members(
    db: &impl ConnectionTrait,
    cohort_id: i32,
    role: Role,
) -> Result<Vec<(i32, String)>, DbErr> {
    users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::DisplayName)
        .filter(
            users::Column::Id.in_subquery(ids(
                cohort_memberships::Column::UserId,
                cohort_memberships::Entity,
                cohort_memberships::Column::CohortId
                    .eq(cohort_id)
                    .and(cohort_memberships::Column::Role.eq(role.as_str())),
            )),
        )
        .order_by_asc(users::Column::DisplayName)
        .order_by_asc(users::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

/// Competency choices of one cohort, or of every cohort, with their cohort.
async fn choices_of(
    db: &impl ConnectionTrait,
    cohort_id: Option<i32>,
) -> Result<Vec<(i32, ChoiceRow)>, DbErr> {
    let mut query = competency_choices::Entity::find()
        .select_only()
        .column(competency_choices::Column::CohortId)
        .column(competency_choices::Column::FellowUserId)
        .column(competency_choices::Column::OverarchingFirstId)
        .column(competency_choices::Column::OverarchingSecondId)
        .column(competency_choices::Column::PathwayCompetencyId)
        .column(competency_choices::Column::DeccCompetencyId);
    if let Some(cohort_id) = cohort_id {
        query = query.filter(competency_choices::Column::CohortId.eq(cohort_id));
    }
    type Row = (i32, i32, Option<i32>, Option<i32>, Option<i32>, Option<i32>);
    Ok(query
        .into_tuple::<Row>()
        .all(db)
        .await?
        .into_iter()
        .map(|(cohort, fellow_id, first, second, pathway, decc)| {
            (
                cohort,
                ChoiceRow {
                    fellow_id,
                    picks: [first, second, pathway, decc],
                },
            )
        })
        .collect())
}

/// Competency names and which competency each micro-credential recognises.
async fn catalog(
    db: &impl ConnectionTrait,
) -> Result<(Vec<(i32, String)>, Vec<(i32, i32)>), DbErr> {
    let competencies = competencies::Entity::find()
        .select_only()
        .column(competencies::Column::Id)
        .column(competencies::Column::Name)
        .order_by_asc(competencies::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let microcredentials = microcredentials::Entity::find()
        .select_only()
        .column(microcredentials::Column::Id)
        .column(microcredentials::Column::CompetencyId)
        .into_tuple()
        .all(db)
        .await?;
    Ok((competencies, microcredentials))
}

async fn submissions_of(
    db: &impl ConnectionTrait,
    cohort_id: Option<i32>,
) -> Result<Vec<SubmissionRow>, DbErr> {
    let mut query = submissions::Entity::find()
        .select_only()
        .column(submissions::Column::Id)
        .column(submissions::Column::CohortId)
        .column(submissions::Column::FellowUserId)
        .column(submissions::Column::MicrocredentialId)
        .column(submissions::Column::State)
        .column(submissions::Column::Attempts)
        .column(submissions::Column::CreatedAt)
        .column(submissions::Column::DraftSavedAt);
    if let Some(cohort_id) = cohort_id {
        query = query.filter(submissions::Column::CohortId.eq(cohort_id));
    }
    type Row = (
        i32,
        i32,
        i32,
        i32,
        String,
        i32,
        DateTime<Utc>,
        DateTime<Utc>,
    );
    Ok(query
        .into_tuple::<Row>()
        .all(db)
        .await?
        .into_iter()
        .map(
            |(
                id,
                cohort_id,
                fellow_id,
                microcredential_id,
                state,
                attempts,
                created_at,
                saved_at,
            )| {
                SubmissionRow {
                    id,
                    cohort_id,
                    fellow_id,
                    microcredential_id,
                    state,
                    attempts,
                    created_at,
                    saved_at,
                }
            },
        )
        .collect())
}

/// Attempts of one cohort's submissions, or of all, with when their review started.
async fn attempts_of(
    db: &impl ConnectionTrait,
    cohort_id: Option<i32>,
) -> Result<Vec<AttemptRow>, DbErr> {
    let mut cohort_submissions = Query::select()
        .column(submissions::Column::Id)
        .from(submissions::Entity)
        .to_owned();
    if let Some(cohort_id) = cohort_id {
        cohort_submissions.and_where(submissions::Column::CohortId.eq(cohort_id));
    }
    type Row = (
        i32,
        i32,
        DateTime<Utc>,
        Option<String>,
        Option<DateTime<Utc>>,
        Option<i32>,
        Option<i32>,
    );
    let rows: Vec<Row> = submission_attempts::Entity::find()
        .select_only()
        .column(submission_attempts::Column::Id)
        .column(submission_attempts::Column::SubmissionId)
        .column(submission_attempts::Column::SubmittedAt)
        .column(submission_attempts::Column::Outcome)
        .column(submission_attempts::Column::DecidedAt)
        .column(submission_attempts::Column::TurnaroundDays)
        .column(submission_attempts::Column::TurnaroundTargetDays)
        .filter(submission_attempts::Column::SubmissionId.in_subquery(cohort_submissions.clone()))
        .order_by_asc(submission_attempts::Column::SubmissionId)
        .order_by_asc(submission_attempts::Column::Number)
        .into_tuple()
        .all(db)
        .await?;
    let started: std::collections::HashMap<i32, DateTime<Utc>> = reviews::Entity::find()
        .select_only()
        .column(reviews::Column::SubmissionAttemptId)
        .column_as(reviews::Column::AssignedAt.min(), "started")
        .filter(reviews::Column::SubmissionAttemptId.in_subquery(ids(
            submission_attempts::Column::Id,
            submission_attempts::Entity,
            submission_attempts::Column::SubmissionId.in_subquery(cohort_submissions),
        )))
        .group_by(reviews::Column::SubmissionAttemptId)
        .into_tuple::<(i32, DateTime<Utc>)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                submission_id,
                submitted_at,
                outcome,
                decided_at,
                turnaround_days,
                target_days,
            )| {
                AttemptRow {
                    id,
                    submission_id,
                    submitted_at,
                    outcome,
                    decided_at,
                    turnaround_days,
                    target_days,
                    review_started_at: started.get(&id).copied(),
                }
            },
        )
        .collect())
}

/// Attendance records at one cohort's events, or at all events.
async fn attendance_of(
    db: &impl ConnectionTrait,
    cohort_id: Option<i32>,
) -> Result<Vec<AttendanceRow>, DbErr> {
    let mut query = attendance::Entity::find()
        .select_only()
        .column(attendance::Column::EventId)
        .column(attendance::Column::UserId)
        .column(attendance::Column::Status)
        .column(attendance::Column::CheckedInAt);
    if let Some(cohort_id) = cohort_id {
        query = query.filter(attendance::Column::EventId.in_subquery(ids(
            events::Column::Id,
            events::Entity,
            events::Column::CohortId.eq(cohort_id),
        )));
    }
    Ok(query
        .into_tuple::<(i32, i32, String, Option<DateTime<Utc>>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(event_id, user_id, status, checked_in_at)| AttendanceRow {
            event_id,
            user_id,
            status,
            checked_in_at,
        })
        .collect())
}

/// The program dashboard's source data: every cohort's totals, grouped in the
/// database, and the rows its charts need.
#[derive(Clone, Debug)]
pub struct ProgramSnapshot {
    pub cohorts: Vec<cohorts::Model>,
    /// (cohort, fellows).
    pub fellows: Vec<(i32, i64)>,
    /// (cohort, submission state, count).
    pub states: Vec<(i32, String, i64)>,
    /// (cohort, attendance status, count).
    pub attendance: Vec<(i32, String, i64)>,
    pub choices: Vec<ChoiceRow>,
    pub competencies: Vec<(i32, String)>,
    pub submissions: Vec<SubmissionRow>,
    pub attempts: Vec<AttemptRow>,
}

/// Reads the program across cohorts.
pub async fn load_program(db: &impl ConnectionTrait) -> Result<ProgramSnapshot, DbErr> {
    let cohorts = cohorts::Entity::find()
        .order_by_desc(cohorts::Column::Year)
        .order_by_asc(cohorts::Column::Name)
        .all(db)
        .await?;
    let fellows = cohort_memberships::Entity::find()
        .select_only()
        .column(cohort_memberships::Column::CohortId)
        .column_as(cohort_memberships::Column::Id.count(), "n")
        .filter(cohort_memberships::Column::Role.eq(Role::Fellow.as_str()))
        .group_by(cohort_memberships::Column::CohortId)
        .into_tuple()
        .all(db)
        .await?;
    let states = submissions::Entity::find()
        .select_only()
        .column(submissions::Column::CohortId)
        .column(submissions::Column::State)
        .column_as(submissions::Column::Id.count(), "n")
        .group_by(submissions::Column::CohortId)
        .group_by(submissions::Column::State)
        .into_tuple()
        .all(db)
        .await?;
    let attendance = attendance::Entity::find()
        .select_only()
        .column(events::Column::CohortId)
        .column(attendance::Column::Status)
        .column_as(
            Expr::from(Func::count(Expr::col((
                attendance::Entity,
                attendance::Column::Id,
            )))),
            "n",
        )
        .join_as(
            sea_orm::JoinType::InnerJoin,
            attendance::Entity::belongs_to(events::Entity)
                .from(attendance::Column::EventId)
                .to(events::Column::Id)
                .into(),
            events::Entity,
        )
        .filter(attendance::Column::UserId.in_subquery(ids(
            cohort_memberships::Column::UserId,
            cohort_memberships::Entity,
            cohort_memberships::Column::Role.eq(Role::Fellow.as_str()),
        )))
        .group_by(events::Column::CohortId)
        .group_by(attendance::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let choices = choices_of(db, None)
        .await?
        .into_iter()
        .map(|(_, row)| row)
        .collect();
    let (competencies, _) = catalog(db).await?;
    let submissions = submissions_of(db, None).await?;
    let attempts = attempts_of(db, None).await?;
    Ok(ProgramSnapshot {
        cohorts,
        fellows,
        states,
        attendance,
        choices,
        competencies,
        submissions,
        attempts,
    })
}

/// Counts a cohort's fellows' submissions by state, grouped in the database, for the
/// live counts. `coach_id` limits them to that coach's fellows.
pub async fn state_counts(
    db: &impl ConnectionTrait,
    cohort_id: i32,
    coach_id: Option<i32>,
) -> Result<Vec<(String, i64)>, DbErr> {
    let mut query = submissions::Entity::find()
        .select_only()
        .column(submissions::Column::State)
        .column_as(submissions::Column::Id.count(), "n")
        .filter(submissions::Column::CohortId.eq(cohort_id))
        .filter(submissions::Column::FellowUserId.in_subquery(fellows_of(cohort_id)));
    if let Some(coach_id) = coach_id {
        query = query.filter(
            submissions::Column::FellowUserId.in_subquery(ids(
                coaching_pairs::Column::FellowUserId,
                coaching_pairs::Entity,
                coaching_pairs::Column::CohortId
                    .eq(cohort_id)
                    .and(coaching_pairs::Column::CoachUserId.eq(coach_id)),
            )),
        );
    }
    query
        .group_by(submissions::Column::State)
        .into_tuple()
        .all(db)
        .await
}
