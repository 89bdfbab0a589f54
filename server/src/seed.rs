//! Demo data for trying TLI Hub on a laptop. Seeding twice changes nothing the second time.

use app::admin::store::insert_membership;
use app::auth::password::hash_password;
use app::auth::{Membership, Role};
use app::cohorts::input::NewCohort;
use app::cohorts::schedule_store::{TermPlan, create_schedule, zone_or_default};
use app::cohorts::store;
use app::entities::{cohort_memberships, cohorts, users};
use app::program::choices::SecondTermPick;
use app::program::format::GroupKind;
use app::program::framework_store::{self, SaveError, load_framework};
use app::program::plan_store::{self, ChoiceUpdate, NewRating};
use app::program::{FrameworkView, GroupView};
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait,
};

/// A demo cohort: its schedule is placed around the day of seeding, so that its first
/// term is always in progress.
struct DemoCohort {
    name: &'static str,
    year: i32,
    affiliate: &'static str,
    zone: &'static str,
    /// Short name used in generated email addresses.
    slug: &'static str,
    /// Fellows in all, counting the named demo fellow in the first cohort.
    fellows: usize,
    /// Days from seeding until first-term choices lock; negative means already locked.
    lock_in_days: i64,
}

const DEMO_COHORTS: [DemoCohort; 2] = [
    DemoCohort {
        name: "Ohio 2027",
        year: 2027,
        affiliate: "Ohio state affiliate",
        zone: "America/New_York",
        slug: "ohio",
        fellows: 24,
        lock_in_days: 14,
    },
    DemoCohort {
        name: "Nevada 2027",
        year: 2027,
        affiliate: "Nevada state affiliate",
        zone: "America/Los_Angeles",
        slug: "nevada",
        fellows: 16,
        lock_in_days: -3,
    },
];

/// Given and family names that generated demo people combine.
const GIVEN_NAMES: [&str; 16] = [
    "Arden", "Bexley", "Calla", "Dorian", "Elowen", "Fable", "Greer", "Halden", "Isolde", "Jory",
    "Kestrel", "Linden", "Marlo", "Nyx", "Orrin", "Perrin",
];
const FAMILY_NAMES: [&str; 16] = [
    "Ashdown",
    "Brightwater",
    "Coldbrook",
    "Dunmore",
    "Elderglen",
    "Fernhollow",
    "Graymoor",
    "Hollins",
    "Ivesdale",
    "Juniper",
    "Kettering",
    "Larkspur",
    "Merriweather",
    "Northam",
    "Oakhurst",
    "Pembrook",
];

/// Returns a generated person's name. `index` is unique across all demo people.
fn generated_name(index: usize) -> String {
    let given = GIVEN_NAMES[index % GIVEN_NAMES.len()];
    let family = FAMILY_NAMES[(index / GIVEN_NAMES.len() * 5 + index * 3) % FAMILY_NAMES.len()];
    format!("{given} {family}")
}

/// The password of every demo account. Demo data is for laptops only.
pub const DEMO_PASSWORD: &str = "tli-demo-password";

/// A demo account: email, name, administrator, and roles as (cohort index, role).
struct DemoUser {
    email: &'static str,
    name: &'static str,
    is_admin: bool,
    roles: &'static [(usize, Role)],
}

/// The people are invented; their names and addresses belong to no one.
const DEMO_USERS: [DemoUser; 7] = [
    DemoUser {
        email: "admin@demo.tli-hub.test",
        name: "Avery Adminson",
        is_admin: true,
        roles: &[],
    },
    DemoUser {
        email: "facilitator@demo.tli-hub.test",
        name: "Farah Quill",
        is_admin: false,
        roles: &[(0, Role::Facilitator), (1, Role::Facilitator)],
    },
    DemoUser {
        email: "coach@demo.tli-hub.test",
        name: "Corin Vale",
        is_admin: false,
        roles: &[(0, Role::Coach)],
    },
    DemoUser {
        email: "reviewer@demo.tli-hub.test",
        name: "Remy Stroud",
        is_admin: false,
        roles: &[(0, Role::Reviewer), (1, Role::Reviewer)],
    },
    DemoUser {
        email: "fellow@demo.tli-hub.test",
        name: "Fen Marlow",
        is_admin: false,
        roles: &[(0, Role::Fellow)],
    },
    DemoUser {
        email: "coach2@demo.tli-hub.test",
        name: "Sable Whitford",
        is_admin: false,
        roles: &[(1, Role::Coach)],
    },
    DemoUser {
        email: "reviewer2@demo.tli-hub.test",
        name: "Tamsin Ridley",
        is_admin: false,
        roles: &[(0, Role::Reviewer), (1, Role::Reviewer)],
    },
];

