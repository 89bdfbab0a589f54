//! Server functions for the framework and the micro-credential definitions.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

use super::{FrameworkView, MicrocredentialDetail, MicrocredentialSummary};
use crate::error::AppError;

/// Largest framework file accepted, in bytes.
pub const IMPORT_MAX_BYTES: usize = 2 * 1024 * 1024;
/// The import form's target. The server function exists on the server only.
pub const IMPORT_URL: &str = "/api/framework/import";
/// The framework file's download address.
pub const EXPORT_URL: &str = "/admin/framework/export";

/// Returns the confirmation for a `done` code on the framework pages.
pub fn done_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "imported" => "Framework imported.",
        "competency_saved" => "Competency saved.",
        "competency_added" => "Competency added.",
        "group_saved" => "Group saved.",
        "unchanged" => "Nothing changed: the definition is the same as the current version.",
        "updated" => {
            "Definition saved. No review has used this version yet, so it was updated in place."
        }
        "new_version" => {
            "Definition saved as a new version, because reviews used the previous one. Those reviews keep the version they used."
        }
        "first_version" => "Definition saved as version 1.",
        _ => return None,
    })
}

/// Joins a list of problems into one message with a lead-in, at most ten of them.
#[cfg(feature = "ssr")]
pub(crate) fn problems_message(lead: &str, problems: &[String]) -> String {
    let mut message = lead.to_owned();
    for problem in problems.iter().take(10) {
        message.push_str("\n• ");
        message.push_str(problem);
    }
    if problems.len() > 10 {
        message.push_str(&format!("\n• and {} more", problems.len() - 10));
    }
    message
}

/// Reads the framework: groups and competencies in order.
#[server(prefix = "/api", endpoint = "framework", input = GetUrl)]
pub async fn get_framework() -> Result<FrameworkView, AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure};

    authorized(Action::ViewFramework)?;
    super::framework_store::load_framework(&db()?)
        .await
        .map_err(db_failure)
}

/// Imports a framework file posted as the `file` field of a multipart form. The whole
/// import is one transaction: when anything is wrong, nothing changes.
#[cfg(feature = "ssr")]
#[server(prefix = "/api", endpoint = "framework/import", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn import_framework(
    data: leptos::server_fn::codec::MultipartData,
) -> Result<(), AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, fail, internal_error};

    let actor = authorized(Action::ManageFramework)?;
    let Some(mut form) = data.into_inner() else {
        return fail(internal_error("multipart body missing", &"no stream"));
    };
    let mut text = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => {
                return fail(AppError::invalid(
                    "file",
                    format!("The upload could not be read ({error}). Choose the file again."),
                ));
            }
        };
        if field.name() != Some("file") {
            continue;
        }
        let mut field = field;
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    bytes.extend_from_slice(&chunk);
                    if bytes.len() > IMPORT_MAX_BYTES {
                        // Read what the browser is still sending (up to a bound), so that it
                        // receives this answer instead of a dropped connection.
                        let mut drained = bytes.len();
                        while drained < 8 * IMPORT_MAX_BYTES {
                            match field.chunk().await {
                                Ok(Some(more)) => drained += more.len(),
                                _ => break,
                            }
                        }
                        return fail(AppError::invalid(
                            "file",
                            format!(
                                "The file is larger than {} MB; a framework file is much smaller. Check that you chose the right file.",
                                IMPORT_MAX_BYTES / (1024 * 1024)
                            ),
                        ));
                    }
                }
                Ok(None) => break,
                Err(error) => {
                    return fail(AppError::invalid(
                        "file",
                        format!("The upload was interrupted ({error}). Try again."),
                    ));
                }
            }
        }
        text = Some(bytes);
    }
    let Some(bytes) = text.filter(|bytes| !bytes.is_empty()) else {
        return fail(AppError::invalid(
            "file",
            "Choose a framework file (.json) to import.",
        ));
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return fail(AppError::invalid(
            "file",
            "The file is not UTF-8 text. Choose a framework file exported from TLI Hub or written in its format.",
        ));
    };
    import_text(&text, actor.user().map(|user| user.id), "uploaded file").await
}

