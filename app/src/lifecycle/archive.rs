//! What goes into an export archive, and writing it as a ZIP file.
//!
//! A fellow's own archive contains everything of theirs. That is the profile and
//! choices, the evidence library with its files, and every submission with its draft
//! and every attempt with feedback and released scores. It also has assignment
//! responses, growth ratings, the capstone, discussion posts, coaching sessions,
//! attendance, and each credential as signed JSON and as a baked badge, with the
//! certificate's PDF. A cohort archive, for staff, contains the roster and each
//! fellow's submitted work, decisions and credentials, but no drafts, unsubmitted
//! evidence or coaching notes.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use futures_util::StreamExt;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Select,
};
use serde_json::{Value, json};

use crate::entities::{
    assignment_responses, attendance, capstone_milestones, capstones, coaching_sessions,
    cohort_memberships, cohorts, competency_choices, credentials, evidence_items, evidence_tags,
    growth_ratings, microcredentials, posts, submission_attempts, submissions, users,
};
use crate::storage::FileStorage;

/// One file in the archive.
pub struct Item {
    pub path: String,
    pub content: Content,
}

pub enum Content {
    Json(Value),
    Text(String),
    Bytes(Vec<u8>),
    /// A stored upload, copied from file storage by its SHA-256.
    Stored {
        sha256: String,
    },
}

/// Columns that hold JSON as text; the archive shows them as JSON.
const JSON_TEXT_COLUMNS: &[&str] = &[
    "content",
    "draft_content",
    "scores",
    "public_evidence",
    "document",
    "collaborators",
    "evidence",
    "notification_prefs",
];

/// Columns that are secrets or internal bookkeeping, never exported.
const HIDDEN_COLUMNS: &[&str] = &[
    "password_hash",
    "calendar_token_hash",
    "email_normalized",
    "digest_sent_at",
];

/// Reads rows as JSON objects, with JSON text columns parsed and secrets removed.
async fn rows<E: EntityTrait>(
    db: &DatabaseConnection,
    select: Select<E>,
) -> Result<Vec<Value>, DbErr> {
    let mut rows = select.into_json().all(db).await?;
    for row in &mut rows {
        if let Value::Object(fields) = row {
            for hidden in HIDDEN_COLUMNS {
                fields.remove(*hidden);
            }
            for column in JSON_TEXT_COLUMNS {
                if let Some(Value::String(text)) = fields.get(*column)
                    && let Ok(parsed) = serde_json::from_str::<Value>(text)
                {
                    fields.insert((*column).to_owned(), parsed);
                }
            }
        }
    }
    Ok(rows)
}

/// Makes a file name safe in any unpacking tool: letters, digits, dot, dash and
/// underscore, at most 80 characters.
pub fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = cleaned.trim_matches(|c| c == '.' || c == '-');
    let short: String = trimmed.chars().take(80).collect();
    if short.is_empty() {
        "file".to_owned()
    } else {
        short
    }
}

/// Who an archive is for, which decides what of a fellow's data it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The fellow: everything of theirs.
    Owner,
    /// Cohort staff: submitted work, decisions and credentials in one cohort.
    Staff { cohort_id: i32 },
}

