//! Open Badges 3.0 credentials: issuing a signed credential when a fellow earns a
//! micro-credential, publishing it, baking it into a badge image, verifying it and
//! revoking it.

use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod baking;
#[cfg(feature = "ssr")]
pub mod document;
#[cfg(feature = "ssr")]
pub mod keys;
#[cfg(feature = "ssr")]
pub mod proof;
#[cfg(feature = "ssr")]
pub mod schema;
#[cfg(feature = "ssr")]
pub mod status;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod verify;

/// Kind of achievement a credential recognizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    Microcredential,
    /// The Leadership Certificate of Distinction.
    Certificate,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Microcredential => "microcredential",
            Kind::Certificate => "certificate",
        }
    }
}

/// One step of verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckName {
    Format,
    Schema,
    Issuer,
    Signature,
    Status,
    Dates,
    /// The credentials a Comprehensive Learner Record bundles.
    Bundled,
}

impl CheckName {
    pub fn label(self) -> &'static str {
        match self {
            CheckName::Format => "Readable credential",
            CheckName::Schema => "Open Badges 3.0 schema",
            CheckName::Issuer => "Issuer's published key",
            CheckName::Signature => "Signature",
            CheckName::Status => "Not revoked",
            CheckName::Dates => "Within its validity dates",
            CheckName::Bundled => "Bundled credentials",
        }
    }
}

/// The outcome of one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Check {
    Passed,
    Failed(String),
    /// An earlier step failed, so this one could not run.
    NotChecked,
}

/// A verification report: each step and its outcome, with the credential's own name
/// and id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub checks: Vec<(CheckName, Check)>,
    pub name: Option<String>,
    pub id: Option<String>,
    /// The issuer's name as the credential states it.
    pub issuer: Option<String>,
    /// Recipient as the credential identifies it: an address, or a hashed email.
    pub recipient: Option<String>,
}

impl Report {
    pub fn push(&mut self, name: CheckName, check: Check) {
        self.checks.push((name, check));
    }

    /// Returns whether every step ran and passed.
    pub fn valid(&self) -> bool {
        self.checks.len() >= 6 && self.checks.iter().all(|(_, check)| *check == Check::Passed)
    }
}
