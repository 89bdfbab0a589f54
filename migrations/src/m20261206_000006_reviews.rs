//! Reviewing: reviews become assignments of one submitted attempt to one reviewer, with
//! the autosaved scores, the kind of review (first, second, reconciliation,
//! calibration or anchor) and its due date. Programs gain their review settings,
//! micro-credentials the double-scoring switch, submissions a pseudonymous code for
//! blind review, and attempts the released scores and turnaround.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{add_columns, drop_columns, foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_columns(
            manager,
            Programs::Table,
            vec![
                integer(Programs::ReviewTurnaroundDays)
                    .default(10)
                    .to_owned(),
                boolean(Programs::ReviewExcludeOwnCohort)
                    .default(true)
                    .to_owned(),
                integer(Programs::CalibrationKappaPercent)
                    .default(60)
                    .to_owned(),
                text(Programs::ReviewHolidays).default("").to_owned(),
            ],
        )
        .await?;
        add_columns(
            manager,
            Microcredentials::Table,
            vec![
                boolean(Microcredentials::DoubleScoring)
                    .default(false)
                    .to_owned(),
            ],
        )
        .await?;
        add_columns(
            manager,
            Submissions::Table,
            vec![string_len_null(Submissions::ReviewCode, 16).to_owned()],
        )
        .await?;
        manager
            .create_index(index(
                "ux_submissions_review_code",
                Submissions::Table,
                &["review_code"],
                true,
            ))
            .await?;
        add_columns(
            manager,
            SubmissionAttempts::Table,
            vec![
                text_null(SubmissionAttempts::Scores).to_owned(),
                integer_null(SubmissionAttempts::TurnaroundDays).to_owned(),
                integer_null(SubmissionAttempts::TurnaroundTargetDays).to_owned(),
            ],
        )
        .await?;

        // Reviews had no rows outside tests before; the table is made again with the
        // attempt each review scores.
        manager
            .drop_table(Table::drop().table(Reviews::Table).to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Reviews::Table)
                    .col(pk_auto(Reviews::Id))
                    .col(integer(Reviews::SubmissionAttemptId))
                    .col(integer(Reviews::MicrocredentialVersionId))
                    .col(integer(Reviews::ReviewerUserId))
                    .col(integer(Reviews::FellowUserId))
                    .col(string_len(Reviews::Kind, 16))
                    .col(string_len(Reviews::State, 16))
                    .col(text(Reviews::Scores).default("{}"))
                    .col(integer(Reviews::DraftVersion).default(0))
                    .col(timestamp_with_time_zone_null(Reviews::SavedAt))
                    .col(timestamp_with_time_zone(Reviews::AssignedAt))
                    .col(integer_null(Reviews::AssignedByUserId))
                    .col(date_null(Reviews::DueOn))
                    .col(timestamp_with_time_zone_null(Reviews::FinalizedAt))
                    .col(boolean_null(Reviews::Earned))
                    .col(timestamp_with_time_zone(Reviews::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_reviews_attempt",
                        (Reviews::Table, Reviews::SubmissionAttemptId),
                        (SubmissionAttempts::Table, SubmissionAttempts::Id),
                        ForeignKeyAction::Cascade,
                    ))
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
            .create_index(index(
                "ux_reviews_attempt_reviewer",
                Reviews::Table,
                &["submission_attempt_id", "reviewer_user_id"],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "ix_reviews_reviewer_state",
                Reviews::Table,
                &["reviewer_user_id", "state"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CalibrationAnchors::Table)
                    .col(pk_auto(CalibrationAnchors::Id))
                    .col(integer(CalibrationAnchors::MicrocredentialId))
                    .col(integer(CalibrationAnchors::SubmissionAttemptId).unique_key())
                    .col(integer_null(CalibrationAnchors::ReviewId))
                    .col(integer(CalibrationAnchors::CreatedByUserId))
                    .col(timestamp_with_time_zone(CalibrationAnchors::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_anchors_microcredential",
                        (
                            CalibrationAnchors::Table,
                            CalibrationAnchors::MicrocredentialId,
                        ),
                        (Microcredentials::Table, Microcredentials::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_anchors_attempt",
                        (
                            CalibrationAnchors::Table,
                            CalibrationAnchors::SubmissionAttemptId,
                        ),
                        (SubmissionAttempts::Table, SubmissionAttempts::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_anchors_review",
                        (CalibrationAnchors::Table, CalibrationAnchors::ReviewId),
                        (Reviews::Table, Reviews::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CalibrationAnchors::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Reviews::Table).to_owned())
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
        drop_columns(
            manager,
            SubmissionAttempts::Table,
            vec![
                SubmissionAttempts::TurnaroundTargetDays.into_iden(),
                SubmissionAttempts::TurnaroundDays.into_iden(),
                SubmissionAttempts::Scores.into_iden(),
            ],
        )
        .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ux_submissions_review_code")
                    .table(Submissions::Table)
                    .to_owned(),
            )
            .await?;
        drop_columns(
            manager,
            Submissions::Table,
            vec![Submissions::ReviewCode.into_iden()],
        )
        .await?;
        drop_columns(
            manager,
            Microcredentials::Table,
            vec![Microcredentials::DoubleScoring.into_iden()],
        )
        .await?;
        drop_columns(
            manager,
            Programs::Table,
            vec![
                Programs::ReviewHolidays.into_iden(),
                Programs::CalibrationKappaPercent.into_iden(),
                Programs::ReviewExcludeOwnCohort.into_iden(),
                Programs::ReviewTurnaroundDays.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Programs {
    Table,
    ReviewTurnaroundDays,
    ReviewExcludeOwnCohort,
    CalibrationKappaPercent,
    ReviewHolidays,
}

#[derive(DeriveIden, Clone, Copy)]
enum Microcredentials {
    Table,
    Id,
    DoubleScoring,
}

#[derive(DeriveIden, Clone, Copy)]
enum MicrocredentialVersions {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Submissions {
    Table,
    ReviewCode,
}

#[derive(DeriveIden, Clone, Copy)]
enum SubmissionAttempts {
    Table,
    Id,
    Scores,
    TurnaroundDays,
    TurnaroundTargetDays,
}

#[derive(DeriveIden, Clone, Copy)]
enum Reviews {
    Table,
    Id,
    SubmissionAttemptId,
    MicrocredentialVersionId,
    ReviewerUserId,
    FellowUserId,
    Kind,
    State,
    Scores,
    DraftVersion,
    SavedAt,
    AssignedAt,
    AssignedByUserId,
    DueOn,
    FinalizedAt,
    Earned,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum CalibrationAnchors {
    Table,
    Id,
    MicrocredentialId,
    SubmissionAttemptId,
    ReviewId,
    CreatedByUserId,
    CreatedAt,
}
