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
        backdate_fellows(db, cohort_id).await?;
    }
    seed_reviews(db, cohort_ids[0]).await?;
    for cohort_id in &cohort_ids {
        seed_discussion(db, *cohort_id, today).await?;
    }
    seed_events(db, &cohort_ids, today).await?;
    for cohort_id in &cohort_ids {
        seed_module_content(db, *cohort_id).await?;
    }
    seed_coaching(db, cohort_ids[0], today).await?;
    Ok(report)
}

/// Gives the discussion of a cohort's current module (the latest one open on `today`)
/// a prompt, two threads and some replies from fellows, the facilitator and a coach.
/// A discussion that already has posts is left alone.
async fn seed_discussion(
    db: &DatabaseConnection,
    cohort_id: i32,
    today: NaiveDate,
) -> Result<(), String> {
    use app::discussions::store::{ensure_discussion, insert_post, save_settings};
    use app::entities::{modules, posts, terms};
    use std::collections::HashMap;
    let failed = |error: sea_orm::DbErr| error.to_string();

    let term_ids: Vec<i32> = terms::Entity::find()
        .filter(terms::Column::CohortId.eq(cohort_id))
        .all(db)
        .await
        .map_err(failed)?
        .into_iter()
        .map(|term| term.id)
        .collect();
    let current = modules::Entity::find()
        .filter(modules::Column::TermId.is_in(term_ids))
        .filter(modules::Column::OpensOn.lte(today))
        .order_by_desc(modules::Column::OpensOn)
        .order_by_desc(modules::Column::Position)
        .one(db)
        .await
        .map_err(failed)?;
    let Some(module) = current else {
        return Ok(());
    };
    let discussion = ensure_discussion(db, module.id).await.map_err(failed)?;
    let has_posts = posts::Entity::find()
        .filter(posts::Column::DiscussionId.eq(discussion.id))
        .count(db)
        .await
        .map_err(failed)?
        > 0;
    if has_posts {
        return Ok(());
    }

    // Generated fellows write the posts, so that the named demo fellow can start a
    // thread of their own.
    let named_fellow = users::Entity::find()
        .filter(users::Column::EmailNormalized.eq("fellow@demo.tli-hub.test"))
        .one(db)
        .await
        .map_err(failed)?
        .map(|user| user.id);
    let members = cohort_memberships::Entity::find()
        .filter(cohort_memberships::Column::CohortId.eq(cohort_id))
        .order_by_asc(cohort_memberships::Column::UserId)
        .find_also_related(users::Entity)
        .all(db)
        .await
        .map_err(failed)?;
    let mut people: HashMap<Role, Vec<&users::Model>> = HashMap::new();
    for (membership, user) in &members {
        if let (Some(role), Some(user)) = (Role::parse(&membership.role), user)
            && Some(user.id) != named_fellow
        {
            people.entry(role).or_default().push(user);
        }
    }
    let first_of = |role: Role| people.get(&role).and_then(|list| list.first()).copied();
    let (Some(facilitator), Some(coach)) = (first_of(Role::Facilitator), first_of(Role::Coach))
    else {
        return Ok(());
    };
    let Some([first, second, third]) = people
        .get(&Role::Fellow)
        .and_then(|fellows| fellows.first_chunk::<3>())
        .copied()
    else {
        return Ok(());
    };

    save_settings(
        db,
        module.id,
        &format!(
            "Share one idea from your **{}** work so far:\n\n- What problem of practice are you working on?\n- Whom will you ask for feedback before you try it?",
            module.name
        ),
        false,
    )
    .await
    .map_err(failed)?;
    let hours_ago = |hours: i64| Utc::now() - Duration::hours(hours);
    let txn = db.begin().await.map_err(failed)?;
    let family_night = insert_post(
        &txn,
        discussion.id,
        None,
        first.id,
        "I am planning a family math night. How do you get families who rarely come to school to show up?",
        hours_ago(50),
    )
    .await
    .map_err(failed)?;
    let invitations = insert_post(
        &txn,
        discussion.id,
        Some(family_night.id),
        second.id,
        "Personal invitations worked for us: each student wrote a note home, and I called five families the day before.",
        hours_ago(46),
    )
    .await
    .map_err(failed)?;
    insert_post(
        &txn,
        discussion.id,
        Some(invitations.id),
        facilitator.id,
        &format!(
            "Both ideas start from relationships. @{}, which one could you try before the next module?",
            first.display_name
        ),
        hours_ago(30),
    )
    .await
    .map_err(failed)?;
    let observation = insert_post(
        &txn,
        discussion.id,
        None,
        third.id,
        "I am designing a peer observation cycle with two colleagues. Does anyone have a short protocol for the debrief?",
        hours_ago(20),
    )
    .await
    .map_err(failed)?;
    insert_post(
        &txn,
        discussion.id,
        Some(observation.id),
        coach.id,
        "Try three questions: what did you notice, what did students do, and what will you try next. Keep it to 20 minutes.",
        hours_ago(6),
    )
    .await
    .map_err(failed)?;
    txn.commit().await.map_err(failed)?;
    Ok(())
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

/// Returns where each demo cohort meets face to face. The places are invented.
fn demo_meeting_place(slug: &str) -> &'static str {
    match slug {
        "ohio" => "Lincoln Middle School, 400 Elm Street, room 204",
        _ => "Maple Valley High School, 12 Ridge Road, library",
    }
}