/// Lists the items of one fellow's data, under `prefix` ("" or "fellows/name-12/").
pub async fn fellow_items(
    db: &DatabaseConnection,
    public_url: &str,
    user_id: i32,
    audience: Audience,
    prefix: &str,
) -> Result<Vec<Item>, DbErr> {
    let mut items = Vec::new();
    let at = |path: &str| format!("{prefix}{path}");
    let cohort_filter = match audience {
        Audience::Owner => None,
        Audience::Staff { cohort_id } => Some(cohort_id),
    };

    let profile = rows(db, users::Entity::find_by_id(user_id)).await?;
    let memberships = rows(
        db,
        cohort_memberships::Entity::find().filter(cohort_memberships::Column::UserId.eq(user_id)),
    )
    .await?;
    let mut choices = competency_choices::Entity::find()
        .filter(competency_choices::Column::FellowUserId.eq(user_id));
    if let Some(cohort_id) = cohort_filter {
        choices = choices.filter(competency_choices::Column::CohortId.eq(cohort_id));
    }
    let choices = rows(db, choices).await?;
    items.push(Item {
        path: at("profile.json"),
        content: Content::Json(json!({
            "account": profile.into_iter().next(),
            "memberships": memberships,
            "competency_choices": choices,
        })),
    });

    // Submissions, with every attempt.
    let mut submission_query = submissions::Entity::find()
        .filter(submissions::Column::FellowUserId.eq(user_id))
        .order_by_asc(submissions::Column::Id);
    if let Some(cohort_id) = cohort_filter {
        // Staff see submitted work only, never a draft that was not submitted.
        submission_query = submission_query
            .filter(submissions::Column::CohortId.eq(cohort_id))
            .filter(submissions::Column::Attempts.gt(0));
    }
    let submission_rows = submission_query.clone().all(db).await?;
    let submission_ids: Vec<i32> = submission_rows.iter().map(|row| row.id).collect();
    let microcredential_ids: Vec<i32> = submission_rows
        .iter()
        .map(|row| row.microcredential_id)
        .collect();
    let names: std::collections::HashMap<i32, String> = microcredentials::Entity::find()
        .filter(microcredentials::Column::Id.is_in(microcredential_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.id, row.key))
        .collect();
    let attempt_rows = submission_attempts::Entity::find()
        .filter(submission_attempts::Column::SubmissionId.is_in(submission_ids.clone()))
        .order_by_asc(submission_attempts::Column::Number)
        .all(db)
        .await?;
    let attempts = rows(
        db,
        submission_attempts::Entity::find()
            .filter(submission_attempts::Column::SubmissionId.is_in(submission_ids))
            .order_by_asc(submission_attempts::Column::Number),
    )
    .await?;
    let mut submitted_evidence = BTreeSet::new();
    for attempt in &attempt_rows {
        if let Ok(content) =
            serde_json::from_str::<crate::portfolio::DraftContent>(&attempt.content)
        {
            submitted_evidence.extend(content.artifacts.iter().flatten().copied());
        }
    }
    for (submission, row) in submission_rows
        .iter()
        .zip(rows(db, submission_query).await?)
    {
        let mut row = row;
        if audience != Audience::Owner
            && let Value::Object(fields) = &mut row
        {
            fields.remove("draft_content");
        }
        let own_attempts: Vec<&Value> = attempts
            .iter()
            .filter(|attempt| attempt["submission_id"] == json!(submission.id))
            .collect();
        let key = names
            .get(&submission.microcredential_id)
            .cloned()
            .unwrap_or_else(|| submission.microcredential_id.to_string());
        items.push(Item {
            path: at(&format!(
                "submissions/{}-{}.json",
                safe_name(&key),
                submission.id
            )),
            content: Content::Json(json!({ "submission": row, "attempts": own_attempts })),
        });
    }

    // Evidence: the whole library for the owner, submitted items for staff.
    let mut evidence_query = evidence_items::Entity::find()
        .filter(evidence_items::Column::OwnerUserId.eq(user_id))
        .order_by_asc(evidence_items::Column::Id);
    if audience != Audience::Owner {
        evidence_query = evidence_query
            .filter(evidence_items::Column::Id.is_in(submitted_evidence.iter().copied()));
    }
    let evidence_rows = evidence_query.clone().all(db).await?;
    let mut evidence = rows(db, evidence_query).await?;
    let tags = evidence_tags::Entity::find()
        .filter(evidence_tags::Column::EvidenceId.is_in(evidence_rows.iter().map(|row| row.id)))
        .all(db)
        .await?;
    for (row, value) in evidence_rows.iter().zip(evidence.iter_mut()) {
        let competency_ids: Vec<i32> = tags
            .iter()
            .filter(|tag| tag.evidence_id == row.id)
            .map(|tag| tag.competency_id)
            .collect();
        value["competency_ids"] = json!(competency_ids);
        if let Some(sha256) = &row.file_sha256 {
            let path = format!(
                "evidence/files/{}-{}",
                row.id,
                safe_name(row.file_name.as_deref().unwrap_or("file"))
            );
            value["archive_path"] = json!(path);
            items.push(Item {
                path: at(&path),
                content: Content::Stored {
                    sha256: sha256.clone(),
                },
            });
        }
    }
    items.push(Item {
        path: at("evidence/evidence.json"),
        content: Content::Json(Value::Array(evidence)),
    });

    let mut growth =
        growth_ratings::Entity::find().filter(growth_ratings::Column::FellowUserId.eq(user_id));
    let mut responses = assignment_responses::Entity::find()
        .filter(assignment_responses::Column::FellowUserId.eq(user_id));
    let mut capstone_query =
        capstones::Entity::find().filter(capstones::Column::FellowUserId.eq(user_id));
    let mut attendance_query =
        attendance::Entity::find().filter(attendance::Column::UserId.eq(user_id));
    if let Some(cohort_id) = cohort_filter {
        growth = growth.filter(growth_ratings::Column::CohortId.eq(cohort_id));
        capstone_query = capstone_query
            .filter(capstones::Column::CohortId.eq(cohort_id))
            .filter(capstones::Column::SubmittedAt.is_not_null());
        responses = responses.filter(
            assignment_responses::Column::AssignmentId
                .is_in(cohort_assignment_ids(db, cohort_id).await?),
        );
        attendance_query = attendance_query
            .filter(attendance::Column::EventId.is_in(cohort_event_ids(db, cohort_id).await?));
    }
    items.push(Item {
        path: at("growth-ratings.json"),
        content: Content::Json(Value::Array(rows(db, growth).await?)),
    });
    items.push(Item {
        path: at("assignment-responses.json"),
        content: Content::Json(Value::Array(rows(db, responses).await?)),
    });
    items.push(Item {
        path: at("attendance.json"),
        content: Content::Json(Value::Array(rows(db, attendance_query).await?)),
    });
    let capstone_rows = capstone_query.clone().all(db).await?;
    let milestones = rows(
        db,
        capstone_milestones::Entity::find().filter(
            capstone_milestones::Column::CapstoneId.is_in(capstone_rows.iter().map(|row| row.id)),
        ),
    )
    .await?;
    items.push(Item {
        path: at("capstone.json"),
        content: Content::Json(json!({
            "capstones": rows(db, capstone_query).await?,
            "milestones": milestones,
        })),
    });

    if audience == Audience::Owner {
        let own_posts = posts::Entity::find()
            .filter(posts::Column::AuthorUserId.eq(user_id))
            .filter(posts::Column::DeletedAt.is_null())
            .order_by_asc(posts::Column::Id);
        items.push(Item {
            path: at("discussion-posts.json"),
            content: Content::Json(Value::Array(rows(db, own_posts).await?)),
        });
        // Coaching notes are shared between the coach and the fellow, so the fellow
        // receives them; staff archives never hold them.
        let sessions = coaching_sessions::Entity::find()
            .filter(coaching_sessions::Column::FellowUserId.eq(user_id))
            .order_by_asc(coaching_sessions::Column::StartsAt);
        items.push(Item {
            path: at("coaching-sessions.json"),
            content: Content::Json(Value::Array(rows(db, sessions).await?)),
        });
    }

    items.extend(credential_items(db, public_url, user_id, cohort_filter, prefix).await?);
    Ok(items)
}

