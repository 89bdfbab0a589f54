//! Server functions of the module pages. Forms post to them without script; each
//! returns to its page with `?done=…`, or with the error and the typed values.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::{AssignmentPageData, ModuleOverview};
use crate::error::AppError;

/// The form field that marks a post as a request for a preview.
pub const PREVIEW_FIELD: &str = "preview";

/// The sentence a preview comes back with; the page shows it as a notice, not an error.
pub const PREVIEW_MESSAGE: &str = "Preview below. Nothing is saved yet: check it, then save.";

/// Says what a finished action did, by the code in `?done=`.
pub fn done_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "material_saved" => "Material saved.",
        "material_removed" => "Material removed.",
        "material_moved" => "Order changed.",
        "assignment_saved" => "Assignment saved.",
        "assignment_removed" => "Assignment removed.",
        "done" => "Marked as done.",
        "undone" => "Marked as not done.",
        "response_saved" => "Your response is saved. Hand it in when it is ready.",
        "response_handed_in" => {
            "Your response is handed in. Your facilitator will mark it complete or return it with a comment."
        }
        "response_decided" => "Decision saved, and the fellow was notified.",
        "copied" => "Your response was added to the end of that part of your draft.",
        _ => return None,
    })
}

#[cfg(feature = "ssr")]
mod checks {
    use super::super::store::{self, Located};
    use super::super::{FeedsPart, MaterialKind, TEXT_MAX_CHARS};
    use crate::auth::{Action, Actor};
    use crate::context::{authorized, db_failure, reject};
    use crate::error::AppError;
    use sea_orm::DatabaseConnection;

    pub fn id(raw: &str, what: &str) -> Result<i32, AppError> {
        raw.trim().parse().map_err(|_| {
            reject(AppError::NotFound(format!(
                "The {what} id \"{}\" is invalid. Reload the page and try again.",
                raw.trim()
            )))
        })
    }

    pub fn missing(what: &str) -> AppError {
        reject(AppError::NotFound(format!(
            "That {what} no longer exists. Reload the page."
        )))
    }

    /// Returns the module when the caller may do `action` in its cohort.
    pub async fn module(
        db: &DatabaseConnection,
        cohort_id: i32,
        module_id: i32,
        action: fn(i32) -> Action,
    ) -> Result<(Actor, Located), AppError> {
        let actor = authorized(Action::ViewModules(cohort_id))?;
        let located = store::locate(db, cohort_id, module_id)
            .await
            .map_err(db_failure)?
            .ok_or_else(|| missing("module"))?;
        let actor = if matches!(action(cohort_id), Action::ViewModules(_)) {
            actor
        } else {
            authorized(action(cohort_id))?
        };
        Ok((actor, located))
    }

    /// Returns the caller and their id when they are a fellow of the cohort. Only
    /// fellows respond to assignments, so administrators are rejected too.
    pub fn fellow_of(cohort_id: i32) -> Result<(Actor, i32), AppError> {
        let actor = authorized(Action::TakePart(cohort_id))?;
        match actor.user() {
            Some(user) if user.has_role_in(cohort_id, crate::auth::Role::Fellow) => {
                let id = user.id;
                Ok((actor, id))
            }
            _ => Err(reject(AppError::Forbidden)),
        }
    }

    /// Requires the confirmation box of a removal to be ticked.
    pub fn confirmed(confirm: &str) -> Result<(), AppError> {
        if confirm == "yes" {
            Ok(())
        } else {
            Err(reject(AppError::invalid(
                "confirm",
                "Nothing was removed. Tick the box that confirms the removal, then press Remove for good.",
            )))
        }
    }

    pub fn title(raw: &str) -> Result<String, AppError> {
        let title = raw.trim();
        if title.is_empty() {
            return Err(reject(AppError::invalid(
                "title",
                "The title is missing. Give it a short title that fellows will recognize in the list.",
            )));
        }
        if title.chars().count() > 200 {
            return Err(reject(AppError::invalid(
                "title",
                "Keep the title to 200 characters or fewer.",
            )));
        }
        Ok(title.to_owned())
    }

