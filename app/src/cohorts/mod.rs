//! Cohorts: listing them and adding new ones.

mod api;
pub mod input;
mod page;
pub mod schedule;
pub mod schedule_api;
mod schedule_page;
#[cfg(feature = "ssr")]
pub mod schedule_store;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::{
    CreateCohort, ListCohorts, ListMyCohorts, create_cohort, list_cohorts, list_my_cohorts,
};
pub use page::CohortsPage;
pub use schedule_page::{CohortPage, DeadlineText, TimeZoneOptions, cohort_id_param};

use serde::{Deserialize, Serialize};

/// A cohort as pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortSummary {
    pub id: i32,
    pub name: String,
    pub year: i32,
}

/// Returns a cohort's name for lists and menus, with its year added unless the name already
/// contains it (as in "Ohio 2027").
pub fn cohort_label(name: &str, year: i32) -> String {
    if name.contains(&year.to_string()) {
        name.to_owned()
    } else {
        format!("{name} ({year})")
    }
}