async fn cohort_assignment_ids(db: &DatabaseConnection, cohort_id: i32) -> Result<Vec<i32>, DbErr> {
    use crate::entities::{assignments, modules, terms};
    let term_ids: Vec<i32> = terms::Entity::find()
        .select_only()
        .column(terms::Column::Id)
        .filter(terms::Column::CohortId.eq(cohort_id))
        .into_tuple()
        .all(db)
        .await?;
    let module_ids: Vec<i32> = modules::Entity::find()
        .select_only()
        .column(modules::Column::Id)
        .filter(modules::Column::TermId.is_in(term_ids))
        .into_tuple()
        .all(db)
        .await?;
    assignments::Entity::find()
        .select_only()
        .column(assignments::Column::Id)
        .filter(assignments::Column::ModuleId.is_in(module_ids))
        .into_tuple()
        .all(db)
        .await
}

async fn cohort_event_ids(db: &DatabaseConnection, cohort_id: i32) -> Result<Vec<i32>, DbErr> {
    use crate::entities::events;
    events::Entity::find()
        .select_only()
        .column(events::Column::Id)
        .filter(events::Column::CohortId.eq(cohort_id))
        .into_tuple()
        .all(db)
        .await
}

/// Lists each issued credential as signed JSON and as a baked badge, and a certificate's
/// PDF.
async fn credential_items(
    db: &DatabaseConnection,
    public_url: &str,
    user_id: i32,
    cohort_filter: Option<i32>,
    prefix: &str,
) -> Result<Vec<Item>, DbErr> {
    use crate::credentials::{Kind, baking};

    let mut query = credentials::Entity::find()
        .filter(credentials::Column::FellowUserId.eq(user_id))
        .filter(credentials::Column::Document.is_not_null())
        .order_by_asc(credentials::Column::Id);
    if let Some(cohort_id) = cohort_filter {
        query = query.filter(credentials::Column::CohortId.eq(cohort_id));
    }
    let mut items = Vec::new();
    for credential in query.all(db).await? {
        let Some(document) = credential.document.clone() else {
            continue;
        };
        let base = format!("{prefix}credentials/{}", credential.public_id);
        let certificate = credential.kind == Kind::Certificate.name();
        let palette = if certificate {
            baking::CERTIFICATE
        } else {
            baking::MICROCREDENTIAL
        };
        if let Ok(png) = baking::bake(&document, palette) {
            items.push(Item {
                path: format!("{base}.png"),
                content: Content::Bytes(png),
            });
        }
        if certificate {
            let facts =
                crate::certificate::store::certificate_facts(db, public_url, &credential).await?;
            match crate::certificate::pdf::render(&facts, &document) {
                Ok(pdf) => items.push(Item {
                    path: format!("{base}-certificate.pdf"),
                    content: Content::Bytes(pdf),
                }),
                Err(error) => {
                    tracing::warn!(error = %error, credential = credential.id, "rendering a certificate PDF for an export failed")
                }
            }
        }
        if credential.revoked_at.is_some() {
            items.push(Item {
                path: format!("{base}-REVOKED.txt"),
                content: Content::Text(format!(
                    "This credential was revoked: {}\n",
                    credential
                        .revoked_reason
                        .as_deref()
                        .unwrap_or("no reason given")
                )),
            });
        }
        items.push(Item {
            path: format!("{base}.json"),
            content: Content::Text(document),
        });
    }
    Ok(items)
}