    pub fn text(field: &str, raw: &str, required: Option<&str>) -> Result<String, AppError> {
        let length = raw.chars().count();
        if length > TEXT_MAX_CHARS {
            return Err(reject(AppError::invalid(
                field,
                format!(
                    "The text is {length} characters long; it can hold at most {TEXT_MAX_CHARS}. Shorten it, or upload a long document as a file."
                ),
            )));
        }
        if let Some(message) = required
            && crate::text::is_blank(raw)
        {
            return Err(reject(AppError::invalid(field, message)));
        }
        Ok(raw.to_owned())
    }

    pub fn kind(raw: &str) -> Result<MaterialKind, AppError> {
        MaterialKind::parse(raw.trim()).ok_or_else(|| {
            reject(AppError::invalid(
                "kind",
                "Choose what the material is: reading, link or video. Files are added with the upload form.",
            ))
        })
    }

    pub fn url(raw: &str) -> Result<String, AppError> {
        crate::portfolio::evidence_api::checked_url(raw).map_err(|_| {
            reject(AppError::invalid(
                "url",
                "The web address is invalid. Copy it from the browser's address bar; it starts with https:// or http://.",
            ))
        })
    }

    pub fn feeds_part(raw: &str) -> Result<Option<FeedsPart>, AppError> {
        match raw.trim() {
            "" => Ok(None),
            name => FeedsPart::parse(name).map(Some).ok_or_else(|| {
                reject(AppError::invalid(
                    "feeds_part",
                    "Choose Part 1, Part 3 or neither.",
                ))
            }),
        }
    }
}

/// Checks a material's title: present and at most 200 characters.
#[cfg(feature = "ssr")]
pub fn checked_title(raw: &str) -> Result<String, AppError> {
    checks::title(raw)
}

/// Reads a module page: materials, assignments, the module's workshop and meetings and
/// the discussion's new posts.
#[server(prefix = "/api", endpoint = "module", input = GetUrl)]
pub async fn get_module(cohort_id: i32, module_id: i32) -> Result<ModuleOverview, AppError> {
    use crate::auth::Action;
    use crate::context::{db, db_failure};

    let state = crate::context::app_state()?;
    let db = db()?;
    let (actor, located) = checks::module(&db, cohort_id, module_id, Action::ViewModules).await?;
    let mut overview = super::store::overview(&db, &actor, &located, chrono::Utc::now())
        .await
        .map_err(db_failure)?;
    overview.upload_limit = crate::portfolio::size_text(state.upload_limits.max_file_bytes);
    Ok(overview)
}

#[cfg(feature = "ssr")]
async fn audit_content(
    db: &sea_orm::DatabaseConnection,
    actor: &crate::auth::Actor,
    located: &super::store::Located,
    details: String,
) -> Result<(), AppError> {
    use crate::audit::{self, AuditEvent};
    audit::record(
        db,
        AuditEvent {
            actor_user_id: actor.user().map(|user| user.id),
            action: audit::actions::MODULE_CONTENT_CHANGED,
            subject: format!(
                "module {} of cohort {}",
                located.module.id, located.cohort.id
            ),
            details,
        },
    )
    .await
    .map_err(crate::context::db_failure)
}

#[cfg(feature = "ssr")]
fn back_to_editor(located: &super::store::Located, code: &str, anchor: &str) {
    crate::context::redirect_to(&format!(
        "/cohorts/{}/modules/{}/edit?done={code}{anchor}",
        located.cohort.id, located.module.id
    ));
}

