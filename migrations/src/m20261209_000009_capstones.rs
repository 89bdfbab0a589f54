//! Capstone projects with their milestones, and the certificate: each cohort's
//! completion rule, and who approved a certificate credential.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{add_columns, drop_columns, foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Capstones::Table)
                    .col(pk_auto(Capstones::Id))
                    .col(integer(Capstones::CohortId))
                    .col(integer(Capstones::FellowUserId))
                    .col(string_len(Capstones::Title, 200).default(""))
                    .col(text(Capstones::Challenge).default(""))
                    .col(integer_null(Capstones::PathwayGroupId))
                    .col(text(Capstones::Collaborators).default("[]"))
                    .col(text(Capstones::Evidence).default("[]"))
                    .col(text(Capstones::Reflection).default(""))
                    .col(string_len(Capstones::State, 12).default("draft"))
                    .col(integer(Capstones::Version).default(1))
                    .col(timestamp_with_time_zone_null(Capstones::SubmittedAt))
                    .col(timestamp_with_time_zone_null(Capstones::ReviewedAt))
                    .col(integer_null(Capstones::ReviewerUserId))
                    .col(text_null(Capstones::Feedback))
                    .col(timestamp_with_time_zone(Capstones::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_capstones_cohort",
                        (Capstones::Table, Capstones::CohortId),
                        (Cohorts::Table, Cohorts::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_capstones_fellow",
                        (Capstones::Table, Capstones::FellowUserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_capstones_reviewer",
                        (Capstones::Table, Capstones::ReviewerUserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ux_capstones_fellow",
                Capstones::Table,
                &["cohort_id", "fellow_user_id"],
                true,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CapstoneMilestones::Table)
                    .col(pk_auto(CapstoneMilestones::Id))
                    .col(integer(CapstoneMilestones::CapstoneId))
                    .col(integer(CapstoneMilestones::TermPosition))
                    .col(string_len(CapstoneMilestones::Title, 200))
                    .col(date_null(CapstoneMilestones::DueOn))
                    .col(boolean(CapstoneMilestones::Done).default(false))
                    .foreign_key(&mut foreign_key(
                        "fk_milestones_capstone",
                        (CapstoneMilestones::Table, CapstoneMilestones::CapstoneId),
                        (Capstones::Table, Capstones::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        add_columns(
            manager,
            Cohorts::Table,
            vec![text(Cohorts::CertificateRule).default("").to_owned()],
        )
        .await?;
        add_columns(
            manager,
            Credentials::Table,
            vec![integer_null(Credentials::ApprovedByUserId).to_owned()],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(
            manager,
            Credentials::Table,
            vec![Credentials::ApprovedByUserId.into_iden()],
        )
        .await?;
        drop_columns(
            manager,
            Cohorts::Table,
            vec![Cohorts::CertificateRule.into_iden()],
        )
        .await?;
        for table in [
            CapstoneMilestones::Table.into_iden(),
            Capstones::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Cohorts {
    Table,
    Id,
    CertificateRule,
}

#[derive(DeriveIden, Clone, Copy)]
enum Credentials {
    Table,
    ApprovedByUserId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Capstones {
    Table,
    Id,
    CohortId,
    FellowUserId,
    Title,
    Challenge,
    PathwayGroupId,
    Collaborators,
    Evidence,
    Reflection,
    State,
    Version,
    SubmittedAt,
    ReviewedAt,
    ReviewerUserId,
    Feedback,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum CapstoneMilestones {
    Table,
    Id,
    CapstoneId,
    TermPosition,
    Title,
    DueOn,
    Done,
}
