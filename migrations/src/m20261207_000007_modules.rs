//! Learning modules: materials and who finished them, assignments and fellows'
//! responses, one threaded discussion per module with its posts, edit history and read
//! markers, workshops and meetings with attendance, coach and fellow pairs with their
//! sessions, and the in-app inbox. Users gain a calendar feed token and notification
//! preferences.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{add_columns, drop_columns, foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn to_user(name: &str, table: impl IntoIden, column: impl IntoIden) -> ForeignKeyCreateStatement {
    foreign_key(
        name,
        (table, column),
        (Users::Table, Users::Id),
        ForeignKeyAction::Cascade,
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_columns(
            manager,
            Users::Table,
            vec![
                string_len_null(Users::CalendarTokenHash, 64).to_owned(),
                text(Users::NotificationPrefs).default("{}").to_owned(),
                timestamp_with_time_zone_null(Users::DigestSentAt).to_owned(),
            ],
        )
        .await?;
        manager
            .create_index(index(
                "ux_users_calendar_token",
                Users::Table,
                &["calendar_token_hash"],
                true,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ModuleMaterials::Table)
                    .col(pk_auto(ModuleMaterials::Id))
                    .col(integer(ModuleMaterials::ModuleId))
                    .col(integer(ModuleMaterials::Position))
                    .col(string_len(ModuleMaterials::Kind, 8))
                    .col(string_len(ModuleMaterials::Title, 200))
                    .col(text(ModuleMaterials::Body).default(""))
                    .col(text_null(ModuleMaterials::Url))
                    .col(string_len_null(ModuleMaterials::FileKey, 200))
                    .col(string_len_null(ModuleMaterials::FileName, 255))
                    .col(string_len_null(ModuleMaterials::FileType, 100))
                    .col(big_integer_null(ModuleMaterials::FileSize))
                    .col(timestamp_with_time_zone(ModuleMaterials::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_materials_module",
                        (ModuleMaterials::Table, ModuleMaterials::ModuleId),
                        (Modules::Table, Modules::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MaterialProgress::Table)
                    .col(pk_auto(MaterialProgress::Id))
                    .col(integer(MaterialProgress::MaterialId))
                    .col(integer(MaterialProgress::UserId))
                    .col(timestamp_with_time_zone(MaterialProgress::CompletedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_progress_material",
                        (MaterialProgress::Table, MaterialProgress::MaterialId),
                        (ModuleMaterials::Table, ModuleMaterials::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut to_user(
                        "fk_progress_user",
                        MaterialProgress::Table,
                        MaterialProgress::UserId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ux_material_progress",
                MaterialProgress::Table,
                &["material_id", "user_id"],
                true,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Assignments::Table)
                    .col(pk_auto(Assignments::Id))
                    .col(integer(Assignments::ModuleId))
                    .col(integer(Assignments::Position))
                    .col(string_len(Assignments::Title, 200))
                    .col(text(Assignments::Instructions).default(""))
                    .col(timestamp_with_time_zone_null(Assignments::DueAt))
                    .col(string_len_null(Assignments::DueZone, 64))
                    .col(string_len_null(Assignments::FeedsPart, 16))
                    .col(timestamp_with_time_zone(Assignments::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_assignments_module",
                        (Assignments::Table, Assignments::ModuleId),
                        (Modules::Table, Modules::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AssignmentResponses::Table)
                    .col(pk_auto(AssignmentResponses::Id))
                    .col(integer(AssignmentResponses::AssignmentId))
                    .col(integer(AssignmentResponses::FellowUserId))
                    .col(text(AssignmentResponses::Body).default(""))
                    .col(text(AssignmentResponses::EvidenceIds).default("[]"))
                    .col(string_len(AssignmentResponses::State, 16))
                    .col(integer(AssignmentResponses::Version).default(0))
                    .col(timestamp_with_time_zone_null(
                        AssignmentResponses::SubmittedAt,
                    ))
                    .col(text_null(AssignmentResponses::Feedback))
                    .col(integer_null(AssignmentResponses::ReviewedByUserId))
                    .col(timestamp_with_time_zone_null(
                        AssignmentResponses::ReviewedAt,
                    ))
                    .col(timestamp_with_time_zone(AssignmentResponses::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_responses_assignment",
                        (
                            AssignmentResponses::Table,
                            AssignmentResponses::AssignmentId,
                        ),
                        (Assignments::Table, Assignments::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut to_user(
                        "fk_responses_fellow",
                        AssignmentResponses::Table,
                        AssignmentResponses::FellowUserId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ux_assignment_responses",
                AssignmentResponses::Table,
                &["assignment_id", "fellow_user_id"],
                true,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Discussions::Table)
                    .col(pk_auto(Discussions::Id))
                    .col(integer(Discussions::ModuleId).unique_key())
                    .col(text(Discussions::Prompt).default(""))
                    .col(boolean(Discussions::PostFirst).default(false))
                    .foreign_key(&mut foreign_key(
                        "fk_discussions_module",
                        (Discussions::Table, Discussions::ModuleId),
                        (Modules::Table, Modules::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Posts::Table)
                    .col(pk_auto(Posts::Id))
                    .col(integer(Posts::DiscussionId))
                    .col(integer_null(Posts::ParentId))
                    .col(integer(Posts::AuthorUserId))
                    .col(text(Posts::Body))
                    .col(timestamp_with_time_zone(Posts::CreatedAt))
                    .col(timestamp_with_time_zone_null(Posts::EditedAt))
                    .col(timestamp_with_time_zone_null(Posts::HiddenAt))
                    .col(integer_null(Posts::HiddenByUserId))
                    .col(text_null(Posts::HiddenReason))
                    .col(timestamp_with_time_zone_null(Posts::DeletedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_posts_discussion",
                        (Posts::Table, Posts::DiscussionId),
                        (Discussions::Table, Discussions::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_posts_parent",
                        (Posts::Table, Posts::ParentId),
                        (Posts::Table, Posts::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut to_user(
                        "fk_posts_author",
                        Posts::Table,
                        Posts::AuthorUserId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_posts_discussion",
                Posts::Table,
                &["discussion_id", "id"],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PostRevisions::Table)
                    .col(pk_auto(PostRevisions::Id))
                    .col(integer(PostRevisions::PostId))
                    .col(text(PostRevisions::Body))
                    .col(timestamp_with_time_zone(PostRevisions::WrittenAt))
                    .foreign_key(&mut foreign_key(
                        "fk_revisions_post",
                        (PostRevisions::Table, PostRevisions::PostId),
                        (Posts::Table, Posts::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_post_revisions_post",
                PostRevisions::Table,
                &["post_id"],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DiscussionReads::Table)
                    .col(pk_auto(DiscussionReads::Id))
                    .col(integer(DiscussionReads::DiscussionId))
                    .col(integer(DiscussionReads::UserId))
                    .col(integer(DiscussionReads::LastReadPostId))
                    .foreign_key(&mut foreign_key(
                        "fk_reads_discussion",
                        (DiscussionReads::Table, DiscussionReads::DiscussionId),
                        (Discussions::Table, Discussions::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut to_user(
                        "fk_reads_user",
                        DiscussionReads::Table,
                        DiscussionReads::UserId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ux_discussion_reads",
                DiscussionReads::Table,
                &["discussion_id", "user_id"],
                true,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(pk_auto(Events::Id))
                    .col(integer(Events::CohortId))
                    .col(integer_null(Events::ModuleId))
                    .col(string_len(Events::Kind, 16))
                    .col(string_len(Events::Title, 200))
                    .col(timestamp_with_time_zone(Events::StartsAt))
                    .col(string_len(Events::Zone, 64))
                    .col(integer(Events::DurationMinutes))
                    .col(text_null(Events::JoinUrl))
                    .col(text_null(Events::Location))
                    .col(integer(Events::CheckInMinutes).default(30))
                    .col(integer(Events::Sequence).default(0))
                    .col(timestamp_with_time_zone_null(Events::CancelledAt))
                    .col(timestamp_with_time_zone(Events::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_events_cohort",
                        (Events::Table, Events::CohortId),
                        (Cohorts::Table, Cohorts::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_events_module",
                        (Events::Table, Events::ModuleId),
                        (Modules::Table, Modules::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_events_cohort",
                Events::Table,
                &["cohort_id", "starts_at"],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Attendance::Table)
                    .col(pk_auto(Attendance::Id))
                    .col(integer(Attendance::EventId))
                    .col(integer(Attendance::UserId))
                    .col(string_len(Attendance::Status, 8))
                    .col(timestamp_with_time_zone_null(Attendance::CheckedInAt))
                    .col(integer_null(Attendance::RecordedByUserId))
                    .col(timestamp_with_time_zone(Attendance::RecordedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_attendance_event",
                        (Attendance::Table, Attendance::EventId),
                        (Events::Table, Events::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut to_user(
                        "fk_attendance_user",
                        Attendance::Table,
                        Attendance::UserId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ux_attendance",
                Attendance::Table,
                &["event_id", "user_id"],
                true,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CoachingPairs::Table)
                    .col(pk_auto(CoachingPairs::Id))
                    .col(integer(CoachingPairs::CohortId))
                    .col(integer(CoachingPairs::CoachUserId))
                    .col(integer(CoachingPairs::FellowUserId))
                    .col(timestamp_with_time_zone(CoachingPairs::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_pairs_cohort",
                        (CoachingPairs::Table, CoachingPairs::CohortId),
                        (Cohorts::Table, Cohorts::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut to_user(
                        "fk_pairs_coach",
                        CoachingPairs::Table,
                        CoachingPairs::CoachUserId,
                    ))
                    .foreign_key(&mut to_user(
                        "fk_pairs_fellow",
                        CoachingPairs::Table,
                        CoachingPairs::FellowUserId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ux_coaching_pairs_fellow",
                CoachingPairs::Table,
                &["cohort_id", "fellow_user_id"],
                true,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CoachingSessions::Table)
                    .col(pk_auto(CoachingSessions::Id))
                    .col(integer(CoachingSessions::CohortId))
                    .col(integer(CoachingSessions::CoachUserId))
                    .col(integer(CoachingSessions::FellowUserId))
                    .col(timestamp_with_time_zone(CoachingSessions::StartsAt))
                    .col(string_len(CoachingSessions::Zone, 64))
                    .col(integer(CoachingSessions::DurationMinutes))
                    .col(text_null(CoachingSessions::Place))
                    .col(string_len(CoachingSessions::State, 16))
                    .col(text(CoachingSessions::Notes).default(""))
                    .col(integer_null(CoachingSessions::SubmissionId))
                    .col(integer(CoachingSessions::Sequence).default(0))
                    .col(timestamp_with_time_zone(CoachingSessions::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_sessions_cohort",
                        (CoachingSessions::Table, CoachingSessions::CohortId),
                        (Cohorts::Table, Cohorts::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut to_user(
                        "fk_sessions_coach",
                        CoachingSessions::Table,
                        CoachingSessions::CoachUserId,
                    ))
                    .foreign_key(&mut to_user(
                        "fk_sessions_fellow",
                        CoachingSessions::Table,
                        CoachingSessions::FellowUserId,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_sessions_submission",
                        (CoachingSessions::Table, CoachingSessions::SubmissionId),
                        (Submissions::Table, Submissions::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_coaching_sessions_pair",
                CoachingSessions::Table,
                &["coach_user_id", "fellow_user_id"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(pk_auto(Notifications::Id))
                    .col(integer(Notifications::UserId))
                    .col(string_len(Notifications::Kind, 16))
                    .col(text(Notifications::Title))
                    .col(text(Notifications::Link))
                    .col(timestamp_with_time_zone(Notifications::CreatedAt))
                    .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                    .col(timestamp_with_time_zone_null(Notifications::EmailedAt))
                    .foreign_key(&mut to_user(
                        "fk_notifications_user",
                        Notifications::Table,
                        Notifications::UserId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_notifications_user",
                Notifications::Table,
                &["user_id", "id"],
                false,
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Notifications::Table.into_iden(),
            CoachingSessions::Table.into_iden(),
            CoachingPairs::Table.into_iden(),
            Attendance::Table.into_iden(),
            Events::Table.into_iden(),
            DiscussionReads::Table.into_iden(),
            PostRevisions::Table.into_iden(),
            Posts::Table.into_iden(),
            Discussions::Table.into_iden(),
            AssignmentResponses::Table.into_iden(),
            Assignments::Table.into_iden(),
            MaterialProgress::Table.into_iden(),
            ModuleMaterials::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("ux_users_calendar_token")
                    .table(Users::Table)
                    .to_owned(),
            )
            .await?;
        drop_columns(
            manager,
            Users::Table,
            vec![
                Users::DigestSentAt.into_iden(),
                Users::NotificationPrefs.into_iden(),
                Users::CalendarTokenHash.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
    CalendarTokenHash,
    NotificationPrefs,
    DigestSentAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Cohorts {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Modules {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Submissions {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum ModuleMaterials {
    Table,
    Id,
    ModuleId,
    Position,
    Kind,
    Title,
    Body,
    Url,
    FileKey,
    FileName,
    FileType,
    FileSize,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MaterialProgress {
    Table,
    Id,
    MaterialId,
    UserId,
    CompletedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Assignments {
    Table,
    Id,
    ModuleId,
    Position,
    Title,
    Instructions,
    DueAt,
    DueZone,
    FeedsPart,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AssignmentResponses {
    Table,
    Id,
    AssignmentId,
    FellowUserId,
    Body,
    EvidenceIds,
    State,
    Version,
    SubmittedAt,
    Feedback,
    ReviewedByUserId,
    ReviewedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Discussions {
    Table,
    Id,
    ModuleId,
    Prompt,
    PostFirst,
}

#[derive(DeriveIden, Clone, Copy)]
enum Posts {
    Table,
    Id,
    DiscussionId,
    ParentId,
    AuthorUserId,
    Body,
    CreatedAt,
    EditedAt,
    HiddenAt,
    HiddenByUserId,
    HiddenReason,
    DeletedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PostRevisions {
    Table,
    Id,
    PostId,
    Body,
    WrittenAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum DiscussionReads {
    Table,
    Id,
    DiscussionId,
    UserId,
    LastReadPostId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Events {
    Table,
    Id,
    CohortId,
    ModuleId,
    Kind,
    Title,
    StartsAt,
    Zone,
    DurationMinutes,
    JoinUrl,
    Location,
    CheckInMinutes,
    Sequence,
    CancelledAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Attendance {
    Table,
    Id,
    EventId,
    UserId,
    Status,
    CheckedInAt,
    RecordedByUserId,
    RecordedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum CoachingPairs {
    Table,
    Id,
    CohortId,
    CoachUserId,
    FellowUserId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum CoachingSessions {
    Table,
    Id,
    CohortId,
    CoachUserId,
    FellowUserId,
    StartsAt,
    Zone,
    DurationMinutes,
    Place,
    State,
    Notes,
    SubmissionId,
    Sequence,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Notifications {
    Table,
    Id,
    UserId,
    Kind,
    Title,
    Link,
    CreatedAt,
    ReadAt,
    EmailedAt,
}