/// Adds a material (`material_id` empty) or changes one. With `preview` set, nothing
/// is saved: the editor comes back showing the rendered text.
#[server(prefix = "/api", endpoint = "module/material")]
pub async fn save_material(
    cohort_id: i32,
    module_id: i32,
    #[server(default)] material_id: String,
    #[server(default)] kind: String,
    #[server(default)] title: String,
    #[server(default)] body: String,
    #[server(default)] url: String,
    #[server(default)] preview: Option<String>,
) -> Result<(), AppError> {
    use super::MaterialKind;
    use super::store::{self, MaterialFields};
    use crate::auth::Action;
    use crate::context::{db, db_failure, fail};

    let db = db()?;
    let (actor, located) = checks::module(&db, cohort_id, module_id, Action::ManageModules).await?;
    let existing = match material_id.trim() {
        "" => None,
        raw => {
            let id = checks::id(raw, "material")?;
            let found = store::locate_material(&db, id)
                .await
                .map_err(db_failure)?
                .filter(|(_, found)| found.module.id == located.module.id)
                .ok_or_else(|| checks::missing("material"))?;
            Some(found.0)
        }
    };
    let kind = match &existing {
        Some(material) => MaterialKind::parse(&material.kind).unwrap_or(MaterialKind::Text),
        None => checks::kind(&kind)?,
    };
    if kind == MaterialKind::File && existing.is_none() {
        return fail(AppError::invalid(
            "kind",
            "Add a file with the upload form below.",
        ));
    }
    let title = checks::title(&title)?;
    let required = (kind == MaterialKind::Text).then_some("Write the reading's text.");
    let body = checks::text("body", &body, required)?;
    let url = match kind {
        MaterialKind::Link | MaterialKind::Video => Some(checks::url(&url)?),
        MaterialKind::Text | MaterialKind::File => None,
    };
    if preview.is_some() {
        return fail(AppError::invalid(PREVIEW_FIELD, PREVIEW_MESSAGE));
    }
    let fields = MaterialFields {
        kind,
        title: title.clone(),
        body,
        url,
    };
    let id = match existing {
        Some(material) => {
            let id = material.id;
            store::update_material(&db, material, fields)
                .await
                .map_err(db_failure)?;
            id
        }
        None => {
            store::add_material(&db, located.module.id, fields, None)
                .await
                .map_err(db_failure)?
                .id
        }
    };
    audit_content(
        &db,
        &actor,
        &located,
        format!("material {id} saved: {title}"),
    )
    .await?;
    back_to_editor(&located, "material_saved", &format!("#material-{id}"));
    Ok(())
}

/// Moves a material up or down the list, or removes it.
#[server(prefix = "/api", endpoint = "module/material/arrange")]
pub async fn arrange_material(
    material_id: String,
    action: String,
    #[server(default)] confirm: String,
) -> Result<(), AppError> {
    use super::store;
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, fail};
    use crate::entities::module_materials;
    use sea_orm::EntityTrait;

    let db = db()?;
    let id = checks::id(&material_id, "material")?;
    let Some((material, located)) = store::locate_material(&db, id).await.map_err(db_failure)?
    else {
        return Err(checks::missing("material"));
    };
    let actor = authorized(Action::ManageModules(located.cohort.id))?;
    let code = match action.as_str() {
        "up" | "down" => {
            store::move_material(&db, &material, action == "up")
                .await
                .map_err(db_failure)?;
            "material_moved"
        }
        "remove" => {
            checks::confirmed(&confirm)?;
            module_materials::Entity::delete_by_id(material.id)
                .exec(&db)
                .await
                .map_err(db_failure)?;
            audit_content(
                &db,
                &actor,
                &located,
                format!("material {} removed: {}", material.id, material.title),
            )
            .await?;
            "material_removed"
        }
        _ => {
            return fail(AppError::invalid(
                "action",
                "Choose Move up, Move down or Remove.",
            ));
        }
    };
    back_to_editor(&located, code, "#materials-heading");
    Ok(())
}