/// Replaces the framework with the default TLI template that ships with TLI Hub.
#[server(prefix = "/api", endpoint = "framework/load-template")]
pub async fn load_default_template() -> Result<(), AppError> {
    use crate::auth::Action;
    use crate::context::authorized;

    let actor = authorized(Action::ManageFramework)?;
    import_text(
        super::framework_store::DEFAULT_TEMPLATE,
        actor.user().map(|user| user.id),
        "TLI template",
    )
    .await
}

#[cfg(feature = "ssr")]
async fn import_text(text: &str, actor_user_id: Option<i32>, source: &str) -> Result<(), AppError> {
    use super::framework_store::{self, SaveError};
    use crate::audit::{self, AuditEvent, actions};
    use crate::context::{db, db_failure, fail, redirect_to};
    use sea_orm::TransactionTrait;

    let rejected = |problems: Vec<String>| {
        AppError::invalid(
            "file",
            problems_message(
                "The framework was not imported and nothing changed. Fix these problems and import the file again:",
                &problems,
            ),
        )
    };
    let file = match framework_store::parse_file(text) {
        Ok(file) => file,
        Err(SaveError::Invalid(problems)) => return fail(rejected(problems)),
        Err(SaveError::Db(error)) => return Err(db_failure(error)),
    };
    let db = db()?;
    let txn = db.begin().await.map_err(db_failure)?;
    let report = match framework_store::import(&txn, &file, actor_user_id).await {
        Ok(report) => report,
        Err(SaveError::Invalid(problems)) => return fail(rejected(problems)),
        Err(SaveError::Db(error)) => return Err(db_failure(error)),
    };
    audit::record(
        &txn,
        AuditEvent {
            actor_user_id,
            action: actions::FRAMEWORK_IMPORTED,
            subject: file.name.clone(),
            details: format!("{source}: {}", report.summary()),
        },
    )
    .await
    .map_err(db_failure)?;
    txn.commit().await.map_err(db_failure)?;
    tracing::info!(source, ?report, "framework imported");
    redirect_to(&format!(
        "/admin/framework?done=imported&groups={}&competencies={}&microcredentials={}&updated={}&versions={}&removed={}",
        report.groups,
        report.competencies,
        report.microcredentials,
        report.definitions_updated,
        report.versions_created,
        report.removed
    ));
    Ok(())
}

/// Edits a competency's name, description and stage descriptors. Ticking `confirmed`
/// clears the placeholder marker.
#[server(prefix = "/api", endpoint = "framework/competency")]
#[allow(clippy::too_many_arguments)]
pub async fn update_competency(
    id: String,
    name: String,
    description: String,
    emerging: String,
    developing: String,
    performing: String,
    transforming: String,
    confirmed: Option<String>,
) -> Result<(), AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, fail, redirect_to};
    use crate::entities::competencies;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

    let actor = authorized(Action::ManageFramework)?;
    let id = parse_id("id", &id)?;
    let name = one_line("name", &name, "competency name")?;
    let texts = [
        ("description", description),
        ("emerging", emerging),
        ("developing", developing),
        ("performing", performing),
        ("transforming", transforming),
    ];
    for (field, text) in &texts {
        long_text(field, text)?;
    }
    let [description, emerging, developing, performing, transforming] =
        texts.map(|(_, text)| text.trim().to_owned());
    let db = db()?;
    let Some(existing) = competencies::Entity::find_by_id(id)
        .one(&db)
        .await
        .map_err(db_failure)?
    else {
        return fail(AppError::NotFound(
            "That competency no longer exists; someone may have imported a new framework. Reload the page.".into(),
        ));
    };
    competencies::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        name: Set(name.clone()),
        description: Set(description),
        emerging: Set(emerging),
        developing: Set(developing),
        performing: Set(performing),
        transforming: Set(transforming),
        name_confirmed: Set(existing.name_confirmed || confirmed.is_some()),
        ..Default::default()
    }
    .update(&db)
    .await
    .map_err(db_failure)?;
    record_edit(&db, &actor, name, format!("competency {}", existing.key)).await?;
    redirect_to("/admin/framework?done=competency_saved");
    Ok(())
}

