//! Server functions of the dashboards.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::{CohortDashboard, FellowProgress, ProgramDashboard};
use crate::error::AppError;

/// Says what a finished action did, by the code in `?done=`.
pub fn done_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "messaged" => "Message sent. It is in the fellow's inbox, and emailed as they chose.",
        "paired" => "Coach saved. The fellow is now on the coach's dashboard.",
        "unpaired" => "The fellow has no coach now.",
        _ => return None,
    })
}

/// Loads a cohort's snapshot and the scope of the viewer, after checking that the
/// viewer may see the dashboard.
#[cfg(feature = "ssr")]
pub async fn scoped_snapshot(
    db: &sea_orm::DatabaseConnection,
    actor: &crate::auth::Actor,
    cohort_id: i32,
) -> Result<(super::store::Snapshot, super::Scope, i32), AppError> {
    use super::Scope;
    use crate::auth::{Action, Role, authorize};
    use crate::context::{db_failure, reject};

    authorize(actor, Action::ViewDashboard(cohort_id)).map_err(reject)?;
    let Some(user) = actor.user() else {
        return Err(reject(AppError::Unauthenticated));
    };
    let scope = if user.is_admin || user.has_role_in(cohort_id, Role::Facilitator) {
        Scope::Cohort
    } else {
        Scope::Coached
    };
    let snapshot = super::store::load(db, cohort_id)
        .await
        .map_err(db_failure)?
        .ok_or_else(|| reject(AppError::NotFound("There is no such cohort.".into())))?;
    Ok((snapshot, scope, user.id))
}

/// Parses the matrix filter from the address, or returns an error that names the
/// invalid value.
#[cfg(feature = "ssr")]
pub fn matrix_query(
    search: &str,
    show: &str,
    sort: &str,
    order: &str,
    page: &str,
    idle: &str,
) -> Result<super::MatrixQuery, AppError> {
    super::MatrixQuery::parse(search, show, sort, order, page, idle).map_err(|problem| {
        crate::context::reject(AppError::invalid(problem.field, problem.message))
    })
}

/// Reads a cohort's dashboard: the page of the matrix the filter shows, the at-risk
/// list, charts and counts. Coaches see only the fellows they coach.
#[server(prefix = "/api", endpoint = "dashboard/cohort", input = GetUrl)]
pub async fn get_cohort_dashboard(
    cohort_id: i32,
    #[server(default)] q: String,
    #[server(default)] show: String,
    #[server(default)] sort: String,
    #[server(default)] order: String,
    #[server(default)] page: String,
    #[server(default)] idle: String,
) -> Result<CohortDashboard, AppError> {
    use crate::auth::current_actor;
    use crate::auth::{Action, authorize};
    use crate::context::app_state;

    let state = app_state()?;
    let actor = current_actor();
    let query = matrix_query(&q, &show, &sort, &order, &page, &idle)?;
    let (snapshot, scope, viewer) = scoped_snapshot(&state.db, &actor, cohort_id).await?;
    let mut dashboard =
        super::build::cohort_dashboard(&snapshot, scope, viewer, query, chrono::Utc::now());
    if authorize(&actor, Action::PairCoaches(cohort_id)).is_ok() {
        dashboard.coaches = snapshot.coaches.clone();
    }
    dashboard.can_message = authorize(&actor, Action::MessageFellows(cohort_id)).is_ok();
    Ok(dashboard)
}

/// Reads one fellow's progress: modules, events, micro-credentials and risks.
#[server(prefix = "/api", endpoint = "dashboard/fellow", input = GetUrl)]
pub async fn get_fellow_progress(
    cohort_id: i32,
    fellow_id: i32,
) -> Result<FellowProgress, AppError> {
    use crate::auth::current_actor;
    use crate::auth::{Action, authorize};
    use crate::context::{app_state, reject};

    let state = app_state()?;
    let actor = current_actor();
    let (snapshot, scope, viewer) = scoped_snapshot(&state.db, &actor, cohort_id).await?;
    let mut progress =
        super::build::fellow_progress(&snapshot, scope, viewer, fellow_id, chrono::Utc::now())
            .ok_or_else(|| {
                reject(AppError::NotFound(
                    "That fellow is not on your dashboard: they are not in this cohort, or you do not coach them."
                        .into(),
                ))
            })?;
    if authorize(&actor, Action::PairCoaches(cohort_id)).is_ok() {
        progress.coaches = snapshot.coaches.clone();
    }
    progress.can_message = authorize(&actor, Action::MessageFellows(cohort_id)).is_ok();
    progress.can_see_plan = authorize(&actor, Action::ViewFellowProgress(cohort_id)).is_ok();
    Ok(progress)
}