/// Marks a material done or not done for the caller.
#[server(prefix = "/api", endpoint = "module/material/done")]
pub async fn mark_material(material_id: String, done: String) -> Result<(), AppError> {
    use super::store;
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, redirect_to};

    let db = db()?;
    let id = checks::id(&material_id, "material")?;
    let Some((material, located)) = store::locate_material(&db, id).await.map_err(db_failure)?
    else {
        return Err(checks::missing("material"));
    };
    let actor = authorized(Action::ViewModules(located.cohort.id))?;
    let user_id = actor.user().map_or(0, |user| user.id);
    let done = done == "true";
    store::set_done(&db, material.id, user_id, done)
        .await
        .map_err(db_failure)?;
    redirect_to(&format!(
        "/cohorts/{}/modules/{}?done={}#material-{}",
        located.cohort.id,
        located.module.id,
        if done { "done" } else { "undone" },
        material.id
    ));
    Ok(())
}

/// Adds an assignment (`assignment_id` empty) or changes one. The due time is entered
/// in the cohort's zone; with `preview` set, nothing is saved.
#[server(prefix = "/api", endpoint = "module/assignment")]
#[allow(clippy::too_many_arguments)]
pub async fn save_assignment(
    cohort_id: i32,
    module_id: i32,
    #[server(default)] assignment_id: String,
    #[server(default)] title: String,
    #[server(default)] instructions: String,
    #[server(default)] due_date: String,
    #[server(default)] due_time: String,
    #[server(default)] due_offset: String,
    #[server(default)] feeds_part: String,
    #[server(default)] preview: Option<String>,
) -> Result<(), AppError> {
    use super::store::{self, AssignmentFields};
    use crate::auth::Action;
    use crate::context::{db, db_failure, fail};

    let db = db()?;
    let (actor, located) = checks::module(&db, cohort_id, module_id, Action::ManageModules).await?;
    let existing = match assignment_id.trim() {
        "" => None,
        raw => {
            let id = checks::id(raw, "assignment")?;
            let found = store::locate_assignment(&db, id)
                .await
                .map_err(db_failure)?
                .filter(|(_, found)| found.module.id == located.module.id)
                .ok_or_else(|| checks::missing("assignment"))?;
            Some(found.0)
        }
    };
    let title = checks::title(&title)?;
    let instructions = checks::text(
        "instructions",
        &instructions,
        Some("Write what fellows should do and hand in."),
    )?;
    let zone = existing
        .as_ref()
        .and_then(|assignment| assignment.due_zone.as_deref())
        .map_or(
            located.zone(),
            crate::cohorts::schedule_store::zone_or_default,
        );
    let due = crate::cohorts::schedule_api::parse_deadline(
        "due",
        zone,
        &due_date,
        &due_time,
        &due_offset,
    )?;
    let feeds_part = checks::feeds_part(&feeds_part)?;
    if preview.is_some() {
        return fail(AppError::invalid(PREVIEW_FIELD, PREVIEW_MESSAGE));
    }
    let saved = store::save_assignment(
        &db,
        located.module.id,
        existing,
        AssignmentFields {
            title: title.clone(),
            instructions,
            due: due.map(|at| (at, zone.name().to_owned())),
            feeds_part,
        },
    )
    .await
    .map_err(db_failure)?;
    audit_content(
        &db,
        &actor,
        &located,
        format!("assignment {} saved: {title}", saved.id),
    )
    .await?;
    back_to_editor(
        &located,
        "assignment_saved",
        &format!("#assignment-{}", saved.id),
    );
    Ok(())
}

