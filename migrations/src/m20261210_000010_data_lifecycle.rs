//! Data exports prepared in the background, and the mark on accounts whose data was
//! deleted on request.

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
                    .table(Exports::Table)
                    .col(pk_auto(Exports::Id))
                    .col(string_len_uniq(Exports::PublicId, 32))
                    .col(string_len(Exports::Kind, 12))
                    .col(integer(Exports::RequestedByUserId))
                    .col(integer_null(Exports::SubjectUserId))
                    .col(integer_null(Exports::CohortId))
                    .col(string_len(Exports::State, 12).default("queued"))
                    .col(integer(Exports::StepsDone).default(0))
                    .col(integer(Exports::StepsTotal).default(0))
                    .col(big_integer_null(Exports::SizeBytes))
                    .col(text_null(Exports::Error))
                    .col(timestamp_with_time_zone(Exports::CreatedAt))
                    .col(timestamp_with_time_zone_null(Exports::ClaimedAt))
                    .col(timestamp_with_time_zone_null(Exports::FinishedAt))
                    .col(timestamp_with_time_zone_null(Exports::ExpiresAt))
                    .foreign_key(&mut foreign_key(
                        "fk_exports_requester",
                        (Exports::Table, Exports::RequestedByUserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_exports_subject",
                        (Exports::Table, Exports::SubjectUserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_exports_cohort",
                        (Exports::Table, Exports::CohortId),
                        (Cohorts::Table, Cohorts::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_exports_state",
                Exports::Table,
                &["state", "created_at"],
                false,
            ))
            .await?;
        add_columns(
            manager,
            Users::Table,
            vec![timestamp_with_time_zone_null(Users::DeletedAt).to_owned()],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(manager, Users::Table, vec![Users::DeletedAt.into_iden()]).await?;
        manager
            .drop_table(Table::drop().table(Exports::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
    DeletedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Cohorts {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Exports {
    Table,
    Id,
    PublicId,
    Kind,
    RequestedByUserId,
    SubjectUserId,
    CohortId,
    State,
    StepsDone,
    StepsTotal,
    SizeBytes,
    Error,
    CreatedAt,
    ClaimedAt,
    FinishedAt,
    ExpiresAt,
}