/// Reads the program view across cohorts, for administrators.
#[server(prefix = "/api", endpoint = "dashboard/program", input = GetUrl)]
pub async fn get_program_dashboard() -> Result<ProgramDashboard, AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure};

    authorized(Action::ViewProgramDashboard)?;
    let snapshot = super::store::load_program(&db()?)
        .await
        .map_err(db_failure)?;
    Ok(super::build::program_dashboard(
        &snapshot,
        chrono::Utc::now(),
    ))
}

/// Returns the submission counts in the viewer's scope for the dashboard's live
/// region, or `None` when they still match `tag`, the fingerprint the page already
/// shows. The dashboard polls every ten seconds, and an unchanged result costs two
/// small statements.
#[cfg(feature = "ssr")]
pub async fn live_counts(
    cohort_id: i32,
    tag: String,
) -> Result<Option<crate::live::LiveUpdate>, AppError> {
    use crate::auth::{Action, Role};
    use crate::context::{authorized, db, db_failure};

    let actor = authorized(Action::ViewDashboard(cohort_id))?;
    let coach = actor.user().and_then(|user| {
        (!user.is_admin && !user.has_role_in(cohort_id, Role::Facilitator)).then_some(user.id)
    });
    let mut counts = super::Counts::default();
    for (state, count) in super::store::state_counts(&db()?, cohort_id, coach)
        .await
        .map_err(db_failure)?
    {
        counts.add(&state, u64::try_from(count).unwrap_or(0));
    }
    let current = counts.tag();
    Ok((current != tag).then(|| crate::live::LiveUpdate {
        tag: current,
        texts: super::LIVE_IDS
            .iter()
            .zip(counts.values())
            .map(|(id, value)| ((*id).to_owned(), value.to_string()))
            .chain([(
                "live-status".to_owned(),
                "Counts changed. Reload for the matrix.".to_owned(),
            )])
            .collect(),
        reload: false,
    }))
}

