//! Open Badges credentials: the public halves of the issuing keys, and one row per
//! credential with its signed document, status-list position and revocation. Users
//! gain their choice of how credentials identify them.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{add_columns, drop_columns, foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_columns(
            manager,
            Users::Table,
            vec![
                string_len(Users::CredentialRecipient, 8)
                    .default("email")
                    .to_owned(),
                text_null(Users::CredentialRecipientUrl).to_owned(),
            ],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(SigningKeys::Table)
                    .col(pk_auto(SigningKeys::Id))
                    .col(string_len_uniq(SigningKeys::PublicKeyMultibase, 64))
                    .col(timestamp_with_time_zone(SigningKeys::CreatedAt))
                    .col(timestamp_with_time_zone_null(SigningKeys::RetiredAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Credentials::Table)
                    .col(pk_auto(Credentials::Id))
                    .col(string_len_uniq(Credentials::PublicId, 36))
                    .col(string_len(Credentials::Kind, 16))
                    .col(integer(Credentials::FellowUserId))
                    .col(integer(Credentials::CohortId))
                    .col(integer_null(Credentials::SubmissionId))
                    .col(integer_null(Credentials::AttemptId))
                    .col(timestamp_with_time_zone(Credentials::EarnedAt))
                    .col(text(Credentials::PublicEvidence).default("[]"))
                    .col(text_null(Credentials::Document))
                    .col(integer_null(Credentials::SigningKeyId))
                    .col(timestamp_with_time_zone_null(Credentials::IssuedAt))
                    .col(timestamp_with_time_zone(Credentials::CreatedAt))
                    .col(timestamp_with_time_zone_null(Credentials::RevokedAt))
                    .col(text_null(Credentials::RevokedReason))
                    .col(integer_null(Credentials::RevokedByUserId))
                    .foreign_key(&mut foreign_key(
                        "fk_credentials_fellow",
                        (Credentials::Table, Credentials::FellowUserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_credentials_cohort",
                        (Credentials::Table, Credentials::CohortId),
                        (Cohorts::Table, Cohorts::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_credentials_submission",
                        (Credentials::Table, Credentials::SubmissionId),
                        (Submissions::Table, Submissions::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_credentials_key",
                        (Credentials::Table, Credentials::SigningKeyId),
                        (SigningKeys::Table, SigningKeys::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_credentials_revoker",
                        (Credentials::Table, Credentials::RevokedByUserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_credentials_fellow",
                Credentials::Table,
                &["fellow_user_id"],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "ux_credentials_attempt",
                Credentials::Table,
                &["attempt_id"],
                true,
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Credentials::Table.into_iden(),
            SigningKeys::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        drop_columns(
            manager,
            Users::Table,
            vec![
                Users::CredentialRecipientUrl.into_iden(),
                Users::CredentialRecipient.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
    CredentialRecipient,
    CredentialRecipientUrl,
}

#[derive(DeriveIden, Clone, Copy)]
enum Cohorts {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Submissions {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum SigningKeys {
    Table,
    Id,
    PublicKeyMultibase,
    CreatedAt,
    RetiredAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Credentials {
    Table,
    Id,
    PublicId,
    Kind,
    FellowUserId,
    CohortId,
    SubmissionId,
    AttemptId,
    EarnedAt,
    PublicEvidence,
    Document,
    SigningKeyId,
    IssuedAt,
    CreatedAt,
    RevokedAt,
    RevokedReason,
    RevokedByUserId,
}
