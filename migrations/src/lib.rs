//! Schema migrations for TLI Hub. The same migrations run on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m20261204_000001_programs_and_cohorts;
mod m20261204_000002_accounts;
mod m20261204_000003_session_owner;
mod m20261204_000004_program_structure;
mod m20261205_000005_portfolio;
mod m20261206_000006_reviews;
mod m20261207_000007_modules;
mod m20261208_000008_credentials;
mod m20261209_000009_capstones;
mod m20261210_000010_data_lifecycle;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261204_000001_programs_and_cohorts::Migration),
            Box::new(m20261204_000002_accounts::Migration),
            Box::new(m20261204_000003_session_owner::Migration),
            Box::new(m20261204_000004_program_structure::Migration),
            Box::new(m20261205_000005_portfolio::Migration),
            Box::new(m20261206_000006_reviews::Migration),
            Box::new(m20261207_000007_modules::Migration),
            Box::new(m20261208_000008_credentials::Migration),
            Box::new(m20261209_000009_capstones::Migration),
            Box::new(m20261210_000010_data_lifecycle::Migration),
        ]
    }
}
