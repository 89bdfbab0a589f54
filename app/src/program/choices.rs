//! The rules for fellows' competency choices. The server applies them to every save,
//! by fellows and by staff alike, and each broken rule has its own message.
//!
//! First term: exactly two different overarching competencies. Second term: one
//! pathway, one competency in that pathway, and one DECC focus area.

use std::collections::HashMap;

use super::format::GroupKind;

/// The parts of the framework that the rules read.
#[derive(Debug, Clone, Default)]
pub struct ChoiceCatalog {
    /// Competency id to (group id, name).
    pub competencies: HashMap<i32, (i32, String)>,
    /// Group id to (kind, name).
    pub groups: HashMap<i32, (GroupKind, String)>,
}

impl ChoiceCatalog {
    fn competency(&self, id: i32) -> Option<(&str, i32, GroupKind)> {
        let (group_id, name) = self.competencies.get(&id)?;
        let (kind, _) = self.groups.get(group_id)?;
        Some((name.as_str(), *group_id, *kind))
    }

    fn overarching_count(&self) -> usize {
        self.competencies
            .values()
            .filter(|(group, _)| {
                matches!(self.groups.get(group), Some((GroupKind::Overarching, _)))
            })
            .count()
    }

    /// Names the pathways, as in "A, B or C".
    fn pathway_names(&self) -> String {
        let mut names: Vec<&str> = self
            .groups
            .values()
            .filter(|(kind, _)| *kind == GroupKind::Pathway)
            .map(|(_, name)| name.as_str())
            .collect();
        names.sort_unstable();
        match names.split_last() {
            None => "one of the pathways".to_owned(),
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        }
    }

    fn group_name(&self, id: i32) -> &str {
        self.groups.get(&id).map_or("?", |(_, name)| name.as_str())
    }
}

/// A broken rule: the form field it concerns and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceProblem {
    pub field: &'static str,
    pub rule: ChoiceRule,
    pub message: String,
}

/// The rule a choice broke, for tests and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChoiceRule {
    UnknownCompetency,
    TooFewOverarching,
    TooManyOverarching,
    SameOverarchingTwice,
    NotOverarching,
    PathwayMissing,
    NotAPathway,
    PathwayCompetencyMissing,
    CompetencyOutsidePathway,
    DeccMissing,
    NotDecc,
}

fn problem(field: &'static str, rule: ChoiceRule, message: String) -> ChoiceProblem {
    ChoiceProblem {
        field,
        rule,
        message,
    }
}