/// Adds a competency at the end of a group, such as a pathway competency the template
/// does not list. Its stage descriptors start empty.
#[server(prefix = "/api", endpoint = "framework/competency/add")]
pub async fn add_competency(group_id: String, name: String) -> Result<(), AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, fail, map_db_error, redirect_to};
    use crate::entities::{competencies, competency_groups};
    use sea_orm::{
        ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    };

    let actor = authorized(Action::ManageFramework)?;
    let group_id = parse_id("group_id", &group_id)?;
    let name = one_line("name", &name, "competency name")?;
    let db = db()?;
    let Some(group) = competency_groups::Entity::find_by_id(group_id)
        .one(&db)
        .await
        .map_err(db_failure)?
    else {
        return fail(AppError::NotFound(
            "That group no longer exists. Reload the page.".into(),
        ));
    };
    let base = match slug(&name) {
        // A name with no Latin letters or digits, such as one in another script.
        key if key.is_empty() => "competency".to_owned(),
        key => key,
    };
    let taken: std::collections::HashSet<String> = competencies::Entity::find()
        .filter(competencies::Column::ProgramId.eq(group.program_id))
        .all(&db)
        .await
        .map_err(db_failure)?
        .into_iter()
        .map(|competency| competency.key)
        .collect();
    let key = (1..)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|key| !taken.contains(key))
        .unwrap_or(base);
    let position = competencies::Entity::find()
        .filter(competencies::Column::GroupId.eq(group_id))
        .count(&db)
        .await
        .map_err(db_failure)? as i32;
    competencies::ActiveModel {
        program_id: Set(group.program_id),
        group_id: Set(group_id),
        key: Set(key.clone()),
        name: Set(name.clone()),
        name_confirmed: Set(true),
        description: Set(String::new()),
        emerging: Set(String::new()),
        developing: Set(String::new()),
        performing: Set(String::new()),
        transforming: Set(String::new()),
        position: Set(position),
        ..Default::default()
    }
    .insert(&db)
    .await
    .map_err(|error| {
        map_db_error(
            error,
            &format!(
                "A competency with the key \"{key}\" already exists. Choose a different name."
            ),
        )
    })?;
    record_edit(
        &db,
        &actor,
        name,
        format!("competency {key} added to {}", group.key),
    )
    .await?;
    redirect_to("/admin/framework?done=competency_added");
    Ok(())
}

/// Renames a group. Ticking `confirmed` clears the placeholder marker.
#[server(prefix = "/api", endpoint = "framework/group")]
pub async fn update_group(
    id: String,
    name: String,
    description: String,
    confirmed: Option<String>,
) -> Result<(), AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, fail, redirect_to};
    use crate::entities::competency_groups;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

    let actor = authorized(Action::ManageFramework)?;
    let id = parse_id("id", &id)?;
    let name = one_line("name", &name, "group name")?;
    long_text("description", &description)?;
    let db = db()?;
    let Some(existing) = competency_groups::Entity::find_by_id(id)
        .one(&db)
        .await
        .map_err(db_failure)?
    else {
        return fail(AppError::NotFound(
            "That group no longer exists. Reload the page.".into(),
        ));
    };
    competency_groups::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        name: Set(name.clone()),
        description: Set(description.trim().to_owned()),
        name_confirmed: Set(existing.name_confirmed || confirmed.is_some()),
        ..Default::default()
    }
    .update(&db)
    .await
    .map_err(db_failure)?;
    record_edit(&db, &actor, name, format!("group {}", existing.key)).await?;
    redirect_to("/admin/framework?done=group_saved");
    Ok(())
}

/// Records an edit of the framework in the audit log.
#[cfg(feature = "ssr")]
async fn record_edit(
    db: &sea_orm::DatabaseConnection,
    actor: &crate::auth::Actor,
    subject: String,
    details: String,
) -> Result<(), AppError> {
    use crate::audit::{self, AuditEvent, actions};
    audit::record(
        db,
        AuditEvent {
            actor_user_id: actor.user().map(|user| user.id),
            action: actions::FRAMEWORK_EDITED,
            subject,
            details,
        },
    )
    .await
    .map_err(crate::context::db_failure)
}

