//! Pages that belong to no particular area.

mod home;
mod not_found;
mod role_home;

pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use role_home::RoleHomePage;
