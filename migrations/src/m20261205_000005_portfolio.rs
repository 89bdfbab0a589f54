//! Fellows' portfolios: the evidence library, micro-credential submissions with their
//! autosaved drafts and submitted attempts, coaching meetings, and each cohort's
//! submission deadline.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::foreign_key;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for column in [
            timestamp_with_time_zone_null(Cohorts::SubmissionsDueAt).to_owned(),
            string_len_null(Cohorts::SubmissionsDueZone, 64).to_owned(),
            boolean(Cohorts::LateSubmissionsAllowed)
                .default(false)
                .to_owned(),
            integer(Cohorts::NotYetBeforeCoaching).default(3).to_owned(),
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
            .create_table(
                Table::create()
                    .table(EvidenceItems::Table)
                    .col(pk_auto(EvidenceItems::Id))
                    .col(integer(EvidenceItems::OwnerUserId))
                    .col(string_len(EvidenceItems::Kind, 16))
                    .col(string_len(EvidenceItems::Title, 200))
                    .col(text(EvidenceItems::Description).default(""))
                    .col(string_len_null(EvidenceItems::FileSha256, 64))
                    .col(big_integer_null(EvidenceItems::FileSize))
                    .col(string_len_null(EvidenceItems::FileMime, 100))
                    .col(string_len_null(EvidenceItems::FileName, 200))
                    .col(boolean(EvidenceItems::PdfPreferred).default(false))
                    .col(text_null(EvidenceItems::FileAuthor))
                    .col(text_null(EvidenceItems::Url))
                    .col(text_null(EvidenceItems::Body))
                    .col(timestamp_with_time_zone(EvidenceItems::CreatedAt))
                    .col(timestamp_with_time_zone(EvidenceItems::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_evidence_items_owner",
                        (EvidenceItems::Table, EvidenceItems::OwnerUserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_evidence_items_owner")
                    .table(EvidenceItems::Table)
                    .col(EvidenceItems::OwnerUserId)
                    .col(EvidenceItems::FileSha256)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_evidence_items_blob")
                    .table(EvidenceItems::Table)
                    .col(EvidenceItems::FileSha256)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(EvidenceTags::Table)
                    .col(integer(EvidenceTags::EvidenceId))
                    .col(integer(EvidenceTags::CompetencyId))
                    .primary_key(
                        Index::create()
                            .col(EvidenceTags::EvidenceId)
                            .col(EvidenceTags::CompetencyId),
                    )
                    .foreign_key(&mut foreign_key(
                        "fk_evidence_tags_item",
                        (EvidenceTags::Table, EvidenceTags::EvidenceId),
                        (EvidenceItems::Table, EvidenceItems::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_evidence_tags_competency",
                        (EvidenceTags::Table, EvidenceTags::CompetencyId),
                        (Competencies::Table, Competencies::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Submissions::Table)
                    .col(pk_auto(Submissions::Id))
                    .col(integer(Submissions::CohortId))
                    .col(integer(Submissions::FellowUserId))
                    .col(integer(Submissions::MicrocredentialId))
                    .col(string_len(Submissions::State, 16))
                    .col(integer(Submissions::Attempts).default(0))
                    .col(integer(Submissions::DraftVersion).default(1))
                    .col(text(Submissions::DraftContent))
                    .col(timestamp_with_time_zone(Submissions::DraftSavedAt))
                    .col(timestamp_with_time_zone(Submissions::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_submissions_cohort",
                        (Submissions::Table, Submissions::CohortId),
                        (Cohorts::Table, Cohorts::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_submissions_fellow",
                        (Submissions::Table, Submissions::FellowUserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_submissions_microcredential",
                        (Submissions::Table, Submissions::MicrocredentialId),
                        (Microcredentials::Table, Microcredentials::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_submissions_fellow_microcredential")
                    .table(Submissions::Table)
                    .unique()
                    .col(Submissions::CohortId)
                    .col(Submissions::FellowUserId)
                    .col(Submissions::MicrocredentialId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SubmissionAttempts::Table)
                    .col(pk_auto(SubmissionAttempts::Id))
                    .col(integer(SubmissionAttempts::SubmissionId))
                    .col(integer(SubmissionAttempts::Number))
                    .col(integer(SubmissionAttempts::MicrocredentialVersionId))
                    .col(integer(SubmissionAttempts::DraftVersion))
                    .col(text(SubmissionAttempts::Content))
                    .col(timestamp_with_time_zone(SubmissionAttempts::SubmittedAt))
                    .col(boolean(SubmissionAttempts::Late).default(false))
                    .col(string_len_null(SubmissionAttempts::Outcome, 16))
                    .col(text_null(SubmissionAttempts::Feedback))
                    .col(timestamp_with_time_zone_null(SubmissionAttempts::DecidedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_submission_attempts_submission",
                        (SubmissionAttempts::Table, SubmissionAttempts::SubmissionId),
                        (Submissions::Table, Submissions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_submission_attempts_version",
                        (
                            SubmissionAttempts::Table,
                            SubmissionAttempts::MicrocredentialVersionId,
                        ),
                        (MicrocredentialVersions::Table, MicrocredentialVersions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_submission_attempts_number")
                    .table(SubmissionAttempts::Table)
                    .unique()
                    .col(SubmissionAttempts::SubmissionId)
                    .col(SubmissionAttempts::Number)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CoachingMeetings::Table)
                    .col(pk_auto(CoachingMeetings::Id))
                    .col(integer(CoachingMeetings::SubmissionId))
                    .col(integer(CoachingMeetings::RecordedByUserId))
                    .col(date(CoachingMeetings::MetOn))
                    .col(text(CoachingMeetings::Notes).default(""))
                    .col(integer(CoachingMeetings::AfterAttempt))
                    .col(timestamp_with_time_zone(CoachingMeetings::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_coaching_meetings_submission",
                        (CoachingMeetings::Table, CoachingMeetings::SubmissionId),
                        (Submissions::Table, Submissions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_coaching_meetings_recorder",
                        (CoachingMeetings::Table, CoachingMeetings::RecordedByUserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CoachingMeetings::Table.into_iden(),
            SubmissionAttempts::Table.into_iden(),
            Submissions::Table.into_iden(),
            EvidenceTags::Table.into_iden(),
            EvidenceItems::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in [
            Cohorts::NotYetBeforeCoaching,
            Cohorts::LateSubmissionsAllowed,
            Cohorts::SubmissionsDueZone,
            Cohorts::SubmissionsDueAt,
        ] {
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
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Cohorts {
    Table,
    Id,
    SubmissionsDueAt,
    SubmissionsDueZone,
    LateSubmissionsAllowed,
    NotYetBeforeCoaching,
}

#[derive(DeriveIden)]
enum Competencies {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Microcredentials {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum MicrocredentialVersions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum EvidenceItems {
    Table,
    Id,
    OwnerUserId,
    Kind,
    Title,
    Description,
    FileSha256,
    FileSize,
    FileMime,
    FileName,
    PdfPreferred,
    FileAuthor,
    Url,
    Body,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EvidenceTags {
    Table,
    EvidenceId,
    CompetencyId,
}

#[derive(DeriveIden)]
enum Submissions {
    Table,
    Id,
    CohortId,
    FellowUserId,
    MicrocredentialId,
    State,
    Attempts,
    DraftVersion,
    DraftContent,
    DraftSavedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SubmissionAttempts {
    Table,
    Id,
    SubmissionId,
    Number,
    MicrocredentialVersionId,
    DraftVersion,
    Content,
    SubmittedAt,
    Late,
    Outcome,
    Feedback,
    DecidedAt,
}

#[derive(DeriveIden)]
enum CoachingMeetings {
    Table,
    Id,
    SubmissionId,
    RecordedByUserId,
    MetOn,
    Notes,
    AfterAttempt,
    CreatedAt,
}
