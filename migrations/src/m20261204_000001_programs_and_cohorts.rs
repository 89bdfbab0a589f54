//! Programs and the cohorts that run them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Programs::Table)
                    .col(pk_auto(Programs::Id))
                    .col(string_len_uniq(Programs::Name, 200))
                    .col(timestamp_with_time_zone(Programs::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Cohorts::Table)
                    .col(pk_auto(Cohorts::Id))
                    .col(integer(Cohorts::ProgramId))
                    .col(string_len(Cohorts::Name, 200))
                    .col(integer(Cohorts::Year))
                    .col(timestamp_with_time_zone(Cohorts::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_cohorts_program")
                            .from(Cohorts::Table, Cohorts::ProgramId)
                            .to(Programs::Table, Programs::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_index(
                Index::create()
                    .name("ux_cohorts_program_name_year")
                    .table(Cohorts::Table)
                    .col(Cohorts::ProgramId)
                    .col(Cohorts::Name)
                    .col(Cohorts::Year)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Cohorts::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Programs::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Programs {
    Table,
    Id,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Cohorts {
    Table,
    Id,
    ProgramId,
    Name,
    Year,
    CreatedAt,
}