/// Schedules each demo cohort's workshops, one per module at 4:00 PM in the cohort's
/// zone ten days before the module is due. It adds a kickoff meeting on the third day
/// of the first term and a cohort meeting three weeks after `today`, and records
/// attendance at those of them that have already ended. Modules that have a workshop
/// and meeting titles already used in the cohort are skipped, so seeding again adds
/// nothing.
async fn seed_events(
    db: &DatabaseConnection,
    cohort_ids: &[i32],
    today: NaiveDate,
) -> Result<(), String> {
    use app::entities::{events, modules, terms};
    use app::events::input::EventInput;
    use app::events::{AttendanceStatus, EventKind, store as event_store};
    let failed = |error: sea_orm::DbErr| error.to_string();
    let now = Utc::now();
    let Some(facilitator) = users::Entity::find()
        .filter(users::Column::EmailNormalized.eq("facilitator@demo.tli-hub.test"))
        .one(db)
        .await
        .map_err(failed)?
    else {
        return Ok(());
    };

    for (demo, &cohort_id) in DEMO_COHORTS.iter().zip(cohort_ids) {
        let Some(cohort) = cohorts::Entity::find_by_id(cohort_id)
            .one(db)
            .await
            .map_err(failed)?
        else {
            continue;
        };
        let zone = zone_or_default(&cohort.time_zone);
        let local = |day: NaiveDate, time: &str| {
            app::local_time::resolve("starts", zone, &day.to_string(), time, None).ok()
        };
        let existing = events::Entity::find()
            .filter(events::Column::CohortId.eq(cohort_id))
            .all(db)
            .await
            .map_err(failed)?;
        let term_rows = terms::Entity::find()
            .filter(terms::Column::CohortId.eq(cohort_id))
            .order_by_asc(terms::Column::Position)
            .all(db)
            .await
            .map_err(failed)?;
        let module_rows = modules::Entity::find()
            .filter(modules::Column::TermId.is_in(term_rows.iter().map(|term| term.id)))
            .all(db)
            .await
            .map_err(failed)?;
        let mut created = Vec::new();

        for module in &module_rows {
            let Some(due) = module.due_at else {
                continue;
            };
            if existing
                .iter()
                .any(|event| event.module_id == Some(module.id))
            {
                continue;
            }
            let day = due.with_timezone(&zone).date_naive() - Duration::days(10);
            let Some(starts_at) = local(day, "16:00") else {
                continue;
            };
            let input = EventInput {
                module_id: Some(module.id),
                title: format!("{} workshop", module.name),
                starts_at,
                duration_minutes: app::events::DEFAULT_DURATION_MINUTES,
                join_url: Some(format!(
                    "https://meet.example.org/tli-{}-{}-{}",
                    demo.slug,
                    module.term_id,
                    module.name.to_lowercase()
                )),
                location: None,
                check_in_minutes: app::events::DEFAULT_CHECK_IN_MINUTES,
            };
            created.push(
                event_store::insert_event(db, cohort_id, EventKind::Workshop, zone, &input, now)
                    .await
                    .map_err(failed)?,
            );
        }

        let meetings = [
            (
                "Kickoff meeting",
                term_rows
                    .first()
                    .map(|term| term.starts_on + Duration::days(3)),
            ),
            ("Cohort meeting", Some(today + Duration::days(21))),
        ];
        for (title, day) in meetings {
            let Some(starts_at) = day.and_then(|day| local(day, "09:00")) else {
                continue;
            };
            if existing.iter().any(|event| event.title == title) {
                continue;
            }
            let input = EventInput {
                module_id: None,
                title: title.to_owned(),
                starts_at,
                duration_minutes: 180,
                join_url: None,
                location: Some(demo_meeting_place(demo.slug).to_owned()),
                check_in_minutes: app::events::DEFAULT_CHECK_IN_MINUTES,
            };
            created.push(
                event_store::insert_event(db, cohort_id, EventKind::Meeting, zone, &input, now)
                    .await
                    .map_err(failed)?,
            );
        }

        let fellows: Vec<i32> = event_store::fellows(db, cohort_id)
            .await
            .map_err(failed)?
            .into_keys()
            .collect();
        let ended = created
            .iter()
            .filter(|event| event_store::ends_at(event) <= now);
        for event in ended {
            // Most fellows came, and a few were late, absent or excused.
            let marks: Vec<(i32, Option<AttendanceStatus>)> = fellows
                .iter()
                .enumerate()
                .map(|(index, &fellow)| {
                    let status = match (index + event.id as usize) % 10 {
                        3 => AttendanceStatus::Late,
                        6 => AttendanceStatus::Absent,
                        8 => AttendanceStatus::Excused,
                        _ => AttendanceStatus::Present,
                    };
                    (fellow, Some(status))
                })
                .collect();
            event_store::record_marks(db, event.id, &marks, facilitator.id, now)
                .await
                .map_err(failed)?;
        }
    }
    Ok(())
}

