//! Builds a cohort of any size with varied, predictable progress, written in batches so
//! that 3,000 fellows take seconds. The dashboards' tests and benchmarks use it.
//!
//! Fellow `i` (counted from 0) gets:
//! - a coach, unless `i % 10 == 9`; one coach per 25 fellows;
//! - both assignments of the first two modules handed in, unless `i % 4 == 0`, whose
//!   deadlines have passed;
//! - at the two past workshops: present, present, late, absent, excused or nothing,
//!   by `i % 6`;
//! - a submission of their first overarching micro-credential, by `i % 5`: draft,
//!   submitted, in review, earned, not yet; `i % 10 == 4` has two not-yet attempts;
//! - a post in the first module's discussion when `i` is even;
//! - two self-ratings of their first overarching competency, the second `i % 3`
//!   stages higher.

use app::auth::Role;
use app::entities::{
    assignment_responses, assignments, attendance, coaching_pairs, cohort_memberships,
    competency_choices, discussions, events, growth_ratings, posts, submission_attempts,
    submissions, users,
};
use app::program::format::GroupKind;
use app::program::framework_store::load_framework;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::TestApp;

/// Rows written per statement.
const BATCH: usize = 400;

/// A synthetic cohort: who is in it and how to sign in as its staff.
pub struct Synthetic {
    pub cohort: i32,
    pub fellows: Vec<i32>,
    pub facilitator_email: String,
    pub coach_email: String,
    /// Fellows paired with the coach above.
    pub coached: Vec<i32>,
    pub modules: Vec<i32>,
}

async fn insert_batches<A, E>(app: &TestApp, rows: Vec<A>)
where
    A: ActiveModelTrait<Entity = E> + Send,
    E: EntityTrait,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<A> = rows.by_ref().take(BATCH).collect();
        E::insert_many(batch)
            .exec(&app.db)
            .await
            .expect("insert a batch");
    }
}

