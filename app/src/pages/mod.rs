//! Pages that belong to no particular area.

mod account;
mod home;
mod not_found;
mod role_home;

pub use account::{AccountPage, SetTimeZone};
pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use role_home::RoleHomePage;