/// Materials and assignments for every module of the cohort's first term, added to
/// modules that have none yet. Each module gets a reading, a video link and a web
/// page; Design and Reflect get an assignment whose responses feed a micro-credential
/// part.
async fn seed_module_content(db: &DatabaseConnection, cohort_id: i32) -> Result<(), String> {
    use app::entities::{module_materials, modules, terms};
    use app::modules::store::{self as module_store, AssignmentFields, MaterialFields};
    use app::modules::{FeedsPart, MaterialKind};
    let failed = |error: sea_orm::DbErr| error.to_string();
    let Some(term) = terms::Entity::find()
        .filter(terms::Column::CohortId.eq(cohort_id))
        .filter(terms::Column::Position.eq(1))
        .one(db)
        .await
        .map_err(failed)?
    else {
        return Ok(());
    };
    let module_rows = modules::Entity::find()
        .filter(modules::Column::TermId.eq(term.id))
        .order_by_asc(modules::Column::Position)
        .all(db)
        .await
        .map_err(failed)?;
    for module in module_rows {
        let has_content = module_materials::Entity::find()
            .filter(module_materials::Column::ModuleId.eq(module.id))
            .count(db)
            .await
            .map_err(failed)?
            > 0;
        if has_content {
            continue;
        }
        let name = module.name.as_str();
        let materials = [
            MaterialFields {
                kind: MaterialKind::Text,
                title: format!("{name}: what this module asks of you"),
                body: format!(
                    "In the **{name}** module you study on your own first, then meet your cohort to apply it.\n\n\
                     1. Read the two pieces below and note one idea you want to try.\n\
                     2. Watch the short talk.\n\
                     3. Bring a question from your own school to the workshop.\n\n\
                     > Leadership starts in your classroom and grows with your colleagues."
                ),
                url: None,
            },
            MaterialFields {
                kind: MaterialKind::Link,
                title: "Teacher Leadership Competencies".to_owned(),
                body: "The competency framework this program follows, with the four stages of growth.".to_owned(),
                url: Some("https://www.nea.org/professional-excellence/professional-learning/teachers/teacher-leadership".to_owned()),
            },
            MaterialFields {
                kind: MaterialKind::Video,
                title: format!("{name}: a short talk from a former fellow"),
                body: "About ten minutes. Captions are available.".to_owned(),
                url: Some("https://www.youtube.com/watch?v=tli-demo".to_owned()),
            },
        ];
        for material in materials {
            module_store::add_material(db, module.id, material, None)
                .await
                .map_err(failed)?;
        }
        let feeds = match module.position {
            2 => Some(FeedsPart::Overview),
            4 => Some(FeedsPart::Reflection),
            _ => None,
        };
        module_store::save_assignment(
            db,
            module.id,
            None,
            AssignmentFields {
                title: format!("{name} assignment"),
                instructions: format!(
                    "Write 250 to 300 words about how the ideas of the {name} module apply to a challenge in your school. \
                     Attach any evidence from your library that shows it."
                ),
                due: module.due_at.map(|at| {
                    (
                        at,
                        module
                            .due_zone
                            .clone()
                            .unwrap_or_else(|| "America/New_York".to_owned()),
                    )
                }),
                feeds_part: feeds,
            },
        )
        .await
        .map_err(failed)?;
    }
    Ok(())
}