/// Lists the items of a cohort archive: the roster, then each fellow's submitted
/// work under `fellows/`.
pub async fn cohort_items(
    db: &DatabaseConnection,
    public_url: &str,
    cohort_id: i32,
) -> Result<Vec<Item>, DbErr> {
    let cohort = cohorts::Entity::find_by_id(cohort_id).one(db).await?;
    let members = cohort_memberships::Entity::find()
        .filter(cohort_memberships::Column::CohortId.eq(cohort_id))
        .all(db)
        .await?;
    let people = users::Entity::find()
        .filter(users::Column::Id.is_in(members.iter().map(|member| member.user_id)))
        .order_by_asc(users::Column::DisplayName)
        .all(db)
        .await?;

    let mut roster = csv_line(&["name", "email", "role"]);
    let mut fellows = Vec::new();
    for person in &people {
        for member in members.iter().filter(|member| member.user_id == person.id) {
            roster.push_str(&csv_line(&[
                &person.display_name,
                &person.email,
                &member.role,
            ]));
            if member.role == crate::auth::Role::Fellow.as_str() && person.deleted_at.is_none() {
                fellows.push(person);
            }
        }
    }
    let mut items = vec![
        Item {
            path: "README.txt".into(),
            content: Content::Text(format!(
                "Cohort export of {}.\n\nroster.csv lists every member and role. Each folder under fellows/ holds one fellow's competency choices, submitted attempts with decisions, feedback and released scores, the evidence those attempts use, growth ratings, assignment responses, the submitted capstone, attendance and issued credentials.\nJSON files use the database's column names; times are UTC.\n",
                cohort.map(|cohort| cohort.name).unwrap_or_default()
            )),
        },
        Item {
            path: "roster.csv".into(),
            content: Content::Text(roster),
        },
    ];
    for fellow in fellows {
        let prefix = format!("fellows/{}-{}/", safe_name(&fellow.display_name), fellow.id);
        items.extend(
            fellow_items(
                db,
                public_url,
                fellow.id,
                Audience::Staff { cohort_id },
                &prefix,
            )
            .await?,
        );
    }
    Ok(items)
}

/// Returns the README that opens a fellow's own archive.
pub fn owner_readme(name: &str) -> Item {
    Item {
        path: "README.txt".into(),
        content: Content::Text(format!(
            "TLI Hub data export for {name}.\n\nprofile.json: your account, cohorts and competency choices.\nevidence/: your evidence library (evidence.json) and its files.\nsubmissions/: each micro-credential submission with its current draft and every attempt, with decisions, feedback and released scores.\ncredentials/: each credential as signed JSON (verifiable at /verify) and as a badge image with the credential baked in; a certificate also as PDF.\nAlso: growth ratings, assignment responses, capstone, discussion posts, coaching sessions and attendance.\nJSON files use the database's column names; times are UTC.\n"
        )),
    }
}