#[cfg(feature = "ssr")]
fn parse_id(field: &str, raw: &str) -> Result<i32, AppError> {
    raw.trim().parse().map_err(|_| {
        crate::context::reject(AppError::invalid(
            field,
            "The form is missing which item to change. Reload the page and try again.",
        ))
    })
}

#[cfg(feature = "ssr")]
fn one_line(field: &str, raw: &str, what: &str) -> Result<String, AppError> {
    use super::validate::NAME_MAX_CHARS;
    let text = raw.trim();
    let problem = if super::validate::is_blank(text) {
        Some(format!("Enter the {what}."))
    } else if text.chars().count() > NAME_MAX_CHARS {
        Some(format!(
            "The {what} is longer than {NAME_MAX_CHARS} characters; shorten it."
        ))
    } else if !super::validate::is_one_line(text) {
        Some(format!("Type the {what} on one line."))
    } else {
        None
    };
    match problem {
        Some(message) => Err(crate::context::reject(AppError::invalid(field, message))),
        None => Ok(text.to_owned()),
    }
}

#[cfg(feature = "ssr")]
fn long_text(field: &str, raw: &str) -> Result<(), AppError> {
    use super::validate::TEXT_MAX_CHARS;
    if raw.chars().count() > TEXT_MAX_CHARS {
        return Err(crate::context::reject(AppError::invalid(
            field,
            format!("This text is longer than {TEXT_MAX_CHARS} characters; shorten it."),
        )));
    }
    if raw.contains('\0') {
        return Err(crate::context::reject(AppError::invalid(
            field,
            "This text contains a NUL character (\\u0000); remove it.",
        )));
    }
    Ok(())
}

/// Returns the unaccented Latin letter for a common accented one, such as `e` for `é`.
#[cfg(feature = "ssr")]
fn fold_accent(c: char) -> char {
    const FOLDS: [(&str, char); 12] = [
        ("àáâãäåāą", 'a'),
        ("çćč", 'c'),
        ("èéêëēęě", 'e'),
        ("ìíîïī", 'i'),
        ("ñńň", 'n'),
        ("òóôõöøō", 'o'),
        ("ùúûüūů", 'u'),
        ("ýÿ", 'y'),
        ("śšș", 's'),
        ("źżž", 'z'),
        ("ďđ", 'd'),
        ("ľłĺ", 'l'),
    ];
    let lower = c.to_lowercase().next().unwrap_or(c);
    FOLDS
        .iter()
        .find(|(accented, _)| accented.contains(lower))
        .map_or(c, |(_, plain)| *plain)
}

/// Turns a name into a key: lower-case letters and digits joined by hyphens.
#[cfg(feature = "ssr")]
pub(crate) fn slug(name: &str) -> String {
    let mut key = String::new();
    let expanded = name
        .replace(['æ', 'Æ'], "ae")
        .replace(['œ', 'Œ'], "oe")
        .replace('ß', "ss")
        .replace('ı', "i");
    for c in expanded.chars().map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            key.push(c.to_ascii_lowercase());
        } else if !key.ends_with('-') && !key.is_empty() {
            key.push('-');
        }
    }
    key.trim_end_matches('-')
        .chars()
        .take(super::validate::KEY_MAX_CHARS)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

/// Lists the micro-credentials with their current versions.
#[server(prefix = "/api", endpoint = "microcredentials", input = GetUrl)]
pub async fn list_microcredentials() -> Result<Vec<MicrocredentialSummary>, AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure};

    authorized(Action::ViewFramework)?;
    super::framework_store::list_microcredentials(&db()?)
        .await
        .map_err(db_failure)
}

/// Reads one micro-credential at `version` (blank for the current one).
#[server(prefix = "/api", endpoint = "microcredential", input = GetUrl)]
pub async fn get_microcredential(
    key: String,
    version: String,
) -> Result<MicrocredentialDetail, AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, fail};

    authorized(Action::ViewFramework)?;
    let version = match version.trim() {
        "" => None,
        text => match text.parse() {
            Ok(number) => Some(number),
            Err(_) => {
                return fail(AppError::NotFound(format!(
                    "\"{text}\" is not a version number."
                )));
            }
        },
    };
    match super::framework_store::microcredential_detail(&db()?, &key, version).await {
        Ok(Some(detail)) => Ok(detail),
        Ok(None) => fail(AppError::NotFound(
            "There is no such micro-credential or version.".into(),
        )),
        Err(error) => Err(db_failure(error)),
    }
}