/// Sends a fellow a message from the dashboard, into their inbox and by email as
/// they chose. Coaches write only to the fellows they coach.
#[server(prefix = "/api", endpoint = "dashboard/message")]
pub async fn message_fellow(
    cohort_id: i32,
    fellow_id: i32,
    #[server(default)] message: String,
    #[server(default)] back: String,
) -> Result<(), AppError> {
    use super::MESSAGE_MAX_CHARS;
    use crate::auth::{Action, Role};
    use crate::context::{app_state, authorized, db_failure, fail, redirect_to, reject};
    use crate::entities::{coaching_pairs, cohort_memberships};
    use crate::notify::{Kind, store::Note};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

    let actor = authorized(Action::MessageFellows(cohort_id))?;
    let Some(user) = actor.user() else {
        return fail(AppError::Unauthenticated);
    };
    let state = app_state()?;
    let db = state.db.clone();
    let is_fellow = cohort_memberships::Entity::find()
        .filter(cohort_memberships::Column::CohortId.eq(cohort_id))
        .filter(cohort_memberships::Column::UserId.eq(fellow_id))
        .filter(cohort_memberships::Column::Role.eq(Role::Fellow.as_str()))
        .count(&db)
        .await
        .map_err(db_failure)?
        > 0;
    if !is_fellow {
        return fail(AppError::invalid(
            "fellow_id",
            "That person is not a fellow of this cohort. Reload the dashboard and choose a fellow from it.",
        ));
    }
    if !user.is_admin && !user.has_role_in(cohort_id, Role::Facilitator) {
        let coaches = coaching_pairs::Entity::find()
            .filter(coaching_pairs::Column::CohortId.eq(cohort_id))
            .filter(coaching_pairs::Column::FellowUserId.eq(fellow_id))
            .filter(coaching_pairs::Column::CoachUserId.eq(user.id))
            .count(&db)
            .await
            .map_err(db_failure)?;
        if coaches == 0 {
            return Err(reject(AppError::Forbidden));
        }
    }
    let message = message.trim();
    if message.is_empty() {
        return fail(AppError::invalid("message", "Write the message first."));
    }
    if message
        .chars()
        .any(|character| character.is_control() && character != '\n' && character != '\t')
    {
        return fail(AppError::invalid(
            "message",
            "The message contains invisible control characters, perhaps from a copy and paste. Retype the affected part and send it again.",
        ));
    }
    let length = message.chars().count();
    if length > MESSAGE_MAX_CHARS {
        return fail(AppError::invalid(
            "message",
            format!(
                "The message has {length} characters; keep it to {MESSAGE_MAX_CHARS}, or shorten it and send the rest in a second message."
            ),
        ));
    }
    let title = format!("{} wrote: {message}", user.display_name);
    crate::notify::store::notify(
        &db,
        &crate::mail::Notifier::of(&state),
        &[fellow_id],
        Note {
            kind: Kind::Message,
            title: &title,
            link: "/inbox",
        },
    )
    .await
    .map_err(db_failure)?;
    crate::audit::record(
        &db,
        crate::audit::AuditEvent {
            actor_user_id: Some(user.id),
            action: crate::audit_actions::MESSAGE_SENT,
            subject: format!("fellow {fellow_id} of cohort {cohort_id}"),
            details: format!("{length} characters"),
        },
    )
    .await
    .map_err(db_failure)?;
    let back = safe_back(&back, cohort_id);
    let separator = if back.contains('?') { '&' } else { '?' };
    // The fragment returns the person to the fellow they acted on.
    redirect_to(&format!(
        "{back}{separator}done=messaged#fellow-{fellow_id}-actions"
    ));
    Ok(())
}

/// Returns `back` when it is one of the cohort's dashboard pages, and the cohort
/// dashboard otherwise, so that a posted address cannot send anyone elsewhere.
pub fn safe_back(back: &str, cohort_id: i32) -> String {
    let home = format!("/cohorts/{cohort_id}/dashboard");
    // The fragment is dropped: the confirmation goes after the query.
    let back = back.split('#').next().unwrap_or_default();
    let path = back.split('?').next().unwrap_or_default();
    let inside = path == home
        || path
            .strip_prefix(&format!("{home}/fellows/"))
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|byte| byte.is_ascii_digit()));
    let clean = back
        .bytes()
        .all(|byte| byte.is_ascii_graphic() && byte != b'\\');
    if inside && clean && !back.contains("done=") {
        back.to_owned()
    } else {
        home
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_return_only_to_the_cohort_dashboard() {
        assert_eq!(
            safe_back("/cohorts/3/dashboard?show=at-risk", 3),
            "/cohorts/3/dashboard?show=at-risk"
        );
        assert_eq!(
            safe_back("/cohorts/3/dashboard/fellows/12", 3),
            "/cohorts/3/dashboard/fellows/12"
        );
        assert_eq!(
            safe_back("/cohorts/3/dashboard?show=all#matrix", 3),
            "/cohorts/3/dashboard?show=all"
        );
        for outside in [
            "https://evil.example/cohorts/3/dashboard",
            "//evil.example",
            "/cohorts/4/dashboard",
            "/cohorts/3/dashboard/fellows/x",
            "/cohorts/3/dashboardx",
            "/cohorts/3/dashboard?x=%01\u{1}",
            "/cohorts/3/dashboard?x=\u{7f}",
            "/cohorts/3/dashboard?q=a b",
            "",
        ] {
            assert_eq!(safe_back(outside, 3), "/cohorts/3/dashboard", "{outside}");
        }
    }
}
