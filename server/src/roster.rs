//! Roster import from a OneRoster-style `users.csv` subset: every row is validated
//! first, and nothing is imported when any row is invalid.
//!
//! Columns, in any order, with a header row: `sourcedId`, `givenName`, `familyName`,
//! `email`, `role` (fellow, coach, reviewer or facilitator) and `cohort` (a cohort's
//! name, such as `Ohio 2027`). A UTF-8 byte-order mark, CRLF line ends and quoted
//! fields are accepted.

use std::collections::HashMap;

use app::admin::store::{Invitation, change_role, find_membership, invite};
use app::auth::input::{parse_display_name, parse_email};
use app::auth::{Membership, Role};
use app::cohorts::store::CohortDirectory;
use app::context::AppState;
use app::entities::users;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter};

pub const COLUMNS: [&str; 6] = [
    "sourcedId",
    "givenName",
    "familyName",
    "email",
    "role",
    "cohort",
];

/// One valid roster row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterRow {
    pub line: u64,
    pub source_id: String,
    pub display_name: String,
    pub email: app::auth::input::Email,
    pub role: Role,
    pub cohort_name: String,
}

/// A problem with the file or with one line of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterProblem {
    /// 1-based line in the file; `None` for the file as a whole.
    pub line: Option<u64>,
    pub message: String,
}

impl std::fmt::Display for RosterProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Parses and validates the file's text, returning every row or every problem.
pub fn parse(text: &str) -> Result<Vec<RosterRow>, Vec<RosterProblem>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let file_problem = |message: String| {
        vec![RosterProblem {
            line: None,
            message,
        }]
    };

    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(error) => {
            return Err(file_problem(format!(
                "the header row cannot be read: {error}"
            )));
        }
    };
    let mut positions = HashMap::new();
    let mut problems = Vec::new();
    for (index, name) in headers.iter().enumerate() {
        match COLUMNS
            .iter()
            .find(|column| column.eq_ignore_ascii_case(name))
        {
            Some(column) => {
                if positions.insert(*column, index).is_some() {
                    problems.push(RosterProblem {
                        line: Some(1),
                        message: format!("the column \"{name}\" appears twice"),
                    });
                }
            }
            None => problems.push(RosterProblem {
                line: Some(1),
                message: format!(
                    "unknown column \"{name}\"; the columns are {}",
                    COLUMNS.join(", ")
                ),
            }),
        }
    }
    let missing: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|column| !positions.contains_key(column))
        .collect();
    if !missing.is_empty() {
        problems.push(RosterProblem {
            line: Some(1),
            message: format!("missing column(s): {}", missing.join(", ")),
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut rows = Vec::new();
    let mut first_line_of_email: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error
                    .position()
                    .map(|position| line_at(text, position.byte()));
                problems.push(RosterProblem {
                    line,
                    message: format!("cannot be read as CSV: {error}"),
                });
                continue;
            }
        };
        // csv's own line count is off by one after CRLF; count from the byte offset.
        let line = record
            .position()
            .map_or(0, |position| line_at(text, position.byte()));
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != headers.len() {
            problems.push(RosterProblem {
                line: Some(line),
                message: format!(
                    "has {} fields, but the header has {}; check for a missing or extra comma",
                    record.len(),
                    headers.len()
                ),
            });
            continue;
        }
        let field = |column: &str| record.get(positions[column]).unwrap_or_default();
        let mut line_problems = Vec::new();

        let source_id = field("sourcedId").to_owned();
        if source_id.is_empty() {
            line_problems.push("sourcedId is empty".to_owned());
        }
        let name = format!("{} {}", field("givenName"), field("familyName"));
        let display_name = parse_display_name("name", &name)
            .map_err(|error| line_problems.push(format!("name: {error}")))
            .ok();
        let email = parse_email("email", field("email"))
            .map_err(|error| line_problems.push(format!("email: {error}")))
            .ok();
        let role = Role::parse(field("role"));
        if role.is_none() {
            line_problems.push(format!(
                "unknown role \"{}\"; use fellow, coach, reviewer or facilitator",
                field("role")
            ));
        }
        let cohort_name = field("cohort").to_owned();
        if cohort_name.is_empty() {
            line_problems.push("cohort is empty".to_owned());
        }
        if let Some(email) = &email {
            if let Some(first) = first_line_of_email.get(&email.normalized) {
                line_problems.push(format!(
                    "the email {} is already on line {first}",
                    email.as_typed
                ));
            } else {
                first_line_of_email.insert(email.normalized.clone(), line);
            }
        }

        match (line_problems.is_empty(), display_name, email, role) {
            (true, Some(display_name), Some(email), Some(role)) => rows.push(RosterRow {
                line,
                source_id,
                display_name,
                email,
                role,
                cohort_name,
            }),
            _ => problems.extend(line_problems.into_iter().map(|message| RosterProblem {
                line: Some(line),
                message,
            })),
        }
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(RosterProblem {
            line: None,
            message: "the file has a header but no rows".into(),
        });
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// Returns the 1-based line that contains byte `offset` of `text`.
fn line_at(text: &str, offset: u64) -> u64 {
    let bytes = text.as_bytes();
    let mut end = (offset as usize).min(bytes.len());
    // After a CR, csv reports the next record as starting at the LF.
    while end < bytes.len() && matches!(bytes[end], b'\r' | b'\n') {
        end += 1;
    }
    bytes[..end].iter().filter(|&&byte| byte == b'\n').count() as u64 + 1
}

/// Counts of the changes an import made, or would make with `--dry-run`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportPlan {
    pub invitations: usize,
    pub roles_added: usize,
    pub unchanged: usize,
}

