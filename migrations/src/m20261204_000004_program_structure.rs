//! The program's structure: the competency framework, versioned micro-credential
//! definitions, cohort terms and modules, fellows' competency choices and their growth
//! self-assessments.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::foreign_key;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn unique_index(name: &str, table: impl IntoIden, columns: &[Alias]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table).unique();
    for column in columns {
        index.col(column.clone());
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(Programs::Table)
                    .add_column(string_len(Programs::FrameworkName, 200).default(""))
                    .to_owned(),
            )
            .await?;
        for column in [
            string_len(Cohorts::Affiliate, 200).default("").to_owned(),
            string_len(Cohorts::TimeZone, 64)
                .default("America/New_York")
                .to_owned(),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(Cohorts::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(string_len_null(Users::TimeZone, 64))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CompetencyGroups::Table)
                    .col(pk_auto(CompetencyGroups::Id))
                    .col(integer(CompetencyGroups::ProgramId))
                    .col(string_len(CompetencyGroups::Key, 64))
                    .col(string_len(CompetencyGroups::Kind, 16))
                    .col(string_len(CompetencyGroups::Name, 200))
                    .col(boolean(CompetencyGroups::NameConfirmed))
                    .col(text(CompetencyGroups::Description))
                    .col(integer(CompetencyGroups::Position))
                    .foreign_key(&mut foreign_key(
                        "fk_competency_groups_program",
                        (CompetencyGroups::Table, CompetencyGroups::ProgramId),
                        (Programs::Table, Programs::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_competency_groups_key",
                CompetencyGroups::Table,
                &[Alias::new("program_id"), Alias::new("key")],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Competencies::Table)
                    .col(pk_auto(Competencies::Id))
                    .col(integer(Competencies::ProgramId))
                    .col(integer(Competencies::GroupId))
                    .col(string_len(Competencies::Key, 64))
                    .col(string_len(Competencies::Name, 200))
                    .col(boolean(Competencies::NameConfirmed))
                    .col(text(Competencies::Description))
                    .col(text(Competencies::Emerging))
                    .col(text(Competencies::Developing))
                    .col(text(Competencies::Performing))
                    .col(text(Competencies::Transforming))
                    .col(integer(Competencies::Position))
                    .foreign_key(&mut foreign_key(
                        "fk_competencies_group",
                        (Competencies::Table, Competencies::GroupId),
                        (CompetencyGroups::Table, CompetencyGroups::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_competencies_key",
                Competencies::Table,
                &[Alias::new("program_id"), Alias::new("key")],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Microcredentials::Table)
                    .col(pk_auto(Microcredentials::Id))
                    .col(integer(Microcredentials::ProgramId))
                    .col(string_len(Microcredentials::Key, 64))
                    .col(integer(Microcredentials::CompetencyId))
                    .col(integer(Microcredentials::Position))
                    .col(timestamp_with_time_zone(Microcredentials::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_microcredentials_competency",
                        (Microcredentials::Table, Microcredentials::CompetencyId),
                        (Competencies::Table, Competencies::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_microcredentials_key",
                Microcredentials::Table,
                &[Alias::new("program_id"), Alias::new("key")],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MicrocredentialVersions::Table)
                    .col(pk_auto(MicrocredentialVersions::Id))
                    .col(integer(MicrocredentialVersions::MicrocredentialId))
                    .col(integer(MicrocredentialVersions::Version))
                    .col(text(MicrocredentialVersions::Definition))
                    .col(integer_null(MicrocredentialVersions::CreatedByUserId))
                    .col(timestamp_with_time_zone(MicrocredentialVersions::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_microcredential_versions_microcredential",
                        (
                            MicrocredentialVersions::Table,
                            MicrocredentialVersions::MicrocredentialId,
                        ),
                        (Microcredentials::Table, Microcredentials::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_microcredential_versions_version",
                MicrocredentialVersions::Table,
                &[Alias::new("microcredential_id"), Alias::new("version")],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Reviews::Table)
                    .col(pk_auto(Reviews::Id))
                    .col(integer(Reviews::MicrocredentialVersionId))
                    .col(integer(Reviews::ReviewerUserId))
                    .col(integer(Reviews::FellowUserId))
                    .col(timestamp_with_time_zone(Reviews::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_reviews_version",
                        (Reviews::Table, Reviews::MicrocredentialVersionId),
                        (MicrocredentialVersions::Table, MicrocredentialVersions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_reviews_reviewer",
                        (Reviews::Table, Reviews::ReviewerUserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_reviews_fellow",
                        (Reviews::Table, Reviews::FellowUserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Terms::Table)
                    .col(pk_auto(Terms::Id))
                    .col(integer(Terms::CohortId))
                    .col(integer(Terms::Position))
                    .col(string_len(Terms::Season, 16))
                    .col(date(Terms::StartsOn))
                    .col(date(Terms::EndsOn))
                    .col(timestamp_with_time_zone_null(Terms::ChoicesLockAt))
                    .col(string_len_null(Terms::ChoicesLockZone, 64))
                    .foreign_key(&mut foreign_key(
                        "fk_terms_cohort",
                        (Terms::Table, Terms::CohortId),
                        (Cohorts::Table, Cohorts::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_terms_position",
                Terms::Table,
                &[Alias::new("cohort_id"), Alias::new("position")],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Modules::Table)
                    .col(pk_auto(Modules::Id))
                    .col(integer(Modules::TermId))
                    .col(string_len(Modules::Name, 100))
                    .col(integer(Modules::Position))
                    .col(date_null(Modules::OpensOn))
                    .col(timestamp_with_time_zone_null(Modules::DueAt))
                    .col(string_len_null(Modules::DueZone, 64))
                    .foreign_key(&mut foreign_key(
                        "fk_modules_term",
                        (Modules::Table, Modules::TermId),
                        (Terms::Table, Terms::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CompetencyChoices::Table)
                    .col(pk_auto(CompetencyChoices::Id))
                    .col(integer(CompetencyChoices::CohortId))
                    .col(integer(CompetencyChoices::FellowUserId))
                    .col(integer_null(CompetencyChoices::OverarchingFirstId))
                    .col(integer_null(CompetencyChoices::OverarchingSecondId))
                    .col(integer_null(CompetencyChoices::PathwayGroupId))
                    .col(integer_null(CompetencyChoices::PathwayCompetencyId))
                    .col(integer_null(CompetencyChoices::DeccCompetencyId))
                    .col(timestamp_with_time_zone(CompetencyChoices::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_competency_choices_cohort",
                        (CompetencyChoices::Table, CompetencyChoices::CohortId),
                        (Cohorts::Table, Cohorts::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_competency_choices_fellow",
                        (CompetencyChoices::Table, CompetencyChoices::FellowUserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_competency_choices_overarching_first",
                        (
                            CompetencyChoices::Table,
                            CompetencyChoices::OverarchingFirstId,
                        ),
                        (Competencies::Table, Competencies::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_competency_choices_overarching_second",
                        (
                            CompetencyChoices::Table,
                            CompetencyChoices::OverarchingSecondId,
                        ),
                        (Competencies::Table, Competencies::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_competency_choices_pathway",
                        (CompetencyChoices::Table, CompetencyChoices::PathwayGroupId),
                        (CompetencyGroups::Table, CompetencyGroups::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_competency_choices_pathway_competency",
                        (
                            CompetencyChoices::Table,
                            CompetencyChoices::PathwayCompetencyId,
                        ),
                        (Competencies::Table, Competencies::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_competency_choices_decc",
                        (
                            CompetencyChoices::Table,
                            CompetencyChoices::DeccCompetencyId,
                        ),
                        (Competencies::Table, Competencies::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_competency_choices_fellow",
                CompetencyChoices::Table,
                &[Alias::new("cohort_id"), Alias::new("fellow_user_id")],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(GrowthRatings::Table)
                    .col(pk_auto(GrowthRatings::Id))
                    .col(integer(GrowthRatings::CohortId))
                    .col(integer(GrowthRatings::FellowUserId))
                    .col(integer(GrowthRatings::CompetencyId))
                    .col(integer(GrowthRatings::TermPosition))
                    .col(string_len(GrowthRatings::Moment, 16))
                    .col(integer(GrowthRatings::Stage))
                    .col(integer(GrowthRatings::RatedByUserId))
                    .col(string_len(GrowthRatings::RaterRole, 16))
                    .col(text(GrowthRatings::Note))
                    .col(timestamp_with_time_zone(GrowthRatings::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_growth_ratings_cohort",
                        (GrowthRatings::Table, GrowthRatings::CohortId),
                        (Cohorts::Table, Cohorts::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_growth_ratings_competency",
                        (GrowthRatings::Table, GrowthRatings::CompetencyId),
                        (Competencies::Table, Competencies::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_growth_ratings_fellow")
                    .table(GrowthRatings::Table)
                    .col(GrowthRatings::CohortId)
                    .col(GrowthRatings::FellowUserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            GrowthRatings::Table.into_iden(),
            CompetencyChoices::Table.into_iden(),
            Modules::Table.into_iden(),
            Terms::Table.into_iden(),
            Reviews::Table.into_iden(),
            MicrocredentialVersions::Table.into_iden(),
            Microcredentials::Table.into_iden(),
            Competencies::Table.into_iden(),
            CompetencyGroups::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::TimeZone)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Programs::Table)
                    .drop_column(Programs::FrameworkName)
                    .to_owned(),
            )
            .await?;
        for column in [Cohorts::TimeZone, Cohorts::Affiliate] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Cohorts::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Programs {
    Table,
    Id,
    FrameworkName,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    TimeZone,
}

#[derive(DeriveIden)]
enum Cohorts {
    Table,
    Id,
    Affiliate,
    TimeZone,
}

#[derive(DeriveIden)]
enum CompetencyGroups {
    Table,
    Id,
    ProgramId,
    Key,
    Kind,
    Name,
    NameConfirmed,
    Description,
    Position,
}

#[derive(DeriveIden)]
enum Competencies {
    Table,
    Id,
    ProgramId,
    GroupId,
    Key,
    Name,
    NameConfirmed,
    Description,
    Emerging,
    Developing,
    Performing,
    Transforming,
    Position,
}

#[derive(DeriveIden)]
enum Microcredentials {
    Table,
    Id,
    ProgramId,
    Key,
    CompetencyId,
    Position,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MicrocredentialVersions {
    Table,
    Id,
    MicrocredentialId,
    Version,
    Definition,
    CreatedByUserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Reviews {
    Table,
    Id,
    MicrocredentialVersionId,
    ReviewerUserId,
    FellowUserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Terms {
    Table,
    Id,
    CohortId,
    Position,
    Season,
    StartsOn,
    EndsOn,
    ChoicesLockAt,
    ChoicesLockZone,
}

#[derive(DeriveIden)]
enum Modules {
    Table,
    Id,
    TermId,
    Name,
    Position,
    OpensOn,
    DueAt,
    DueZone,
}

#[derive(DeriveIden)]
enum CompetencyChoices {
    Table,
    Id,
    CohortId,
    FellowUserId,
    OverarchingFirstId,
    OverarchingSecondId,
    PathwayGroupId,
    PathwayCompetencyId,
    DeccCompetencyId,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum GrowthRatings {
    Table,
    Id,
    CohortId,
    FellowUserId,
    CompetencyId,
    TermPosition,
    Moment,
    Stage,
    RatedByUserId,
    RaterRole,
    Note,
    CreatedAt,
}
