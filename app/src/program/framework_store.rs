//! Storing the framework and the micro-credential definitions: reading them for pages,
//! exporting and importing framework files, and saving definition versions. Server only.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};

use super::choices::ChoiceCatalog;
use super::format::{
    CompetencyEntry, Definition, FORMAT_NAME, FrameworkFile, GroupEntry, GroupKind,
    MicrocredentialEntry, SCHEMA_VERSION, StageDescriptors,
};
use super::{CompetencyView, FrameworkView, GroupView};
use crate::cohorts::store::default_program_id;
use crate::entities::{
    competencies, competency_choices, competency_groups, growth_ratings, microcredential_versions,
    microcredentials, programs, reviews,
};

/// The default TLI template that the repository ships.
pub const DEFAULT_TEMPLATE: &str = include_str!("../../templates/tli-framework.json");

/// The reason an import or a save did not happen.
#[derive(Debug)]
pub enum SaveError {
    /// The input is wrong; every problem is listed, each with its location.
    Invalid(Vec<String>),
    Db(DbErr),
}

impl From<DbErr> for SaveError {
    fn from(error: DbErr) -> Self {
        // A fellow may choose an item between the in-use check and its removal; the
        // foreign keys then stop the removal.
        if matches!(
            error.sql_err(),
            Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_))
        ) {
            return SaveError::Invalid(vec![
                "an item that the file removes came into use while importing; import the file again to see which".to_owned(),
            ]);
        }
        SaveError::Db(error)
    }
}

/// Parses a framework file's text. Syntax errors give the line and column.
pub fn parse_file(text: &str) -> Result<FrameworkFile, SaveError> {
    // Editors on Windows often start UTF-8 files with a byte-order mark.
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    check_header(text)?;
    let file: FrameworkFile = serde_json::from_str(text).map_err(|error| {
        SaveError::Invalid(vec![format!(
            "line {}, column {}: {}",
            error.line(),
            error.column(),
            describe_json_error(&error)
        )])
    })?;
    super::validate::check_file(&file).map_err(SaveError::Invalid)?;
    let mut file = file;
    // The editor lists evidence types in one fixed order, so stored definitions do too.
    for entry in &mut file.microcredentials {
        for artifact in &mut entry.definition.artifacts {
            artifact.evidence_types.sort_by_key(|kind| {
                super::format::EvidenceType::ALL
                    .iter()
                    .position(|each| each == kind)
            });
        }
    }
    Ok(file)
}

/// Checks `format` and `schema_version` before the rest, so that a file from another
/// tool or version gets that message rather than one about a field it lacks.
fn check_header(text: &str) -> Result<(), SaveError> {
    #[derive(serde::Deserialize)]
    struct Header {
        format: Option<serde_json::Value>,
        schema_version: Option<serde_json::Value>,
    }
    let Ok(header) = serde_json::from_str::<Header>(text) else {
        // Syntax errors are reported by the full parse, with their location.
        return Ok(());
    };
    let format = header.format.as_ref().and_then(|value| value.as_str());
    if format != Some(FORMAT_NAME) {
        return Err(SaveError::Invalid(vec![format!(
            "this is not a TLI Hub framework file: its \"format\" field must be \"{FORMAT_NAME}\". Export a framework from TLI Hub to see the expected shape"
        )]));
    }
    let version = header
        .schema_version
        .as_ref()
        .and_then(|value| value.as_u64());
    if version != Some(u64::from(SCHEMA_VERSION)) {
        let found = header
            .schema_version
            .map_or("missing".to_owned(), |value| value.to_string());
        return Err(SaveError::Invalid(vec![format!(
            "schema_version is {found}, but this TLI Hub reads version {SCHEMA_VERSION}. Export the file again from a TLI Hub of the same version, or update TLI Hub"
        )]));
    }
    Ok(())
}

fn describe_json_error(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let text = error.to_string();
    // serde_json appends " at line L column C"; the location is given separately.
    let text = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(message, _)| message)
        .to_owned();
    match error.classify() {
        Category::Syntax | Category::Eof => {
            format!(
                "{text}. The file is not valid JSON; check for a missing comma, quote or bracket"
            )
        }
        _ => text,
    }
}

