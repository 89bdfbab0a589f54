//! The one place that decides what each person may do. Every server function and every
//! page that shows private data calls `authorize` before it reads or writes.

use super::{Actor, Role};
use crate::error::AppError;

/// Everything a request can ask to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See one's own account and home page.
    ViewOwnHome,
    /// See a role's home page; requires holding that role somewhere.
    ViewRoleHome(Role),
    /// See the list of cohorts.
    ListCohorts,
    /// Create a cohort.
    CreateCohort,
    /// See who belongs to a cohort.
    ViewCohort(i32),
    /// List, invite, disable and change the roles of users.
    ManageUsers,
    /// Read the audit log.
    ViewAuditLog,
    /// Read the mail outbox.
    ViewOutbox,
    /// Read the competency framework and the micro-credential definitions.
    ViewFramework,
    /// Import, export and edit the framework and the micro-credential definitions.
    ManageFramework,
    /// Change a cohort's details, terms, modules, deadlines and lock dates.
    ManageCohort(i32),
    /// Choose one's own competencies and rate one's own growth in a cohort.
    ChooseOwnCompetencies(i32),
    /// See the fellows of a cohort with their choices and growth ratings.
    ViewFellowProgress(i32),
    /// Add a coach's growth rating for a fellow of a cohort.
    RateFellowGrowth(i32),
    /// Change a fellow's competency choices, also after they lock.
    ChangeFellowChoices(i32),
    /// Keep an evidence library; fellows of any cohort may.
    KeepPortfolio,
    /// Write and submit one's own micro-credential submissions in a cohort.
    SubmitOwnWork(i32),
    /// Record a coaching meeting for a fellow of a cohort.
    RecordCoachingMeeting(i32),
    /// Score the submissions assigned to oneself; reviewers of any cohort may.
    ReviewSubmissions,
    /// Assign reviews, reconcile double scoring as lead reviewer, set the review
    /// settings, keep calibration anchors and reveal a fellow's identity with a reason.
    /// Facilitators of any cohort may.
    ManageReviews,
    /// Read a cohort's modules, materials, assignments, discussions and schedule;
    /// fellows, coaches and facilitators of the cohort may.
    ViewModules(i32),
    /// Edit a cohort's materials, assignments and discussion settings, decide
    /// assignment responses, schedule workshops and meetings and take attendance.
    ManageModules(i32),
    /// Write in a cohort's discussions.
    Discuss(i32),
    /// Hide posts in a cohort's discussions, with a reason.
    ModerateDiscussions(i32),
    /// Respond to assignments and check in to events of a cohort.
    TakePart(i32),
    /// Pair coaches with fellows in a cohort.
    PairCoaches(i32),
    /// Coach one's paired fellows in a cohort: schedule and log sessions.
    Coach(i32),
    /// See a cohort's dashboard: facilitators see every fellow, coaches the fellows
    /// they coach.
    ViewDashboard(i32),
    /// Write to a fellow of a cohort from the dashboard; coaches only to their own
    /// fellows.
    MessageFellows(i32),
    /// See the program dashboard across cohorts.
    ViewProgramDashboard,
    /// Revoke a credential earned in a cohort, with a reason.
    RevokeCredentials(i32),
    /// Read a cohort's capstone portfolios and give formative feedback.
    ReviewCapstones(i32),
    /// Approve certificates for a cohort's fellows who completed the program.
    ApproveCertificates(i32),
    /// Download an archive of everything of one's own.
    ExportOwnData,
    /// Download an archive of a whole cohort's work.
    ExportCohort(i32),
    /// Delete a person's data on their request.
    DeletePersonData,
}