/// Creates cohort `name` with `size` fellows. The framework must be imported first.
pub async fn synthetic_cohort(app: &TestApp, name: &str, size: usize) -> Synthetic {
    let now = Utc::now();
    let cohort = app.create_cohort(name).await;
    let modules = app.schedule_first_term(cohort).await;
    let slug = name.to_lowercase().replace(' ', "-");
    let facilitator_email = format!("{slug}-facilitator@synthetic.test");
    app.create_user(&facilitator_email, false, &[(cohort, Role::Facilitator)])
        .await;
    let coach_count = size.div_ceil(25).max(1);
    let mut coaches = Vec::new();
    for number in 0..coach_count {
        coaches.push(
            app.create_user(
                &format!("{slug}-coach-{number}@synthetic.test"),
                false,
                &[(cohort, Role::Coach)],
            )
            .await,
        );
    }

    let prefix = format!("{slug}-fellow-");
    insert_batches(
        app,
        (0..size)
            .map(|index| {
                let email = format!("{prefix}{index}@synthetic.test");
                users::ActiveModel {
                    email: Set(email.clone()),
                    email_normalized: Set(email),
                    display_name: Set(format!("{name} Fellow {index:04}")),
                    password_hash: Set(None),
                    is_admin: Set(false),
                    disabled: Set(false),
                    created_at: Set(now - Duration::days(60)),
                    ..Default::default()
                }
            })
            .collect(),
    )
    .await;
    let mut found: Vec<(usize, i32)> = users::Entity::find()
        .filter(users::Column::Email.starts_with(&prefix))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|user| {
            let index = user
                .email
                .strip_prefix(&prefix)?
                .strip_suffix("@synthetic.test")?
                .parse()
                .ok()?;
            Some((index, user.id))
        })
        .collect();
    found.sort_unstable();
    let fellows: Vec<i32> = found.into_iter().map(|(_, id)| id).collect();
    assert_eq!(fellows.len(), size);

    insert_batches(
        app,
        fellows
            .iter()
            .map(|fellow| cohort_memberships::ActiveModel {
                user_id: Set(*fellow),
                cohort_id: Set(cohort),
                role: Set(Role::Fellow.as_str().to_owned()),
                created_at: Set(now - Duration::days(60)),
                ..Default::default()
            })
            .collect(),
    )
    .await;
    insert_batches(
        app,
        fellows
            .iter()
            .enumerate()
            .filter(|(index, _)| index % 10 != 9)
            .map(|(index, fellow)| coaching_pairs::ActiveModel {
                cohort_id: Set(cohort),
                coach_user_id: Set(coaches[index % coach_count]),
                fellow_user_id: Set(*fellow),
                created_at: Set(now),
                ..Default::default()
            })
            .collect(),
    )
    .await;
    let coached: Vec<i32> = fellows
        .iter()
        .enumerate()
        .filter(|(index, _)| index % 10 != 9 && index % coach_count == 0)
        .map(|(_, fellow)| *fellow)
        .collect();

    // Competency choices.
    let framework = load_framework(&app.db).await.unwrap();
    let overarching: Vec<i32> = framework
        .groups_of(GroupKind::Overarching)
        .flat_map(|group| group.competencies.iter().map(|c| c.id))
        .collect();
    let pathway = framework
        .groups_of(GroupKind::Pathway)
        .next()
        .expect("a pathway group");
    let decc: Vec<i32> = framework
        .groups_of(GroupKind::Decc)
        .flat_map(|group| group.competencies.iter().map(|c| c.id))
        .collect();
    let first_choice = |index: usize| overarching[index % overarching.len()];
    insert_batches(
        app,
        fellows
            .iter()
            .enumerate()
            .map(|(index, fellow)| competency_choices::ActiveModel {
                cohort_id: Set(cohort),
                fellow_user_id: Set(*fellow),
                overarching_first_id: Set(Some(first_choice(index))),
                overarching_second_id: Set(Some(overarching[(index + 1) % overarching.len()])),
                pathway_group_id: Set(Some(pathway.id)),
                pathway_competency_id: Set(Some(
                    pathway.competencies[index % pathway.competencies.len()].id,
                )),
                decc_competency_id: Set(Some(decc[index % decc.len()])),
                updated_at: Set(now),
                ..Default::default()
            })
            .collect(),
    )
    .await;

    // Assignments, workshops, a meeting and discussions in the first modules.
    let mut assignment_ids = Vec::new();
    for (position, (module, due_days)) in modules.iter().zip([-20i64, -10, 10, 30]).enumerate() {
        for number in 1..=2 {
            let assignment = assignments::ActiveModel {
                module_id: Set(*module),
                position: Set(number),
                title: Set(format!("Module {} task {number}", position + 1)),
                instructions: Set("Write a page.".into()),
                due_at: Set(Some(now + Duration::days(due_days))),
                due_zone: Set(Some("America/New_York".into())),
                feeds_part: Set(None),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .unwrap();
            if due_days < 0 {
                assignment_ids.push(assignment.id);
            }
        }
    }
    let event =
        |module: i32, kind: &str, title: String, starts_at: DateTime<Utc>| events::ActiveModel {
            cohort_id: Set(cohort),
            module_id: Set(Some(module)),
            kind: Set(kind.into()),
            title: Set(title),
            starts_at: Set(starts_at),
            zone: Set("America/New_York".into()),
            duration_minutes: Set(90),
            join_url: Set(Some("https://meet.example/workshop".into())),
            location: Set(None),
            check_in_minutes: Set(15),
            sequence: Set(0),
            cancelled_at: Set(None),
            updated_at: Set(now),
            ..Default::default()
        };
    let mut past_workshops = Vec::new();
    for (position, (module, days)) in modules.iter().zip([-21i64, -7, 7, 21]).enumerate() {
        let workshop = event(
            *module,
            "workshop",
            format!("Workshop {}", position + 1),
            now + Duration::days(days),
        )
        .insert(&app.db)
        .await
        .unwrap();
        if days < 0 {
            past_workshops.push(workshop.id);
        }
    }
    event(
        modules[0],
        "meeting",
        "Regional meeting".into(),
        now - Duration::days(14),
    )
    .insert(&app.db)
    .await
    .unwrap();
    let discussion = discussions::ActiveModel {
        module_id: Set(modules[0]),
        prompt: Set("What did you notice?".into()),
        post_first: Set(false),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();

    let mut responses = Vec::new();
    for (index, fellow) in fellows.iter().enumerate() {
        if index % 4 == 0 {
            continue;
        }
        for (number, assignment) in assignment_ids.iter().enumerate() {
            let state = if (index + number) % 2 == 0 {
                "complete"
            } else {
                "submitted"
            };
            responses.push(assignment_responses::ActiveModel {
                assignment_id: Set(*assignment),
                fellow_user_id: Set(*fellow),
                body: Set("My response.".into()),
                evidence_ids: Set("[]".into()),
                state: Set(state.into()),
                version: Set(1),
                submitted_at: Set(Some(now - Duration::days(12))),
                updated_at: Set(now - Duration::days(i64::try_from(index % 20).unwrap())),
                ..Default::default()
            });
        }
    }
    insert_batches(app, responses).await;

    let mut records = Vec::new();
    for (index, fellow) in fellows.iter().enumerate() {
        let status = ["present", "present", "late", "absent", "excused"].get(index % 6);
        if let Some(status) = status {
            for workshop in &past_workshops {
                records.push(attendance::ActiveModel {
                    event_id: Set(*workshop),
                    user_id: Set(*fellow),
                    status: Set((*status).into()),
                    checked_in_at: Set(None),
                    recorded_by_user_id: Set(None),
                    recorded_at: Set(now),
                    ..Default::default()
                });
            }
        }
    }
    insert_batches(app, records).await;

    insert_batches(
        app,
        fellows
            .iter()
            .enumerate()
            .filter(|(index, _)| index % 2 == 0)
            .map(|(index, fellow)| posts::ActiveModel {
                discussion_id: Set(discussion.id),
                parent_id: Set(None),
                author_user_id: Set(*fellow),
                body: Set(format!("Post {index}")),
                created_at: Set(now - Duration::days(3)),
                ..Default::default()
            })
            .collect(),
    )
    .await;

    let mut ratings = Vec::new();
    for (index, fellow) in fellows.iter().enumerate() {
        for (moment, stage, days) in [("start", 1, 40), ("end", 1 + (index % 3) as i32, 2)] {
            ratings.push(growth_ratings::ActiveModel {
                cohort_id: Set(cohort),
                fellow_user_id: Set(*fellow),
                competency_id: Set(first_choice(index)),
                term_position: Set(1),
                moment: Set(moment.into()),
                stage: Set(stage),
                rated_by_user_id: Set(*fellow),
                rater_role: Set("fellow".into()),
                note: Set(String::new()),
                created_at: Set(now - Duration::days(days)),
                ..Default::default()
            });
        }
    }
    insert_batches(app, ratings).await;

    // Submissions of each fellow's first overarching micro-credential.
    let mut versions = std::collections::HashMap::new();
    for competency in &overarching {
        let credential = app::entities::microcredentials::Entity::find()
            .filter(app::entities::microcredentials::Column::CompetencyId.eq(*competency))
            .one(&app.db)
            .await
            .unwrap()
            .expect("every overarching competency has a micro-credential");
        let version = app::portfolio::submission_store::current_version(&app.db, credential.id)
            .await
            .unwrap()
            .expect("the micro-credential has a definition");
        versions.insert(*competency, (credential.id, version.id));
    }
    let states = ["draft", "submitted", "in_review", "earned", "not_yet"];
    insert_batches(
        app,
        fellows
            .iter()
            .enumerate()
            .map(|(index, fellow)| {
                let state = states[index % 5];
                let attempts = match (state, index % 10) {
                    ("draft", _) => 0,
                    (_, 4) => 2,
                    _ => 1,
                };
                submissions::ActiveModel {
                    cohort_id: Set(cohort),
                    fellow_user_id: Set(*fellow),
                    microcredential_id: Set(versions[&first_choice(index)].0),
                    state: Set(state.into()),
                    attempts: Set(attempts),
                    draft_version: Set(1),
                    draft_content: Set("{}".into()),
                    draft_saved_at: Set(now - Duration::days(i64::try_from(index % 30).unwrap())),
                    review_code: Set(None),
                    created_at: Set(now - Duration::days(45)),
                    ..Default::default()
                }
            })
            .collect(),
    )
    .await;
    let submitted: Vec<submissions::Model> = submissions::Entity::find()
        .filter(submissions::Column::CohortId.eq(cohort))
        .filter(submissions::Column::Attempts.gt(0))
        .all(&app.db)
        .await
        .unwrap();
    let mut attempts = Vec::new();
    for submission in &submitted {
        for number in 1..=submission.attempts {
            let last = number == submission.attempts;
            let (outcome, decided) = match submission.state.as_str() {
                "earned" if last => (Some("earned"), true),
                "not_yet" => (Some("not_yet"), true),
                _ if !last => (Some("not_yet"), true),
                _ => (None, false),
            };
            let submitted_at = now - Duration::days(i64::from(40 - number * 10));
            let turnaround = 2 + (submission.id % 15);
            attempts.push(submission_attempts::ActiveModel {
                submission_id: Set(submission.id),
                number: Set(number),
                microcredential_version_id: Set(versions
                    .values()
                    .find(|(credential, _)| *credential == submission.microcredential_id)
                    .map(|(_, version)| *version)
                    .unwrap()),
                draft_version: Set(1),
                content: Set("{}".into()),
                submitted_at: Set(submitted_at),
                late: Set(false),
                outcome: Set(outcome.map(Into::into)),
                feedback: Set(None),
                decided_at: Set(
                    decided.then(|| submitted_at + Duration::days(i64::from(turnaround)))
                ),
                scores: Set(None),
                turnaround_days: Set(decided.then_some(turnaround)),
                turnaround_target_days: Set(decided.then_some(14)),
                ..Default::default()
            });
        }
    }
    insert_batches(app, attempts).await;

    let coach_email = format!("{slug}-coach-0@synthetic.test");
    Synthetic {
        cohort,
        fellows,
        facilitator_email,
        coach_email,
        coached,
        modules,
    }
}