/// One overview question as the editor posts it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionInput {
    #[serde(default)]
    pub prompt: String,
    #[serde(default)]
    pub min_words: String,
    #[serde(default)]
    pub max_words: String,
}

/// One artifact requirement as the editor posts it. Each evidence type field is
/// present when its box is ticked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtifactInput {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub video: Option<String>,
    #[serde(default)]
    pub audio: Option<String>,
    #[serde(default)]
    pub image: Option<String>,
    #[serde(default)]
    pub written: Option<String>,
    #[serde(default)]
    pub link: Option<String>,
}

impl ArtifactInput {
    /// Returns each evidence type with whether its box is ticked.
    pub fn ticked(&self) -> [(super::format::EvidenceType, bool); 5] {
        use super::format::EvidenceType;
        [
            (EvidenceType::Video, self.video.is_some()),
            (EvidenceType::Audio, self.audio.is_some()),
            (EvidenceType::Image, self.image.is_some()),
            (EvidenceType::Written, self.written.is_some()),
            (EvidenceType::Link, self.link.is_some()),
        ]
    }
}

/// One rubric criterion as the editor posts it; `levels` has one level per line, best
/// first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionInput {
    #[serde(default)]
    pub part: String,
    #[serde(default)]
    pub criterion: String,
    #[serde(default)]
    pub levels: String,
    #[serde(default)]
    pub passing_level: String,
}

/// Saves a micro-credential's definition from the editor. The current version is
/// edited in place unless reviews have used it; then a new version is created.
#[server(prefix = "/api", endpoint = "microcredential/save")]
#[allow(clippy::too_many_arguments)]
pub async fn save_microcredential(
    key: String,
    title: String,
    key_method: String,
    method_components: String,
    research: String,
    resources: String,
    #[server(default)] questions: Vec<QuestionInput>,
    #[server(default)] artifacts: Vec<ArtifactInput>,
    reflection_prompt: String,
    #[server(default)] criteria: Vec<CriterionInput>,
) -> Result<(), AppError> {
    use super::framework_store::{self, DefinitionSaved};
    use crate::audit::{self, AuditEvent, actions};
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, fail, redirect_to};
    use sea_orm::TransactionTrait;

    let actor = authorized(Action::ManageFramework)?;
    let definition = match super::editor::definition_from_form(
        title,
        key_method,
        method_components,
        research,
        resources,
        questions,
        artifacts,
        reflection_prompt,
        criteria,
    ) {
        Ok(definition) => definition,
        Err(problems) => {
            return fail(AppError::invalid(
                "definition",
                problems_message(
                    "The definition was not saved. Fix these problems and save again:",
                    &problems,
                ),
            ));
        }
    };
    let db = db()?;
    let txn = db.begin().await.map_err(db_failure)?;
    let Some(id) = framework_store::microcredential_id(&txn, &key)
        .await
        .map_err(db_failure)?
    else {
        return fail(AppError::NotFound(
            "That micro-credential no longer exists; someone may have imported a new framework."
                .into(),
        ));
    };
    let actor_user_id = actor.user().map(|user| user.id);
    let saved = framework_store::store_definition(&txn, id, &definition, actor_user_id)
        .await
        .map_err(db_failure)?;
    let (code, version) = match saved {
        DefinitionSaved::Unchanged => ("unchanged", None),
        DefinitionSaved::First(version) => ("first_version", Some(version)),
        DefinitionSaved::UpdatedInPlace(version) => ("updated", Some(version)),
        DefinitionSaved::NewVersion(version) => ("new_version", Some(version)),
    };
    if let Some(version) = version {
        audit::record(
            &txn,
            AuditEvent {
                actor_user_id,
                action: actions::DEFINITION_SAVED,
                subject: definition.title.clone(),
                details: format!("micro-credential {key}: {code}, version {version}"),
            },
        )
        .await
        .map_err(db_failure)?;
    }
    txn.commit().await.map_err(db_failure)?;
    redirect_to(&format!("/admin/microcredentials/{key}?done={code}"));
    Ok(())
}