/// Writes `file` as the text that export gives and import reads.
pub fn to_text(file: &FrameworkFile) -> String {
    let mut text = serde_json::to_string_pretty(file).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads the framework for pages: groups in order, each with its competencies.
pub async fn load_framework(db: &impl ConnectionTrait) -> Result<FrameworkView, DbErr> {
    let program_id = default_program_id(db).await?;
    let name = programs::Entity::find_by_id(program_id)
        .one(db)
        .await?
        .map(|program| program.framework_name)
        .unwrap_or_default();
    let groups = competency_groups::Entity::find()
        .filter(competency_groups::Column::ProgramId.eq(program_id))
        .order_by_asc(competency_groups::Column::Position)
        .all(db)
        .await?;
    let mut credential_of: HashMap<i32, String> = HashMap::new();
    for credential in microcredentials::Entity::find()
        .filter(microcredentials::Column::ProgramId.eq(program_id))
        .order_by_desc(microcredentials::Column::Position)
        .all(db)
        .await?
    {
        // Read last to first, so the first micro-credential of a competency wins.
        credential_of.insert(credential.competency_id, credential.key);
    }
    let mut by_group: HashMap<i32, Vec<CompetencyView>> = HashMap::new();
    for row in competencies::Entity::find()
        .filter(competencies::Column::ProgramId.eq(program_id))
        .order_by_asc(competencies::Column::Position)
        .all(db)
        .await?
    {
        let microcredential = credential_of.remove(&row.id);
        by_group
            .entry(row.group_id)
            .or_default()
            .push(competency_view(row, microcredential));
    }
    Ok(FrameworkView {
        name,
        groups: groups
            .into_iter()
            .map(|group| GroupView {
                competencies: by_group.remove(&group.id).unwrap_or_default(),
                id: group.id,
                key: group.key,
                kind: GroupKind::parse(&group.kind).unwrap_or(GroupKind::Overarching),
                name: group.name,
                unconfirmed: !group.name_confirmed,
                description: group.description,
            })
            .collect(),
    })
}

fn competency_view(row: competencies::Model, microcredential: Option<String>) -> CompetencyView {
    CompetencyView {
        id: row.id,
        microcredential,
        group_id: row.group_id,
        key: row.key,
        name: row.name,
        unconfirmed: !row.name_confirmed,
        description: row.description,
        stages: StageDescriptors {
            emerging: row.emerging,
            developing: row.developing,
            performing: row.performing,
            transforming: row.transforming,
        },
    }
}

/// Reads what the choice rules need.
pub async fn load_catalog(db: &impl ConnectionTrait) -> Result<ChoiceCatalog, DbErr> {
    let framework = load_framework(db).await?;
    Ok(catalog_of(&framework))
}

pub fn catalog_of(framework: &FrameworkView) -> ChoiceCatalog {
    let mut catalog = ChoiceCatalog::default();
    for group in &framework.groups {
        catalog
            .groups
            .insert(group.id, (group.kind, group.name.clone()));
        for competency in &group.competencies {
            catalog
                .competencies
                .insert(competency.id, (group.id, competency.name.clone()));
        }
    }
    catalog
}

/// Builds the framework file from the database.
pub async fn export(db: &impl ConnectionTrait) -> Result<FrameworkFile, DbErr> {
    let framework = load_framework(db).await?;
    let program_id = default_program_id(db).await?;
    let competency_keys: HashMap<i32, String> = framework
        .groups
        .iter()
        .flat_map(|group| &group.competencies)
        .map(|competency| (competency.id, competency.key.clone()))
        .collect();
    let credentials = microcredentials::Entity::find()
        .filter(microcredentials::Column::ProgramId.eq(program_id))
        .order_by_asc(microcredentials::Column::Position)
        .all(db)
        .await?;
    let current = current_versions(db, program_id).await?;
    let mut entries = Vec::with_capacity(credentials.len());
    for credential in credentials {
        let definition = match current.get(&credential.id) {
            Some(version) => decode_definition(&version.definition)?,
            None => Definition::default(),
        };
        entries.push(MicrocredentialEntry {
            key: credential.key,
            competency: competency_keys
                .get(&credential.competency_id)
                .cloned()
                .unwrap_or_default(),
            definition,
        });
    }
    Ok(FrameworkFile {
        format: FORMAT_NAME.to_owned(),
        schema_version: SCHEMA_VERSION,
        name: framework.name,
        groups: framework
            .groups
            .into_iter()
            .map(|group| GroupEntry {
                key: group.key,
                kind: group.kind,
                name: group.name,
                unconfirmed: group.unconfirmed,
                description: group.description,
                competencies: group
                    .competencies
                    .into_iter()
                    .map(|competency| CompetencyEntry {
                        key: competency.key,
                        name: competency.name,
                        unconfirmed: competency.unconfirmed,
                        description: competency.description,
                        stages: competency.stages,
                    })
                    .collect(),
            })
            .collect(),
        microcredentials: entries,
    })
}

pub(crate) fn decode_definition(text: &str) -> Result<Definition, DbErr> {
    serde_json::from_str(text)
        .map_err(|error| DbErr::Custom(format!("a stored definition is not readable: {error}")))
}

fn encode_definition(definition: &Definition) -> String {
    serde_json::to_string(definition).unwrap_or_default()
}

/// The latest version of every micro-credential of the program, by micro-credential id.
pub(crate) async fn current_versions(
    db: &impl ConnectionTrait,
    program_id: i32,
) -> Result<HashMap<i32, microcredential_versions::Model>, DbErr> {
    let ids: Vec<i32> = microcredentials::Entity::find()
        .filter(microcredentials::Column::ProgramId.eq(program_id))
        .all(db)
        .await?
        .into_iter()
        .map(|credential| credential.id)
        .collect();
    let mut latest: HashMap<i32, microcredential_versions::Model> = HashMap::new();
    for version in microcredential_versions::Entity::find()
        .filter(microcredential_versions::Column::MicrocredentialId.is_in(ids))
        .all(db)
        .await?
    {
        let keep = latest
            .get(&version.microcredential_id)
            .is_none_or(|seen| seen.version < version.version);
        if keep {
            latest.insert(version.microcredential_id, version);
        }
    }
    Ok(latest)
}

/// Counts of what an import changed.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportReport {
    pub groups: usize,
    pub competencies: usize,
    pub microcredentials: usize,
    /// Definitions edited in place because no review had used their version yet.
    pub definitions_updated: usize,
    /// New versions created because reviews had used the previous one.
    pub versions_created: usize,
    /// Items in the database that the file no longer lists, now removed.
    pub removed: usize,
}