/// Removes an assignment with its responses.
#[server(prefix = "/api", endpoint = "module/assignment/remove")]
pub async fn remove_assignment(
    assignment_id: String,
    #[server(default)] confirm: String,
) -> Result<(), AppError> {
    use super::store;
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure};
    use crate::entities::assignments;
    use sea_orm::EntityTrait;

    let db = db()?;
    let id = checks::id(&assignment_id, "assignment")?;
    let Some((assignment, located)) = store::locate_assignment(&db, id)
        .await
        .map_err(db_failure)?
    else {
        return Err(checks::missing("assignment"));
    };
    let actor = authorized(Action::ManageModules(located.cohort.id))?;
    checks::confirmed(&confirm)?;
    assignments::Entity::delete_by_id(assignment.id)
        .exec(&db)
        .await
        .map_err(db_failure)?;
    audit_content(
        &db,
        &actor,
        &located,
        format!("assignment {} removed: {}", assignment.id, assignment.title),
    )
    .await?;
    back_to_editor(&located, "assignment_removed", "#assignments-heading");
    Ok(())
}

/// Reads an assignment page: the caller's own response for fellows, every response for
/// facilitators.
#[server(prefix = "/api", endpoint = "assignment", input = GetUrl)]
pub async fn get_assignment(assignment_id: i32) -> Result<AssignmentPageData, AppError> {
    use super::store;
    use crate::auth::{Action, Role, authorize};
    use crate::context::{authorized, db, db_failure};
    use crate::entities::{assignment_responses, evidence_items};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

    let db = db()?;
    let Some((assignment, located)) = store::locate_assignment(&db, assignment_id)
        .await
        .map_err(db_failure)?
    else {
        return Err(checks::missing("assignment"));
    };
    let cohort_id = located.cohort.id;
    let actor = authorized(Action::ViewModules(cohort_id))?;
    let user = actor.user().cloned();
    let user_id = user.as_ref().map_or(0, |user| user.id);
    let can_manage = authorize(&actor, Action::ManageModules(cohort_id)).is_ok();
    let is_fellow = user
        .as_ref()
        .is_some_and(|user| user.has_role_in(cohort_id, Role::Fellow));
    let viewer = store::viewer_zone(&actor, located.zone());
    let now = chrono::Utc::now();

    let mut mine = None;
    let mut library = Vec::new();
    let mut targets = Vec::new();
    if is_fellow {
        let own = store::response_of(&db, assignment.id, user_id)
            .await
            .map_err(db_failure)?;
        mine = Some(match own {
            Some(row) => store::response_views(&db, vec![row], viewer)
                .await
                .map_err(db_failure)?
                .pop()
                .expect("one response in, one view out"),
            None => super::ResponseView {
                id: 0,
                fellow_id: user_id,
                fellow_name: user
                    .as_ref()
                    .map(|user| user.display_name.clone())
                    .unwrap_or_default(),
                body: String::new(),
                html: String::new(),
                evidence: Vec::new(),
                state: super::ResponseState::Draft,
                version: 0,
                submitted: String::new(),
                feedback: String::new(),
                reviewed: String::new(),
            },
        });
        library = evidence_items::Entity::find()
            .select_only()
            .column(evidence_items::Column::Id)
            .column(evidence_items::Column::Title)
            .filter(evidence_items::Column::OwnerUserId.eq(user_id))
            .order_by_asc(evidence_items::Column::Title)
            .into_tuple::<(i32, String)>()
            .all(&db)
            .await
            .map_err(db_failure)?;
        if assignment.feeds_part.is_some() {
            targets = store::draft_targets(&db, cohort_id, user_id)
                .await
                .map_err(db_failure)?;
        }
    }
    let responses = if can_manage {
        let rows = assignment_responses::Entity::find()
            .filter(assignment_responses::Column::AssignmentId.eq(assignment.id))
            .filter(assignment_responses::Column::State.ne(super::ResponseState::Draft.name()))
            .order_by_asc(assignment_responses::Column::SubmittedAt)
            .all(&db)
            .await
            .map_err(db_failure)?;
        store::response_views(&db, rows, viewer)
            .await
            .map_err(db_failure)?
    } else {
        Vec::new()
    };
    Ok(AssignmentPageData {
        cohort_id,
        cohort_label: crate::cohorts::cohort_label(&located.cohort.name, located.cohort.year),
        module_id: located.module.id,
        module_name: located.module.name.clone(),
        assignment: store::line_for(&assignment, &located, viewer, now),
        mine,
        library,
        targets,
        responses,
        can_manage,
        is_fellow,
    })
}

