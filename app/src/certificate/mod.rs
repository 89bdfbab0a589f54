//! The Leadership Certificate of Distinction: each cohort's completion rule, fellows'
//! progress against it, staff approval, and the certificate's PDF and credentials.

use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod pdf;
#[cfg(feature = "ssr")]
pub mod store;

/// Most micro-credentials of one kind a rule can ask for.
pub const RULE_MAX_COUNT: u32 = 8;

/// Completion requirements. The default follows the program: two
/// overarching micro-credentials, one pathway, one DECC and a reviewed Capstone
/// Portfolio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub overarching: u32,
    pub pathway: u32,
    pub decc: u32,
    pub capstone_reviewed: bool,
}

impl Default for Rule {
    fn default() -> Self {
        Rule {
            overarching: 2,
            pathway: 1,
            decc: 1,
            capstone_reviewed: true,
        }
    }
}

impl Rule {
    /// Reads a stored rule; an empty or unreadable one is the default.
    pub fn from_json(text: &str) -> Rule {
        serde_json::from_str(text).unwrap_or_default()
    }

    /// Describes the rule in one sentence, for the certificate's criteria.
    pub fn narrative(&self) -> String {
        let mut parts = vec![
            format!("{} overarching", self.overarching),
            format!("{} pathway", self.pathway),
            format!(
                "{} DECC (diversity, equity and cultural competence)",
                self.decc
            ),
        ];
        parts.retain(|part| !part.starts_with('0'));
        let mut requirements = Vec::new();
        if !parts.is_empty() {
            requirements.push(format!("micro-credentials earned ({})", parts.join(", ")));
        }
        if self.capstone_reviewed {
            requirements.push("a Capstone Portfolio reviewed by a coach or facilitator".to_owned());
        }
        match requirements.is_empty() {
            true => {
                "Awarded by program staff to fellows who complete the Teacher Leadership Institute."
                    .to_owned()
            }
            false => format!(
                "Awarded to fellows who complete the Teacher Leadership Institute with {}, approved by program staff.",
                requirements.join(" and ")
            ),
        }
    }
}

/// A fellow's progress towards the certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub fellow_id: i32,
    pub fellow_name: String,
    pub overarching: u32,
    pub pathway: u32,
    pub decc: u32,
    pub capstone_reviewed: bool,
    /// The certificate credential's public id once approved.
    pub certificate: Option<String>,
}

impl Progress {
    /// Lists what the fellow still lacks under `rule`; empty when complete.
    pub fn missing(&self, rule: &Rule) -> Vec<String> {
        let mut missing = Vec::new();
        for (have, need, kind) in [
            (self.overarching, rule.overarching, "overarching"),
            (self.pathway, rule.pathway, "pathway"),
            (self.decc, rule.decc, "DECC"),
        ] {
            if have < need {
                missing.push(format!(
                    "{} more {kind} micro-credential{}",
                    need - have,
                    if need - have == 1 { "" } else { "s" }
                ));
            }
        }
        if rule.capstone_reviewed && !self.capstone_reviewed {
            missing.push("a reviewed Capstone Portfolio".to_owned());
        }
        missing
    }
}

/// The certificate page's data: the cohort's rule and every fellow's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificatesView {
    pub cohort_id: i32,
    pub cohort_name: String,
    pub rule: Rule,
    pub fellows: Vec<Progress>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progress(overarching: u32, pathway: u32, decc: u32, capstone_reviewed: bool) -> Progress {
        Progress {
            fellow_id: 1,
            fellow_name: "F".into(),
            overarching,
            pathway,
            decc,
            capstone_reviewed,
            certificate: None,
        }
    }

    #[test]
    fn default_rule_needs_four_and_capstone() {
        let rule = Rule::default();
        assert!(progress(2, 1, 1, true).missing(&rule).is_empty());
        assert_eq!(
            progress(1, 0, 1, false).missing(&rule),
            vec![
                "1 more overarching micro-credential",
                "1 more pathway micro-credential",
                "a reviewed Capstone Portfolio",
            ]
        );
    }

    #[test]
    fn stored_rule_reads_back_or_defaults() {
        let rule = Rule {
            overarching: 3,
            pathway: 0,
            decc: 1,
            capstone_reviewed: false,
        };
        assert_eq!(
            Rule::from_json(&serde_json::to_string(&rule).unwrap()),
            rule
        );
        assert_eq!(Rule::from_json(""), Rule::default());
        assert!(!rule.narrative().contains("pathway"));
        assert!(!rule.narrative().contains("Capstone"));
        let none = Rule {
            overarching: 0,
            pathway: 0,
            decc: 0,
            capstone_reviewed: false,
        };
        assert!(!none.narrative().contains("()"), "{}", none.narrative());
    }
}