impl ImportReport {
    pub fn summary(&self) -> String {
        format!(
            "Imported {} groups, {} competencies and {} micro-credentials: {} definitions updated, {} new versions, {} items removed.",
            self.groups,
            self.competencies,
            self.microcredentials,
            self.definitions_updated,
            self.versions_created,
            self.removed
        )
    }
}

/// Makes the database contain exactly what `file` lists, matching items by key. Call it in a
/// transaction: when it fails, the caller rolls back and nothing changes.
///
/// Items missing from the file are removed unless fellows' choices, growth ratings or
/// reviews use them; then the import is refused with their names.
pub async fn import(
    db: &impl ConnectionTrait,
    file: &FrameworkFile,
    actor_user_id: Option<i32>,
) -> Result<ImportReport, SaveError> {
    let program_id = default_program_id(db).await?;
    let mut report = ImportReport::default();
    programs::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(program_id),
        framework_name: Set(file.name.clone()),
        ..Default::default()
    }
    .update(db)
    .await?;

    let old_groups: HashMap<String, competency_groups::Model> = competency_groups::Entity::find()
        .filter(competency_groups::Column::ProgramId.eq(program_id))
        .all(db)
        .await?
        .into_iter()
        .map(|group| (group.key.clone(), group))
        .collect();
    let old_competencies: HashMap<String, competencies::Model> = competencies::Entity::find()
        .filter(competencies::Column::ProgramId.eq(program_id))
        .all(db)
        .await?
        .into_iter()
        .map(|competency| (competency.key.clone(), competency))
        .collect();
    let old_credentials: HashMap<String, microcredentials::Model> =
        microcredentials::Entity::find()
            .filter(microcredentials::Column::ProgramId.eq(program_id))
            .all(db)
            .await?
            .into_iter()
            .map(|credential| (credential.key.clone(), credential))
            .collect();

    // Refuse before changing anything when a removal would orphan someone's data.
    let kept_groups: HashSet<&str> = file.groups.iter().map(|g| g.key.as_str()).collect();
    let kept_competencies: HashSet<&str> = file
        .groups
        .iter()
        .flat_map(|g| &g.competencies)
        .map(|c| c.key.as_str())
        .collect();
    let kept_credentials: HashSet<&str> = file
        .microcredentials
        .iter()
        .map(|m| m.key.as_str())
        .collect();
    let mut in_use = Vec::new();
    for (key, competency) in &old_competencies {
        if !kept_competencies.contains(key.as_str()) && competency_in_use(db, competency.id).await?
        {
            in_use.push(format!(
                "the competency \"{}\" ({key}) is missing from the file, but fellows have chosen or rated it; keep it in the file",
                competency.name
            ));
        }
    }
    let competency_of_entry: HashMap<&str, &str> = file
        .microcredentials
        .iter()
        .map(|entry| (entry.key.as_str(), entry.competency.as_str()))
        .collect();
    let old_competency_keys: HashMap<i32, &str> = old_competencies
        .values()
        .map(|competency| (competency.id, competency.key.as_str()))
        .collect();
    for (key, credential) in &old_credentials {
        let Some(new_competency) = competency_of_entry.get(key.as_str()) else {
            continue;
        };
        let old_competency = old_competency_keys
            .get(&credential.competency_id)
            .copied()
            .unwrap_or_default();
        if *new_competency != old_competency && credential_reviewed(db, credential.id).await? {
            in_use.push(format!(
                "the micro-credential \"{key}\" moves from competency \"{old_competency}\" to \"{new_competency}\", but reviews use it; keep its competency and add a new micro-credential instead"
            ));
        }
    }
    for (key, credential) in &old_credentials {
        if !kept_credentials.contains(key.as_str())
            && credential_reviewed(db, credential.id).await?
        {
            in_use.push(format!(
                "the micro-credential \"{key}\" is missing from the file, but reviews use it; keep it in the file"
            ));
        }
    }
    for (key, group) in &old_groups {
        if !kept_groups.contains(key.as_str()) && group_chosen(db, group.id).await? {
            in_use.push(format!(
                "the group \"{}\" ({key}) is missing from the file, but fellows have chosen it as their pathway; keep it in the file",
                group.name
            ));
        }
    }
    // A competency that fellows chose or rated keeps its group, and a group that contains
    // such competencies (or that fellows chose as their pathway) keeps its kind, so
    // that every saved choice still follows the choice rules.
    let new_group_of: HashMap<&str, &GroupEntry> = file
        .groups
        .iter()
        .flat_map(|group| {
            group
                .competencies
                .iter()
                .map(move |c| (c.key.as_str(), group))
        })
        .collect();
    let old_group_keys: HashMap<i32, &str> = old_groups
        .values()
        .map(|group| (group.id, group.key.as_str()))
        .collect();
    let mut groups_in_use: HashSet<&str> = HashSet::new();
    for (key, competency) in &old_competencies {
        let Some(new_group) = new_group_of.get(key.as_str()) else {
            continue;
        };
        if !competency_in_use(db, competency.id).await? {
            continue;
        }
        let old_group_key = old_group_keys
            .get(&competency.group_id)
            .copied()
            .unwrap_or("");
        groups_in_use.insert(old_group_key);
        if new_group.key != old_group_key {
            in_use.push(format!(
                "the competency \"{}\" ({key}) moves from group \"{old_group_key}\" to \"{}\", but fellows have chosen or rated it; keep it in its group",
                competency.name, new_group.key
            ));
        }
    }
    for (key, group) in &old_groups {
        if group_chosen(db, group.id).await? {
            groups_in_use.insert(key.as_str());
        }
    }
    for new_group in &file.groups {
        let Some(old) = old_groups.get(&new_group.key) else {
            continue;
        };
        if groups_in_use.contains(new_group.key.as_str()) && old.kind != new_group.kind.as_str() {
            in_use.push(format!(
                "the group \"{}\" ({}) changes from kind \"{}\" to \"{}\", but fellows' choices use it; keep its kind",
                old.name,
                new_group.key,
                old.kind,
                new_group.kind.as_str()
            ));
        }
    }
    if !in_use.is_empty() {
        in_use.sort();
        return Err(SaveError::Invalid(in_use));
    }

    // Micro-credentials first, so that removing a competency never trips over them.
    for (key, credential) in &old_credentials {
        if !kept_credentials.contains(key.as_str()) {
            microcredential_versions::Entity::delete_many()
                .filter(microcredential_versions::Column::MicrocredentialId.eq(credential.id))
                .exec(db)
                .await?;
            microcredentials::Entity::delete_by_id(credential.id)
                .exec(db)
                .await?;
            report.removed += 1;
        }
    }

    let mut group_ids = HashMap::new();
    for (position, group) in file.groups.iter().enumerate() {
        let mut model = match old_groups.get(&group.key) {
            Some(old) => competency_groups::ActiveModel {
                id: sea_orm::ActiveValue::Unchanged(old.id),
                ..Default::default()
            },
            None => competency_groups::ActiveModel {
                program_id: Set(program_id),
                key: Set(group.key.clone()),
                ..Default::default()
            },
        };
        model.kind = Set(group.kind.as_str().to_owned());
        model.name = Set(group.name.clone());
        model.name_confirmed = Set(!group.unconfirmed);
        model.description = Set(group.description.clone());
        model.position = Set(position as i32);
        let saved = model.save(db).await?;
        let id = saved.id.unwrap();
        group_ids.insert(group.key.as_str(), id);
        report.groups += 1;
    }

    let mut competency_ids = HashMap::new();
    for group in &file.groups {
        for (position, competency) in group.competencies.iter().enumerate() {
            let mut model = match old_competencies.get(&competency.key) {
                Some(old) => competencies::ActiveModel {
                    id: sea_orm::ActiveValue::Unchanged(old.id),
                    ..Default::default()
                },
                None => competencies::ActiveModel {
                    program_id: Set(program_id),
                    key: Set(competency.key.clone()),
                    ..Default::default()
                },
            };
            model.group_id = Set(group_ids[group.key.as_str()]);
            model.name = Set(competency.name.clone());
            model.name_confirmed = Set(!competency.unconfirmed);
            model.description = Set(competency.description.clone());
            model.emerging = Set(competency.stages.emerging.clone());
            model.developing = Set(competency.stages.developing.clone());
            model.performing = Set(competency.stages.performing.clone());
            model.transforming = Set(competency.stages.transforming.clone());
            model.position = Set(position as i32);
            let saved = model.save(db).await?;
            competency_ids.insert(competency.key.as_str(), saved.id.unwrap());
            report.competencies += 1;
        }
    }

    for (position, entry) in file.microcredentials.iter().enumerate() {
        let competency_id = competency_ids[entry.competency.as_str()];
        let credential_id = match old_credentials.get(&entry.key) {
            Some(old) => {
                microcredentials::ActiveModel {
                    id: sea_orm::ActiveValue::Unchanged(old.id),
                    competency_id: Set(competency_id),
                    position: Set(position as i32),
                    ..Default::default()
                }
                .update(db)
                .await?;
                old.id
            }
            None => {
                microcredentials::ActiveModel {
                    program_id: Set(program_id),
                    key: Set(entry.key.clone()),
                    competency_id: Set(competency_id),
                    position: Set(position as i32),
                    created_at: Set(Utc::now()),
                    ..Default::default()
                }
                .insert(db)
                .await?
                .id
            }
        };
        match store_definition(db, credential_id, &entry.definition, actor_user_id).await? {
            DefinitionSaved::Unchanged | DefinitionSaved::First(_) => {}
            DefinitionSaved::UpdatedInPlace(_) => report.definitions_updated += 1,
            DefinitionSaved::NewVersion(_) => report.versions_created += 1,
        }
        report.microcredentials += 1;
    }

    for (key, competency) in &old_competencies {
        if !kept_competencies.contains(key.as_str()) {
            competencies::Entity::delete_by_id(competency.id)
                .exec(db)
                .await?;
            report.removed += 1;
        }
    }
    for (key, group) in &old_groups {
        if !kept_groups.contains(key.as_str()) {
            competency_groups::Entity::delete_by_id(group.id)
                .exec(db)
                .await?;
            report.removed += 1;
        }
    }
    Ok(report)
}