/// Pairs the demo coach with the named demo fellow and the first generated fellows of
/// the first cohort, and schedules one session with the named fellow next week.
async fn seed_coaching(
    db: &DatabaseConnection,
    cohort_id: i32,
    today: NaiveDate,
) -> Result<(), String> {
    use app::coaching::store::{self as coaching_store, NewSession};
    use app::entities::coaching_sessions;
    let failed = |error: sea_orm::DbErr| error.to_string();
    let find = |email: String| async move {
        users::Entity::find()
            .filter(users::Column::EmailNormalized.eq(email))
            .one(db)
            .await
    };
    let Some(coach) = find("coach@demo.tli-hub.test".into())
        .await
        .map_err(failed)?
    else {
        return Ok(());
    };
    let mut fellows = Vec::new();
    if let Some(named) = find("fellow@demo.tli-hub.test".into())
        .await
        .map_err(failed)?
    {
        fellows.push(named.id);
    }
    for number in 1..=3 {
        if let Some(fellow) = find(format!("fellow.ohio.{number:02}@demo.tli-hub.test"))
            .await
            .map_err(failed)?
        {
            fellows.push(fellow.id);
        }
    }
    for fellow in &fellows {
        if coaching_store::pair_of(db, cohort_id, *fellow)
            .await
            .map_err(failed)?
            .is_none()
        {
            coaching_store::set_pair(db, cohort_id, *fellow, Some(coach.id))
                .await
                .map_err(failed)?;
        }
    }
    let Some(first) = fellows.first() else {
        return Ok(());
    };
    let scheduled = coaching_sessions::Entity::find()
        .filter(coaching_sessions::Column::FellowUserId.eq(*first))
        .count(db)
        .await
        .map_err(failed)?;
    if scheduled == 0 {
        let zone = zone_or_default("America/New_York");
        let starts_at = (today + chrono::Duration::days(7))
            .and_hms_opt(16, 0, 0)
            .and_then(|local| local.and_local_timezone(zone).earliest())
            .map(|local| local.with_timezone(&Utc));
        if let Some(starts_at) = starts_at {
            coaching_store::schedule(
                db,
                NewSession {
                    cohort_id,
                    coach_id: coach.id,
                    fellow_id: *first,
                    starts_at,
                    zone: zone.name().to_owned(),
                    duration_minutes: 45,
                    place: Some("Video call; the link is in your calendar invitation".to_owned()),
                },
            )
            .await
            .map_err(failed)?;
        }
    }
    Ok(())
}

/// Dates the demo fellows' memberships to the start of the cohort's first term, so
/// that the dashboard counts the deadlines and workshops since then as theirs.
async fn backdate_fellows(db: &DatabaseConnection, cohort_id: i32) -> Result<(), String> {
    use app::entities::terms;
    use sea_orm::sea_query::Expr;

    let failed = |error: sea_orm::DbErr| error.to_string();
    let Some(first) = terms::Entity::find()
        .filter(terms::Column::CohortId.eq(cohort_id))
        .filter(terms::Column::Position.eq(1))
        .one(db)
        .await
        .map_err(failed)?
    else {
        return Ok(());
    };
    let start = first
        .starts_on
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc();
    cohort_memberships::Entity::update_many()
        .col_expr(cohort_memberships::Column::CreatedAt, Expr::value(start))
        .filter(cohort_memberships::Column::CohortId.eq(cohort_id))
        .filter(cohort_memberships::Column::Role.eq(Role::Fellow.as_str()))
        .filter(cohort_memberships::Column::CreatedAt.gt(start))
        .exec(db)
        .await
        .map_err(failed)?;
    Ok(())
}