/// Saves the caller's response, or hands it in when `hand_in` is set. `version` is the
/// version the form was loaded with; a save from an older one is refused.
#[server(prefix = "/api", endpoint = "assignment/response")]
pub async fn save_response(
    assignment_id: i32,
    version: String,
    #[server(default)] body: String,
    #[server(default)] evidence: Vec<String>,
    #[server(default)] hand_in: Option<String>,
) -> Result<(), AppError> {
    use super::store::{self, ResponseSaved};
    use crate::context::{db, db_failure, fail, redirect_to};
    use crate::entities::evidence_items;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

    let db = db()?;
    let Some((assignment, located)) = store::locate_assignment(&db, assignment_id)
        .await
        .map_err(db_failure)?
    else {
        return Err(checks::missing("assignment"));
    };
    let (_, user_id) = checks::fellow_of(located.cohort.id)?;
    let version: i32 = version.trim().parse().unwrap_or(-1);
    let hand_in = hand_in.is_some();
    let required = hand_in.then_some("Write your response before handing it in.");
    let body = checks::text("body", &body, required)?;
    let mut wanted: Vec<i32> = evidence
        .iter()
        .filter_map(|id| id.trim().parse().ok())
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let owned: Vec<i32> = evidence_items::Entity::find()
        .select_only()
        .column(evidence_items::Column::Id)
        .filter(evidence_items::Column::Id.is_in(wanted.clone()))
        .filter(evidence_items::Column::OwnerUserId.eq(user_id))
        .into_tuple()
        .all(&db)
        .await
        .map_err(db_failure)?;
    if owned.len() != wanted.len() {
        return fail(AppError::invalid(
            "evidence",
            "Some of the chosen evidence is not in your library any more. Reload the page and choose again.",
        ));
    }
    match store::save_response(&db, assignment.id, user_id, version, &body, &owned, hand_in)
        .await
        .map_err(db_failure)?
    {
        ResponseSaved::Stored { .. } => {}
        ResponseSaved::Stale { .. } => {
            return fail(AppError::Conflict(
                "Your response was saved from another tab or window after you opened this page. Copy your text, reload the page, and add your changes to the saved version.".into(),
            ));
        }
        ResponseSaved::Closed(state) => {
            return fail(AppError::Conflict(format!(
                "This response is {} and can no longer be changed.",
                state.label().to_lowercase()
            )));
        }
    }
    redirect_to(&format!(
        "/assignments/{}?done={}",
        assignment.id,
        if hand_in {
            "response_handed_in"
        } else {
            "response_saved"
        }
    ));
    Ok(())
}