async fn competency_in_use(db: &impl ConnectionTrait, id: i32) -> Result<bool, DbErr> {
    use sea_orm::Condition;
    let chosen = competency_choices::Entity::find()
        .filter(
            Condition::any()
                .add(competency_choices::Column::OverarchingFirstId.eq(id))
                .add(competency_choices::Column::OverarchingSecondId.eq(id))
                .add(competency_choices::Column::PathwayCompetencyId.eq(id))
                .add(competency_choices::Column::DeccCompetencyId.eq(id)),
        )
        .count(db)
        .await?;
    let rated = growth_ratings::Entity::find()
        .filter(growth_ratings::Column::CompetencyId.eq(id))
        .count(db)
        .await?;
    Ok(chosen + rated > 0)
}

async fn group_chosen(db: &impl ConnectionTrait, id: i32) -> Result<bool, DbErr> {
    Ok(competency_choices::Entity::find()
        .filter(competency_choices::Column::PathwayGroupId.eq(id))
        .count(db)
        .await?
        > 0)
}

async fn credential_reviewed(db: &impl ConnectionTrait, id: i32) -> Result<bool, DbErr> {
    let versions: Vec<i32> = microcredential_versions::Entity::find()
        .filter(microcredential_versions::Column::MicrocredentialId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|version| version.id)
        .collect();
    Ok(reviews::Entity::find()
        .filter(reviews::Column::MicrocredentialVersionId.is_in(versions))
        .count(db)
        .await?
        > 0)
}