fn csv_line(fields: &[&str]) -> String {
    let mut line = fields
        .iter()
        .map(|field| {
            // A leading formula character is neutralised so spreadsheets show text.
            let field = if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{field}")
            } else {
                (*field).to_owned()
            };
            if field.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", field.replace('"', "\"\""))
            } else {
                field
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// A ZIP file being written at a local path, one item at a time.
pub struct ZipBuilder {
    writer: zip::ZipWriter<std::io::BufWriter<std::fs::File>>,
    seen: BTreeSet<String>,
}

fn zip_failed(error: &dyn std::fmt::Display) -> String {
    format!("writing the archive failed: {error}")
}

impl ZipBuilder {
    pub fn create(target: &Path) -> Result<Self, String> {
        let file = std::fs::File::create(target)
            .map_err(|error| format!("cannot create {}: {error}", target.display()))?;
        Ok(ZipBuilder {
            writer: zip::ZipWriter::new(std::io::BufWriter::new(file)),
            seen: BTreeSet::new(),
        })
    }

    /// Adds one item; a second item with the same path is skipped.
    pub async fn add(&mut self, item: Item, files: &FileStorage) -> Result<(), String> {
        use zip::write::SimpleFileOptions;

        if !self.seen.insert(item.path.clone()) {
            return Ok(());
        }
        let compressed = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(0o644);
        // Uploads are mostly compressed media already; storing them saves time.
        let stored = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(true)
            .unix_permissions(0o644);
        let writer = &mut self.writer;
        match item.content {
            Content::Json(value) => {
                writer
                    .start_file(&item.path, compressed)
                    .map_err(|e| zip_failed(&e))?;
                let text = serde_json::to_vec_pretty(&value).map_err(|e| zip_failed(&e))?;
                writer.write_all(&text).map_err(|e| zip_failed(&e))?;
            }
            Content::Text(text) => {
                writer
                    .start_file(&item.path, compressed)
                    .map_err(|e| zip_failed(&e))?;
                writer
                    .write_all(text.as_bytes())
                    .map_err(|e| zip_failed(&e))?;
            }
            Content::Bytes(bytes) => {
                writer
                    .start_file(&item.path, stored)
                    .map_err(|e| zip_failed(&e))?;
                writer.write_all(&bytes).map_err(|e| zip_failed(&e))?;
            }
            Content::Stored { sha256 } => {
                let mut stream = files.read(&sha256).await.map_err(|error| {
                    format!("the stored file for {} cannot be read: {error}", item.path)
                })?;
                writer
                    .start_file(&item.path, stored)
                    .map_err(|e| zip_failed(&e))?;
                while let Some(chunk) = stream.next().await {
                    let chunk = chunk.map_err(|error| {
                        format!("reading the stored file for {} failed: {error}", item.path)
                    })?;
                    writer.write_all(&chunk).map_err(|e| zip_failed(&e))?;
                }
            }
        }
        Ok(())
    }

    /// Writes the central directory and flushes the file to disk. Returns its size.
    pub fn finish(self) -> Result<u64, String> {
        let mut inner = self.writer.finish().map_err(|e| zip_failed(&e))?;
        inner.flush().map_err(|e| zip_failed(&e))?;
        let file = inner.into_inner().map_err(|e| zip_failed(&e.error()))?;
        file.sync_all().map_err(|e| zip_failed(&e))?;
        Ok(file.metadata().map_err(|e| zip_failed(&e))?.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_name_keeps_only_portable_characters() {
        assert_eq!(
            safe_name("Lesson plan (final).pdf"),
            "Lesson-plan--final-.pdf"
        );
        assert_eq!(safe_name("../../etc/passwd"), "etc-passwd");
        assert_eq!(safe_name(""), "file");
        assert_eq!(safe_name("ü"), "file");
        assert_eq!(safe_name(&"a".repeat(200)).len(), 80);
    }

    #[test]
    fn csv_line_quotes_and_neutralises_formulas() {
        assert_eq!(csv_line(&["a", "b,c"]), "a,\"b,c\"\r\n");
        assert_eq!(
            csv_line(&["=SUM(A1)", "say \"hi\""]),
            "'=SUM(A1),\"say \"\"hi\"\"\"\r\n"
        );
    }
}