/// A facilitator marks a handed-in response complete or returns it with a comment.
#[server(prefix = "/api", endpoint = "assignment/decide")]
pub async fn decide_response(
    response_id: String,
    version: String,
    outcome: String,
    #[server(default)] feedback: String,
) -> Result<(), AppError> {
    use super::{ResponseState, store};
    use crate::auth::Action;
    use crate::context::{app_state, authorized, db_failure, fail, redirect_to};
    use crate::entities::assignment_responses;
    use crate::notify::{Kind, store::Note};
    use sea_orm::EntityTrait;

    let state = app_state()?;
    let db = state.db.clone();
    let id = checks::id(&response_id, "response")?;
    let Some(response) = assignment_responses::Entity::find_by_id(id)
        .one(&db)
        .await
        .map_err(db_failure)?
    else {
        return Err(checks::missing("response"));
    };
    let Some((assignment, located)) = store::locate_assignment(&db, response.assignment_id)
        .await
        .map_err(db_failure)?
    else {
        return Err(checks::missing("assignment"));
    };
    let actor = authorized(Action::ManageModules(located.cohort.id))?;
    let outcome = match outcome.as_str() {
        "complete" => ResponseState::Complete,
        "return" => ResponseState::Returned,
        _ => {
            return fail(AppError::invalid(
                "outcome",
                "Choose Mark complete or Return for revision.",
            ));
        }
    };
    let feedback = checks::text("feedback", &feedback, None)?;
    if outcome == ResponseState::Returned && crate::text::is_blank(&feedback) {
        return fail(AppError::invalid(
            "feedback",
            "Say what to revise before returning the response.",
        ));
    }
    if ResponseState::parse(&response.state) == Some(ResponseState::Draft) {
        return fail(AppError::Conflict(
            "The fellow has not handed this response in yet.".into(),
        ));
    }
    let version: i32 = version.trim().parse().unwrap_or(-1);
    if version != response.version {
        return fail(AppError::Conflict(
            "The fellow changed the response, or another facilitator decided it, after you opened the page. Reload it to see the current version.".into(),
        ));
    }
    let decider = actor.user().map_or(0, |user| user.id);
    if !store::decide_response(&db, &response, decider, outcome, &feedback)
        .await
        .map_err(db_failure)?
    {
        return fail(AppError::Conflict(
            "The response changed while you were deciding. Reload the page to see the current version.".into(),
        ));
    }
    let title = match outcome {
        ResponseState::Complete => format!("Your response to \"{}\" is complete", assignment.title),
        _ => format!(
            "Your response to \"{}\" was returned with a comment",
            assignment.title
        ),
    };
    crate::notify::store::notify(
        &db,
        &crate::mail::Notifier::of(&state),
        &[response.fellow_user_id],
        Note {
            kind: Kind::Assignment,
            title: &title,
            link: &format!("/assignments/{}", assignment.id),
        },
    )
    .await
    .map_err(db_failure)?;
    redirect_to(&format!(
        "/assignments/{}?done=response_decided#response-{}",
        assignment.id, response.id
    ));
    Ok(())
}

/// Adds the caller's response to the end of a part of their micro-credential draft.
/// `target` names the micro-credential's id, and for Part 1 the question counted from
/// 1, as `12:2`; the assignment sets which part.
#[server(prefix = "/api", endpoint = "assignment/copy")]
pub async fn copy_response(
    assignment_id: i32,
    #[server(default)] target: String,
) -> Result<(), AppError> {
    use super::store::{self, CopyOutcome};
    use crate::context::{db, db_failure, fail, redirect_to};

    let db = db()?;
    let Some((assignment, located)) = store::locate_assignment(&db, assignment_id)
        .await
        .map_err(db_failure)?
    else {
        return Err(checks::missing("assignment"));
    };
    let cohort_id = located.cohort.id;
    let (_, user_id) = checks::fellow_of(cohort_id)?;
    let (credential, question) = match target.trim().split_once(':') {
        Some((credential, question)) => (credential, question.parse::<usize>().ok()),
        None => (target.trim(), None),
    };
    let credential = checks::id(credential, "micro-credential")?;
    match store::copy_into_draft(&db, &assignment, cohort_id, user_id, credential, question)
        .await
        .map_err(db_failure)?
    {
        CopyOutcome::Copied { key } => {
            redirect_to(&format!(
                "/cohorts/{cohort_id}/submissions/{key}?done=copied"
            ));
            Ok(())
        }
        CopyOutcome::NothingToCopy => fail(AppError::invalid(
            "target",
            "Save a response with some text first.",
        )),
        CopyOutcome::NoSuchPart => fail(AppError::invalid(
            "target",
            "Choose one of the micro-credential's Part 1 questions.",
        )),
        CopyOutcome::NotYours => fail(AppError::invalid(
            "target",
            "Choose one of your own micro-credentials in this cohort.",
        )),
        CopyOutcome::Closed => fail(AppError::Conflict(
            "That submission is with reviewers or decided, so its draft cannot change now.".into(),
        )),
    }
}