/// The outcome of saving a definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefinitionSaved {
    /// The definition equals the current version; nothing was written.
    Unchanged,
    /// The micro-credential had no version; this is version 1.
    First(i32),
    /// No review has used the current version, so it was edited in place.
    UpdatedInPlace(i32),
    /// Reviews used the current version, so this new version was created.
    NewVersion(i32),
}

/// Saves `definition` as the micro-credential's current definition. A version that
/// reviews have used is never changed: a new version is created instead.
pub async fn store_definition(
    db: &impl ConnectionTrait,
    microcredential_id: i32,
    definition: &Definition,
    actor_user_id: Option<i32>,
) -> Result<DefinitionSaved, DbErr> {
    let latest = microcredential_versions::Entity::find()
        .filter(microcredential_versions::Column::MicrocredentialId.eq(microcredential_id))
        .order_by_desc(microcredential_versions::Column::Version)
        .one(db)
        .await?;
    let encoded = encode_definition(definition);
    let new_version = |version: i32| microcredential_versions::ActiveModel {
        microcredential_id: Set(microcredential_id),
        version: Set(version),
        definition: Set(encoded.clone()),
        created_by_user_id: Set(actor_user_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    let Some(latest) = latest else {
        new_version(1).insert(db).await?;
        return Ok(DefinitionSaved::First(1));
    };
    if decode_definition(&latest.definition)? == *definition {
        return Ok(DefinitionSaved::Unchanged);
    }
    let reviewed = reviews::Entity::find()
        .filter(reviews::Column::MicrocredentialVersionId.eq(latest.id))
        .count(db)
        .await?
        > 0;
    if reviewed {
        new_version(latest.version + 1).insert(db).await?;
        Ok(DefinitionSaved::NewVersion(latest.version + 1))
    } else {
        microcredential_versions::ActiveModel {
            id: sea_orm::ActiveValue::Unchanged(latest.id),
            definition: Set(encoded),
            created_by_user_id: Set(actor_user_id),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .update(db)
        .await?;
        Ok(DefinitionSaved::UpdatedInPlace(latest.version))
    }
}

/// Every micro-credential with its current version, for the definitions list.
pub async fn list_microcredentials(
    db: &impl ConnectionTrait,
) -> Result<Vec<super::MicrocredentialSummary>, DbErr> {
    let program_id = default_program_id(db).await?;
    let names: HashMap<i32, String> = competencies::Entity::find()
        .filter(competencies::Column::ProgramId.eq(program_id))
        .all(db)
        .await?
        .into_iter()
        .map(|competency| (competency.id, competency.name))
        .collect();
    let current = current_versions(db, program_id).await?;
    let mut list = Vec::new();
    for credential in microcredentials::Entity::find()
        .filter(microcredentials::Column::ProgramId.eq(program_id))
        .order_by_asc(microcredentials::Column::Position)
        .all(db)
        .await?
    {
        let version = current.get(&credential.id);
        let title = match version {
            Some(version) => decode_definition(&version.definition)?.title,
            None => String::new(),
        };
        list.push(super::MicrocredentialSummary {
            key: credential.key,
            title,
            competency: names
                .get(&credential.competency_id)
                .cloned()
                .unwrap_or_default(),
            version: version.map_or(0, |version| version.version),
        });
    }
    Ok(list)
}

/// One micro-credential with every version and the number of reviews each has. Shows
/// `version`, or the current version when it is `None`.
pub async fn microcredential_detail(
    db: &impl ConnectionTrait,
    key: &str,
    version: Option<i32>,
) -> Result<Option<super::MicrocredentialDetail>, DbErr> {
    let program_id = default_program_id(db).await?;
    let Some(credential) = microcredentials::Entity::find()
        .filter(microcredentials::Column::ProgramId.eq(program_id))
        .filter(microcredentials::Column::Key.eq(key))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let competency = competencies::Entity::find_by_id(credential.competency_id)
        .one(db)
        .await?;
    let versions = microcredential_versions::Entity::find()
        .filter(microcredential_versions::Column::MicrocredentialId.eq(credential.id))
        .order_by_desc(microcredential_versions::Column::Version)
        .all(db)
        .await?;
    let version_ids: Vec<i32> = versions.iter().map(|version| version.id).collect();
    let mut review_counts: HashMap<i32, usize> = HashMap::new();
    for review in reviews::Entity::find()
        .filter(reviews::Column::MicrocredentialVersionId.is_in(version_ids))
        .all(db)
        .await?
    {
        *review_counts
            .entry(review.microcredential_version_id)
            .or_default() += 1;
    }
    let shown = match version {
        Some(wanted) => versions.iter().find(|each| each.version == wanted),
        None => versions.first(),
    };
    let Some(shown) = shown else {
        return Ok(None);
    };
    Ok(Some(super::MicrocredentialDetail {
        key: credential.key,
        competency: competency.map(|c| c.name).unwrap_or_default(),
        version: shown.version,
        is_current: versions.first().map(|v| v.id) == Some(shown.id),
        definition: decode_definition(&shown.definition)?,
        versions: versions
            .iter()
            .map(|each| super::VersionSummary {
                version: each.version,
                saved_at: each.created_at.format("%b %-d, %Y %H:%M UTC").to_string(),
                reviews: review_counts.get(&each.id).copied().unwrap_or(0),
            })
            .collect(),
    }))
}

/// Finds a micro-credential's id by key.
pub async fn microcredential_id(
    db: &impl ConnectionTrait,
    key: &str,
) -> Result<Option<i32>, DbErr> {
    let program_id = default_program_id(db).await?;
    Ok(microcredentials::Entity::find()
        .filter(microcredentials::Column::ProgramId.eq(program_id))
        .filter(microcredentials::Column::Key.eq(key))
        .one(db)
        .await?
        .map(|credential| credential.id))
}