/// Returns `Ok` when `actor` may perform `action`. Anonymous callers get
/// `Unauthenticated`; signed-in callers without permission get `Forbidden`.
pub fn authorize(actor: &Actor, action: Action) -> Result<(), AppError> {
    let Some(user) = actor.user() else {
        return Err(AppError::Unauthenticated);
    };
    if user.is_admin {
        return Ok(());
    }
    let allowed = match action {
        Action::ViewOwnHome => true,
        Action::ViewRoleHome(role) => user.has_role(role),
        Action::ListCohorts => user.has_role(Role::Facilitator) || user.has_role(Role::Coach),
        Action::ViewCohort(cohort_id) => user.is_member_of(cohort_id),
        Action::ViewFramework => true,
        Action::ManageCohort(cohort_id) | Action::ChangeFellowChoices(cohort_id) => {
            user.has_role_in(cohort_id, Role::Facilitator)
        }
        Action::ChooseOwnCompetencies(cohort_id) => user.has_role_in(cohort_id, Role::Fellow),
        Action::ViewFellowProgress(cohort_id) => {
            user.has_role_in(cohort_id, Role::Facilitator)
                || user.has_role_in(cohort_id, Role::Coach)
        }
        Action::RateFellowGrowth(cohort_id) => user.has_role_in(cohort_id, Role::Coach),
        Action::KeepPortfolio => user.has_role(Role::Fellow),
        Action::SubmitOwnWork(cohort_id) => user.has_role_in(cohort_id, Role::Fellow),
        Action::RecordCoachingMeeting(cohort_id) => {
            user.has_role_in(cohort_id, Role::Coach)
                || user.has_role_in(cohort_id, Role::Facilitator)
        }
        Action::ReviewSubmissions => user.has_role(Role::Reviewer),
        Action::ManageReviews => user.has_role(Role::Facilitator),
        // Reviewers score the cohort's work blind, so they do not read its modules,
        // discussions or schedule, where fellows are named.
        Action::ViewModules(cohort_id) => {
            user.has_role_in(cohort_id, Role::Fellow)
                || user.has_role_in(cohort_id, Role::Coach)
                || user.has_role_in(cohort_id, Role::Facilitator)
        }
        Action::ManageModules(cohort_id)
        | Action::ModerateDiscussions(cohort_id)
        | Action::PairCoaches(cohort_id) => user.has_role_in(cohort_id, Role::Facilitator),
        Action::Discuss(cohort_id) => {
            user.has_role_in(cohort_id, Role::Fellow)
                || user.has_role_in(cohort_id, Role::Facilitator)
                || user.has_role_in(cohort_id, Role::Coach)
        }
        Action::TakePart(cohort_id) => user.has_role_in(cohort_id, Role::Fellow),
        Action::Coach(cohort_id) => user.has_role_in(cohort_id, Role::Coach),
        Action::ViewDashboard(cohort_id) | Action::MessageFellows(cohort_id) => {
            user.has_role_in(cohort_id, Role::Facilitator)
                || user.has_role_in(cohort_id, Role::Coach)
        }
        Action::ExportOwnData => true,
        Action::RevokeCredentials(cohort_id)
        | Action::ApproveCertificates(cohort_id)
        | Action::ExportCohort(cohort_id) => user.has_role_in(cohort_id, Role::Facilitator),
        Action::ReviewCapstones(cohort_id) => {
            user.has_role_in(cohort_id, Role::Facilitator)
                || user.has_role_in(cohort_id, Role::Coach)
        }
        Action::CreateCohort
        | Action::ManageUsers
        | Action::ViewAuditLog
        | Action::ViewOutbox
        | Action::ManageFramework
        | Action::ViewProgramDashboard
        | Action::DeletePersonData => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{CurrentUser, Membership};

    fn user(is_admin: bool, memberships: &[(i32, Role)]) -> Actor {
        Actor::User(CurrentUser {
            id: 1,
            email: "a@example.org".into(),
            display_name: "A".into(),
            is_admin,
            memberships: memberships
                .iter()
                .map(|&(cohort_id, role)| Membership { cohort_id, role })
                .collect(),
            time_zone: None,
        })
    }

    #[test]
    fn anonymous_is_unauthenticated() {
        assert_eq!(
            authorize(&Actor::Anonymous, Action::ViewOwnHome),
            Err(AppError::Unauthenticated)
        );
    }

    #[test]
    fn admin_may_do_everything() {
        let admin = user(true, &[]);
        for action in [
            Action::ManageUsers,
            Action::CreateCohort,
            Action::ViewCohort(9),
            Action::ViewOutbox,
        ] {
            assert_eq!(authorize(&admin, action), Ok(()), "{action:?}");
        }
    }

    #[test]
    fn cohort_access_needs_membership_of_that_cohort() {
        let fellow = user(false, &[(1, Role::Fellow)]);
        assert_eq!(authorize(&fellow, Action::ViewCohort(1)), Ok(()));
        assert_eq!(
            authorize(&fellow, Action::ViewCohort(2)),
            Err(AppError::Forbidden)
        );
    }

    #[test]
    fn role_home_needs_the_role() {
        let coach = user(false, &[(1, Role::Coach)]);
        assert_eq!(authorize(&coach, Action::ViewRoleHome(Role::Coach)), Ok(()));
        assert_eq!(
            authorize(&coach, Action::ViewRoleHome(Role::Reviewer)),
            Err(AppError::Forbidden)
        );
    }

    #[test]
    fn only_admins_manage_users() {
        let facilitator = user(false, &[(1, Role::Facilitator)]);
        assert_eq!(
            authorize(&facilitator, Action::ManageUsers),
            Err(AppError::Forbidden)
        );
        assert_eq!(authorize(&facilitator, Action::ListCohorts), Ok(()));
    }

    #[test]
    fn cohort_staff_powers_stay_in_their_cohort() {
        let facilitator = user(false, &[(1, Role::Facilitator), (2, Role::Fellow)]);
        assert_eq!(authorize(&facilitator, Action::ManageCohort(1)), Ok(()));
        assert_eq!(
            authorize(&facilitator, Action::ChangeFellowChoices(1)),
            Ok(())
        );
        assert_eq!(
            authorize(&facilitator, Action::ManageCohort(2)),
            Err(AppError::Forbidden)
        );
        assert_eq!(
            authorize(&facilitator, Action::ChooseOwnCompetencies(2)),
            Ok(())
        );
        assert_eq!(
            authorize(&facilitator, Action::ChooseOwnCompetencies(1)),
            Err(AppError::Forbidden)
        );
        assert_eq!(
            authorize(&facilitator, Action::ManageFramework),
            Err(AppError::Forbidden)
        );
        let coach = user(false, &[(1, Role::Coach)]);
        assert_eq!(authorize(&coach, Action::RateFellowGrowth(1)), Ok(()));
        assert_eq!(authorize(&coach, Action::ViewFellowProgress(1)), Ok(()));
        assert_eq!(
            authorize(&coach, Action::ChangeFellowChoices(1)),
            Err(AppError::Forbidden)
        );
        assert_eq!(
            authorize(&coach, Action::RateFellowGrowth(2)),
            Err(AppError::Forbidden)
        );
    }
}