/// Counts of the rows a seeding run created.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub cohorts_created: usize,
    pub users_created: usize,
    pub framework_loaded: bool,
}

/// Returns the demo sign-ins as (email, role description) pairs.
pub fn demo_sign_ins() -> Vec<(&'static str, String)> {
    DEMO_USERS
        .iter()
        .map(|user| {
            let role = if user.is_admin {
                "program administrator".to_owned()
            } else {
                user.roles
                    .iter()
                    .map(|(cohort, role)| {
                        format!("{} in {}", role.as_str(), DEMO_COHORTS[*cohort].name)
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            (user.email, role)
        })
        .collect()
}

/// Creates what is missing of the demo: the TLI framework template, the demo cohorts
/// with their schedules, staff and generated fellows, and some fellows' choices and
/// growth ratings. Each part is created only when absent, so seeding twice duplicates
/// nothing.
pub async fn seed_demo(db: &DatabaseConnection) -> Result<SeedReport, String> {
    let failed = |error: sea_orm::DbErr| error.to_string();
    let mut report = SeedReport::default();
    let program_id = store::default_program_id(db).await.map_err(failed)?;

    report.framework_loaded = seed_framework(db).await?;
    let framework = load_framework(db).await.map_err(failed)?;

    let today = Utc::now().date_naive();
    let mut cohort_ids = Vec::new();
    for demo in &DEMO_COHORTS {
        let existing = cohorts::Entity::find()
            .filter(cohorts::Column::ProgramId.eq(program_id))
            .filter(cohorts::Column::Name.eq(demo.name))
            .filter(cohorts::Column::Year.eq(demo.year))
            .one(db)
            .await
            .map_err(failed)?;
        let id = match existing {
            Some(cohort) => cohort.id,
            None => {
                report.cohorts_created += 1;
                let txn = db.begin().await.map_err(failed)?;
                let created = store::insert(
                    &txn,
                    &NewCohort {
                        name: demo.name.to_owned(),
                        year: demo.year,
                    },
                )
                .await
                .map_err(failed)?;
                // Submissions are due at 11:59 PM on the last day of the second term.
                let zone = zone_or_default(demo.zone);
                let due = demo_plan(today, demo.lock_in_days)[1]
                    .ends_on
                    .and_hms_opt(23, 59, 0)
                    .and_then(|local| local.and_local_timezone(zone).earliest())
                    .map(|local| local.with_timezone(&chrono::Utc));
                cohorts::ActiveModel {
                    id: sea_orm::ActiveValue::Unchanged(created.id),
                    affiliate: Set(demo.affiliate.to_owned()),
                    time_zone: Set(demo.zone.to_owned()),
                    submissions_due_at: Set(due),
                    submissions_due_zone: Set(due.map(|_| demo.zone.to_owned())),
                    late_submissions_allowed: Set(demo.slug == "nevada"),
                    ..Default::default()
                }
                .update(&txn)
                .await
                .map_err(failed)?;
                create_schedule(
                    &txn,
                    created.id,
                    zone_or_default(demo.zone),
                    &demo_plan(today, demo.lock_in_days),
                )
                .await
                .map_err(failed)?;
                txn.commit().await.map_err(failed)?;
                created.id
            }
        };
        cohort_ids.push(id);
    }

    let password_hash = hash_password(DEMO_PASSWORD.to_owned())
        .await
        .map_err(|error| error.to_string())?;
    for demo in &DEMO_USERS {
        let roles: Vec<Membership> = demo
            .roles
            .iter()
            .map(|(cohort, role)| Membership {
                cohort_id: cohort_ids[*cohort],
                role: *role,
            })
            .collect();
        if ensure_user(
            db,
            demo.email,
            demo.name,
            demo.is_admin,
            &password_hash,
            &roles,
        )
        .await?
        {
            report.users_created += 1;
        }
    }

    let mut person = 0;
    for (cohort_index, demo) in DEMO_COHORTS.iter().enumerate() {
        let cohort_id = cohort_ids[cohort_index];
        let named = DEMO_USERS
            .iter()
            .filter(|user| user.roles.contains(&(cohort_index, Role::Fellow)))
            .count();
        for number in 1..=demo.fellows.saturating_sub(named) {
            let email = format!("fellow.{}.{number:02}@demo.tli-hub.test", demo.slug);
            let name = generated_name(person);
            person += 1;
            let membership = Membership {
                cohort_id,
                role: Role::Fellow,
            };
            if ensure_user(db, &email, &name, false, &password_hash, &[membership]).await? {
                report.users_created += 1;
            }
        }
        seed_choices(db, cohort_id, &framework).await?;
    }
    seed_reviews(db, cohort_ids[0]).await?;
    Ok(report)
}

/// Submits the communication micro-credential for three generated fellows of the
/// first cohort who chose its competency, and assigns two of those attempts to the
/// demo reviewer, so that the review queue has work in it. Fellows who already have a
/// submission are left alone.
async fn seed_reviews(db: &DatabaseConnection, cohort_id: i32) -> Result<(), String> {
    use app::entities::{competency_choices, evidence_items, microcredentials};
    use app::portfolio::DraftContent;
    use app::portfolio::submission_store::{self, Saved};
    let failed = |error: sea_orm::DbErr| error.to_string();
    let user_id = |email: &'static str| async move {
        users::Entity::find()
            .filter(users::Column::EmailNormalized.eq(email))
            .one(db)
            .await
            .map_err(failed)
            .map(|user| user.map(|user| user.id))
    };
    let (Some(reviewer), Some(facilitator)) = (
        user_id("reviewer@demo.tli-hub.test").await?,
        user_id("facilitator@demo.tli-hub.test").await?,
    ) else {
        return Ok(());
    };
    let credentials = microcredentials::Entity::find()
        .all(db)
        .await
        .map_err(failed)?;
    let choices = competency_choices::Entity::find()
        .filter(competency_choices::Column::CohortId.eq(cohort_id))
        .order_by_asc(competency_choices::Column::FellowUserId)
        .all(db)
        .await
        .map_err(failed)?;
    let mut submitted = 0;
    for choice in choices {
        if submitted == 3 {
            break;
        }
        let Some(credential) = credentials
            .iter()
            .find(|credential| Some(credential.competency_id) == choice.overarching_first_id)
        else {
            continue;
        };
        let fellow = choice.fellow_user_id;
        if submission_store::find(db, cohort_id, fellow, credential.id)
            .await
            .map_err(failed)?
            .is_some()
        {
            continue;
        }
        let Some(version) = submission_store::current_version(db, credential.id)
            .await
            .map_err(failed)?
        else {
            continue;
        };
        let definition = app::review::store::definition_of(db, version.id)
            .await
            .map_err(failed)?;
        let now = Utc::now();
        let piece = evidence_items::ActiveModel {
            owner_user_id: Set(fellow),
            kind: Set("text".into()),
            title: Set("Meeting notes from the planning team".into()),
            description: Set("Notes taken during our second planning meeting.".into()),
            body: Set(Some(
                "**Agenda:** family night plan.\n\n- Roles agreed for each teacher\n- Invitations in three languages\n- A follow-up survey".into(),
            )),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .map_err(failed)?;
        let submission = submission_store::open(db, cohort_id, fellow, credential.id)
            .await
            .map_err(failed)?;
        let content = DraftContent {
            answers: definition
                .overview_questions
                .iter()
                .map(|_| {
                    "Our team planned a family night to share how we teach reading. I mapped who needed to hear the message, drafted it with two colleagues, and revised it after a colleague read it aloud.".to_owned()
                })
                .collect(),
            artifacts: definition
                .artifacts
                .iter()
                .enumerate()
                .map(|(index, _)| (index == 0).then_some(piece.id))
                .collect(),
            reflection: "Writing for families made me cut the jargon. Next time I will ask a parent to read the draft first.".into(),
            dismissed: Vec::new(),
        };
        let Saved::Stored { version, .. } =
            submission_store::save_draft(db, submission.id, submission.draft_version, &content)
                .await
                .map_err(failed)?
        else {
            continue;
        };
        let submitted_at = now - Duration::days(2 + submitted);
        let Ok(outcome) = submission_store::submit(db, submission.id, version, submitted_at)
            .await
            .map_err(failed)?
        else {
            continue;
        };
        if submitted < 2 {
            app::review::store::assign(db, outcome.attempt.id, reviewer, facilitator)
                .await
                .map_err(|error| format!("assigning a demo review failed: {error:?}"))?;
        }
        submitted += 1;
    }
    Ok(())
}

/// Loads the TLI template when the program has no framework yet. Returns whether it did.
async fn seed_framework(db: &DatabaseConnection) -> Result<bool, String> {
    let existing = load_framework(db)
        .await
        .map_err(|error| error.to_string())?;
    if !existing.groups.is_empty() {
        return Ok(false);
    }
    let file = match framework_store::parse_file(framework_store::DEFAULT_TEMPLATE) {
        Ok(file) => file,
        Err(SaveError::Invalid(problems)) => {
            return Err(format!(
                "the built-in template is invalid: {}",
                problems.join("; ")
            ));
        }
        Err(SaveError::Db(error)) => return Err(error.to_string()),
    };
    let txn = db.begin().await.map_err(|error| error.to_string())?;
    match framework_store::import(&txn, &file, None).await {
        Ok(_) => {}
        Err(SaveError::Invalid(problems)) => return Err(problems.join("; ")),
        Err(SaveError::Db(error)) => return Err(error.to_string()),
    }
    txn.commit().await.map_err(|error| error.to_string())?;
    Ok(true)
}

/// Places the first term around `today`: its Learn module has closed, Design is open,
/// and Do and Reflect are still to come. The second term follows.
fn demo_plan(today: NaiveDate, lock_in_days: i64) -> [TermPlan; 2] {
    let days = Duration::days;
    [
        TermPlan {
            position: 1,
            season: "fall",
            starts_on: today - days(45),
            ends_on: today + days(74),
            choices_lock_on: today + days(lock_in_days),
        },
        TermPlan {
            position: 2,
            season: "spring",
            starts_on: today + days(105),
            ends_on: today + days(225),
            choices_lock_on: today + days(133),
        },
    ]
}

/// Creates an account with `roles` unless the email exists; adds missing roles to an
/// existing one. Returns whether the account was created.
async fn ensure_user(
    db: &DatabaseConnection,
    email: &str,
    name: &str,
    is_admin: bool,
    password_hash: &str,
    roles: &[Membership],
) -> Result<bool, String> {
    let failed = |error: sea_orm::DbErr| error.to_string();
    let existing = users::Entity::find()
        .filter(users::Column::EmailNormalized.eq(email))
        .one(db)
        .await
        .map_err(failed)?;
    let (user_id, created) = match existing {
        Some(user) => (user.id, false),
        None => {
            let user = users::ActiveModel {
                email: Set(email.to_owned()),
                email_normalized: Set(email.to_owned()),
                display_name: Set(name.to_owned()),
                password_hash: Set(Some(password_hash.to_owned())),
                is_admin: Set(is_admin),
                disabled: Set(false),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(db)
            .await
            .map_err(failed)?;
            (user.id, true)
        }
    };
    for membership in roles {
        let held = cohort_memberships::Entity::find()
            .filter(cohort_memberships::Column::UserId.eq(user_id))
            .filter(cohort_memberships::Column::CohortId.eq(membership.cohort_id))
            .filter(cohort_memberships::Column::Role.eq(membership.role.as_str()))
            .count(db)
            .await
            .map_err(failed)?;
        if held == 0 {
            insert_membership(db, user_id, *membership)
                .await
                .map_err(failed)?;
        }
    }
    Ok(created)
}

/// Gives about half of a cohort's generated fellows first-term choices, a third of them
/// second-term choices too, and a start-of-term self-rating for each first-term pick.
/// Fellows who already have choices are left alone; the named demo fellow chooses for
/// themself.
async fn seed_choices(
    db: &DatabaseConnection,
    cohort_id: i32,
    framework: &FrameworkView,
) -> Result<(), String> {
    let failed = |error: sea_orm::DbErr| error.to_string();
    let overarching: Vec<i32> = framework
        .groups_of(GroupKind::Overarching)
        .flat_map(|group| group.competencies.iter().map(|c| c.id))
        .collect();
    let pathways: Vec<&GroupView> = framework.groups_of(GroupKind::Pathway).collect();
    let decc: Vec<i32> = framework
        .groups_of(GroupKind::Decc)
        .flat_map(|group| group.competencies.iter().map(|c| c.id))
        .collect();
    if overarching.len() < 2 || pathways.is_empty() || decc.is_empty() {
        return Ok(());
    }
    let fellows = cohort_memberships::Entity::find()
        .filter(cohort_memberships::Column::CohortId.eq(cohort_id))
        .filter(cohort_memberships::Column::Role.eq(Role::Fellow.as_str()))
        .order_by_asc(cohort_memberships::Column::UserId)
        .all(db)
        .await
        .map_err(failed)?;
    let named_fellow = users::Entity::find()
        .filter(users::Column::EmailNormalized.eq("fellow@demo.tli-hub.test"))
        .one(db)
        .await
        .map_err(failed)?
        .map(|user| user.id);
    for (index, membership) in fellows.iter().enumerate() {
        let fellow_id = membership.user_id;
        if Some(fellow_id) == named_fellow || index % 2 == 1 {
            continue;
        }
        if plan_store::find_choices(db, cohort_id, fellow_id)
            .await
            .map_err(failed)?
            .is_some()
        {
            continue;
        }
        let first = overarching[index % overarching.len()];
        let second = overarching[(index + 3) % overarching.len()];
        let txn = db.begin().await.map_err(failed)?;
        plan_store::save_choices(
            &txn,
            cohort_id,
            fellow_id,
            &ChoiceUpdate::FirstTerm(first, second),
        )
        .await
        .map_err(failed)?;
        if index % 3 == 0 {
            let pathway = pathways[(index / 3) % pathways.len()];
            if let Some(competency) = pathway
                .competencies
                .get(index % pathway.competencies.len().max(1))
            {
                let pick = SecondTermPick {
                    pathway_group_id: pathway.id,
                    pathway_competency_id: competency.id,
                    decc_competency_id: decc[index % decc.len()],
                };
                plan_store::save_choices(
                    &txn,
                    cohort_id,
                    fellow_id,
                    &ChoiceUpdate::SecondTerm(pick),
                )
                .await
                .map_err(failed)?;
            }
        }
        for (offset, competency_id) in [first, second].into_iter().enumerate() {
            plan_store::add_rating(
                &txn,
                NewRating {
                    cohort_id,
                    fellow_id,
                    competency_id,
                    term: 1,
                    moment: "start",
                    stage: 1 + ((index + offset) % 3) as i32,
                    rated_by: fellow_id,
                    rater_role: "fellow",
                    note: String::new(),
                    at: Utc::now(),
                },
            )
            .await
            .map_err(failed)?;
        }
        txn.commit().await.map_err(failed)?;
    }
    Ok(())
}