/// Checks the rows against the database (cohorts must exist) and, unless `dry_run`,
/// invites new people and gives existing accounts their role.
pub async fn import(
    state: &AppState,
    rows: &[RosterRow],
    dry_run: bool,
) -> Result<ImportPlan, Vec<RosterProblem>> {
    let db_problem = |error: DbErr| {
        vec![RosterProblem {
            line: None,
            message: format!("database error: {error}"),
        }]
    };
    let directory = CohortDirectory::load(&state.db).await.map_err(db_problem)?;
    let mut problems = Vec::new();
    let mut resolved = Vec::new();
    for row in rows {
        match directory.resolve(&row.cohort_name) {
            Ok(cohort_id) => resolved.push((
                row,
                Membership {
                    cohort_id,
                    role: row.role,
                },
            )),
            Err(message) => problems.push(RosterProblem {
                line: Some(row.line),
                message,
            }),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut plan = ImportPlan::default();
    for (row, membership) in resolved {
        let existing = users::Entity::find()
            .filter(users::Column::EmailNormalized.eq(row.email.normalized.as_str()))
            .one(&state.db)
            .await
            .map_err(db_problem)?;
        let problem = |error: app::error::AppError| {
            vec![RosterProblem {
                line: Some(row.line),
                message: error.to_string(),
            }]
        };
        match existing {
            None => {
                plan.invitations += 1;
                if !dry_run {
                    let invitation = Invitation {
                        email: row.email.clone(),
                        display_name: row.display_name.clone(),
                        membership: Some(membership),
                        administrator: false,
                    };
                    invite(state, None, &invitation).await.map_err(problem)?;
                }
            }
            Some(user) => {
                let has_role = find_membership(&state.db, user.id, membership)
                    .await
                    .map_err(db_problem)?
                    .is_some();
                if has_role {
                    plan.unchanged += 1;
                } else {
                    plan.roles_added += 1;
                    if !dry_run {
                        change_role(&state.db, None, user.id, membership, true)
                            .await
                            .map_err(problem)?;
                    }
                }
            }
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "sourcedId,givenName,familyName,email,role,cohort";

    fn problems(text: &str) -> Vec<String> {
        parse(text)
            .unwrap_err()
            .into_iter()
            .map(|problem| problem.to_string())
            .collect()
    }

    #[test]
    fn parses_bom_crlf_and_quoted_commas() {
        let text = format!(
            "\u{feff}{HEADER}\r\nf-1,\"Lopez, Jr.\",Ana,Ana@School.org,Fellow,Ohio 2027\r\nf-2,Li,Wei,wei@school.org,coach,Ohio 2027\r\n"
        );
        let rows = parse(&text).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].display_name, "Lopez, Jr. Ana");
        assert_eq!(rows[0].email.normalized, "ana@school.org");
        assert_eq!(rows[0].role, Role::Fellow);
        assert_eq!(rows[1].line, 3);
    }

    #[test]
    fn reports_missing_and_unknown_columns() {
        let found =
            problems("sourcedId,givenName,email,role,cohort,shoeSize\nx,A,a@b.org,fellow,Ohio\n");
        assert!(
            found
                .iter()
                .any(|p| p.contains("unknown column \"shoeSize\"")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.contains("missing column(s): familyName")),
            "{found:?}"
        );
    }

    #[test]
    fn reports_each_bad_row_with_its_line() {
        let text = format!(
            "{HEADER}\nf-1,Ana,Lopez,ana@school.org,fellow,Ohio 2027\nf-2,Bo,Li,not-an-email,fellow,Ohio 2027\nf-3,Cy,Ng,cy@school.org,principal,Ohio 2027\nf-4,Di,Wu,ANA@school.org,coach,Ohio 2027\nf-5,Ed,Yu,ed@school.org,fellow\n"
        );
        let found = problems(&text);
        assert!(
            found.iter().any(|p| p.starts_with("line 3: email")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("line 4: unknown role \"principal\"")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("line 5: the email ANA@school.org is already on line 2")),
            "{found:?}"
        );
        assert!(
            found.iter().any(|p| p.starts_with("line 6: has 5 fields")),
            "{found:?}"
        );
        assert_eq!(found.len(), 4, "{found:?}");
    }

    #[test]
    fn keeps_names_in_any_script() {
        let text = format!("{HEADER}\nf-1,Thị Minh,Nguyễn,minh@school.org,fellow,Ohio 2027\n");
        assert_eq!(parse(&text).unwrap()[0].display_name, "Thị Minh Nguyễn");
    }

    #[test]
    fn empty_file_is_a_problem() {
        assert!(!problems(&format!("{HEADER}\n")).is_empty());
    }
}