/// Checks a first-term pick. Returns the two competencies in the order given.
pub fn check_first_term(
    catalog: &ChoiceCatalog,
    picked: &[i32],
) -> Result<(i32, i32), ChoiceProblem> {
    const FIELD: &str = "overarching";
    for &id in picked {
        match catalog.competency(id) {
            None => {
                return Err(problem(
                    FIELD,
                    ChoiceRule::UnknownCompetency,
                    format!(
                        "Competency {id} is not in the framework. Reload the page and choose again."
                    ),
                ));
            }
            Some((name, _, kind)) if kind != GroupKind::Overarching => {
                return Err(problem(
                    FIELD,
                    ChoiceRule::NotOverarching,
                    format!(
                        "{name} is not an overarching competency. For the first term, choose two of the {} overarching competencies.",
                        catalog.overarching_count()
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    match picked {
        [first, second] if first == second => Err(problem(
            FIELD,
            ChoiceRule::SameOverarchingTwice,
            format!(
                "You chose {} twice. Choose two different overarching competencies.",
                catalog.competency(*first).map_or("it", |c| c.0)
            ),
        )),
        [first, second] => Ok((*first, *second)),
        [] | [_] => Err(problem(
            FIELD,
            ChoiceRule::TooFewOverarching,
            format!(
                "Choose two overarching competencies; you chose {}.",
                if picked.is_empty() { "none" } else { "one" }
            ),
        )),
        _ => Err(problem(
            FIELD,
            ChoiceRule::TooManyOverarching,
            format!(
                "Choose exactly two overarching competencies; you chose {}. Clear all but two.",
                picked.len()
            ),
        )),
    }
}

/// A complete second-term pick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecondTermPick {
    pub pathway_group_id: i32,
    pub pathway_competency_id: i32,
    pub decc_competency_id: i32,
}

/// Checks a second-term pick.
pub fn check_second_term(
    catalog: &ChoiceCatalog,
    pathway: Option<i32>,
    pathway_competency: Option<i32>,
    decc: Option<i32>,
) -> Result<SecondTermPick, ChoiceProblem> {
    let Some(pathway) = pathway else {
        return Err(problem(
            "pathway",
            ChoiceRule::PathwayMissing,
            format!("Choose a pathway: {}.", catalog.pathway_names()),
        ));
    };
    match catalog.groups.get(&pathway) {
        Some((GroupKind::Pathway, _)) => {}
        _ => {
            return Err(problem(
                "pathway",
                ChoiceRule::NotAPathway,
                "That is not one of the pathways. Choose one of the pathways listed.".to_owned(),
            ));
        }
    }
    let Some(pathway_competency) = pathway_competency else {
        return Err(problem(
            "pathway_competency",
            ChoiceRule::PathwayCompetencyMissing,
            format!(
                "Choose one competency from the {} pathway.",
                catalog.group_name(pathway)
            ),
        ));
    };
    match catalog.competency(pathway_competency) {
        None => {
            return Err(problem(
                "pathway_competency",
                ChoiceRule::UnknownCompetency,
                format!(
                    "Competency {pathway_competency} is not in the framework. Reload the page and choose again."
                ),
            ));
        }
        Some((name, group_id, _)) if group_id != pathway => {
            return Err(problem(
                "pathway_competency",
                ChoiceRule::CompetencyOutsidePathway,
                format!(
                    "{name} is not in the {} pathway. Choose a competency from that pathway, or change the pathway.",
                    catalog.group_name(pathway)
                ),
            ));
        }
        Some(_) => {}
    }
    let Some(decc) = decc else {
        return Err(problem(
            "decc",
            ChoiceRule::DeccMissing,
            "Choose one diversity, equity and cultural competence (DECC) focus area.".to_owned(),
        ));
    };
    match catalog.competency(decc) {
        None => Err(problem(
            "decc",
            ChoiceRule::UnknownCompetency,
            format!("Competency {decc} is not in the framework. Reload the page and choose again."),
        )),
        Some((name, _, kind)) if kind != GroupKind::Decc => Err(problem(
            "decc",
            ChoiceRule::NotDecc,
            format!("{name} is not a DECC focus area. Choose one of the focus areas listed."),
        )),
        Some(_) => Ok(SecondTermPick {
            pathway_group_id: pathway,
            pathway_competency_id: pathway_competency,
            decc_competency_id: decc,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> ChoiceCatalog {
        let mut catalog = ChoiceCatalog::default();
        catalog
            .groups
            .insert(1, (GroupKind::Overarching, "Overarching".into()));
        catalog
            .groups
            .insert(2, (GroupKind::Pathway, "Instructional".into()));
        catalog
            .groups
            .insert(3, (GroupKind::Pathway, "Policy".into()));
        catalog.groups.insert(4, (GroupKind::Decc, "DECC".into()));
        for (id, group, name) in [
            (10, 1, "Communication"),
            (11, 1, "Group Processes"),
            (12, 1, "Adult Learning"),
            (20, 2, "Coaching and Mentoring"),
            (30, 3, "Policy Advocacy"),
            (40, 4, "Valuing Diversity"),
        ] {
            catalog.competencies.insert(id, (group, name.into()));
        }
        catalog
    }

    fn rule<T: std::fmt::Debug>(result: Result<T, ChoiceProblem>) -> ChoiceRule {
        result.unwrap_err().rule
    }

    #[test]
    fn first_term_rules_each_have_their_own_message() {
        let c = catalog();
        assert_eq!(check_first_term(&c, &[10, 11]), Ok((10, 11)));
        assert_eq!(
            rule(check_first_term(&c, &[])),
            ChoiceRule::TooFewOverarching
        );
        assert_eq!(
            rule(check_first_term(&c, &[10])),
            ChoiceRule::TooFewOverarching
        );
        assert_eq!(
            rule(check_first_term(&c, &[10, 11, 12])),
            ChoiceRule::TooManyOverarching
        );
        assert_eq!(
            rule(check_first_term(&c, &[10, 10])),
            ChoiceRule::SameOverarchingTwice
        );
        assert_eq!(
            rule(check_first_term(&c, &[10, 20])),
            ChoiceRule::NotOverarching
        );
        assert_eq!(
            rule(check_first_term(&c, &[10, 99])),
            ChoiceRule::UnknownCompetency
        );
        let message = check_first_term(&c, &[10, 20]).unwrap_err().message;
        assert!(
            message.starts_with("Coaching and Mentoring is not an overarching"),
            "{message}"
        );
    }

    #[test]
    fn second_term_rules_each_have_their_own_message() {
        let c = catalog();
        assert!(check_second_term(&c, Some(2), Some(20), Some(40)).is_ok());
        assert_eq!(
            rule(check_second_term(&c, None, Some(20), Some(40))),
            ChoiceRule::PathwayMissing
        );
        assert_eq!(
            rule(check_second_term(&c, Some(1), Some(20), Some(40))),
            ChoiceRule::NotAPathway
        );
        assert_eq!(
            rule(check_second_term(&c, Some(2), None, Some(40))),
            ChoiceRule::PathwayCompetencyMissing
        );
        assert_eq!(
            rule(check_second_term(&c, Some(3), Some(20), Some(40))),
            ChoiceRule::CompetencyOutsidePathway
        );
        assert_eq!(
            rule(check_second_term(&c, Some(2), Some(20), None)),
            ChoiceRule::DeccMissing
        );
        assert_eq!(
            rule(check_second_term(&c, Some(2), Some(20), Some(10))),
            ChoiceRule::NotDecc
        );
        assert_eq!(
            rule(check_second_term(&c, Some(2), Some(99), Some(40))),
            ChoiceRule::UnknownCompetency
        );
    }

    proptest::proptest! {
        /// Any pick of ids passes exactly when it is two different overarching ids.
        #[test]
        fn first_term_accepts_exactly_two_different_overarching(
            picked in proptest::collection::vec(proptest::sample::select(vec![10, 11, 12, 20, 30, 40, 99]), 0..5)
        ) {
            let c = catalog();
            let valid = picked.len() == 2
                && picked[0] != picked[1]
                && picked.iter().all(|id| [10, 11, 12].contains(id));
            proptest::prop_assert_eq!(check_first_term(&c, &picked).is_ok(), valid);
        }

        /// Any second-term pick passes exactly when the competency is in the chosen
        /// pathway and the focus area is a DECC one.
        #[test]
        fn second_term_accepts_only_coherent_picks(
            pathway in proptest::option::of(proptest::sample::select(vec![1, 2, 3, 4, 9])),
            competency in proptest::option::of(proptest::sample::select(vec![10, 20, 30, 40, 99])),
            decc in proptest::option::of(proptest::sample::select(vec![10, 20, 40, 99])),
        ) {
            let c = catalog();
            let group_of = |id: i32| c.competencies.get(&id).map(|(group, _)| *group);
            let valid = matches!(pathway, Some(2 | 3))
                && competency.and_then(group_of) == pathway
                && decc == Some(40);
            proptest::prop_assert_eq!(check_second_term(&c, pathway, competency, decc).is_ok(), valid);
        }
    }
}
