//! Demo data for trying TLI Hub on a laptop. Seeding twice changes nothing the second time.

use app::admin::store::insert_membership;
use app::auth::password::hash_password;
use app::auth::{Membership, Role};
use app::cohorts::input::NewCohort;
use app::cohorts::store;
use app::entities::{cohorts, users};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter,
};

/// Demo cohorts as (name, year).
const DEMO_COHORTS: [(&str, i32); 2] = [("Ohio 2027", 2027), ("Nevada 2027", 2027)];

/// The password of every demo account. Demo data is for laptops only.
pub const DEMO_PASSWORD: &str = "tli-demo-password";

/// A demo account: email, name, administrator, roles in the first demo cohort.
struct DemoUser {
    email: &'static str,
    name: &'static str,
    is_admin: bool,
    roles: &'static [Role],
}

/// The people are invented; their names and addresses belong to no one.
const DEMO_USERS: [DemoUser; 5] = [
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
        roles: &[Role::Facilitator],
    },
    DemoUser {
        email: "coach@demo.tli-hub.test",
        name: "Corin Vale",
        is_admin: false,
        roles: &[Role::Coach],
    },
    DemoUser {
        email: "reviewer@demo.tli-hub.test",
        name: "Remy Stroud",
        is_admin: false,
        roles: &[Role::Reviewer],
    },
    DemoUser {
        email: "fellow@demo.tli-hub.test",
        name: "Fen Marlow",
        is_admin: false,
        roles: &[Role::Fellow],
    },
];

/// Counts of the rows a seeding run created.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub cohorts_created: usize,
    pub users_created: usize,
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
                    .map(|role| role.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            (user.email, role)
        })
        .collect()
}

/// Creates the default program, the demo cohorts and the demo accounts that do not
/// exist yet.
pub async fn seed_demo(db: &DatabaseConnection) -> Result<SeedReport, String> {
    let failed = |error: sea_orm::DbErr| error.to_string();
    let mut report = SeedReport::default();
    let program_id = store::default_program_id(db).await.map_err(failed)?;
    let mut first_cohort_id = None;
    for (name, year) in DEMO_COHORTS {
        let existing = cohorts::Entity::find()
            .filter(cohorts::Column::ProgramId.eq(program_id))
            .filter(cohorts::Column::Name.eq(name))
            .filter(cohorts::Column::Year.eq(year))
            .one(db)
            .await
            .map_err(failed)?;
        let id = match existing {
            Some(cohort) => cohort.id,
            None => {
                report.cohorts_created += 1;
                store::insert(
                    db,
                    &NewCohort {
                        name: name.to_owned(),
                        year,
                    },
                )
                .await
                .map_err(failed)?
                .id
            }
        };
        first_cohort_id.get_or_insert(id);
    }
    let cohort_id = first_cohort_id.ok_or("no demo cohort")?;

    let password_hash = hash_password(DEMO_PASSWORD.to_owned())
        .await
        .map_err(|error| error.to_string())?;
    for demo in &DEMO_USERS {
        let exists = users::Entity::find()
            .filter(users::Column::EmailNormalized.eq(demo.email))
            .count(db)
            .await
            .map_err(failed)?;
        if exists > 0 {
            continue;
        }
        let user = users::ActiveModel {
            email: Set(demo.email.to_owned()),
            email_normalized: Set(demo.email.to_owned()),
            display_name: Set(demo.name.to_owned()),
            password_hash: Set(Some(password_hash.clone())),
            is_admin: Set(demo.is_admin),
            disabled: Set(false),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await
        .map_err(failed)?;
        for role in demo.roles {
            insert_membership(
                db,
                user.id,
                Membership {
                    cohort_id,
                    role: *role,
                },
            )
            .await
            .map_err(failed)?;
        }
        report.users_created += 1;
    }
    Ok(report)
}
